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
  /** `@upstream(httpCache:)`: how many GET responses to keep, honouring their cache headers. */
  httpCacheSize?: number;
  /** `@upstream(proxy: {url})`: every upstream call goes through this HTTP proxy. */
  proxyUrl?: string;
}

export type AuthLink =
  | { kind: 'Jwks'; id: string; src: string; jwks: { keys: Record<string, JsonValue>[] } }
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
