import type { Agent as UndiciAgent, Dispatcher } from 'undici';
import { request } from 'undici/lib/api/index.js';
import Agent from 'undici/lib/dispatcher/agent.js';
import ProxyAgent from 'undici/lib/dispatcher/proxy-agent.js';

import {
  httpStatusError,
  networkError,
  parseJsonOrUndefined,
  UpstreamError,
} from './upstream-error.js';
import { ResponseCache, TtlCache, type CachedResponse } from './response-cache.js';
import { logFailure, type FailureLog } from './upstream-log.js';
import type { UpstreamRequest } from './upstream-request.js';

/** Settings of the shared upstream connection pool; they mirror Tailcall's `@upstream`. */
export interface UpstreamClientOptions {
  /** Whole request including the response body, in ms. @default 60_000 */
  timeoutMs?: number;
  /** TCP connect timeout, in ms. @default 60_000 */
  connectTimeoutMs?: number;
  /** How long an idle keep-alive connection is kept, in ms. @default 60_000 */
  keepAliveTimeoutMs?: number;
  /** Maximum number of connections to one origin. @default 128 */
  connectionsPerOrigin?: number;
  /** Value of the `user-agent` header unless the request sets one. @default 'tc-gen' */
  userAgent?: string;
  /** An HTTP proxy every upstream call goes through (`@upstream(proxy: {url})`). */
  proxyUrl?: string;
  /** Keep up to this many GET responses, honouring their cache headers (`@upstream(httpCache:)`). */
  httpCacheSize?: number;
  /** Most answers kept for `@cache` fields; the least recently used goes first. @default 10_000 */
  fieldCacheSize?: number;
}

/** What generated resolvers call: the shared client, or its view for one request. */
export interface Upstream {
  request(req: UpstreamRequest): Promise<unknown>;
}

/** Sees each upstream response (status and headers) of one incoming request. */
export interface ResponseObserver {
  observe(response: Pick<CachedResponse, 'status' | 'headers'>): void;
}

/** What one incoming request wants to see of its upstream calls (`UpstreamClient.forRequest`). */
export interface RequestView {
  /** Gets a warning for each failed call. */
  log?: FailureLog | undefined;
  /** Sees every upstream response. */
  observer?: ResponseObserver | undefined;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_FIELD_CACHE_SIZE = 10_000;
const DEFAULT_CONNECTIONS_PER_ORIGIN = 128;
const DEFAULT_USER_AGENT = 'tc-gen';

/**
 * The HTTP client behind every `@http` resolver: one undici `Agent` (one keep-alive pool per
 * origin) shared by all fields, returning parsed JSON and turning every failure into an
 * `UpstreamError` whose message is safe to show to the GraphQL client.
 */
export class UpstreamClient implements Upstream {
  readonly #agent: Dispatcher;
  readonly #timeoutMs: number;
  readonly #userAgent: string;
  readonly #cache: ResponseCache | undefined;
  readonly #inFlight = new Map<string, Promise<CachedResponse>>();
  readonly #fieldCache: TtlCache<CachedResponse>;
  /** The headers of a call that sets none of its own, by method: built once, never changed. */
  readonly #getHeaders: Readonly<Record<string, string>>;
  readonly #otherHeaders: Readonly<Record<string, string>>;

  constructor(options: UpstreamClientOptions = {}) {
    const keepAliveTimeout = options.keepAliveTimeoutMs ?? DEFAULT_TIMEOUT_MS;

    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.#cache = options.httpCacheSize ? new ResponseCache(options.httpCacheSize) : undefined;
    this.#fieldCache = new TtlCache(options.fieldCacheSize ?? DEFAULT_FIELD_CACHE_SIZE);
    this.#getHeaders = Object.freeze({ 'user-agent': this.#userAgent });
    this.#otherHeaders = Object.freeze({
      'content-type': 'application/json',
      'user-agent': this.#userAgent,
    });
    const pool: UndiciAgent.Options = {
      connections: options.connectionsPerOrigin ?? DEFAULT_CONNECTIONS_PER_ORIGIN,
      connectTimeout: options.connectTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      keepAliveTimeout,
      // Caps the idle time an upstream may announce with `Keep-Alive: timeout=N`.
      keepAliveMaxTimeout: keepAliveTimeout,
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
    };
    this.#agent = options.proxyUrl
      ? new ProxyAgent({ ...pool, uri: options.proxyUrl, proxyTunnel: false })
      : new Agent(pool);
  }

  /**
   * A view of this client for one incoming request: the same pools, plus what that request
   * wants to see of its upstream calls. `log` gets a warning for every failed call (an
   * upstream status >= 400, a network error, a timeout), so the line carries the request id;
   * `observer` sees every upstream response (for `@server(headers:)`).
   */
  forRequest(view: RequestView): Upstream {
    return { request: (req) => this.request(req, view) };
  }

  /**
   * Resolves to the parsed JSON body (null for an empty body). Rejects with UpstreamError.
   *
   * No `async` here, on purpose: a field under a list runs this once per item, and most of
   * those calls wait on a call already in flight. Each waiter costs one promise reaction and
   * nothing more, instead of a suspended async frame per layer, which under load filled the
   * young generation and made every scavenge copy thousands of waiting frames.
   */
  request(req: UpstreamRequest, view?: RequestView): Promise<unknown> {
    const headers = this.#headers(req);
    return this.#response(req, headers).then(
      (response) => {
        try {
          return this.#value(req, response, view?.observer);
        } catch (error) {
          if (view?.log) logFailure(view.log, req, error);
          throw error;
        }
      },
      (error: unknown) => {
        if (view?.log) logFailure(view.log, req, error);
        throw error;
      },
    );
  }

  /** The value `response` answers `req` with. Throws UpstreamError for a status >= 400. */
  #value(req: UpstreamRequest, response: CachedResponse, observer?: ResponseObserver): unknown {
    observer?.observe(response);
    const { status, text } = response;
    if (status >= 400) {
      throw httpStatusError(status, text, req.field);
    }
    // TODO: a 3xx is answered as it is (its body parsed, usually null). Tailcall's reqwest
    // follows up to 10 redirects; doing the same needs a decision on cross-origin redirects
    // and on which request headers may follow them, so it is left out for now.

    if (!this.#shared(req)) return parseBody(text, req.field);
    // A cached or deduplicated response is parsed once and its value shared by every caller,
    // frozen so that no caller can change what another one reads.
    let value = SHARED_VALUES.get(response);
    if (value === undefined) {
      value = deepFreeze(parseBody(text, req.field));
      SHARED_VALUES.set(response, value);
    }
    return value;
  }

  /** Whether the response to `req` may be handed to other callers too. */
  #shared(req: UpstreamRequest): boolean {
    return (
      (this.#cache !== undefined && req.method === 'GET') ||
      req.dedupe === true ||
      req.cacheTtlMs !== undefined
    );
  }

  /** The response from the cache, from an identical call in flight, or from the upstream. */
  #response(
    req: UpstreamRequest,
    headers: Readonly<Record<string, string>>,
  ): Promise<CachedResponse> {
    const cacheable = this.#cache !== undefined && req.method === 'GET';
    const ttl = req.cacheTtlMs;
    if (!cacheable && !req.dedupe && ttl === undefined) return this.#send(req, headers);

    const fixed = headers === this.#getHeaders || headers === this.#otherHeaders;
    const key = requestKey(req, headers, fixed);
    if (ttl !== undefined) {
      const kept = this.#fieldCache.get(key);
      if (kept) return Promise.resolve(kept);
    }
    const cached = cacheable ? this.#cache?.get(key) : undefined;
    if (cached) return Promise.resolve(cached);
    const shared = req.dedupe ? this.#inFlight.get(key) : undefined;
    if (shared) return shared;

    const pending = this.#send(req, headers).then((response) => {
      if (cacheable) this.#cache?.offer(key, response);
      if (ttl !== undefined && response.status < 400) this.#fieldCache.set(key, response, ttl);
      return response;
    });
    if (req.dedupe) {
      this.#inFlight.set(key, pending);
      const forget = () => this.#inFlight.delete(key);
      pending.then(forget, forget);
    }
    return pending;
  }

  async #send(
    req: UpstreamRequest,
    headers: Readonly<Record<string, string>>,
  ): Promise<CachedResponse> {
    // headersTimeout/bodyTimeout only bound each phase; the signal bounds the whole exchange.
    const signal = AbortSignal.timeout(this.#timeoutMs);
    // `@http(url: "/posts")` with no base URL: accepted, as by Tailcall, and each call fails.
    if (!/^[a-z][a-z0-9+.-]*:/i.test(req.url)) {
      throw new UpstreamError('IOException: relative URL without a base', {}, { field: req.field });
    }
    try {
      const url = new URL(req.url);
      const response = await request.call(this.#agent, {
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: req.method,
        // A copy: a dispatcher may add to the object (a proxy agent does), and ours are shared.
        headers: { ...headers },
        body: req.body ?? null,
        signal,
      });
      // Reading the body to the end also hands the connection back to the pool.
      const text = await response.body.text();
      return {
        status: response.statusCode,
        headers: response.headers as Record<string, string | string[]>,
        text,
      };
    } catch (error) {
      throw networkError(error, signal.aborted, req.field);
    }
  }

  /** Closes idle connections and waits for in-flight requests to finish. */
  async close(): Promise<void> {
    await this.#agent.close();
  }

  /**
   * The headers `req` sends. When they are just the fixed ones a call without headers of its
   * own gets, the fixed set itself is returned (`requestKey` relies on it).
   */
  #headers(req: UpstreamRequest): Readonly<Record<string, string>> {
    const fixed = req.method === 'GET' ? this.#getHeaders : this.#otherHeaders;
    if (req.headers === undefined) return fixed;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      // A rendered value that is not a valid field value (CR, LF, other controls) is dropped,
      // as Tailcall drops it, rather than failing the call or letting a caller add a header line.
      if (/[^\t\x20-\x7e\x80-\xff]/.test(value)) continue;
      headers[name.toLowerCase()] = value;
    }
    // Tailcall sends a JSON content-type for every method but GET, even without a body.
    if (req.method !== 'GET' && headers['content-type'] === undefined) {
      headers['content-type'] = 'application/json';
    }
    headers['user-agent'] ??= this.#userAgent;

    return sameHeaders(headers, fixed) ? fixed : headers;
  }
}

/** Parsed bodies of responses several callers get (cache, dedupe), by response. */
const SHARED_VALUES = new WeakMap<CachedResponse, unknown>();

/** Freezes a parsed JSON value and everything in it. */
function deepFreeze(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

function parseBody(text: string, field: string | undefined): unknown {
  if (text.trim().length === 0) {
    return null;
  }

  const value = parseJsonOrUndefined(text);
  if (value === undefined) {
    throw new UpstreamError(
      'IOException: upstream response is not valid JSON',
      { code: 'INVALID_JSON' },
      { field },
    );
  }

  return value;
}

/**
 * Everything that makes two upstream calls different: method, URL, headers sent and body. A
 * call sending only a fixed header set (which its method decides) and no body is keyed by
 * method and URL alone; every other key is a JSON array, so the two forms never meet.
 */
function requestKey(
  req: UpstreamRequest,
  headers: Readonly<Record<string, string>>,
  fixedHeaders: boolean,
): string {
  if (fixedHeaders && req.body === undefined) return `${req.method} ${req.url}`;
  const sorted = Object.keys(headers)
    .sort()
    .map((name) => [name, headers[name]]);
  return JSON.stringify([req.method, req.url, sorted, req.body ?? null]);
}

function sameHeaders(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => a[name] === b[name]);
}
