/**
 * The plan: everything the emitter needs, decided. It holds no AST and no
 * template text; each upstream call is a list of parts the emitter turns
 * into plain string concatenation.
 */
import type { GraphQLSchema } from 'graphql';

import type { JsonValue } from '../load/decode-directive.ts';
import type { HttpMethod } from '../load/directive-specs.ts';
import type { AuthLink, ServerSettings, UpstreamSettings } from '../model.ts';
import type { TypeNames } from '../naming.ts';
import type { ProtectionReason } from '../validate/protected.ts';
import type { AddedField } from '../validate/shape.ts';

export type { HttpMethod };

/** Where a template value comes from at request time. */
export type ValueRef =
  | { root: 'args'; path: readonly string[] }
  | { root: 'value'; path: readonly string[] }
  | { root: 'headers'; name: string }
  | { root: 'env'; name: string };

export type TextPart = { kind: 'literal'; text: string } | { kind: 'ref'; ref: ValueRef };

/** How a reference is written into the URL. */
export type UrlPart =
  { kind: 'literal'; text: string } | { kind: 'ref'; ref: ValueRef; encode: 'raw' | 'path' };

/**
 * A query parameter. Its value is the first part that resolves (Tailcall's
 * rule): a literal always does, a reference when it is not undefined.
 */
export interface QueryParam {
  key: string;
  value: readonly TextPart[];
  /** `url`: written in the URL itself, dropped when empty; `entry`: an `@http(query:)` entry. */
  origin: 'url' | 'entry';
  skipEmpty: boolean;
}

export type BodyPart =
  { kind: 'literal'; text: string } | { kind: 'ref'; ref: ValueRef; context: 'string' | 'value' };

export interface HttpResolverPlan {
  typeName: string;
  fieldName: string;
  /** Name of the generated resolver function. */
  functionName: string;
  method: HttpMethod;
  /** One of several resolvers of the field, merged by a {@link MergedResolverPlan}. */
  part?: boolean;
  /** True when the URL starts with the upstream base URL (the `path` form). */
  fromBaseUrl: boolean;
  url: readonly UrlPart[];
  query: readonly QueryParam[];
  headers: readonly { key: string; value: readonly TextPart[] }[];
  body?: readonly BodyPart[];
  /** `@http(batchKey:)`: the path of the key in each item of a batched response. */
  batchKey?: readonly string[];
  /** `@http(select:)`: reshapes the response (Tailcall's `@expr` rendering rules). */
  select?: JsonValue;
  /** How the body is sent: JSON, or the rendered JSON re-encoded as a form. */
  encoding: 'json' | 'form';
  /** `@cache(maxAge:)` of the field, else of its type: milliseconds an answer is reused. */
  cacheMs?: number;
  /** Share identical in-flight calls (`@http(dedupe: true)` on a query field). */
  dedupe: boolean;
  /** The template as written, for the resolver's doc comment. */
  description: string;
  /** Provider ids any of which admits the caller; undefined when the field is public. */
  protection?: readonly string[];
}

/**
 * A value built at request time (`@expr`): literals as written, strings with
 * templates rendered and read back as JSON, objects and lists member by member.
 */
export type ValueTemplate =
  | { kind: 'literal'; value: JsonValue }
  | { kind: 'text'; parts: readonly TextPart[] }
  | { kind: 'object'; members: readonly (readonly [string, ValueTemplate])[] }
  | { kind: 'list'; items: readonly ValueTemplate[] };

/** A field whose value `@expr` (or `@const`) computes, without any upstream call. */
export interface ExprResolverPlan {
  typeName: string;
  fieldName: string;
  functionName: string;
  /** One of several resolvers of the field, merged by a {@link MergedResolverPlan}. */
  part?: boolean;
  body: ValueTemplate;
  protection?: readonly string[];
}

/** One step of `@call`: a root field whose resolver is called, and the arguments it gets. */
export interface CallStepPlan {
  typeName: string;
  fieldName: string;
  /** Rendered in the caller's context (first step) or over the previous result; else piped. */
  args?: ValueTemplate;
}

/** A field whose value comes from calling other fields' resolvers in turn (`@call`). */
export interface CallResolverPlan {
  typeName: string;
  fieldName: string;
  functionName: string;
  /** One of several resolvers of the field, merged by a {@link MergedResolverPlan}. */
  part?: boolean;
  steps: readonly CallStepPlan[];
  protection?: readonly string[];
}

/**
 * A field with several resolver directives: each runs (its own plan is marked `part`) and the
 * results are deep-merged, later directives winning, as Tailcall does.
 */
export interface MergedResolverPlan {
  typeName: string;
  fieldName: string;
  functionName: string;
  /** The parts' function names, in directive order. */
  parts: readonly string[];
  /** Mutations run their parts one after the other; queries run them together. */
  sequential: boolean;
}

/** How the member of a union or interface value is found (see the runtime's `discriminate`). */
export interface DiscriminatorPlan {
  typeName: string;
  members: readonly string[];
  /** `@discriminate(field:)`; the keyed form when absent. */
  field?: string;
}

export interface Plan {
  /** The config file name, for generated headers. */
  configName: string;
  /** The types as declared, reachable from the roots: the shape of the values resolvers see. */
  schema: GraphQLSchema;
  /** What clients query: `schema` with `@modify`, `@omit` and `@addField` applied. */
  clientSchema: GraphQLSchema;
  /** The TypeScript names of `schema`'s types and of its fields' arguments (`src/types.ts`). */
  typeNames: TypeNames;
  /** `Type.field` (as declared) → the name clients use. */
  renamed: ReadonlyMap<string, string>;
  /** `Type.field` (as declared) hidden from clients. */
  omitted: ReadonlySet<string>;
  /** Fields `@addField` makes. */
  addedFields: readonly AddedField[];
  server: ServerSettings;
  upstream: UpstreamSettings;
  authLinks: readonly AuthLink[];
  resolvers: readonly HttpResolverPlan[];
  /** Enum name → upstream alias → enum value (`@alias`). */
  enumAliases: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Fields computed by `@expr` / `@const`. */
  exprResolvers: readonly ExprResolverPlan[];
  /** Fields that call other resolvers (`@call`). */
  callResolvers: readonly CallResolverPlan[];
  /** Fields with several resolver directives, whose results are merged. */
  mergedResolvers: readonly MergedResolverPlan[];
  /** `Type.field` → discriminator, for every field whose type is a union or interface. */
  discriminators: ReadonlyMap<string, DiscriminatorPlan>;
  /** typeName → fieldName (as clients name them) → provider ids (empty = any linked provider). */
  protection: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
  /** `Type.field` → why it is protected (for `tc-gen audit`). */
  protectionReasons: ReadonlyMap<string, ProtectionReason>;
}
