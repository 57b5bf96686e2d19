import { DiagnosticCode, type DiagnosticBag } from '../diagnostics.ts';
import { isArgumentError } from '../load/argument-errors.ts';

/**
 * Tailcall reads a config in two stages. First every directive's arguments are deserialised
 * (`Parsing failed because of unknown field ...`, see `argumentError`), and all such failures
 * are reported together; when there is any, the config is never compiled, so no schema-level
 * check runs (a missing `Query`, an undeclared type, a template naming no argument, header
 * names, `@protected` on an input...).
 *
 * tc-gen runs every check anyway, so one run shows every mistake, and then keeps Tailcall's
 * verdict: when a directive argument did not parse, the errors of the later checks become
 * warnings that say Tailcall reports them once the argument errors are fixed. The build fails
 * either way. tc-gen's own limitations (a directive or link it does not support, a file it
 * cannot read) and syntax errors stay errors: they stand on their own.
 */
export function holdBackLaterStages(bag: DiagnosticBag): void {
  if (!bag.items.some(isArgumentError)) return;
  bag.items.forEach((d, i) => {
    if (d.severity === 'warning' || isArgumentError(d) || STANDALONE.has(d.code)) return;
    bag.items[i] = { ...d, severity: 'warning', hint: d.hint ? `${d.hint}; ${LATER}` : LATER };
  });
}

const LATER = 'Tailcall reports this once the directive argument errors are fixed';

const STANDALONE = new Set<string>([
  DiagnosticCode.SyntaxError,
  DiagnosticCode.FileUnreadable,
  DiagnosticCode.UnknownDirective,
  DiagnosticCode.Unsupported,
  DiagnosticCode.UnsupportedLink,
]);
