/**
 * JSON and YAML read into one positioned tree: every value and every map key keeps the offsets
 * it was written at, so a config written as JSON or YAML reports its mistakes at file:line:col
 * like an SDL one.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node as YamlNode,
} from 'yaml';

/** `[start, end)` offsets into the text. */
export type Range = readonly [number, number];

export type TreeNode =
  | { kind: 'map'; entries: MapEntry[]; range: Range }
  | { kind: 'list'; items: TreeNode[]; range: Range }
  | { kind: 'scalar'; value: string | number | boolean | null; range: Range };

export interface MapEntry {
  key: string;
  keyRange: Range;
  value: TreeNode;
}

/** A syntax error at an offset. */
export class StructuredSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Parses JSON text strictly (RFC 8259), keeping positions. Throws `StructuredSyntaxError`. */
export function parseJsonTree(text: string): TreeNode {
  const parser = new JsonParser(text);
  const value = parser.value();
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail('expected the end of the document');

  return value;
}

/** Parses YAML text (one document), keeping positions. Throws `StructuredSyntaxError`. */
export function parseYamlTree(text: string): TreeNode {
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const [error] = document.errors;
  if (error) throw new StructuredSyntaxError(firstLine(error.message), written(text, error.pos[0]));
  if (!document.contents) return { kind: 'scalar', value: null, range: [0, 0] };

  return fromYaml(document.contents as YamlNode, { document, copied: 0 }, 0);
}

/** Most values aliases may copy into one document: a few nested anchors can name billions. */
const MAX_ALIAS_COPIES = 100_000;

interface YamlWalk {
  document: Document;
  /** Values made so far by following aliases. */
  copied: number;
  /** Where the outermost alias being followed is written. */
  alias?: number;
}

/**
 * The first character written at or after `offset` on its line: the yaml package places an
 * indentation error (`All mapping items must start at the same column`) on the spaces before the
 * misplaced key, while the mistake is where the key starts.
 */
function written(text: string, offset: number): number {
  let at = offset;
  while (text[at] === ' ') at++;

  return at < text.length && text[at] !== '\n' && text[at] !== '\r' ? at : offset;
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  // The yaml package appends the position, which the diagnostic shows already.
  return line.replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '');
}

/**
 * Aliases are followed to what they name (`depth` counts how many lead here); a cycle of them
 * ends the walk, and so does a document whose aliases would copy too much.
 */
function fromYaml(node: YamlNode, walk: YamlWalk, depth: number): TreeNode {
  const range: Range = [node.range?.[0] ?? 0, node.range?.[1] ?? 0];
  if (depth > 0 && ++walk.copied > MAX_ALIAS_COPIES) {
    throw new StructuredSyntaxError(
      `aliases expand this document past ${MAX_ALIAS_COPIES.toLocaleString('en-US')} values`,
      walk.alias ?? range[0],
    );
  }
  if (isAlias(node)) {
    if (depth === 0) walk.alias = range[0];
    const target = node.resolve(walk.document);
    if (!target || depth > 50) throw new StructuredSyntaxError('unresolved alias', range[0]);
    return { ...fromYaml(target as YamlNode, walk, depth + 1), range };
  }
  if (isMap(node)) {
    const entries: MapEntry[] = [];
    for (const pair of node.items) {
      const key = pair.key as YamlNode | null;
      if (!key || !isScalar(key)) {
        throw new StructuredSyntaxError('map keys must be plain text', key?.range?.[0] ?? range[0]);
      }
      const value = pair.value as YamlNode | null;
      const keyRange: Range = [key.range?.[0] ?? 0, key.range?.[1] ?? 0];
      entries.push({
        key: String(key.value),
        keyRange,
        value: value
          ? fromYaml(value, walk, depth)
          : { kind: 'scalar', value: null, range: [keyRange[1], keyRange[1]] },
      });
    }
    return { kind: 'map', entries, range };
  }
  if (isSeq(node)) {
    const items = node.items.map((item) =>
      item
        ? fromYaml(item as YamlNode, walk, depth)
        : ({ kind: 'scalar', value: null, range } as TreeNode),
    );
    return { kind: 'list', items, range };
  }
  if (isScalar(node)) {
    const value = node.value;
    if (
      value === null ||
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean'
    )
      return { kind: 'scalar', value, range };
    // Dates, binary and other tagged values read as the text written.
    return { kind: 'scalar', value: String(node.source ?? value), range };
  }
  throw new StructuredSyntaxError('unsupported YAML node', range[0]);
}

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class JsonParser {
  #at = 0;

  constructor(readonly text: string) {}

  atEnd(): boolean {
    return this.#at >= this.text.length;
  }

  fail(message: string, at = this.#at): never {
    throw new StructuredSyntaxError(message, at);
  }

  skipSpace(): void {
    while (!this.atEnd() && ' \t\n\r'.includes(this.text[this.#at]!)) this.#at++;
  }

  value(): TreeNode {
    this.skipSpace();
    const start = this.#at;
    const char = this.text[this.#at];
    if (char === '{') return this.#object();
    if (char === '[') return this.#list();
    if (char === '"') return { kind: 'scalar', value: this.#string(), range: [start, this.#at] };
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.#number();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.#at)) {
        this.#at += word.length;
        return { kind: 'scalar', value, range: [start, this.#at] };
      }
    }
    return this.fail(this.atEnd() ? 'unexpected end of the document' : 'expected a JSON value');
  }

  #object(): TreeNode {
    const start = this.#at++;
    const entries: MapEntry[] = [];
    this.skipSpace();
    if (this.text[this.#at] === '}') {
      this.#at++;
      return { kind: 'map', entries, range: [start, this.#at] };
    }
    for (;;) {
      this.skipSpace();
      const keyStart = this.#at;
      if (this.text[this.#at] !== '"') this.fail('expected a property name in double quotes');
      const key = this.#string();
      if (entries.some((e) => e.key === key)) this.fail(`duplicate key '${key}'`, keyStart);
      const keyRange: Range = [keyStart, this.#at];
      this.skipSpace();
      if (this.text[this.#at] !== ':') this.fail("expected ':' after the property name");
      this.#at++;
      entries.push({ key, keyRange, value: this.value() });
      this.skipSpace();
      const next = this.text[this.#at];
      this.#at++;
      if (next === '}') return { kind: 'map', entries, range: [start, this.#at] };
      if (next !== ',') this.fail("expected ',' or '}' after a property value", this.#at - 1);
    }
  }

  #list(): TreeNode {
    const start = this.#at++;
    const items: TreeNode[] = [];
    this.skipSpace();
    if (this.text[this.#at] === ']') {
      this.#at++;
      return { kind: 'list', items, range: [start, this.#at] };
    }
    for (;;) {
      items.push(this.value());
      this.skipSpace();
      const next = this.text[this.#at];
      this.#at++;
      if (next === ']') return { kind: 'list', items, range: [start, this.#at] };
      if (next !== ',') this.fail("expected ',' or ']' after a list item", this.#at - 1);
    }
  }

  #string(): string {
    let out = '';
    this.#at++;
    for (;;) {
      if (this.atEnd()) this.fail('unterminated string');
      const char = this.text[this.#at]!;
      if (char === '"') {
        this.#at++;
        return out;
      }
      if (char === '\\') {
        const escape = this.text[this.#at + 1] ?? '';
        if (escape === 'u') {
          const hex = this.text.slice(this.#at + 2, this.#at + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.#at += 6;
          continue;
        }
        const replacement = ESCAPES[escape];
        if (replacement === undefined) this.fail(`invalid escape '\\${escape}'`);
        out += replacement;
        this.#at += 2;
        continue;
      }
      if (char.charCodeAt(0) < 0x20) this.fail('control character in a string');
      out += char;
      this.#at++;
    }
  }

  #number(): TreeNode {
    const start = this.#at;
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(start));
    if (!match) return this.fail('invalid number');
    this.#at += match[0].length;

    return { kind: 'scalar', value: Number(match[0]), range: [start, this.#at] };
  }
}
