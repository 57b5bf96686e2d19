/**
 * The directives of the config language and the shape of their arguments.
 *
 * Argument lists follow Tailcall v1.6.14 plus the docs-era forms tc-gen also
 * accepts (`@upstream(baseURL)`, `@http(path)`, `@server(graphiql)`,
 * `@const`). An argument Tailcall has but tc-gen does not implement yet is
 * marked `unsupported`, so a config using it fails loudly instead of being
 * served with the option silently ignored.
 */

export type ArgType =
  | { kind: 'Int'; min?: number; max?: number; rust?: string }
  | { kind: 'String' }
  | { kind: 'Boolean' }
  | { kind: 'JSON' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'list'; of: ArgType }
  | { kind: 'object'; fields: Readonly<Record<string, ArgSpec>> };

export interface ArgSpec {
  type: ArgType;
  required?: boolean;
  /** Known to Tailcall, not implemented by tc-gen yet. */
  unsupported?: boolean;
  /** Accepted for compatibility and ignored (deprecated in Tailcall). */
  ignored?: boolean;
}

export type DirectiveLocation =
  | 'SCHEMA'
  | 'OBJECT'
  | 'FIELD_DEFINITION'
  | 'INPUT_OBJECT'
  | 'INPUT_FIELD_DEFINITION'
  | 'INTERFACE'
  | 'ENUM_VALUE';

export interface DirectiveSpec {
  name: string;
  locations: readonly DirectiveLocation[];
  args: Readonly<Record<string, ArgSpec>>;
  /** Known to Tailcall, not implemented by tc-gen yet. */
  unsupported?: boolean;
}

const int = (rust = 'i64', min?: number, max?: number): ArgType => ({
  kind: 'Int',
  rust,
  ...(min === undefined ? {} : { min }),
  ...(max === undefined ? {} : { max }),
});
const string: ArgType = { kind: 'String' };
const boolean: ArgType = { kind: 'Boolean' };
const json: ArgType = { kind: 'JSON' };
const listOf = (of: ArgType): ArgType => ({ kind: 'list', of });
const object = (fields: Record<string, ArgSpec>): ArgType => ({ kind: 'object', fields });
const enumOf = (...values: string[]): ArgType => ({ kind: 'enum', values });

const keyValue = object({
  key: { type: string, required: true },
  value: { type: string, required: true },
});
const later = (type: ArgType): ArgSpec => ({ type, unsupported: true });

export const HTTP_METHODS = [
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'HEAD',
  'OPTIONS',
  'CONNECT',
  'TRACE',
] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

const server: DirectiveSpec = {
  name: 'server',
  locations: ['SCHEMA'],
  args: {
    enableJIT: { type: boolean, ignored: true },
    apolloTracing: later(boolean),
    batchRequests: { type: boolean },
    headers: {
      type: object({
        custom: { type: listOf(keyValue) },
        cacheControl: { type: boolean },
        setCookies: { type: boolean },
        experimental: { type: listOf(string) },
        cors: {
          type: object({
            allowCredentials: { type: boolean },
            allowHeaders: { type: listOf(string) },
            allowMethods: { type: listOf(enumOf(...HTTP_METHODS)) },
            allowOrigins: { type: listOf(string) },
            allowPrivateNetwork: { type: boolean },
            exposeHeaders: { type: listOf(string) },
            maxAge: { type: int('usize', 0) },
            vary: { type: listOf(string) },
          }),
        },
      }),
    },
    globalResponseTimeout: later(int()),
    hostname: { type: string },
    introspection: { type: boolean },
    enableFederation: later(boolean),
    pipelineFlush: { type: boolean, ignored: true },
    port: { type: int('u16', 0, 65535) },
    queryValidation: { type: boolean },
    responseValidation: later(boolean),
    script: later(json),
    showcase: later(boolean),
    vars: { type: listOf(keyValue) },
    version: later(enumOf('HTTP1', 'HTTP2')),
    workers: { type: int('usize', 0) },
    routes: { type: object({ graphQL: { type: string }, status: { type: string } }) },
    graphiql: { type: boolean },
  },
};

const upstream: DirectiveSpec = {
  name: 'upstream',
  locations: ['SCHEMA'],
  args: {
    onRequest: later(string),
    allowedHeaders: { type: listOf(string) },
    batch: {
      type: object({
        delay: { type: int('usize', 0) },
        maxSize: { type: int('usize', 0) },
        headers: { type: listOf(string) },
      }),
    },
    connectTimeout: { type: int('u64', 0) },
    httpCache: { type: int('u64', 0) },
    http2Only: later(boolean),
    keepAliveInterval: { type: int('u64', 0), ignored: true },
    keepAliveTimeout: { type: int('u64', 0) },
    keepAliveWhileIdle: { type: boolean, ignored: true },
    poolMaxIdlePerHost: { type: int('usize', 0) },
    poolIdleTimeout: { type: int('u64', 0), ignored: true },
    proxy: { type: object({ url: { type: string, required: true } }) },
    tcpKeepAlive: { type: int('u64', 0), ignored: true },
    timeout: { type: int('u64', 0) },
    userAgent: { type: string },
    verifySSL: later(boolean),
    baseURL: { type: string },
  },
};

const http: DirectiveSpec = {
  name: 'http',
  locations: ['FIELD_DEFINITION'],
  args: {
    onRequest: later(string),
    url: { type: string },
    body: { type: json },
    encoding: { type: enumOf('ApplicationJson', 'ApplicationXWwwFormUrlencoded') },
    batchKey: { type: listOf(string) },
    headers: { type: listOf(keyValue) },
    input: later(json),
    method: { type: enumOf(...HTTP_METHODS) },
    output: later(json),
    query: {
      type: listOf(
        object({
          key: { type: string, required: true },
          value: { type: string, required: true },
          skipEmpty: { type: boolean },
        }),
      ),
    },
    dedupe: { type: boolean },
    select: { type: json },
    onResponseBody: later(string),
    path: { type: string },
  },
};

const link: DirectiveSpec = {
  name: 'link',
  locations: ['SCHEMA'],
  args: {
    id: { type: string },
    // Tailcall reads a missing `src` as an empty one: `Link src cannot be empty`.
    src: { type: string },
    type: {
      type: enumOf(
        'Config',
        'Protobuf',
        'Script',
        'Cert',
        'Key',
        'Operation',
        'Htpasswd',
        'Jwks',
        'Grpc',
      ),
    },
    headers: later(listOf(keyValue)),
    meta: later(json),
    proto_paths: later(listOf(string)),
    // tc-gen's extension: claims a Jwks provider checks besides the signature and `exp`.
    issuer: { type: string },
    audience: { type: listOf(string) },
  },
};

const protectedSpec: DirectiveSpec = {
  name: 'protected',
  locations: ['OBJECT', 'FIELD_DEFINITION', 'INTERFACE', 'INPUT_OBJECT', 'INPUT_FIELD_DEFINITION'],
  args: { id: { type: listOf(string) } },
};

const discriminate: DirectiveSpec = {
  name: 'discriminate',
  locations: ['FIELD_DEFINITION'],
  args: { field: { type: string } },
};

const expr: DirectiveSpec = {
  name: 'expr',
  locations: ['FIELD_DEFINITION'],
  args: { body: { type: json, required: true } },
};

/** The docs-era name of `@expr`. */
const constSpec: DirectiveSpec = {
  name: 'const',
  locations: ['FIELD_DEFINITION'],
  args: { data: { type: json, required: true } },
};

/** `@alias(options:)` on an enum value: upstream strings read as that value. */
const alias: DirectiveSpec = {
  name: 'alias',
  locations: ['ENUM_VALUE'],
  args: { options: { type: listOf(string), required: true } },
};

/** `@cache(maxAge:)`, in milliseconds: upstream answers shared by all requests for that long. */
const cache: DirectiveSpec = {
  name: 'cache',
  locations: ['FIELD_DEFINITION', 'OBJECT'],
  args: { maxAge: { type: int('NonZeroU64', 1), required: true } },
};

/** `@call(steps:)`: the field's value comes from root fields' resolvers, called in a chain. */
const call: DirectiveSpec = {
  name: 'call',
  locations: ['FIELD_DEFINITION'],
  args: {
    steps: {
      type: listOf(
        object({
          query: { type: string },
          mutation: { type: string },
          args: { type: json },
        }),
      ),
      required: true,
    },
    dedupe: { type: boolean },
  },
};

/** `@addField(name:, path:)` on a type: a field whose value is read at `path`. */
const addField: DirectiveSpec = {
  name: 'addField',
  locations: ['OBJECT'],
  args: {
    name: { type: string, required: true },
    path: { type: listOf(string), required: true },
  },
};

/** `@modify(name:, omit:)`: publish the field under another name, or hide it. */
const modify: DirectiveSpec = {
  name: 'modify',
  locations: ['FIELD_DEFINITION'],
  args: { name: { type: string }, omit: { type: boolean } },
};

/** `@omit`: hide the field from clients; templates and `@addField` still read it. */
const omit: DirectiveSpec = { name: 'omit', locations: ['FIELD_DEFINITION'], args: {} };

/** Directives of Tailcall that tc-gen does not compile yet. */
const notYet = (name: string, locations: DirectiveLocation[]): DirectiveSpec => ({
  name,
  locations,
  args: {},
  unsupported: true,
});

export const DIRECTIVES: ReadonlyMap<string, DirectiveSpec> = new Map(
  [
    server,
    upstream,
    http,
    link,
    protectedSpec,
    expr,
    constSpec,
    call,
    addField,
    modify,
    omit,
    cache,
    discriminate,
    alias,
    notYet('graphQL', ['FIELD_DEFINITION', 'OBJECT']),
    notYet('grpc', ['FIELD_DEFINITION', 'OBJECT']),
    notYet('js', ['FIELD_DEFINITION', 'OBJECT']),
    notYet('rest', ['FIELD_DEFINITION']),
    notYet('telemetry', ['SCHEMA']),
  ].map((spec) => [spec.name, spec]),
);

/** Directives of GraphQL itself, passed through to the public schema untouched. */
export const GRAPHQL_DIRECTIVES: ReadonlySet<string> = new Set([
  'deprecated',
  'specifiedBy',
  'oneOf',
]);
