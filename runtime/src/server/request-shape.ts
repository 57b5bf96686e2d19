/**
 * The shape of a GraphQL request body, judged as Tailcall judges it: its body is read by
 * serde into `{ query: String, operationName: Option<String>, variables: Option<Map>,
 * extensions: Option<Map> }`, so a member of the wrong type fails the whole request with
 * serde's words and the line and column (in bytes) where it was found.
 */

export interface RequestShapeOptions {
  /** `@server(batchRequests: true)`: a list of requests is a batch. */
  batchRequests?: boolean;
}

/**
 * What is wrong with the shape of a request body that is valid JSON, in the words Tailcall
 * answers after `Unexpected GraphQL Request: ` (`invalid type: map, expected a string at
 * line 1 column 9`); undefined when the body is a request.
 */
export function requestShapeProblem(
  text: string,
  options: RequestShapeOptions = {},
): string | undefined {
  const single = new ShapeReader(text).request();
  if (single === undefined) return undefined;
  if (!options.batchRequests) return single;

  // Tailcall reads a batching server's body as one request, else as a list of them, and
  // says no more than that neither fits.
  const reader = new ShapeReader(text);
  if (reader.batch() === undefined) return undefined;
  return 'data did not match any variant of untagged enum BatchRequest';
}

type Expected = 'a string' | 'a map';

/** The request members in the order serde reads them from a list. */
const MEMBERS: readonly [string, Expected][] = [
  ['query', 'a string'],
  ['operationName', 'a string'],
  ['variables', 'a map'],
  ['extensions', 'a map'],
];

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/** serde_json reads at most this many nested maps and lists, the body's own included. */
const MAX_DEPTH = 128;

class ShapeReader {
  #index = 0;
  /** Maps and lists open at the index. */
  #depth = 0;

  constructor(private readonly text: string) {}

  /** The first problem of the body read as one request, in serde's words. */
  request(): string | undefined {
    this.#skipWhitespace();
    return this.#requestAt('struct Request');
  }

  /** The first problem of the body read as a list of requests. */
  batch(): string | undefined {
    this.#skipWhitespace();
    if (this.text[this.#index] !== '[') return this.#invalid('a sequence');
    this.#depth++;
    this.#index++;
    for (let first = true; ; first = false) {
      this.#skipWhitespace();
      if (this.text[this.#index] === ']') return undefined;
      if (!first) {
        this.#index++; // ','
        this.#skipWhitespace();
      }
      const problem = this.#requestAt('struct Request');
      if (problem) return problem;
    }
  }

  /** A request: an object by member names, or a list by member order (serde takes both). */
  #requestAt(expected: string): string | undefined {
    const char = this.text[this.#index];
    if (char === '{') return this.#requestObject();
    if (char === '[') return this.#requestList();
    return this.#invalid(expected);
  }

  #requestObject(): string | undefined {
    const seen = new Set<string>();
    const tooDeep = this.#open();
    if (tooDeep) return tooDeep;
    for (let first = true; ; first = false) {
      this.#skipWhitespace();
      if (this.text[this.#index] === '}') {
        this.#close();
        return undefined;
      }
      if (!first) {
        this.#index++; // ','
        this.#skipWhitespace();
      }
      const key = this.#string();
      const member = MEMBERS.find(([name]) => name === key);
      if (member && seen.has(key)) return `duplicate field \`${key}\` ${this.#at(this.#index)}`;
      if (member) seen.add(key);
      this.#skipWhitespace();
      this.#index++; // ':'
      this.#skipWhitespace();
      const problem = member ? this.#member(member) : this.#skipValue();
      if (problem) return problem;
    }
  }

  #requestList(): string | undefined {
    const tooDeep = this.#open();
    if (tooDeep) return tooDeep;
    for (let position = 0; ; position++) {
      this.#skipWhitespace();
      if (this.text[this.#index] === ']') {
        this.#close();
        return undefined;
      }
      if (position > 0) {
        this.#index++; // ','
        this.#skipWhitespace();
      }
      const member = MEMBERS[position];
      if (!member) return `trailing characters ${this.#at(this.#index + 1)}`;
      const problem = this.#member(member);
      if (problem) return problem;
    }
  }

  /** A member's value: `query` must be a string; the others may also be null. */
  #member([name, expected]: readonly [string, Expected]): string | undefined {
    const char = this.text[this.#index];
    const fits =
      (expected === 'a string' && char === '"') ||
      (expected === 'a map' && char === '{') ||
      (name !== 'query' && this.text.startsWith('null', this.#index));
    return fits ? this.#skipValue() : this.#invalid(expected);
  }

  /**
   * serde's "invalid type" error for the value at the current index: a map or a list is
   * reported where it opens, any other value just past its end.
   */
  #invalid(expected: string): string {
    const start = this.#index;
    const char = this.text[start];
    if (char === '{' || char === '[') {
      return `invalid type: ${char === '{' ? 'map' : 'sequence'}, expected ${expected} ${this.#at(start)}`;
    }
    const outOfRange = this.#skipValue();
    if (outOfRange) return outOfRange;
    const written = this.text.slice(start, this.#index);
    return `invalid type: ${unexpected(written)}, expected ${expected} ${this.#at(this.#index)}`;
  }

  /** Skips one value; numbers too large for a double are serde's only complaint here. */
  #skipValue(): string | undefined {
    const char = this.text[this.#index];
    if (char === '"') {
      this.#string();
      return undefined;
    }
    if (char === '{' || char === '[') {
      const close = char === '{' ? '}' : ']';
      const tooDeep = this.#open();
      if (tooDeep) return tooDeep;
      for (let first = true; ; first = false) {
        this.#skipWhitespace();
        if (this.text[this.#index] === close || this.#index >= this.text.length) {
          this.#close();
          return undefined;
        }
        if (!first) {
          this.#index++; // ','
          this.#skipWhitespace();
        }
        if (char === '{') {
          this.#string();
          this.#skipWhitespace();
          this.#index++; // ':'
          this.#skipWhitespace();
        }
        const problem = this.#skipValue();
        if (problem) return problem;
      }
    }
    const literal = /^-?[0-9.eE+-]+|^true|^false|^null/.exec(this.text.slice(this.#index));
    this.#index += literal?.[0].length ?? 1;
    if (literal && /^-?[0-9]/.test(literal[0]) && !Number.isFinite(Number(literal[0])))
      return `number out of range ${this.#at(this.#index)}`;
    return undefined;
  }

  /** Reads a JSON string at the index and returns its value. */
  #string(): string {
    const start = this.#index;
    this.#index++;
    while (this.#index < this.text.length && this.text[this.#index] !== '"') {
      this.#index += this.text[this.#index] === '\\' ? 2 : 1;
    }
    this.#index++;
    return JSON.parse(this.text.slice(start, this.#index)) as string;
  }

  /** Steps into the map or list at the index; serde's complaint when that is one too many. */
  #open(): string | undefined {
    if (++this.#depth >= MAX_DEPTH) return `recursion limit exceeded ${this.#at(this.#index + 1)}`;
    this.#index++;
    return undefined;
  }

  /** Steps past the end of the map or list being read. */
  #close(): void {
    this.#depth--;
    this.#index++;
  }

  #skipWhitespace(): void {
    while (WHITESPACE.has(this.text[this.#index] ?? '')) this.#index++;
  }

  /** serde_json's position: 1-based line, and the UTF-8 bytes before `index` on that line. */
  #at(index: number): string {
    return positionAt(this.text, index);
  }
}

/**
 * serde's words for a body with nothing but whitespace in it, after `Unexpected GraphQL
 * Request: ` (Tailcall 1.6.14: `EOF while parsing a value at line 1 column 0` for an empty one).
 */
export function emptyBodyProblem(text: string): string {
  return `EOF while parsing a value ${positionAt(text, text.length)}`;
}

/** Where serde places an index of the text: its line, and the bytes before it on that line. */
function positionAt(text: string, index: number): string {
  const before = text.slice(0, index);
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.split('\n').length;
  const column = Buffer.byteLength(before.slice(lineStart), 'utf8');
  return `at line ${line} column ${column}`;
}

/** A scalar JSON value as serde's `Unexpected` names it. */
function unexpected(written: string): string {
  if (written === 'null') return 'null';
  if (written === 'true' || written === 'false') return `boolean \`${written}\``;
  if (written.startsWith('"')) return `string ${rustDebug(JSON.parse(written) as string)}`;
  // Whole numbers within 64 bits are integers to serde_json; any other number is a double.
  if (/^-?[0-9]+$/.test(written) && written !== '-0') {
    const value = BigInt(written);
    if (value >= -(2n ** 63n) && value < 2n ** 64n) return `integer \`${value}\``;
  }
  return `floating point \`${floatText(Number(written))}\``;
}

/**
 * A double as serde prints it: always with a decimal point or an exponent.
 * TODO: serde_json reads integers beyond 64 bits with a little rounding error of its own, so
 * the last digit of such a number can differ from this correctly rounded one.
 */
function floatText(value: number): string {
  if (Object.is(value, -0)) return '-0.0';
  const text = String(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** A string as Rust's `{:?}` prints it: quoted, with quotes, backslashes and controls escaped. */
function rustDebug(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char === '\0') out += '\\0';
    else if (code < 0x20 || code === 0x7f) out += `\\u{${code.toString(16)}}`;
    else out += char;
  }
  return `${out}"`;
}
