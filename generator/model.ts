import type { DocumentNode, GraphQLSchema } from 'graphql';

import type { DecodedDirective, JsonValue } from './load/decode-directive.ts';
import type { SourceFile } from './load/source-file.ts';

/**
 * What validation knows about a config once it has been read: the parsed
 * SDL, the decoded directives by place, the settings and the loaded links.
 * The planner turns a model without errors into a `Plan`.
 */
export interface Model {
  file: SourceFile;
  document: DocumentNode;
  /** The public schema: the SDL with tc-gen's directives removed. */
  schema: GraphQLSchema;
  directives: DirectiveIndex;
  server: ServerSettings;
  upstream: UpstreamSettings;
  authLinks: AuthLink[];
}

/** Decoded directives keyed by where they stand. */
export interface DirectiveIndex {
  schema: DecodedDirective[];
  /** By type name. */
  types: Map<string, DecodedDirective[]>;
  /** By `Type.field`. */
  fields: Map<string, DecodedDirective[]>;
}

export interface ServerSettings {
  port: number;
  hostname: string;
  graphiql: boolean;
  vars: ReadonlyMap<string, string>;
  /** Paths of the GraphQL endpoint and of the health check. */
  routes: { graphQL: string; status: string };
  /** Accept a JSON array of GraphQL requests and answer with an array. */
  batchRequests: boolean;
  /** Answer introspection queries (`__schema`, `__type`). */
  introspection: boolean;
  /** Processes serving requests (`@server(workers:)`, default 1); more than one uses `node:cluster`. */
  workers: number;
  /**
   * Validate queries as the GraphQL spec says. Off by default, as in Tailcall: unknown fields
   * and arguments are skipped and argument values are not checked against scalar types.
   */
  queryValidation: boolean;
  headers: ResponseHeaderSettings;
}

/** `@server(headers:)`: what the GraphQL response carries besides the body. */
export interface ResponseHeaderSettings {
  /** Static headers on every response, names lower-cased. */
  custom: readonly { key: string; value: string }[];
  /** Send `cache-control` computed from the upstream responses of the request. */
  cacheControl: boolean;
  /** Collect upstream `set-cookie` headers into the response. */
  setCookies: boolean;
  /** Upstream response headers (names lower-cased, all `x-`) copied to the response. */
  experimental: readonly string[];
  /** `cors`, as written (checked with Tailcall's rules). */
  cors?: CorsSettings;
}

export interface CorsSettings {
  allowCredentials?: boolean;
  allowHeaders?: string[];
  allowMethods?: string[];
  allowOrigins?: string[];
  allowPrivateNetwork?: boolean;
  exposeHeaders?: string[];
  maxAge?: number;
  vary?: string[];
}

/** `@upstream(batch:)`: the data loader behind `@http(batchKey:)`. */
export interface BatchSettings {
  /** Milliseconds to collect keys; batching is on only when it is at least 1. */
  delay: number;
  /** Most keys in one upstream call. */
  maxSize: number;
  /** Request headers whose values tell otherwise equal keys apart (lower-cased). */
  headers: readonly string[];
}

export interface UpstreamSettings {
  baseURL?: string;
  /** A baseURL was written, even if it was invalid (already reported): paths need not complain. */
  baseUrlWritten: boolean;
  /** Lower-cased request header names forwarded upstream and visible to `{{.headers.*}}`. */
  allowedHeaders: string[];
  timeoutMs?: number;
  connectTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  connectionsPerOrigin?: number;
  userAgent?: string;
  /** `@upstream(batch:)`, when present. */
  batch?: BatchSettings;
  /** `@upstream(httpCache:)`: how many GET responses to keep, honouring their cache headers. */
  httpCacheSize?: number;
  /** `@upstream(proxy: {url})`: every upstream call goes through this HTTP proxy. */
  proxyUrl?: string;
}

export type AuthLink =
  | {
      kind: 'Jwks';
      id: string;
      src: string;
      /** The key set, read at build time from a file; absent for a URL fetched at start-up. */
      jwks?: { keys: Record<string, JsonValue>[] };
      /** `@link(issuer:)` (tc-gen's extension): the `iss` tokens must carry. */
      issuer?: string;
      /** `@link(audience:)` (tc-gen's extension): tokens must name one of these in `aud`. */
      audience?: readonly string[];
    }
  | { kind: 'Htpasswd'; id: string; src: string; htpasswd: string };

export function directivesOf(
  index: DirectiveIndex,
  coordinate: string,
  name: string,
): DecodedDirective[] {
  const list = coordinate.includes('.')
    ? index.fields.get(coordinate)
    : index.types.get(coordinate);
  return (list ?? []).filter((d) => d.name === name);
}
