/**
 * Returns the credentials after `<scheme> ` or undefined when the header uses another scheme.
 * The scheme comparison is exact and case-sensitive, as in Tailcall (`bearer x` is rejected).
 */
export function credentialsFor(
  authorization: string,
  scheme: 'Bearer' | 'Basic',
): string | undefined {
  const prefix = `${scheme} `;
  if (!authorization.startsWith(prefix)) {
    return undefined;
  }

  return authorization.slice(prefix.length).trim();
}
