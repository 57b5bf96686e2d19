import { importVerificationKey, type VerificationKey } from './verification-key.js';

/** The usable keys of a set and why each other entry was left out. */
export type ImportedKeySet =
  { keys: readonly VerificationKey[]; skipped: readonly string[] } | { malformed: string };

/**
 * Imports every usable key of a parsed JSON Web Key Set. Entries that cannot verify anything
 * are skipped with a reason (`key 0 (kid "a"): use is "enc"`), so one bad entry does not take
 * down the set; whether an empty result is fatal is the caller's decision.
 */
export async function importKeySet(jwks: unknown): Promise<ImportedKeySet> {
  const entries: unknown = (jwks as { keys?: unknown } | null | undefined)?.keys;
  if (!Array.isArray(entries)) {
    return { malformed: '"keys" must be an array' };
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

  return { keys, skipped };
}

function describeEntry(index: number, entry: unknown): string {
  const kid = (entry as { kid?: unknown } | null)?.kid;

  return typeof kid === 'string' ? `key ${index} (kid ${JSON.stringify(kid)})` : `key ${index}`;
}
