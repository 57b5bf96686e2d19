import type { ASTNode } from 'graphql';

import type { SourceSpan } from '../diagnostics.ts';

/**
 * A config file's text with what diagnostics need: the name it is reported
 * under and a way to turn offsets into 1-based line/column spans.
 */
export class SourceFile {
  readonly lines: readonly string[];
  readonly #lineStarts: number[];

  constructor(
    /** Absolute path on disk. */
    readonly path: string,
    /** The name diagnostics print, relative to where tc-gen was started. */
    readonly displayName: string,
    readonly text: string,
  ) {
    this.lines = text.split(/\r?\n/);
    this.#lineStarts = [0];
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.#lineStarts.push(i + 1);
    }
  }

  /** The span of `length` characters starting at `offset` (clipped to its line). */
  spanAt(offset: number, length = 1): SourceSpan {
    let low = 0;
    let high = this.#lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.#lineStarts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    const column = offset - (this.#lineStarts[low] ?? 0);
    const lineText = this.lines[low] ?? '';

    return {
      file: this.displayName,
      line: low + 1,
      column: column + 1,
      length: Math.max(1, Math.min(length, lineText.length - column)),
    };
  }

  /** The span of an AST node: its first line, underlined up to the node's end. */
  spanOf(node: ASTNode | undefined): SourceSpan | undefined {
    if (!node?.loc) return undefined;
    return this.spanAt(node.loc.start, node.loc.end - node.loc.start);
  }

  lineText(line: number): string | undefined {
    return this.lines[line - 1];
  }
}
