/**
 * Tailcall's mustache templates: `{{ .args.id }}`, `{{value.user.name}}`.
 *
 * The leading dot is optional and spaces inside the braces are allowed. Each
 * path segment starts with a letter and may hold letters, digits, `_` and
 * `-` (so `{{.headers.x-api-key}}` works). Text that is not a well-formed
 * expression stays literal, as in Tailcall.
 */

export type Segment =
  | { kind: 'literal'; text: string }
  | {
      kind: 'expr';
      path: readonly string[];
      /** Offset of `{{` within the template string. */
      offset: number;
      /** Length of the whole `{{...}}` expression. */
      length: number;
    };

const EXPRESSION = /\{\{\s*\.?([A-Za-z][\w-]*(?:\.[A-Za-z][\w-]*)*)\s*\}\}/g;

export function parseTemplate(text: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(EXPRESSION)) {
    const offset = match.index;
    if (offset > last) segments.push({ kind: 'literal', text: text.slice(last, offset) });
    segments.push({
      kind: 'expr',
      path: (match[1] ?? '').split('.'),
      offset,
      length: match[0].length,
    });
    last = offset + match[0].length;
  }
  if (last < text.length) segments.push({ kind: 'literal', text: text.slice(last) });

  return segments;
}

export function hasExpressions(text: string): boolean {
  return parseTemplate(text).some((s) => s.kind === 'expr');
}

/** The roots a template expression may start from. */
export const TEMPLATE_ROOTS = ['args', 'value', 'headers', 'env', 'vars'] as const;
export type TemplateRoot = (typeof TEMPLATE_ROOTS)[number];

export function isTemplateRoot(name: string): name is TemplateRoot {
  return (TEMPLATE_ROOTS as readonly string[]).includes(name);
}
