import type { AuthFailureReason } from './auth-error.js';

/**
 * Outcome of checking one `Authorization` value against one provider. `schemeMatched` tells
 * whether the header used this provider's scheme; it decides which reason is reported when
 * several providers could have admitted the request.
 */
export type Verdict =
  { ok: true } | { ok: false; reason: AuthFailureReason; schemeMatched: boolean };

/** One linked credential source (`@link(type: Jwks)` or `@link(type: Htpasswd)`). */
export interface AuthProvider {
  /** The `@link(id:)` used by `@protected(id:)`. */
  readonly id: string;
  /** The `Authorization` scheme this provider reads, compared case-sensitively. */
  readonly scheme: 'Bearer' | 'Basic';
  /** Checks a raw `Authorization` header value. Never throws. */
  verify(authorization: string | undefined): Promise<Verdict>;
  /** Stops background work (a remote key set's refresh), if the provider has any. */
  close?(): void;
}

/** The verdict for an accepted credential. */
export const ACCEPTED: Verdict = Object.freeze({ ok: true });

/** Builds a rejecting verdict. */
export function rejected(reason: AuthFailureReason, schemeMatched: boolean): Verdict {
  return { ok: false, reason, schemeMatched };
}
