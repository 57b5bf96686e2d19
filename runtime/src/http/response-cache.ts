/** A response kept for reuse: what the upstream said and until when it may be reused. */
export interface CachedResponse {
  status: number;
  headers: Readonly<Record<string, string | string[]>>;
  text: string;
}

/**
 * An in-memory HTTP cache of upstream GET responses (`@upstream(httpCache: N)`),
 * honouring the upstream's freshness headers: `Cache-Control: max-age` (or
 * `Expires`), never `no-store` or `no-cache`. It is a client cache, so
 * `private` responses may be kept. At most `capacity` entries; the least
 * recently used goes first.
 */
export class ResponseCache {
  readonly #entries: TtlCache<CachedResponse>;

  constructor(
    readonly capacity: number,
    readonly now: () => number = Date.now,
  ) {
    this.#entries = new TtlCache(capacity, now);
  }

  get(key: string): CachedResponse | undefined {
    return this.#entries.get(key);
  }

  /** Keeps the response when it is successful and the upstream allows reuse. */
  offer(key: string, response: CachedResponse): void {
    if (response.status < 200 || response.status >= 300) return;
    const lifetime = freshnessLifetime(response.headers, this.now());
    if (lifetime > 0) this.#entries.set(key, response, lifetime);
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** How long, in ms, a response may be reused (0: not at all). */
export function freshnessLifetime(
  headers: Readonly<Record<string, string | string[]>>,
  now: number,
): number {
  const cacheControl = header(headers, 'cache-control').toLowerCase();
  const directives = new Map<string, string>();
  for (const part of cacheControl.split(',')) {
    const [name = '', value = ''] = part.trim().split('=');
    if (name !== '') directives.set(name, value);
  }
  if (directives.has('no-store') || directives.has('no-cache')) return 0;

  const maxAge = directives.get('max-age');
  if (maxAge !== undefined) {
    const seconds = Number(maxAge.replace(/"/g, ''));
    return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
  }
  const expires = Date.parse(header(headers, 'expires'));
  if (Number.isFinite(expires)) {
    const date = Date.parse(header(headers, 'date'));
    return expires - (Number.isFinite(date) ? date : now);
  }
  return 0;
}

function header(headers: Readonly<Record<string, string | string[]>>, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

/** A bounded map whose entries expire after their own time to live; least recently used first out. */
export class TtlCache<V> {
  readonly #entries = new Map<string, { expires: number; value: V }>();

  constructor(
    readonly capacity: number,
    readonly now: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.expires <= this.now()) return undefined;
    this.#entries.set(key, entry);
    return entry.value;
  }

  get size(): number {
    return this.#entries.size;
  }

  set(key: string, value: V, ttlMs: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { expires: this.now() + ttlMs, value });
    while (this.#entries.size > this.capacity) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
  }
}
