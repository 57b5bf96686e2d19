import {
  getNullableType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isScalarType,
  type ConstValueNode,
  type GraphQLOutputType,
} from 'graphql';

import { DiagnosticCode, type DiagnosticBag } from '../diagnostics.ts';
import type { DecodedDirective, JsonValue } from '../load/decode-directive.ts';
import type { SourceFile } from '../load/source-file.ts';
import type { UpstreamSettings } from '../model.ts';
import type { ValueTemplate } from '../plan/plan.ts';
import { hasExpressions } from '../template/mustache.ts';
import { declaredScalars } from './declared-scalars.ts';
import { compileText, type Context } from './http.ts';
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

  const template = compileValueTemplate(body, node, trace, ctx);
  if (bag.items.length > errorsBefore) return undefined;

  if (!JSON.stringify(body).includes('{{'))
    checkStatic(body, scope.field.type, directive.trace, file, directive, bag);
  return template;
}

/**
 * A JSON value whose strings may hold templates (`@expr` bodies, `@call` arguments): objects
 * and lists member by member, template strings rendered and read back as JSON at request
 * time, everything else literal. A template written as a JSON string literal
 * (`"\"{{.value.n}}\""`) is read as the string it denotes first, as Tailcall reads it, so its
 * value keeps its JSON type.
 */
export function compileValueTemplate(
  value: JsonValue,
  node: ConstValueNode | undefined,
  trace: string,
  ctx: Context,
): ValueTemplate {
  const compile = (member: JsonValue): ValueTemplate => {
    if (Array.isArray(member)) return { kind: 'list', items: member.map(compile) };
    if (member !== null && typeof member === 'object') {
      return { kind: 'object', members: Object.entries(member).map(([k, v]) => [k, compile(v)]) };
    }
    if (typeof member === 'string' && hasExpressions(member)) {
      return { kind: 'text', parts: compileText(unquoted(member), 'expr', node, trace, ctx) };
    }
    return { kind: 'literal', value: member };
  };
  return compile(value);
}

/** The string a JSON string literal denotes, or the text itself when it is not one. */
function unquoted(text: string): string {
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return text;
  try {
    const inner: unknown = JSON.parse(text);
    return typeof inner === 'string' ? inner : text;
  } catch {
    return text;
  }
}

/**
 * A static body must fit the field's type, checked as Tailcall checks it: null only where
 * the type is nullable, a list where it is a list (each item at its index in the trace), an
 * object with its non-null fields for an object type or a scalar the config declares, and a
 * string, number or boolean for `String`, `Int` and `Boolean`. Every other type (`Float`,
 * `ID`, enums, unions, Tailcall's scalars) takes any value.
 */
function checkStatic(
  value: JsonValue,
  type: GraphQLOutputType,
  trace: string,
  file: SourceFile,
  directive: DecodedDirective,
  bag: DiagnosticBag,
): void {
  const fail = (message: string, at = trace) =>
    bag.error(DiagnosticCode.InvalidArgument, message, file.spanOf(directive.node), at);
  const nullable = getNullableType(type);
  const declared = isScalarType(nullable) && declaredScalars(file).has(nullable.name);
  const expected: string | undefined = isListType(nullable)
    ? 'array'
    : isObjectType(nullable) || isInterfaceType(nullable) || declared
      ? 'object'
      : isScalarType(nullable)
        ? SCALAR_KINDS[nullable.name]
        : undefined;

  if (value === null) {
    if (isNonNullType(type) && expected) fail(`expected ${expected}`);
    return;
  }
  if (isListType(nullable)) {
    if (!Array.isArray(value)) return void fail('expected array');
    value.forEach((item, i) =>
      checkStatic(item, nullable.ofType, `${trace}.${i}`, file, directive, bag),
    );
    return;
  }
  if (expected === 'object') {
    if (typeof value !== 'object' || Array.isArray(value)) return void fail('expected object');
    if (declared || !(isObjectType(nullable) || isInterfaceType(nullable))) return;
    for (const field of Object.values(nullable.getFields())) {
      const member = value[field.name];
      const at = `${trace}.${field.name}`;
      if (member !== undefined) checkStatic(member, field.type, at, file, directive, bag);
      else if (isNonNullType(field.type)) fail('expected field to be non-nullable', at);
    }
    return;
  }
  if (expected !== undefined && typeof value !== expected) fail(`expected ${expected}`);
}

/** The JSON type Tailcall requires of a built-in scalar; the others take any value. */
const SCALAR_KINDS: Readonly<Record<string, 'string' | 'number' | 'boolean'>> = {
  String: 'string',
  Int: 'number',
  Boolean: 'boolean',
};
