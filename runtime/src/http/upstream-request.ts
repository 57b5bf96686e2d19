/** The HTTP methods a Tailcall `@http` directive may use. */
export type HttpMethod =
  'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'CONNECT' | 'TRACE';

/** One call to an upstream service, fully prepared by generated code. */
export interface UpstreamRequest {
  method: HttpMethod;
  /** Absolute URL, already fully encoded by generated code. */
  url: string;
  /** Header names in any case; they are lower-cased before sending. */
  headers?: Readonly<Record<string, string>>;
  /** Already serialised request body. */
  body?: string;
  /** GraphQL coordinate for logs, e.g. `'Query.user'`. Never sent upstream. */
  field?: string;
  /**
   * Share one upstream call among identical calls in flight at the same time, within a
   * request and across requests (`@http(dedupe: true)`; queries only).
   */
  dedupe?: boolean;
  /**
   * Reuse a successful answer to an identical call for this many milliseconds, for every
   * request (`@cache(maxAge:)`). Entries are keyed by method, URL, headers sent and body.
   */
  cacheTtlMs?: number;
}
