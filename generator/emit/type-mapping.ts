import {
  isEnumType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLScalarType,
} from 'graphql';

import type { TypeNames } from '../naming.ts';

/** How each scalar reaches resolvers as JSON. */
const SCALARS: Readonly<Record<string, string>> = {
  Int: 'number',
  Float: 'number',
  String: 'string',
  ID: 'string',
  Boolean: 'boolean',
  Email: 'string',
  PhoneNumber: 'string',
  Date: 'string',
  DateTime: 'string',
  Url: 'string',
  Bytes: 'string',
  JSON: 'unknown',
  Empty: 'null',
  Int8: 'number',
  Int16: 'number',
  Int32: 'number',
  UInt8: 'number',
  UInt16: 'number',
  UInt32: 'number',
  // 64- and 128-bit integers exceed a double's exact range; upstreams send them as either.
  Int64: 'number | string',
  Int128: 'number | string',
  UInt64: 'number | string',
  UInt128: 'number | string',
};

function scalarType(type: GraphQLScalarType): string {
  return SCALARS[type.name] ?? 'unknown';
}

/**
 * The TypeScript type of a GraphQL type, written against the `T` namespace
 * import when `qualified` (resolvers.ts) or bare (types.ts itself).
 */
export function tsType(
  type: GraphQLOutputType | GraphQLInputType,
  names: TypeNames,
  qualified: boolean,
): string {
  if (isNonNullType(type)) return tsNonNull(type.ofType, names, qualified);
  const inner = tsNonNull(type, names, qualified);
  return inner === 'unknown' ? inner : `${inner} | null`;
}

function tsNonNull(
  type: GraphQLOutputType | GraphQLInputType,
  names: TypeNames,
  qualified: boolean,
): string {
  if (isNonNullType(type)) return tsNonNull(type.ofType, names, qualified);
  if (isListType(type)) {
    const item = tsType(type.ofType as GraphQLOutputType, names, qualified);
    return /[ |]/.test(item) ? `Array<${item}>` : `${item}[]`;
  }
  if (isScalarType(type) && !isUserScalar(type)) return scalarType(type);
  const name = names.type(type.name);
  if (isScalarType(type) || isEnumType(type)) return qualified ? `T.${name}` : name;
  return qualified ? `T.${name}` : name;
}

function isUserScalar(type: GraphQLScalarType): boolean {
  return SCALARS[type.name] === undefined;
}
