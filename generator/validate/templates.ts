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
  type GraphQLInputType,
  type GraphQLNamedType,
} from 'graphql';

import type { ValueRef } from '../plan/plan.ts';
import { isTemplateRoot } from '../template/mustache.ts';

/** Where a template stands decides how strictly its references are checked (Tailcall's rules). */
export type TemplatePosition = 'url' | 'query' | 'header' | 'body';

export interface TemplateScope {
  parentType: GraphQLNamedType;
  field: GraphQLField<unknown, unknown>;
  isRootType: boolean;
  /** The field belongs to the mutation root. */
  isMutation: boolean;
  vars: ReadonlyMap<string, string>;
  allowedHeaders: readonly string[];
}

/** A checked reference: what it reads, or the literal it stands for (vars are known at build time). */
export type CheckedRef =
  { ref: ValueRef } | { literal: string } | { wholeRoot: 'args' | 'value' | 'vars' };

/**
 * Checks one `{{...}}` path against the field it belongs to. Returns the
 * reference, or the message Tailcall gives for the mistake.
 */
export function checkReference(
  path: readonly string[],
  scope: TemplateScope,
  position: TemplatePosition,
): CheckedRef | { error: string } {
  const [root, ...rest] = path;
  if (root === undefined || !isTemplateRoot(root))
    return { error: `unknown template directive '${root ?? ''}'` };
  const strict = position === 'url' || position === 'query';

  if (rest.length === 0) {
    if (!strict && (root === 'args' || root === 'value' || root === 'vars'))
      return { wholeRoot: root };
    return { error: 'too few parts in template' };
  }

  switch (root) {
    case 'args':
      return checkArgs(rest, scope, position);
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
      if (!scope.allowedHeaders.includes(name)) {
        return {
          error: `header '${name}' is not in @upstream(allowedHeaders); templates only see allowed request headers`,
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
): CheckedRef | { error: string } {
  const [name, ...deeper] = path as [string, ...string[]];
  const arg: GraphQLArgument | undefined = scope.field.args.find((a) => a.name === name);
  if (!arg) return { error: `no argument '${name}' found` };

  let type: GraphQLInputType = arg.type;
  let walked = name;
  for (const segment of deeper) {
    const named = getNamedType(type);
    walked = `${walked}.${segment}`;
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

function checkValue(
  path: readonly string[],
  scope: TemplateScope,
  position: TemplatePosition,
): CheckedRef | { error: string } {
  const joined = path.join('.');
  if (scope.isRootType) return { error: `no value '${joined}' found` };

  let current: GraphQLNamedType = scope.parentType;
  let nonNull = true;
  for (const segment of path) {
    if (!isObjectType(current) && !isInterfaceType(current))
      return { error: `no value '${joined}' found` };
    const field: GraphQLField<unknown, unknown> | undefined = current.getFields()[segment];
    if (!field) return { error: `no value '${joined}' found` };
    nonNull = isNonNullType(field.type);
    current = getNamedType(field.type);
  }

  if (position === 'url' || position === 'query') {
    if (!isLeafType(current)) return { error: `value '${joined}' is not of a scalar type` };
  }
  if (position === 'url' && !nonNull) return { error: `value '${joined}' is a nullable type` };

  return { ref: { root: 'value', path } };
}
