import type { Diagnostic, DiagnosticBag, DiagnosticCode, SourceSpan } from '../diagnostics.ts';

/**
 * Errors of Tailcall's first stage: a directive's arguments that do not deserialise (an
 * unknown or missing field, a value of the wrong type). Other errors worded `Parsing failed
 * because of ...` (header names, the hostname) belong to its later, schema-level stage.
 */
const argumentErrors = new WeakSet<Diagnostic>();

export function argumentError(
  bag: DiagnosticBag,
  code: DiagnosticCode,
  message: string,
  span: SourceSpan | undefined,
  trace: string,
): void {
  bag.error(code, message, span, trace);
  const reported = bag.items.at(-1);
  if (reported) argumentErrors.add(reported);
}

export function isArgumentError(diagnostic: Diagnostic): boolean {
  return argumentErrors.has(diagnostic);
}
