import { DiagnosticCode, type DiagnosticBag } from '../diagnostics.ts';
import { isArgumentError } from '../load/argument-errors.ts';

/**
 * Tailcall reads a config in two stages. First every directive's arguments are deserialised
 * (`Parsing failed because of unknown field ...`, see `argumentError`), and all such failures
 * are reported together; when there is any, the config is never compiled, so no schema-level
 * check runs (a missing `Query`, an undeclared type, a template naming no argument, header
 * names, `@protected` on an input...). tc-gen does the same: this ends the first stage,
 * dropping errors of later checks already found, and tells whether checking must stop.
 * Warnings, and tc-gen's own limitations (a directive or link it does not support, a file it
 * cannot read), are kept: they stand on their own.
 */
export function argumentStageFailed(bag: DiagnosticBag): boolean {
  if (!bag.items.some(isArgumentError)) return false;
  const kept = bag.items.filter(
    (d) => d.severity === 'warning' || isArgumentError(d) || STANDALONE.has(d.code),
  );
  bag.items.splice(0, bag.items.length, ...kept);
  return true;
}

const STANDALONE = new Set<string>([
  DiagnosticCode.SyntaxError,
  DiagnosticCode.FileUnreadable,
  DiagnosticCode.UnknownDirective,
  DiagnosticCode.Unsupported,
  DiagnosticCode.UnsupportedLink,
]);
