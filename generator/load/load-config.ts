import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { GraphQLError, parse, type DocumentNode } from 'graphql';

import { DiagnosticCode, type DiagnosticBag } from '../diagnostics.ts';
import { SourceFile } from './source-file.ts';

export interface LoadedConfig {
  file: SourceFile;
  /** Undefined when the SDL does not parse (the error is in the bag). */
  document?: DocumentNode;
}

/**
 * Reads and parses a config file. Returns undefined (with a diagnostic) when
 * the file cannot be read, and no document when it is not valid SDL.
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

  // A byte-order mark is not part of the SDL; left in, it would shift every column of line 1.
  const file = new SourceFile(absolute, displayName, text.replace(/^\uFEFF/, ''));
  try {
    const document = parse(file.text, { noLocation: false });
    return { file, document };
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const position = error.positions?.[0];
    bag.error(
      DiagnosticCode.SyntaxError,
      error.message.replace(/^Syntax Error: /, 'syntax error: '),
      position === undefined ? undefined : file.spanAt(position, 1),
    );
    return { file };
  }
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
