import {
  getNamedType,
  getNullableType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLNamedType,
} from 'graphql';

import type { ValueRef } from '../plan/plan.ts';
import { isTemplateRoot } from '../template/mustache.ts';

/** Where a template stands decides how strictly its references are checked (Tailcall's rules). */
export type TemplatePosition = 'url' | 'query' | 'header' | 'body' | 'expr';

export interface TemplateScope {
  parentType: GraphQLNamedType;
  field: GraphQLField<unknown, unknown>;
  isRootType: boolean;
  /** The field belongs to the mutation root. */
  isMutation: boolean;
  vars: ReadonlyMap<string, string>;
  allowedHeaders: readonly string[];
  /** Types referenced but not declared (they stand in as scalars in the schema). */
  undeclaredTypes?: ReadonlySet<string>;
  /**
   * Collects `Type.field.arg` of every argument whose undeclared type a template check
   * reported, so the argument is not reported again as undeclared.
   */
  reportedUndeclaredArguments?: Set<string>;
  /** `.args` is a value piped in at request time (later `@call` steps): not checked here. */
  pipedArgs?: boolean;
}

/** A checked reference: what it reads, or the literal it stands for (vars are known at build time). */
export type CheckedRef =
  | { ref: ValueRef }
  | { literal: string; warning?: string }
  | { wholeRoot: 'args' | 'value' | 'vars' };

/**
 * A mistake, in Tailcall's words. `argument` is the argument a query-parameter template
 * names, which Tailcall adds to the trace there.
 */
export interface TemplateError {
  error: string;
  argument?: string;
}

/**
 * Checks one `{{...}}` path against the field it belongs to. Returns the
 * reference, or the message Tailcall gives for the mistake.
 */
export function checkReference(
  path: readonly string[],
  scope: TemplateScope,
  position: TemplatePosition,
): CheckedRef | TemplateError {
  const [root, ...rest] = path;
  if (root === undefined || !isTemplateRoot(root))
    return { error: `unknown template directive '${root ?? ''}'` };
  const strict = position === 'url' || position === 'query';
  // Tailcall does not check what `@expr` bodies and `@call` arguments read from `.args` and
  // `.value`: a missing value renders as empty text. Configs relying on that must build.
  // TODO: warn about paths the types do not have, once warnings can point into templates.
  if (position === 'expr' && (root === 'args' || root === 'value'))
    return rest.length === 0 ? { wholeRoot: root } : { ref: { root, path: rest } };

  if (rest.length === 0) {
    if (!strict && (root === 'args' || root === 'value' || root === 'vars'))
      return { wholeRoot: root };
    return { error: 'too few parts in template' };
  }

  switch (root) {
    case 'args':
      if (scope.pipedArgs) return { ref: { root: 'args', path: rest } };
      return position === 'query' ? checkQueryArgs(rest, scope) : checkArgs(rest, scope, position);
    case 'value':
      return checkValue(rest, scope, position);
    case 'vars': {
      const name = rest.join('.');
      const value = scope.vars.get(name);
      if (value === undefined) return { error: `var '${name}' is not set in the server config` };
      return { literal: value };
    }
    case 'headers': {
      const name = rest.join('.').toLowerCase();
      // Only allowed headers reach templates; Tailcall reads any other as empty text.
      if (!scope.allowedHeaders.includes(name)) {
        return {
          literal: '',
          warning: `header '${name}' is not in @upstream(allowedHeaders), so it reads as empty text`,
        };
      }
      return { ref: { root: 'headers', name } };
    }
    case 'env':
      return { ref: { root: 'env', name: rest.join('.') } };
  }
}

function checkArgs(
  path: readonly string[],
  scope: TemplateScope,
  position: TemplatePosition,
): CheckedRef | TemplateError {
  const [name, ...deeper] = path as [string, ...string[]];
  const arg: GraphQLArgument | undefined = scope.field.args.find((a) => a.name === name);
  if (!arg) return { error: `no argument '${name}' found` };

  let type: GraphQLInputType = arg.type;
  let walked = name;
  for (const segment of deeper) {
    const named = getNamedType(type);
    walked = `${walked}.${segment}`;
    // A JSON argument holds any shape: the rest of the path is read at request time.
    if (named.name === 'JSON') break;
    if (!isInputObjectType(named)) return { error: `no argument '${walked}' found` };
    const field = named.getFields()[segment];
    if (!field) return { error: `no argument '${walked}' found` };
    type = field.type;
  }

  if (position === 'url') {
    if (isListType(getNullableType(type))) return { error: `can't use list type '${walked}' here` };
    if (deeper.length === 0 && !isNonNullType(type) && arg.defaultValue === undefined) {
      return { error: `argument '${walked}' is a nullable type` };
    }
  }

  return { ref: { root: 'args', path } };
}

/**
 * Tailcall's rules for an argument in a query parameter: nullable and list arguments are
 * fine, a path into an input type is followed field by field, and it must end on a scalar.
 */
function checkQueryArgs(path: readonly string[], scope: TemplateScope): CheckedRef | TemplateError {
  const [name, ...deeper] = path as [string, ...string[]];
  const fail = (error: string): TemplateError => ({ error, argument: name });
  const arg: GraphQLArgument | undefined = scope.field.args.find((a) => a.name === name);
  if (!arg) return fail(`no argument '${name}' found`);

  const undeclared = (typeName: string): TemplateError | undefined => {
    if (!scope.undeclaredTypes?.has(typeName)) return undefined;
    scope.reportedUndeclaredArguments?.add(`${scope.parentType.name}.${scope.field.name}.${name}`);
    return fail(`Cannot find type ${typeName} in the config`);
  };

  let named: GraphQLNamedType = getNamedType(arg.type);
  for (const segment of deeper) {
    const missing = undeclared(named.name);
    if (missing) return missing;
    const field: GraphQLInputField | undefined = isInputObjectType(named)
      ? named.getFields()[segment]
      : undefined;
    if (!field) return fail(`field ${segment} not found`);
    named = getNamedType(field.type);
  }
  const missing = undeclared(named.name);
  if (missing) return missing;
  if (!isLeafType(named)) return fail(`value '${named.name}' is not of a scalar type`);

  return { ref: { root: 'args', path } };
}

/**
 * `{{.value.a.b}}` follows the fields of the parent type. In a URL every step must be
 * non-null; in a URL or a query parameter it must end on a scalar.
 */
function checkValue(
  path: readonly string[],
  scope: TemplateScope,
  position: TemplatePosition,
): CheckedRef | TemplateError {
  // A root field has no parent value.
  if (scope.isRootType) return { error: `no value '${path[0] ?? ''}' found` };

  let current: GraphQLNamedType = scope.parentType;
  for (const [i, segment] of path.entries()) {
    if (!isObjectType(current) && !isInterfaceType(current))
      return { error: `no type '${path.join('.')}' found` };
    const field: GraphQLField<unknown, unknown> | undefined = current.getFields()[segment];
    if (!field) return { error: `no value '${path.slice(0, i + 1).join('.')}' found` };
    if (position === 'url' && !isNonNullType(field.type))
      return { error: `value '${segment}' is a nullable type` };
    current = getNamedType(field.type);
    const last = i === path.length - 1;
    if (last && (position === 'url' || position === 'query') && !isLeafType(current))
      return { error: `value '${segment}' is not of a scalar type` };
  }

  return { ref: { root: 'value', path } };
}
