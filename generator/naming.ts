/**
 * Every identifier the emitter writes passes through here, so generated names
 * are predictable, never collide with TypeScript's reserved words, and are
 * unique within the module that declares them.
 */
import { isInterfaceType, isObjectType, isScalarType, type GraphQLSchema } from 'graphql';

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

/**
 * Top-level names of `src/resolvers.ts` that are not derived from the config: its imports
 * (every runtime helper it may import, whether or not this build uses it), its own constants,
 * the globals and the locals its functions use. Resolver functions and constants never take
 * one of these.
 */
export const RESOLVERS_MODULE_NAMES: readonly string[] = [
  // mercurius, `./types.js`, `./upstream.js`
  'IResolvers',
  'MercuriusContext',
  'T',
  'forwardedHeaders',
  'upstreamBaseUrl',
  // @tc-gen/runtime
  'AbstractType',
  'EnumAliases',
  'SharingTable',
  'buildQuery',
  'concreteTypeName',
  'discriminate',
  'encodePathSegment',
  'enumValue',
  'formEncode',
  'forwardHeaders',
  'headerValue',
  'jsonStringContent',
  'mergeRight',
  'reparse',
  'toText',
  'valueAt',
  // the module's own exports
  'enumAliases',
  'resolvers',
  'sharing',
  // globals the function bodies use
  'JSON',
  'Object',
  'Promise',
  'Record',
  'process',
  // parameters and locals of the function bodies (`step1`, `step2`... never clash: every
  // derived name starts with `resolve` or `read`, or ends with `Keyed` or `By...`)
  '_args',
  '_ctx',
  '_parent',
  'args',
  'ctx',
  'data',
  'first',
  'parent',
  'results',
  'selected',
  'url',
  'value',
];

export function safeIdentifier(name: string): string {
  return RESERVED.has(name) ? `${name}_` : name;
}

/**
 * The names of one generated module. A name wanted twice gets a suffix, so two declarations
 * never share a name: `_` repeated for type names (`class_`, `class__`), a number from 2 for
 * functions and constants (`resolveQueryUser2`). Names are handed out in the order asked,
 * which callers keep stable (declaration order of the config), so rebuilds give the same names.
 */
export class NameRegistry {
  readonly #taken: Set<string>;
  readonly #reserved: ReadonlySet<string>;

  /** `reserved`: names the module declares or imports itself. */
  constructor(reserved: Iterable<string> = []) {
    this.#reserved = new Set(reserved);
    this.#taken = new Set(this.#reserved);
  }

  /** `base`, or `base` with the first suffix that makes it unique. */
  claim(base: string, suffix: 'underscore' | 'number'): string {
    let name = base;
    for (let n = 2; this.#taken.has(name); n++)
      name = suffix === 'underscore' ? `${name}_` : `${base}${n}`;
    this.#taken.add(name);
    return name;
  }

  /** Takes `name` as it is; one that is already taken is a bug of the generator. */
  take(name: string): void {
    if (this.#taken.has(name)) throw new Error(`generated name ${name} is declared twice`);
    this.#taken.add(name);
  }

  /** Whether `name` was given to the constructor as one of the module's own names. */
  isReserved(name: string): boolean {
    return this.#reserved.has(name);
  }
}

/**
 * Names of `src/types.ts`, decided once for the whole schema so that types.ts and the
 * modules referring to it (`T.User`) agree. A GraphQL type keeps its name when TypeScript
 * allows it; a reserved word or a name the generated modules use gets `_` (`class_`,
 * `Context_`), and more `_` while another type already has that name. Types named as
 * written are given out first, so a type `class_` keeps its name next to a type `class`.
 * Each field's arguments get `<Type><Field>Args`, with `_` added while that is taken.
 */
export class TypeNames {
  readonly #types = new Map<string, string>();
  readonly #args = new Map<string, string>();

  constructor(schema: GraphQLSchema) {
    const registry = new NameRegistry(TAKEN);
    const declared = Object.values(schema.getTypeMap()).filter(
      (type) => !type.name.startsWith('__') && !(isScalarType(type) && !type.astNode),
    );
    const asWritten = (name: string) => safeIdentifier(name) === name && !TAKEN.has(name);
    for (const type of declared) {
      if (asWritten(type.name)) this.#types.set(type.name, registry.claim(type.name, 'underscore'));
    }
    for (const type of declared) {
      if (asWritten(type.name)) continue;
      this.#types.set(type.name, registry.claim(`${type.name}_`, 'underscore'));
    }
    for (const type of declared) {
      if (!isObjectType(type) && !isInterfaceType(type)) continue;
      for (const field of Object.values(type.getFields())) {
        if (field.args.length === 0) continue;
        const base = `${type.name}${upperFirst(field.name)}Args`;
        this.#args.set(argsKey(type.name, field.name), registry.claim(base, 'underscore'));
      }
    }
  }

  /** A GraphQL type name as a TypeScript type name. */
  type(name: string): string {
    const found = this.#types.get(name);
    if (found === undefined) throw new Error(`no TypeScript name for type ${name}`);
    return found;
  }

  /** The arguments interface of `parent.field`: `Query` + `user` → `QueryUserArgs`. */
  args(parent: string, field: string): string {
    const found = this.#args.get(argsKey(parent, field));
    if (found === undefined) throw new Error(`no arguments type for ${parent}.${field}`);
    return found;
  }
}

function argsKey(parent: string, field: string): string {
  return `${parent}.${field}`;
}

/**
 * Names of the generated resolver functions: `Query` + `user` → `resolveQueryUser`. The
 * prefix keeps them apart from the runtime helpers the module imports; a second field that
 * would get the same name (`user` and `User`) gets a number.
 */
export class ResolverNames {
  readonly #registry = new NameRegistry(RESOLVERS_MODULE_NAMES);

  next(parent: string, field: string): string {
    return this.#registry.claim(`resolve${upperFirst(parent)}${upperFirst(field)}`, 'number');
  }
}

export function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A string as a TypeScript property key: bare when it is an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  // In an object literal `__proto__: x` (quoted or not) sets the prototype; a computed key makes
  // the member a config means.
  if (name === '__proto__') return '["__proto__"]';
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}

/**
 * A JSON value as a JavaScript expression: its JSON text, which is valid JavaScript, except when
 * an object in it has a `__proto__` member, which the text would turn into a prototype: then
 * the text is parsed at run time, as JSON.parse keeps such a member.
 */
export function jsonExpression(value: unknown): string {
  const text = JSON.stringify(value);
  return hasProtoMember(value) ? `JSON.parse(${JSON.stringify(text)})` : text;
}

function hasProtoMember(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasProtoMember);
  if (value === null || typeof value !== 'object') return false;
  return Object.hasOwn(value, '__proto__') || Object.values(value).some(hasProtoMember);
}
