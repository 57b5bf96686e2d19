import {
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type CryptoKey,
  type JWTVerifyOptions,
  type ProtectedHeaderParameters,
} from 'jose';

import { INVALID_HEADER, MISSING_HEADER, UNKNOWN_KID } from './auth-error.js';
import { ACCEPTED, rejected, type AuthProvider, type Verdict } from './auth-provider.js';
import { credentialsFor } from './authorization-header.js';
import { importKeySet } from './import-key-set.js';
import { JwksError } from './jwks-error.js';
import { fixedKeySource, type KeySource } from './key-source.js';
import { RemoteKeySet, type RemoteKeySetOptions } from './remote-key-set.js';
import type { VerificationKey } from './verification-key.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

/** The parsed content of a `@link(type: Jwks)` file. */
export interface JsonWebKeySetInput {
  keys: readonly Record<string, unknown>[];
}

/** Tuning of a JWT provider. */
export interface JwksProviderOptions {
  /** Size of the verified-token cache; 0 disables it. @default 10_000 */
  maxCachedTokens?: number;
  /** Clock in epoch ms for token claims and the cache, for tests. @default Date.now */
  now?: () => number;
  /**
   * The `iss` the token must carry, compared exactly. Not a Tailcall option: without it the
   * issuer is not checked, as in Tailcall.
   */
  issuer?: string;
  /**
   * The audience, or audiences, accepted: the token's `aud` (a string or an array) must hold
   * at least one of them. Not a Tailcall option: without it `aud` is not checked, as in
   * Tailcall.
   */
  audience?: string | readonly string[];
}

/** Tuning of a JWT provider whose key set is fetched over http(s). */
export interface RemoteJwksOptions extends JwksProviderOptions, RemoteKeySetOptions {}

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
 * Verifies `Authorization: Bearer <JWT>` against a JSON Web Key Set, fixed or fetched: the key
 * is chosen by `kid` (or tried among the keys fitting `alg` when the token has none), the
 * algorithm must be one the key allows, and `exp` is required, with 60 s leeway on `exp` and
 * `nbf`. `iss` and `aud` are checked when configured.
 */
export class JwksProvider implements AuthProvider {
  readonly scheme = 'Bearer' as const;
  readonly id: string;
  readonly #source: KeySource;
  readonly #cache: VerifiedTokenCache;
  /** The key-set version under which the cached tokens were verified. */
  #cacheVersion: number;
  readonly #now: () => number;
  readonly #claims: Pick<JWTVerifyOptions, 'issuer' | 'audience'>;
  readonly #stats: JwksProviderStats = { signatureChecks: 0, cacheHits: 0 };

  private constructor(id: string, source: KeySource, options: JwksProviderOptions) {
    this.id = id;
    this.#source = source;
    this.#cache = new VerifiedTokenCache(options.maxCachedTokens ?? DEFAULT_MAX_CACHED_TOKENS);
    this.#cacheVersion = source.version;
    this.#now = options.now ?? Date.now;
    this.#claims = claimChecks(options);
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
    claimChecks(options);
    const imported = await importKeySet(jwks);
    if ('malformed' in imported) {
      throw new JwksError(id, `is not a JSON Web Key Set: ${imported.malformed}`);
    }
    if (imported.keys.length === 0) {
      throw new JwksError(id, 'has no usable signature verification key', imported.skipped);
    }

    return new JwksProvider(id, fixedKeySource(imported.keys), options);
  }

  /**
   * Fetches the key set from an http(s) URL and resolves once a usable set is in force.
   * Rejects with a JwksError naming the URL and the reason (unreachable, timeout, HTTP
   * status, not JSON, not a key set, no usable key). Afterwards the set is fetched again every
   * `cacheMaxAge`, and a token whose `kid` is missing triggers one fetch (at most one per
   * `cooldownDuration`) before it is rejected. A failed fetch keeps the last good set. When
   * the set changes, the verified-token cache is emptied, so a removed key stops admitting
   * tokens from the next request on. `close()` stops the background refresh.
   */
  static async fromUrl(
    id: string,
    url: string | URL,
    options: RemoteJwksOptions = {},
  ): Promise<JwksProvider> {
    claimChecks(options);
    const source = await RemoteKeySet.start(id, url, options);

    return new JwksProvider(id, source, options);
  }

  /** A snapshot of the work counters. */
  get stats(): JwksProviderStats {
    return { ...this.#stats };
  }

  /** Stops the background refresh of a remote set; verification keeps working. Idempotent. */
  close(): void {
    this.#source.close();
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
    this.#syncCache();
    if (this.#cache.has(token, now)) {
      this.#stats.cacheHits++;
      return ACCEPTED;
    }

    const header = decodeHeader(token);
    if (header === undefined) {
      return rejected(INVALID_HEADER, true);
    }
    let candidates = candidatesIn(this.#source.keys, header);
    if (candidates === 'unknown-kid') {
      // The issuer may have rotated its keys since the set was fetched.
      await this.#source.refreshForUnknownKid();
      candidates = candidatesIn(this.#source.keys, header);
    }
    if (candidates === 'unknown-kid') {
      return rejected(UNKNOWN_KID, true);
    }

    const version = this.#source.version;
    for (const key of candidates) {
      const expiresAt = await this.#verifyWith(token, header.alg, key, now);
      if (expiresAt === 'claims-rejected') {
        break;
      }
      if (expiresAt !== undefined) {
        this.#remember(token, expiresAt, version);
        return ACCEPTED;
      }
    }

    return rejected(INVALID_HEADER, true);
  }

  /**
   * Empties the cache when the key set changed: an entry may stem from a key that is gone, and
   * rotations are rare enough that verifying each live token once more costs little.
   */
  #syncCache(): void {
    if (this.#cacheVersion !== this.#source.version) {
      this.#cache.clear();
      this.#cacheVersion = this.#source.version;
    }
  }

  /** Caches a success, unless the set changed while the token was being checked. */
  #remember(token: string, expiresAt: number, verifiedUnder: number): void {
    this.#syncCache();
    if (verifiedUnder === this.#cacheVersion) {
      this.#cache.add(token, expiresAt);
    }
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
        ...this.#claims,
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

/** Keys of the set that may have signed a token with this header, or `'unknown-kid'`. */
function candidatesIn(
  keys: readonly VerificationKey[],
  header: TokenHeader,
): readonly (CryptoKey | Uint8Array)[] | 'unknown-kid' {
  const named = header.kid === undefined ? keys : keys.filter((key) => key.kid === header.kid);
  if (named.length === 0) {
    return 'unknown-kid';
  }

  return named.flatMap((key) => {
    const imported = key.keysByAlg.get(header.alg);
    return imported === undefined ? [] : [imported];
  });
}

/** jose's `iss`/`aud` options; throws TypeError for values that would admit nothing. */
function claimChecks(options: JwksProviderOptions): Pick<JWTVerifyOptions, 'issuer' | 'audience'> {
  const { issuer, audience } = options;
  if (issuer !== undefined && (typeof issuer !== 'string' || issuer.length === 0)) {
    throw new TypeError('"issuer" must be a non-empty string');
  }
  const audiences = typeof audience === 'string' ? [audience] : audience;
  if (
    audiences !== undefined &&
    (!Array.isArray(audiences) ||
      audiences.length === 0 ||
      !audiences.every((entry) => typeof entry === 'string' && entry.length > 0))
  ) {
    throw new TypeError('"audience" must be a non-empty string or a non-empty list of them');
  }

  return {
    ...(issuer === undefined ? {} : { issuer }),
    ...(audiences === undefined ? {} : { audience: [...audiences] }),
  };
}
