import {
  getNullableType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isScalarType,
  type GraphQLOutputType,
} from 'graphql';

import { DiagnosticCode, type DiagnosticBag } from '../diagnostics.ts';
import type { DecodedDirective, JsonValue } from '../load/decode-directive.ts';
import type { SourceFile } from '../load/source-file.ts';
import type { UpstreamSettings } from '../model.ts';
import type { ValueTemplate } from '../plan/plan.ts';
import { hasExpressions } from '../template/mustache.ts';
import { compileText } from './http.ts';
import type { TemplateScope } from './templates.ts';

/**
 * `@expr(body:)` (and its docs-era name `@const(data:)`): a value made from
 * the body, compiled into a template the resolver evaluates. Strings with
 * `{{...}}` are rendered and read back as JSON (Tailcall's rule); objects and
 * lists are built member by member; everything else is literal. A body with
 * no template is checked against the field's type at build time.
 */
export function compileExpr(
  directive: DecodedDirective,
  scope: TemplateScope,
  upstream: UpstreamSettings,
  file: SourceFile,
  bag: DiagnosticBag,
): ValueTemplate | undefined {
  const argument = directive.name === 'const' ? 'data' : 'body';
  const body = directive.args[argument];
  if (body === undefined) return undefined;
  const node = directive.argNodes[argument];
  const trace = `${directive.trace}.${argument}`;
  const ctx = { scope, directive, file, bag, upstream };
  const errorsBefore = bag.items.length;

  const compile = (value: JsonValue): ValueTemplate => {
    if (Array.isArray(value)) return { kind: 'list', items: value.map(compile) };
    if (value !== null && typeof value === 'object') {
      return { kind: 'object', members: Object.entries(value).map(([k, v]) => [k, compile(v)]) };
    }
    if (typeof value === 'string' && hasExpressions(value)) {
      return { kind: 'text', parts: compileText(value, 'expr', node, trace, ctx) };
    }
    return { kind: 'literal', value };
  };
  const template = compile(body);
  if (bag.items.length > errorsBefore) return undefined;

  if (!JSON.stringify(body).includes('{{'))
    checkStatic(body, scope.field.type, directive.trace, file, directive, bag);
  return template;
}

/** A static body must fit the field's type: the non-null fields of an object are present. */
function checkStatic(
  value: JsonValue,
  type: GraphQLOutputType,
  trace: string,
  file: SourceFile,
  directive: DecodedDirective,
  bag: DiagnosticBag,
): void {
  // Only a missing non-null member is a build error, as in Tailcall; an explicit null is
  // answered at request time as a non-null violation.
  if (value === null) return;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (Array.isArray(value))
      for (const item of value) checkStatic(item, nullable.ofType, trace, file, directive, bag);
    return;
  }
  if (isObjectType(nullable) || isInterfaceType(nullable)) {
    if (typeof value !== 'object' || Array.isArray(value)) {
      bag.error(
        DiagnosticCode.InvalidArgument,
        'expected object',
        file.spanOf(directive.node),
        trace,
      );
      return;
    }
    for (const field of Object.values(nullable.getFields())) {
      const member = value[field.name];
      const at = `${trace}.${field.name}`;
      if (member === undefined) {
        if (isNonNullType(field.type)) {
          bag.error(
            DiagnosticCode.InvalidArgument,
            'expected field to be non-nullable',
            file.spanOf(directive.node),
            at,
          );
        }
        continue;
      }
      checkStatic(member, field.type, at, file, directive, bag);
    }
    return;
  }
  if (isScalarType(nullable) && nullable.name === 'String' && typeof value !== 'string') {
    bag.error(
      DiagnosticCode.InvalidArgument,
      'expected string',
      file.spanOf(directive.node),
      trace,
    );
  }
}
