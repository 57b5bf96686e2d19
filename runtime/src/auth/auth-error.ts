/** The three reasons Tailcall reports; the message is `Authentication Failure: <reason>`. */
export type AuthFailureReason =
  | 'Missing Authorization Header'
  | 'Invalid Authorization Header'
  | "Couldn't find JWK entry with specified kid";

/** Reason when the request carries no `Authorization` header. */
export const MISSING_HEADER: AuthFailureReason = 'Missing Authorization Header';
/** Reason for every rejected credential that has no more specific reason. */
export const INVALID_HEADER: AuthFailureReason = 'Invalid Authorization Header';
/** Reason when a JWT names a `kid` that the key set lacks. */
export const UNKNOWN_KID: AuthFailureReason = "Couldn't find JWK entry with specified kid";

/**
 * Rejects a GraphQL operation. mercurius reads `statusCode` of a single error to choose the
 * HTTP status; Tailcall answers auth failures with HTTP 200.
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly reason: AuthFailureReason;
  readonly statusCode = 200 as const;

  constructor(reason: AuthFailureReason) {
    super(`Authentication Failure: ${reason}`);
    this.reason = reason;
  }
}
