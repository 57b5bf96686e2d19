/** A JSON Web Key Set that cannot authenticate anything; raised at server start-up. */
export class JwksError extends Error {
  override readonly name = 'JwksError';
  /** The `@link(id:)` of the provider. */
  readonly providerId: string;
  /** Why each key was skipped, one entry per key, e.g. `key 0 (kid "a"): use is "enc"`. */
  readonly skipped: readonly string[];

  constructor(providerId: string, summary: string, skipped: readonly string[] = []) {
    const details = skipped.length === 0 ? '' : `: ${skipped.join('; ')}`;
    super(`JWKS "${providerId}" ${summary}${details}`);
    this.providerId = providerId;
    this.skipped = skipped;
  }
}
