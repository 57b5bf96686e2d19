import type { FastifyInstance, FastifyRequest } from 'fastify';

import type { CachedResponse } from '../http/response-cache.js';

/** `@server(headers:)`: what GraphQL responses carry besides the body. */
export interface ResponseHeaderPolicy {
  /** Static headers added to every response. */
  custom?: Readonly<Record<string, string>>;
  /** `cache-control` from the upstream responses: the lowest max-age, `private`, `no-cache`. */
  cacheControl?: boolean;
  /** Upstream `set-cookie` values, joined with `; ` into one header (as Tailcall does). */
  setCookies?: boolean;
  /** Upstream response headers copied to the response (lower-case names). */
  experimental?: readonly string[];
}

/** What one incoming request's upstream responses said, for its own response headers. */
export class UpstreamResponseHeaders {
  #maxAge: number | undefined;
  #private = false;
  #noCache = false;
  readonly #cookies: string[] = [];
  readonly #copied = new Map<string, string>();

  constructor(readonly policy: ResponseHeaderPolicy) {}

  /** Called for every upstream response of the request. */
  observe(response: Pick<CachedResponse, 'status' | 'headers'>): void {
    const { policy } = this;
    if (policy.cacheControl && response.status >= 200 && response.status < 300) {
      const directives = text(response.headers['cache-control'])
        .toLowerCase()
        .split(',')
        .map((d) => d.trim());
      for (const directive of directives) {
        if (directive === 'private') this.#private = true;
        else if (directive === 'no-cache' || directive === 'no-store') this.#noCache = true;
        else if (directive.startsWith('max-age=')) {
          const seconds = Number(directive.slice('max-age='.length));
          if (Number.isFinite(seconds)) this.#maxAge = Math.min(this.#maxAge ?? seconds, seconds);
        }
      }
    }
    if (policy.setCookies) {
      const cookies = response.headers['set-cookie'];
      if (cookies !== undefined)
        this.#cookies.push(...(Array.isArray(cookies) ? cookies : [cookies]));
    }
    for (const name of policy.experimental ?? []) {
      const value = response.headers[name];
      if (value !== undefined) this.#copied.set(name, text(value));
    }
  }

  /** The headers to set on the GraphQL response. */
  headers(): Record<string, string> {
    const out: Record<string, string> = { ...this.policy.custom };
    const cache = this.#noCache
      ? 'no-cache'
      : this.#maxAge !== undefined
        ? `max-age=${this.#maxAge}`
        : undefined;
    if (cache !== undefined) out['cache-control'] = this.#private ? `${cache}, private` : cache;
    if (this.#cookies.length > 0) out['set-cookie'] = this.#cookies.join('; ');
    for (const [name, value] of this.#copied) out[name] = value;
    return out;
  }
}

function text(value: string | readonly string[] | undefined): string {
  return Array.isArray(value) ? value.join(', ') : ((value as string | undefined) ?? '');
}

const COLLECTOR = Symbol('tc-gen.upstream-response-headers');

/**
 * Gives every request a collector of its upstream response headers and sets
 * the resulting headers on its response.
 */
export function upstreamResponseHeaders(app: FastifyInstance, policy: ResponseHeaderPolicy): void {
  app.addHook('onRequest', async (request) => {
    (request as FastifyRequest & { [COLLECTOR]?: UpstreamResponseHeaders })[COLLECTOR] =
      new UpstreamResponseHeaders(policy);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const collector = collectorOf(request);
    if (collector) reply.headers(collector.headers());
    return payload;
  });
}

/** The collector of a request (see `upstreamResponseHeaders`). */
export function collectorOf(request: FastifyRequest): UpstreamResponseHeaders | undefined {
  return (request as FastifyRequest & { [COLLECTOR]?: UpstreamResponseHeaders })[COLLECTOR];
}
