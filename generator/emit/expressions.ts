import type { BodyPart, TextPart, UrlPart, ValueRef } from '../plan/plan.ts';

/**
 * Turns the plan's template parts into TypeScript expressions. Every helper
 * named here is imported from `@tc-gen/runtime`; `used` collects which.
 */
export class ExpressionWriter {
  readonly used = new Set<string>();
  /**
   * The variable `.args` reads, when it is not the resolver's typed `args` (a value piped
   * between `@call` steps): read with `valueAt`, whatever the path.
   */
  pipedArgs: string | undefined;

  /** The value a reference reads, as an expression of type `unknown` (or narrower). */
  ref(ref: ValueRef): string {
    switch (ref.root) {
      case 'args':
        if (this.pipedArgs !== undefined) {
          if (ref.path.length === 0) return this.pipedArgs;
          this.used.add('valueAt');
          return `valueAt(${this.pipedArgs}, ${JSON.stringify(ref.path)})`;
        }
        return this.#member('args', ref.path);
      case 'value':
        return this.#member('parent', ref.path);
      case 'headers':
        this.used.add('headerValue');
        return `headerValue(ctx.headers, ${JSON.stringify(ref.name)})`;
      case 'env':
        return `process.env[${JSON.stringify(ref.name)}]`;
    }
  }

  #member(root: string, path: readonly string[]): string {
    if (path.length === 0) return root;
    if (path.length === 1) return `${root}${access(path[0] as string)}`;
    this.used.add('valueAt');
    return `valueAt(${root}, ${JSON.stringify(path)})`;
  }

  /** A whole template as a string expression (template literal). */
  text(parts: readonly TextPart[]): string {
    if (parts.length === 1 && parts[0]?.kind === 'literal') return JSON.stringify(parts[0].text);
    return this.#templateLiteral(
      parts.map((p) => (p.kind === 'literal' ? p : { kind: 'code', code: this.#toText(p.ref) })),
    );
  }

  /**
   * Tailcall's rule for query values: the first part that resolves wins, a
   * literal always resolves and a reference when it is not undefined.
   */
  firstResolving(parts: readonly TextPart[]): string {
    if (parts.length === 0) return "''";
    const [head, ...rest] = parts as [TextPart, ...TextPart[]];
    if (head.kind === 'literal') return JSON.stringify(head.text);
    const value = this.ref(head.ref);
    if (rest.length === 0) return value;
    return `${value} !== undefined ? ${value} : ${this.firstResolving(rest)}`;
  }

  url(parts: readonly UrlPart[], base: string | undefined): string {
    const pieces: ({ kind: 'literal'; text: string } | { kind: 'code'; code: string })[] = [];
    if (base) pieces.push({ kind: 'code', code: base });
    for (const part of parts) {
      if (part.kind === 'literal') pieces.push(part);
      else if (part.encode === 'path') {
        this.used.add('encodePathSegment');
        pieces.push({ kind: 'code', code: `encodePathSegment(${this.ref(part.ref)})` });
      } else pieces.push({ kind: 'code', code: this.#toText(part.ref) });
    }
    return this.#templateLiteral(pieces);
  }

  body(parts: readonly BodyPart[]): string {
    return this.#templateLiteral(
      parts.map((part) => {
        if (part.kind === 'literal') return part;
        if (part.context === 'string') {
          this.used.add('jsonStringContent');
          return { kind: 'code', code: `jsonStringContent(${this.ref(part.ref)})` };
        }
        return { kind: 'code', code: this.#toText(part.ref) };
      }),
    );
  }

  #toText(ref: ValueRef): string {
    this.used.add('toText');
    return `toText(${this.ref(ref)})`;
  }

  #templateLiteral(
    pieces: readonly ({ kind: 'literal'; text: string } | { kind: 'code'; code: string })[],
  ): string {
    if (pieces.length === 1 && pieces[0]?.kind === 'code') {
      return pieces[0].code;
    }
    let out = '`';
    for (const piece of pieces) {
      out += piece.kind === 'literal' ? escapeTemplateText(piece.text) : `\${${piece.code}}`;
    }
    return `${out}\``;
  }
}

function access(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function escapeTemplateText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
}
