/**
 * Helpers the generated resolvers call to turn request values into URL,
 * header and body text. The templates themselves were compiled by tc-gen;
 * nothing here parses a template.
 */

/**
 * Tailcall's text form of a value: strings as they are, numbers and booleans
 * as text, objects and lists as compact JSON, null and missing as nothing.
 */
export function toText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'undefined':
      return '';
    case 'object':
      return value === null ? '' : JSON.stringify(value);
    default:
      return '';
  }
}

/** Reads a nested member (`['input', 'id']`) of a value, or undefined when any step is missing. */
export function valueAt(root: unknown, path: readonly string[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * A value as one URL path segment. Everything that could change the route
 * (`/`, `?`, `#`, `%`) is percent-encoded and `.`/`..` are refused; Tailcall
 * inserts values raw, which lets a caller choose another upstream path.
 */
export function encodePathSegment(value: unknown): string {
  // The common case, an id: its digits and sign need no encoding.
  if (Number.isSafeInteger(value)) return String(value);
  const text = toText(value);
  // `.` and `..` (even percent-encoded) remove path segments when a URL is normalised, which
  // would let a caller choose another upstream path: refused, failing the field.
  if (text === '.' || text === '..')
    throw new Error(`'${text}' cannot be used as a URL path segment`);
  return encodeComponent(text).replace(/%(3A|40|2C)/g, decodeOne);
}

/** A value as a query key or value: `&`, `=`, `+` and `#` are always encoded. */
export function encodeQueryComponent(text: string): string {
  return encodeComponent(text).replace(/%(5B|5D|3A|40|2C|2F|3F)/g, decodeOne);
}

/**
 * `encodeURIComponent`, except that half of a surrogate pair standing alone (which a JSON
 * request may carry as `"\ud800"`, and which has no UTF-8 form) is sent as U+FFFD, as
 * TextEncoder writes it, instead of failing the field with "URI malformed".
 */
function encodeComponent(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(
      text.replace(
        /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
        '\uFFFD',
      ),
    );
  }
}

function decodeOne(escape: string): string {
  return decodeURIComponent(escape);
}

/** The text of a value placed inside a JSON string literal of a request body. */
export function jsonStringContent(value: unknown): string {
  return JSON.stringify(toText(value)).slice(1, -1);
}

/** One header value of the incoming request (lower-case name), joined when repeated. */
export function headerValue(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  name: string,
): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The incoming headers a config forwards upstream (`@upstream(allowedHeaders)`), by lower-case name. */
export function forwardHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  names: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = headerValue(headers, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * Tailcall's rule for rendered templates that build values (`select`, `@expr`): the text is
 * read back as JSON when it parses (`"1"` → 1, `"[1,2]"` → a list), else it stays a string.
 */
export function reparse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A rendered body sent with `encoding: ApplicationXWwwFormUrlencoded`: a JSON object becomes
 * `a=1&b=x` (values as template text); anything else is sent as it is, as in Tailcall.
 */
export function formEncode(text: string): string {
  const value = reparse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return text;
  const pairs = Object.entries(value).map(([key, member]): [string, string] => [
    key,
    toText(member),
  ]);
  return new URLSearchParams(pairs).toString();
}
