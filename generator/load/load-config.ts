import { readFile } from 'node:fs/promises';
import path from 'node:path';

import {
  GraphQLError,
  Kind,
  Source,
  parse,
  type DocumentNode,
  type StringValueNode,
} from 'graphql';

import { DiagnosticCode, type DiagnosticBag } from '../diagnostics.ts';
import { configFormat, parseStructuredConfig } from './json-config.ts';
import { foldExtensions, mergeConfigs } from './merge-configs.ts';
import { pestSyntaxError } from './pest-syntax.ts';
import { SourceFile } from './source-file.ts';

export interface LoadedConfig {
  file: SourceFile;
  /** Undefined when the SDL does not parse (the error is in the bag). */
  document?: DocumentNode;
  /**
   * A linked config could not be read or parsed (reported already): the types it declares
   * are unknown, so their absence must not be reported again.
   */
  incomplete?: boolean;
}

/**
 * Reads and parses a config file and the configs it links with `@link(type: Config)`,
 * merged into one document. Returns undefined (with a diagnostic) when the file cannot be
 * read, and no document when it is not valid SDL.
 */
export async function loadConfig(
  configPath: string,
  bag: DiagnosticBag,
  cwd = process.cwd(),
): Promise<LoadedConfig | undefined> {
  const absolute = path.resolve(cwd, configPath);
  const displayName = displayPath(absolute, cwd);

  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    bag.error(
      DiagnosticCode.FileUnreadable,
      `Failed to read file: ${displayName}: ${describeIoError(error)}`,
      {
        file: displayName,
        line: 0,
        column: 0,
        length: 0,
      },
    );
    return undefined;
  }

  const file = sourceFile(absolute, displayName, text);
  const document = parseFile(file, bag);
  if (!document) return { file };

  const linked: DocumentNode[] = [];
  const parsed = new Map<string, DocumentNode | undefined>();
  let incomplete = false;
  for (const { src, trace } of configLinks(document)) {
    const target = path.resolve(path.dirname(absolute), src.value);
    if (!parsed.has(target)) {
      let linkedText: string;
      try {
        linkedText = await readFile(target, 'utf8');
      } catch (error) {
        bag.error(
          DiagnosticCode.FileUnreadable,
          `Failed to read file: ${src.value}: ${describeIoError(error)}`,
          file.spanOf(src.node),
          trace,
        );
        incomplete = true;
        continue;
      }
      const linkedFile = sourceFile(target, displayPath(target, cwd), linkedText);
      file.link(linkedFile);
      parsed.set(target, parseFile(linkedFile, bag));
    }
    const linkedDocument = parsed.get(target);
    if (linkedDocument) linked.push(foldExtensions(linkedDocument));
    else incomplete = true;
  }

  const merged = mergeConfigs(foldExtensions(document), linked, file, bag);
  return { file, document: merged, ...(incomplete ? { incomplete } : {}) };
}

/** A byte-order mark is not part of the SDL; left in, it would shift every column of line 1. */
function sourceFile(absolute: string, displayName: string, text: string): SourceFile {
  return new SourceFile(absolute, displayName, text.replace(/^\uFEFF/, ''));
}

/**
 * Parses one file: SDL, or JSON/YAML by its extension. An SDL syntax error is reported in
 * Tailcall's (pest's) layout.
 */
export function parseFile(file: SourceFile, bag: DiagnosticBag): DocumentNode | undefined {
  const format = configFormat(file.path);
  if (format !== 'graphql') return parseStructuredConfig(file, format, bag);
  try {
    return parse(new Source(file.text, file.displayName), { noLocation: false });
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    // Tailcall's parser names the grammar rule it expected; graphql-js's own words are the
    // fallback for the few texts only graphql-js refuses (e.g. an unknown directive location).
    const pest = pestSyntaxError(file.text);
    const position = pest?.offset ?? error.positions?.[0];
    const span = position === undefined ? undefined : file.spanAt(position, 1);
    const reason = pest?.reason ?? graphqlJsReason(error.message);
    bag.error(
      DiagnosticCode.SyntaxError,
      span ? syntaxMessage(file, span.line, span.column, reason) : error.message,
      span,
    );
    return undefined;
  }
}

/**
 * Tailcall's parser reports a syntax error as a block that shows the line and a caret:
 *
 *       --> 10:20
 *        |
 *     10 |   user: User @http()
 *        |                    ^---
 *        |
 *        = expected name
 */
function syntaxMessage(file: SourceFile, line: number, column: number, reason: string): string {
  const text = file.lineText(line) ?? '';
  const gutter = ' '.repeat(String(line).length);
  // pest counts characters, not UTF-16 units; tabs before the caret stay tabs, so it lines
  // up however wide they are shown.
  const before = Array.from(text.slice(0, column - 1));
  const indent = before.map((c) => (c === '\t' ? '\t' : ' ')).join('');

  return [
    `${gutter}--> ${line}:${before.length + 1}`,
    `${gutter} |`,
    `${line} | ${text}`,
    `${gutter} | ${indent}^---`,
    `${gutter} |`,
    `${gutter} = ${reason}`,
  ].join('\n');
}

/**
 * graphql-js's message as the last line of the block: `expected name` for a missing name (pest's
 * rule), else its own words.
 * TODO: only texts the pest grammar accepts get here; no rule name fits them.
 */
function graphqlJsReason(message: string): string {
  const reason = message.replace(/^Syntax Error: /, '').replace(/\.$/, '');
  if (/^Expected Name, found /.test(reason)) return 'expected name';
  return reason.charAt(0).toLowerCase() + reason.slice(1);
}

interface ConfigLink {
  src: { value: string; node: StringValueNode };
  trace: string;
}

/**
 * The `@link`s of the root schema definition that link a config file: `type: Config` or
 * no type, and a local, non-empty `src`. Every other link is checked with the rest of the
 * settings (an empty or remote `src` is reported there).
 */
function configLinks(document: DocumentNode): ConfigLink[] {
  const links: ConfigLink[] = [];
  let index = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION)
      continue;
    for (const node of definition.directives ?? []) {
      if (node.name.value !== 'link') continue;
      const trace = `schema.@link.${index++}`;
      const arg = (name: string) => node.arguments?.find((a) => a.name.value === name)?.value;
      const type = arg('type');
      const src = arg('src');
      if (
        type &&
        !((type.kind === Kind.ENUM || type.kind === Kind.STRING) && type.value === 'Config')
      )
        continue;
      if (src?.kind !== Kind.STRING || src.value.trim() === '' || /^https?:\/\//i.test(src.value))
        continue;
      links.push({ src: { value: src.value, node: src }, trace });
    }
  }

  return links;
}

/** A path as diagnostics show it: relative to the working folder when inside it. */
export function displayPath(absolute: string, cwd = process.cwd()): string {
  const relative = path.relative(cwd, absolute);
  const shown = relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative;
  return shown.split(path.sep).join('/');
}

/** Turns a Node I/O error into a short, stable reason without a stack. */
export function describeIoError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'No such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'Permission denied';
    case 'EISDIR':
      return 'Is a directory';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
