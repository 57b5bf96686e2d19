/**
 * Every identifier the emitter writes passes through here, so generated names
 * are predictable and never collide with TypeScript's reserved words.
 */

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally ' +
    'for function if import in instanceof new null return super switch this throw true try typeof var void ' +
    'while with as implements interface let package private protected public static yield any boolean ' +
    'constructor declare get module require number set string symbol type from of unknown never object ' +
    'bigint undefined async await'
  ).split(' '),
);

/** Names the generated modules declare themselves, which GraphQL types must not shadow. */
const TAKEN = new Set(['Context', 'Promise', 'Record', 'Array', 'Partial', 'Readonly']);

export function safeIdentifier(name: string): string {
  return RESERVED.has(name) ? `${name}_` : name;
}

/** A GraphQL type name as a TypeScript type name. */
export function typeName(name: string): string {
  const safe = safeIdentifier(name);
  return TAKEN.has(safe) ? `${safe}_` : safe;
}

/** `Query` + `user` → `queryUser`. */
export function resolverFunctionName(parent: string, field: string): string {
  const head = parent.charAt(0).toLowerCase() + parent.slice(1);
  return safeIdentifier(`${head}${field.charAt(0).toUpperCase()}${field.slice(1)}`);
}

/** `Query` + `user` → `QueryUserArgs`. */
export function argsTypeName(parent: string, field: string): string {
  return `${parent}${field.charAt(0).toUpperCase()}${field.slice(1)}Args`;
}

/** A string as a TypeScript property key: bare when it is an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}
