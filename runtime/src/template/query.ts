import { encodeQueryComponent, toText } from './render.js';

/**
 * Where a query parameter was written, which decides how a missing value is treated:
 * - `url`: written in the URL (`?a={{.args.a}}`): the whole rendered text, dropped when empty;
 * - `entry`: an `@http(query:)` entry: a missing value gives a bare key;
 * - `skip-empty`: an entry with `skipEmpty: true`: a missing value drops the parameter.
 */
export type QueryOrigin = 'url' | 'entry' | 'skip-empty';

export type QueryParam = readonly [key: string, value: unknown, origin: QueryOrigin];

/**
 * Builds the query string (with its leading `?`, or nothing) following
 * Tailcall's rules: URL parameters first and only when non-empty; then the
 * entries in order, where a missing value gives a bare `key` (or nothing with
 * `skipEmpty`), null, objects and empty lists give a bare `key`, lists repeat
 * the key, and anything else gives `key=value`.
 */
export function buildQuery(params: readonly QueryParam[]): string {
  const pieces: string[] = [];
  for (const [key, value, origin] of params) {
    const name = encodeQueryComponent(key);
    if (origin === 'url') {
      const text = toText(value);
      if (text !== '') pieces.push(`${name}=${encodeQueryComponent(text)}`);
      continue;
    }
    if (value === undefined) {
      if (origin !== 'skip-empty') pieces.push(name);
      continue;
    }
    if (Array.isArray(value)) {
      if (value.length === 0) pieces.push(name);
      for (const item of value) pieces.push(pair(name, item));
      continue;
    }
    pieces.push(pair(name, value));
  }

  return pieces.length === 0 ? '' : `?${pieces.join('&')}`;
}

function pair(name: string, value: unknown): string {
  if (value === null || value === undefined || typeof value === 'object') return name;
  return `${name}=${encodeQueryComponent(toText(value))}`;
}
