/**
 * Remembers tokens whose signature and claims were verified, so a client repeating one token
 * skips the signature check. Bounded: the least recently used entry goes first. Only successes
 * are stored, and an entry never outlives the token's own acceptance window.
 */
export class VerifiedTokenCache {
  readonly #maxEntries: number;
  /** token → epoch ms after which the entry is void. Map order doubles as recency order. */
  readonly #expiries = new Map<string, number>();

  constructor(maxEntries: number) {
    this.#maxEntries = Math.max(0, Math.floor(maxEntries));
  }

  /** Number of entries, including ones that expired but were not looked up since. */
  get size(): number {
    return this.#expiries.size;
  }

  /** True when the token was verified and its entry is still valid at `nowMs`. */
  has(token: string, nowMs: number): boolean {
    const expiresAt = this.#expiries.get(token);
    if (expiresAt === undefined) {
      return false;
    }
    this.#expiries.delete(token);
    if (nowMs >= expiresAt) {
      return false;
    }
    // Re-inserting moves the entry to the young end.
    this.#expiries.set(token, expiresAt);

    return true;
  }

  /** Forgets every entry, e.g. because the keys that verified them may be gone. */
  clear(): void {
    this.#expiries.clear();
  }

  /** Stores a verified token valid until `expiresAtMs`. */
  add(token: string, expiresAtMs: number): void {
    if (this.#maxEntries === 0) {
      return;
    }
    this.#expiries.delete(token);
    while (this.#expiries.size >= this.#maxEntries) {
      const oldest = this.#expiries.keys().next();
      if (oldest.done === true) {
        break;
      }
      this.#expiries.delete(oldest.value);
    }
    this.#expiries.set(token, expiresAtMs);
  }
}
