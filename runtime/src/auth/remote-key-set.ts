import {
  createRemoteJWKSet,
  customFetch,
  errors,
  type FetchImplementation,
  type RemoteJWKSet,
} from 'jose';

import { importKeySet } from './import-key-set.js';
import { JwksError } from './jwks-error.js';
import type { KeySource } from './key-source.js';
import type { VerificationKey } from './verification-key.js';

/** How a remote key set is fetched and kept current. All durations are in milliseconds. */
export interface RemoteKeySetOptions {
  /**
   * Age after which the set is fetched again in the background. `Infinity` turns the
   * background refresh off (unknown `kid`s still trigger fetches). Must be above 0.
   * @default 600_000 (10 min)
   */
  cacheMaxAge?: number;
  /**
   * Minimum time after a fetch before an unknown `kid` may trigger another one. Bounds the
   * fetches that tokens with made-up `kid`s can cause, including while the server is down.
   * @default 30_000
   */
  cooldownDuration?: number;
  /** Limit for one fetch, from request to the end of the body. @default 5_000 */
  timeoutDuration?: number;
  /** Extra request headers, e.g. an API key some identity providers ask for. */
  headers?: Readonly<Record<string, string>>;
  /**
   * Told the outcome of every fetch after start-up, e.g. to log failed background refreshes.
   * Exceptions it throws are ignored.
   */
  onRefresh?: (outcome: KeySetRefresh) => void;
}

/** What started a fetch after start-up. */
export type RefreshTrigger = 'schedule' | 'unknown-kid';

/**
 * The outcome of one fetch after start-up. On failure the last good set stays in force.
 * `changed` tells whether the fetched set differs from the one in force before; `skipped`
 * lists the entries of a newly applied set that could not be used (empty when unchanged).
 */
export type KeySetRefresh =
  | {
      ok: true;
      trigger: RefreshTrigger;
      changed: boolean;
      keyCount: number;
      skipped: readonly string[];
    }
  | { ok: false; trigger: RefreshTrigger; error: JwksError };

const DEFAULT_CACHE_MAX_AGE_MS = 600_000;
const DEFAULT_COOLDOWN_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 5_000;
/** Real sets hold a few keys (a few kB); this bounds what a broken server can make us buffer. */
const MAX_BODY_BYTES = 1_048_576;
/** setTimeout fires at once for longer delays. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * A JSON Web Key Set served over HTTP. jose's `createRemoteJWKSet` does the fetching: its
 * request timeout, its deduplication of concurrent fetches and its cool-down after a
 * successful fetch. Key selection stays ours (jose's resolver refuses HS* keys and kid-less
 * tokens against several keys), so the fetched JSON is imported with the same rules as a
 * fixed set. jose refreshes only when asked for a key; we never ask it for one, so the
 * background refresh is a timer here.
 */
export class RemoteKeySet implements KeySource {
  readonly #providerId: string;
  readonly #url: string;
  readonly #remote: RemoteJWKSet;
  readonly #cacheMaxAge: number;
  readonly #cooldown: number;
  readonly #timeout: number;
  readonly #onRefresh: ((outcome: KeySetRefresh) => void) | undefined;
  /** Aborts a fetch in flight when the set is closed. */
  readonly #closing = new AbortController();
  #keys: readonly VerificationKey[] = [];
  #version = 0;
  /** The JSON of the set in force, to tell a changed set from a refetched one. */
  #appliedJson: string | undefined;
  #pending: Promise<void> | undefined;
  /** jose's cool-down counts from the last successful fetch only; this covers failed ones. */
  #lastFailureAt = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;

  private constructor(providerId: string, url: URL, options: RemoteKeySetOptions) {
    this.#providerId = providerId;
    this.#url = url.href;
    this.#cacheMaxAge = options.cacheMaxAge ?? DEFAULT_CACHE_MAX_AGE_MS;
    this.#cooldown = options.cooldownDuration ?? DEFAULT_COOLDOWN_MS;
    this.#timeout = options.timeoutDuration ?? DEFAULT_TIMEOUT_MS;
    this.#onRefresh = options.onRefresh;
    this.#remote = createRemoteJWKSet(url, {
      cacheMaxAge: this.#cacheMaxAge,
      cooldownDuration: this.#cooldown,
      timeoutDuration: this.#timeout,
      headers: withUserAgent(options.headers ?? {}),
      [customFetch]: boundedFetch(this.#closing.signal),
    });
  }

  /**
   * Fetches the set and imports its keys. Rejects with a JwksError naming the URL and the
   * reason when the set cannot be fetched or holds no usable key.
   */
  static async start(
    providerId: string,
    url: string | URL,
    options: RemoteKeySetOptions = {},
  ): Promise<RemoteKeySet> {
    const parsed = parseUrl(providerId, url);
    validateOptions(options);
    const set = new RemoteKeySet(providerId, parsed, options);
    try {
      await set.#load();
    } catch (error) {
      set.close();
      throw error;
    }
    set.#schedule();

    return set;
  }

  get keys(): readonly VerificationKey[] {
    return this.#keys;
  }

  get version(): number {
    return this.#version;
  }

  /**
   * Fetches the set again unless a fetch succeeded or failed within the cool-down. Joins a
   * fetch already in flight, so a burst of unknown `kid`s costs one request at most.
   */
  async refreshForUnknownKid(): Promise<void> {
    if (this.#pending !== undefined) {
      return this.#pending;
    }
    const failedRecently = Date.now() < this.#lastFailureAt + this.#cooldown;
    if (this.#closing.signal.aborted || this.#remote.coolingDown || failedRecently) {
      return;
    }

    return this.#refresh('unknown-kid');
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#closing.abort();
  }

  #refresh(trigger: RefreshTrigger): Promise<void> {
    this.#pending ??= this.#loadAndReport(trigger).finally(() => {
      this.#pending = undefined;
      this.#schedule();
    });

    return this.#pending;
  }

  async #loadAndReport(trigger: RefreshTrigger): Promise<void> {
    let outcome: KeySetRefresh;
    try {
      const { changed, skipped } = await this.#load();
      outcome = { ok: true, trigger, changed, keyCount: this.#keys.length, skipped };
    } catch (error) {
      this.#lastFailureAt = Date.now();
      outcome = { ok: false, trigger, error: this.#asJwksError(error) };
    }
    if (this.#closing.signal.aborted || this.#onRefresh === undefined) {
      return;
    }
    try {
      this.#onRefresh(outcome);
    } catch {
      // A logging hook must not break authentication.
    }
  }

  /**
   * Fetches through jose and puts the set in force when it changed and holds a usable key.
   * Throws a JwksError otherwise; the keys in force are then left as they were.
   */
  async #load(): Promise<{ changed: boolean; skipped: readonly string[] }> {
    try {
      await this.#remote.reload();
    } catch (error) {
      throw new JwksError(
        this.#providerId,
        `could not be loaded from ${this.#url}: ${this.#describe(error)}`,
        [],
        { url: this.#url, cause: error },
      );
    }
    const jwks = this.#remote.jwks();
    const json = JSON.stringify(jwks);
    if (json === this.#appliedJson) {
      return { changed: false, skipped: [] };
    }

    const imported = await importKeySet(jwks);
    if ('malformed' in imported) {
      // jose checks the shape before it keeps a set; this guards against that changing.
      throw new JwksError(
        this.#providerId,
        `could not be loaded from ${this.#url}: not a JSON Web Key Set: ${imported.malformed}`,
        [],
        { url: this.#url },
      );
    }
    if (imported.keys.length === 0) {
      throw new JwksError(
        this.#providerId,
        `at ${this.#url} has no usable signature verification key`,
        imported.skipped,
        { url: this.#url },
      );
    }
    this.#keys = imported.keys;
    this.#appliedJson = json;
    this.#version++;

    return { changed: true, skipped: imported.skipped };
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    if (this.#closing.signal.aborted || !Number.isFinite(this.#cacheMaxAge)) {
      return;
    }
    this.#timer = setTimeout(
      () => void this.#refresh('schedule'),
      Math.min(this.#cacheMaxAge, MAX_TIMER_MS),
    );
    // Refreshing keys is no reason to keep the process alive.
    this.#timer.unref();
  }

  #asJwksError(error: unknown): JwksError {
    return error instanceof JwksError
      ? error
      : new JwksError(this.#providerId, `could not be loaded from ${this.#url}: ${String(error)}`);
  }

  /** The reason a fetch failed, in words for the operator. */
  #describe(error: unknown): string {
    if (error instanceof FetchFailure) {
      return error.message;
    }
    if (error instanceof errors.JWKSTimeout || isNamed(error, 'TimeoutError')) {
      return `no complete response within ${this.#timeout} ms`;
    }
    if (error instanceof errors.JWKSInvalid) {
      return 'not a JSON Web Key Set: "keys" must be an array of objects';
    }
    if (this.#closing.signal.aborted) {
      return 'aborted because the provider was closed';
    }
    if (error instanceof TypeError && error.cause instanceof Error) {
      return `unreachable (${describeNetworkError(error.cause)})`;
    }

    return error instanceof Error ? error.message : String(error);
  }
}

/** A fetch that got a response we cannot use; its message is the reason shown. */
class FetchFailure extends Error {
  override readonly name = 'FetchFailure';
}

/**
 * The fetch jose calls. Turns statuses and bodies into precise reasons (jose's own messages do
 * not name the status), bounds the body size, and aborts when the set is closed. jose still
 * parses the body again and checks its shape.
 */
function boundedFetch(closing: AbortSignal): FetchImplementation {
  return async (url, init) => {
    const signal = AbortSignal.any([init.signal, closing]);
    const response = await fetch(url, { ...init, signal });
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      const text = `${response.status} ${response.statusText}`.trim();
      const redirect = response.status >= 300 && response.status < 400;
      throw new FetchFailure(
        `answered HTTP ${text}${redirect ? ' (redirects are not followed)' : ''}, not 200`,
      );
    }

    const body = await readBody(response);
    try {
      JSON.parse(body);
    } catch {
      throw new FetchFailure('the response is not JSON');
    }

    return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
  };
}

async function readBody(response: Response): Promise<string> {
  if (Number(response.headers.get('content-length')) > MAX_BODY_BYTES) {
    await response.body?.cancel().catch(() => undefined);
    throw new FetchFailure(`the response is larger than ${MAX_BODY_BYTES} bytes`);
  }
  const reader = response.body?.getReader();
  if (reader === undefined) {
    return '';
  }

  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new FetchFailure(`the response is larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(value);
  }

  // TextDecoder drops a UTF-8 byte order mark, as fetch's own json() does.
  return new TextDecoder().decode(Buffer.concat(chunks));
}

function parseUrl(providerId: string, url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new JwksError(providerId, `has an invalid URL: ${JSON.stringify(String(url))}`, [], {
      cause,
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new JwksError(providerId, `URL must be http or https: ${parsed.href}`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    // fetch refuses such URLs, and the credentials would end up in our error messages.
    throw new JwksError(
      providerId,
      'URL must not contain credentials; pass them with the headers option',
    );
  }

  return parsed;
}

function validateOptions(options: RemoteKeySetOptions): void {
  const { cacheMaxAge, cooldownDuration, timeoutDuration } = options;
  if (cacheMaxAge !== undefined && !(cacheMaxAge > 0)) {
    throw new TypeError('"cacheMaxAge" must be a number of milliseconds above 0');
  }
  if (cooldownDuration !== undefined && !(cooldownDuration >= 0)) {
    throw new TypeError('"cooldownDuration" must be a number of milliseconds, 0 or more');
  }
  if (
    timeoutDuration !== undefined &&
    !(Number.isInteger(timeoutDuration) && timeoutDuration > 0)
  ) {
    throw new TypeError('"timeoutDuration" must be a whole number of milliseconds above 0');
  }
}

/** Names us like UpstreamClient does, unless the caller set a User-Agent. */
function withUserAgent(headers: Readonly<Record<string, string>>): Record<string, string> {
  const named = Object.keys(headers).some((name) => name.toLowerCase() === 'user-agent');

  return named ? { ...headers } : { 'user-agent': 'tc-gen', ...headers };
}

const NETWORK_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed by the server',
};

function describeNetworkError(cause: Error): string {
  const code = (cause as { code?: unknown }).code;
  if (typeof code === 'string') {
    return NETWORK_ERRORS[code] ?? code;
  }

  return cause.message;
}

function isNamed(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}
