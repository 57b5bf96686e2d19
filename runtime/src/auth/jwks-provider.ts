import {
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type CryptoKey,
  type ProtectedHeaderParameters,
} from 'jose';

import { INVALID_HEADER, MISSING_HEADER, UNKNOWN_KID } from './auth-error.js';
import { ACCEPTED, rejected, type AuthProvider, type Verdict } from './auth-provider.js';
import { credentialsFor } from './authorization-header.js';
import { JwksError } from './jwks-error.js';
import { importVerificationKey, type VerificationKey } from './verification-key.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

/** The parsed content of a `@link(type: Jwks)` file. */
export interface JsonWebKeySetInput {
  keys: readonly Record<string, unknown>[];
}

/** Tuning of a JWT provider. */
export interface JwksProviderOptions {
  /** Size of the verified-token cache; 0 disables it. @default 10_000 */
  maxCachedTokens?: number;
  /** Clock in epoch ms, for tests. @default Date.now */
  now?: () => number;
}

/** Counters that make the provider's work observable (tests, metrics). */
export interface JwksProviderStats {
  /** Signature verifications attempted (one per candidate key tried). */
  signatureChecks: number;
  /** Tokens accepted from the verified-token cache without a signature check. */
  cacheHits: number;
}

/** Tailcall's leeway for `exp`; we apply it to `nbf` as well. */
const CLOCK_TOLERANCE_S = 60;
const DEFAULT_MAX_CACHED_TOKENS = 10_000;
/** Far above real tokens; bounds the work spent on hostile input. */
const MAX_TOKEN_LENGTH = 16_384;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
/** Header members that point at keys chosen by the sender; we only trust our own key set. */
const KEY_BEARING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'] as const;

/**
 * Verifies `Authorization: Bearer <JWT>` against a fixed JSON Web Key Set: the key is chosen
 * by `kid` (or tried among the keys fitting `alg` when the token has none), the algorithm must
 * be one the key allows, and `exp` is required, with 60 s leeway on `exp` and `nbf`.
 */
export class JwksProvider implements AuthProvider {
  readonly scheme = 'Bearer' as const;
  readonly id: string;
  readonly #keys: readonly VerificationKey[];
  readonly #cache: VerifiedTokenCache;
  readonly #now: () => number;
  readonly #stats: JwksProviderStats = { signatureChecks: 0, cacheHits: 0 };

  private constructor(id: string, keys: readonly VerificationKey[], options: JwksProviderOptions) {
    this.id = id;
    this.#keys = keys;
    this.#cache = new VerifiedTokenCache(options.maxCachedTokens ?? DEFAULT_MAX_CACHED_TOKENS);
    this.#now = options.now ?? Date.now;
  }

  /**
   * Imports every usable key of the set. Unusable keys are skipped; when none is left this
   * throws a JwksError listing why each key was skipped.
   */
  static async fromKeySet(
    id: string,
    jwks: JsonWebKeySetInput,
    options: JwksProviderOptions = {},
  ): Promise<JwksProvider> {
    const entries: unknown = (jwks as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(entries)) {
      throw new JwksError(id, 'is not a JSON Web Key Set: "keys" must be an array');
    }

    const keys: VerificationKey[] = [];
    const skipped: string[] = [];
    for (const [index, entry] of entries.entries()) {
      const label = describeEntry(index, entry);
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        skipped.push(`${label}: not an object`);
        continue;
      }
      const imported = await importVerificationKey(entry as Record<string, unknown>);
      if ('skipped' in imported) {
        skipped.push(`${label}: ${imported.skipped}`);
        continue;
      }
      keys.push(imported.key);
    }

    if (keys.length === 0) {
      throw new JwksError(id, 'has no usable signature verification key', skipped);
    }

    return new JwksProvider(id, keys, options);
  }

  /** A snapshot of the work counters. */
  get stats(): JwksProviderStats {
    return { ...this.#stats };
  }

  async verify(authorization: string | undefined): Promise<Verdict> {
    if (authorization === undefined || authorization.length === 0) {
      return rejected(MISSING_HEADER, false);
    }
    const token = credentialsFor(authorization, this.scheme);
    if (token === undefined) {
      return rejected(INVALID_HEADER, false);
    }
    if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
      return rejected(INVALID_HEADER, true);
    }

    const now = this.#now();
    if (this.#cache.has(token, now)) {
      this.#stats.cacheHits++;
      return ACCEPTED;
    }

    const header = decodeHeader(token);
    if (header === undefined) {
      return rejected(INVALID_HEADER, true);
    }
    const candidates = this.#candidates(header);
    if (candidates === 'unknown-kid') {
      return rejected(UNKNOWN_KID, true);
    }

    for (const key of candidates) {
      const expiresAt = await this.#verifyWith(token, header.alg, key, now);
      if (expiresAt === 'claims-rejected') {
        break;
      }
      if (expiresAt !== undefined) {
        this.#cache.add(token, expiresAt);
        return ACCEPTED;
      }
    }

    return rejected(INVALID_HEADER, true);
  }

  /** Keys that may have signed a token with this header, or `'unknown-kid'`. */
  #candidates(header: TokenHeader): readonly (CryptoKey | Uint8Array)[] | 'unknown-kid' {
    const named =
      header.kid === undefined ? this.#keys : this.#keys.filter((key) => key.kid === header.kid);
    if (named.length === 0) {
      return 'unknown-kid';
    }

    return named.flatMap((key) => {
      const imported = key.keysByAlg.get(header.alg);
      return imported === undefined ? [] : [imported];
    });
  }

  /**
   * Returns when the cache entry must lapse (epoch ms) on success, `'claims-rejected'` when the
   * signature held but a claim did not (no other key can change that), else undefined.
   */
  async #verifyWith(
    token: string,
    alg: string,
    key: CryptoKey | Uint8Array,
    now: number,
  ): Promise<number | 'claims-rejected' | undefined> {
    this.#stats.signatureChecks++;
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: [alg],
        clockTolerance: CLOCK_TOLERANCE_S,
        currentDate: new Date(now),
        requiredClaims: ['exp'],
      });
      // `requiredClaims` and jose's type check guarantee a numeric `exp` here.
      const exp = payload.exp ?? 0;

      return (exp + CLOCK_TOLERANCE_S) * 1000;
    } catch (error) {
      return error instanceof errors.JWTClaimValidationFailed ? 'claims-rejected' : undefined;
    }
  }
}

/** The header members we act on, validated. */
interface TokenHeader {
  alg: string;
  kid: string | undefined;
}

function decodeHeader(token: string): TokenHeader | undefined {
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return undefined;
  }
  if (KEY_BEARING_HEADERS.some((name) => header[name] !== undefined)) {
    return undefined;
  }
  const { alg, kid } = header;
  if (typeof alg !== 'string' || (kid !== undefined && typeof kid !== 'string')) {
    return undefined;
  }

  return { alg, kid };
}

function describeEntry(index: number, entry: unknown): string {
  const kid = (entry as { kid?: unknown } | null)?.kid;

  return typeof kid === 'string' ? `key ${index} (kid ${JSON.stringify(kid)})` : `key ${index}`;
}
