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

/**
 * Names of the generated resolver functions: `Query` + `user` → `resolveQueryUser`. The
 * prefix keeps them apart from the runtime helpers the module imports; a second field that
 * would get the same name (`user` and `User`) gets a number.
 */
export class ResolverNames {
  readonly #taken = new Set<string>();

  next(parent: string, field: string): string {
    const base = `resolve${upperFirst(parent)}${upperFirst(field)}`;
    let name = base;
    for (let n = 2; this.#taken.has(name); n++) name = `${base}${n}`;
    this.#taken.add(name);
    return name;
  }
}

/**
 * `Query` + `user` → `QueryUserArgs`, with `_` added while a GraphQL type of the schema
 * already has that name.
 */
export function argsTypeName(
  parent: string,
  field: string,
  isTypeName: (name: string) => boolean,
): string {
  let name = `${parent}${upperFirst(field)}Args`;
  while (isTypeName(name)) name = `${name}_`;
  return name;
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A string as a TypeScript property key: bare when it is an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}
