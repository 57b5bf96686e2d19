import type { VerificationKey } from './verification-key.js';

/** Where a JWT provider gets its keys: a fixed set, or a remote one that changes over time. */
export interface KeySource {
  /** The usable keys in force now; never empty. */
  readonly keys: readonly VerificationKey[];
  /** Changes whenever `keys` is replaced, so results derived from older keys can be dropped. */
  readonly version: number;
  /** Called when a token names a `kid` missing from `keys`; may replace `keys`. Never throws. */
  refreshForUnknownKid(): Promise<void>;
  /** Stops background work; `keys` stays usable. */
  close(): void;
}

/** A key set given once, e.g. read from a file at build or start-up time. */
export function fixedKeySource(keys: readonly VerificationKey[]): KeySource {
  return {
    keys,
    version: 0,
    refreshForUnknownKid: () => Promise.resolve(),
    close: () => undefined,
  };
}
