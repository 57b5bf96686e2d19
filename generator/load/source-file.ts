import type { ASTNode } from 'graphql';

import type { SourceSpan } from '../diagnostics.ts';

/**
 * A config file's text with what diagnostics need: the name it is reported
 * under and a way to turn offsets into 1-based line/column spans.
 *
 * The root config also knows the files it links (`@link(type: Config)`):
 * their definitions are merged into one document, and `spanOf` finds the
 * file an AST node came from by the name of its GraphQL `Source`.
 */
export class SourceFile {
  readonly lines: readonly string[];
  readonly #lineStarts: number[];
  readonly #linked = new Map<string, SourceFile>();

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

  /** Registers a linked config file, so spans of its nodes point into it. */
  link(file: SourceFile): void {
    if (file !== this) this.#linked.set(file.displayName, file);
  }

  /** This file and every linked one. */
  get files(): SourceFile[] {
    return [this, ...this.#linked.values()];
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

  /** The span of an AST node, in the file it came from: its first line, underlined up to its end. */
  spanOf(node: ASTNode | undefined): SourceSpan | undefined {
    if (!node?.loc) return undefined;
    return this.#ownerOf(node).spanAt(node.loc.start, node.loc.end - node.loc.start);
  }

  /** The span of `length` characters at `offset` within the text of the file `node` came from. */
  spanWithin(node: ASTNode, offset: number, length: number): SourceSpan {
    return this.#ownerOf(node).spanAt(offset, length);
  }

  /** The text of the file an AST node came from. */
  textOf(node: ASTNode): string {
    return this.#ownerOf(node).text;
  }

  lineText(line: number): string | undefined {
    return this.lines[line - 1];
  }

  /** A line of this file or of a linked one, by the name diagnostics print. */
  lineIn(displayName: string, line: number): string | undefined {
    const file = displayName === this.displayName ? this : this.#linked.get(displayName);
    return file?.lineText(line);
  }

  #ownerOf(node: ASTNode): SourceFile {
    const name = node.loc?.source.name;
    return (name !== undefined && this.#linked.get(name)) || this;
  }
}
