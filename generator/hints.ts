/**
 * Hints: one line under a diagnostic saying what would fix it, where the message alone does
 * not. Diagnostics that carry their own hint keep it.
 */
import type { Diagnostic, DiagnosticCode } from './diagnostics.ts';
import { DIRECTIVES } from './load/directive-specs.ts';

/**
 * The setting every hint suggests to turn batching on: Tailcall batches only from `delay: 1` (ms),
 * the value its own benchmark config uses; a longer delay only makes each response wait.
 */
export const ENABLE_BATCHING = '@upstream(batch: {delay: 1})';

const BY_CODE: Partial<Record<DiagnosticCode, string>> = {
  TCG_MISSING_BASE_URL:
    'add @upstream(baseURL: "http://...") to the schema, or give the whole URL with @http(url:)',
  TCG_PROTECTED_NO_PROVIDER:
    'link a key set or an htpasswd file: schema @link(id: "jwt", type: Jwks, src: "jwks.json")',
  TCG_MISSING_RESOLVER:
    'give the field @http(url:) or @expr(body:), or return a type whose fields have resolvers',
  TCG_MISSING_QUERY_ROOT: 'declare the root: schema { query: Query } and type Query { ... }',
  TCG_TEMPLATE_UNKNOWN_VAR: 'declare it: schema @server(vars: [{key: "name", value: "..."}])',
  TCG_HEADER_NOT_ALLOWED:
    'list the header in @upstream(allowedHeaders: [...]) to read the value the client sends',
};

/** Adds a hint to each diagnostic that has none and can use one. */
export function addHints(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.map((d) => {
    if (d.hint) return d;
    const hint = hintFor(d);
    return hint ? { ...d, hint } : d;
  });
}

function hintFor(d: Diagnostic): string | undefined {
  if (d.code === 'TCG_UNKNOWN_DIRECTIVE') {
    const name = /^unknown directive @(\w+)/.exec(d.message)?.[1];
    const known = [...DIRECTIVES.values()].filter((s) => !s.unsupported).map((s) => s.name);
    const guess = name === undefined ? undefined : closest(name, known);
    return guess ? `did you mean @${guess}?` : undefined;
  }
  if (d.code === 'TCG_UNKNOWN_ARGUMENT') {
    const match = /unknown field `([^`]+)`, expected one of (.+)$/.exec(d.message);
    if (!match) return undefined;
    const options = [...match[2]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    const guess = closest(match[1]!, options);
    return guess ? `did you mean \`${guess}\`?` : undefined;
  }

  return BY_CODE[d.code];
}

/** The option nearest to `word` by edit distance, when it is near enough to be a typo. */
function closest(word: string, options: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const option of options) {
    const distance = editDistance(word.toLowerCase(), option.toLowerCase());
    if (distance < bestDistance) {
      best = option;
      bestDistance = distance;
    }
  }

  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }

  return previous[b.length]!;
}
