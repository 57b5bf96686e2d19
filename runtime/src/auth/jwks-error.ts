/**
 * A JSON Web Key Set that cannot authenticate anything, or that could not be loaded; raised at
 * server start-up. The message is complete on its own (provider, URL, reason), so callers can
 * print it without a stack.
 */
export class JwksError extends Error {
  override readonly name = 'JwksError';
  /** The `@link(id:)` of the provider. */
  readonly providerId: string;
  /** Why each key was skipped, one entry per key, e.g. `key 0 (kid "a"): use is "enc"`. */
  readonly skipped: readonly string[];
  /** Where the set was fetched from, for a remote set. */
  readonly url: string | undefined;

  constructor(
    providerId: string,
    summary: string,
    skipped: readonly string[] = [],
    origin: { url?: string; cause?: unknown } = {},
  ) {
    const details = skipped.length === 0 ? '' : `: ${skipped.join('; ')}`;
    super(
      `JWKS "${providerId}" ${summary}${details}`,
      'cause' in origin ? { cause: origin.cause } : undefined,
    );
    this.providerId = providerId;
    this.skipped = skipped;
    this.url = origin.url;
  }
}
