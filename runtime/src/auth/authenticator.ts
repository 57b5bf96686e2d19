import { AuthError, INVALID_HEADER, MISSING_HEADER, type AuthFailureReason } from './auth-error.js';
import { rejected, type AuthProvider, type Verdict } from './auth-provider.js';

/** The auth state of one GraphQL request. */
export interface RequestAuth {
  /**
   * Each requirement is a list of provider ids, any of which suffices; [] means any linked
   * provider. Resolves when every requirement is met, else throws AuthError.
   */
  require(requirements: readonly (readonly string[])[]): Promise<void>;
}

/**
 * All linked auth providers of a server. Unlike Tailcall v1.6.14, which demands that every
 * listed provider accept (unsatisfiable with one Authorization header and two providers),
 * a requirement is met when any one of its providers accepts.
 */
export class Authenticator {
  readonly providerIds: readonly string[];
  readonly #providers: ReadonlyMap<string, AuthProvider>;

  constructor(providers: readonly AuthProvider[]) {
    const byId = new Map<string, AuthProvider>();
    for (const provider of providers) {
      if (byId.has(provider.id)) {
        throw new Error(`Duplicate auth provider id "${provider.id}"`);
      }
      byId.set(provider.id, provider);
    }
    this.#providers = byId;
    this.providerIds = Object.freeze([...byId.keys()]);
  }

  /** Stops the providers' background work, e.g. from Fastify's `onClose` hook. */
  close(): void {
    for (const provider of this.#providers.values()) {
      provider.close?.();
    }
  }

  /** Per-request view; verifies each provider at most once for this header value. */
  forRequest(authorization: string | undefined): RequestAuth {
    return new RequestAuthState(this.#providers, this.providerIds, authorization);
  }
}

class RequestAuthState implements RequestAuth {
  readonly #providers: ReadonlyMap<string, AuthProvider>;
  readonly #allIds: readonly string[];
  readonly #authorization: string | undefined;
  readonly #verdicts = new Map<string, Promise<Verdict>>();

  constructor(
    providers: ReadonlyMap<string, AuthProvider>,
    allIds: readonly string[],
    authorization: string | undefined,
  ) {
    this.#providers = providers;
    this.#allIds = allIds;
    this.#authorization = authorization === '' ? undefined : authorization;
  }

  async require(requirements: readonly (readonly string[])[]): Promise<void> {
    for (const requirement of requirements) {
      const failure = await this.#check(requirement.length === 0 ? this.#allIds : requirement);
      if (failure !== undefined) {
        throw new AuthError(failure);
      }
    }
  }

  /**
   * Tries the providers in order until one accepts. The reported reason is that of the first
   * provider whose scheme the header used, since the others could not have accepted anyway.
   */
  async #check(ids: readonly string[]): Promise<AuthFailureReason | undefined> {
    if (this.#authorization === undefined) {
      return MISSING_HEADER;
    }

    let reason: AuthFailureReason | undefined;
    for (const id of ids) {
      const verdict = await this.#verdict(id);
      if (verdict.ok) {
        return undefined;
      }
      if (verdict.schemeMatched) {
        reason ??= verdict.reason;
      }
    }

    return reason ?? INVALID_HEADER;
  }

  #verdict(id: string): Promise<Verdict> {
    const known = this.#verdicts.get(id);
    if (known !== undefined) {
      return known;
    }
    const provider = this.#providers.get(id);
    if (provider === undefined) {
      // The generator validates ids against the links; reaching this is a build fault.
      throw new Error(`Unknown auth provider "${id}"`);
    }
    // A provider that throws (it should not) must still fail closed.
    const verdict = provider
      .verify(this.#authorization)
      .catch((): Verdict => rejected(INVALID_HEADER, true));
    this.#verdicts.set(id, verdict);

    return verdict;
  }
}
