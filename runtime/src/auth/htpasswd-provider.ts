import { INVALID_HEADER, MISSING_HEADER } from './auth-error.js';
import { ACCEPTED, rejected, type AuthProvider, type Verdict } from './auth-provider.js';
import { credentialsFor } from './authorization-header.js';
import { decodeBasicCredentials } from './basic-credentials.js';
import {
  decoyHashLike,
  parsePasswordHash,
  verifyPassword,
  type PasswordHash,
} from './password-hash.js';

/**
 * Verifies `Authorization: Basic …` against an Apache htpasswd file. Supported hashes: bcrypt
 * (`$2y$`, `$2a$`, `$2b$`), `$apr1$` and `{SHA}`; other entries never match.
 */
export class HtpasswdProvider implements AuthProvider {
  readonly scheme = 'Basic' as const;
  readonly id: string;
  readonly #users: ReadonlyMap<string, PasswordHash>;
  readonly #decoy: PasswordHash;

  constructor(id: string, htpasswdText: string) {
    this.id = id;
    this.#users = parseHtpasswd(htpasswdText);
    this.#decoy = decoyHashLike(costliestHash(this.#users.values()));
  }

  async verify(authorization: string | undefined): Promise<Verdict> {
    if (authorization === undefined || authorization.length === 0) {
      return rejected(MISSING_HEADER, false);
    }
    const encoded = credentialsFor(authorization, this.scheme);
    if (encoded === undefined) {
      return rejected(INVALID_HEADER, false);
    }
    const credentials = decodeBasicCredentials(encoded);
    if (credentials === undefined) {
      return rejected(INVALID_HEADER, true);
    }

    // An unknown user is checked against the decoy so that it costs as much as a wrong password.
    const stored = this.#users.get(credentials.user);
    const matches = await verifyPassword(credentials.password, stored ?? this.#decoy);

    return matches && stored !== undefined ? ACCEPTED : rejected(INVALID_HEADER, true);
  }
}

/**
 * Reads `user:hash` lines; blank lines and `#` comments are skipped. When a user appears twice
 * the first line wins, as in Apache's mod_authn_file, which stops at the first match.
 */
function parseHtpasswd(text: string): Map<string, PasswordHash> {
  const users = new Map<string, PasswordHash>();
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line.length === 0 || line.startsWith('#')) {
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      continue;
    }
    const user = line.slice(0, colon);
    if (!users.has(user)) {
      users.set(user, parsePasswordHash(line.slice(colon + 1).trim()));
    }
  }

  return users;
}

/** The most expensive hash to check among the entries: bcrypt by cost, then apr1, then SHA-1. */
function costliestHash(hashes: Iterable<PasswordHash>): PasswordHash {
  let costliest: PasswordHash = { form: 'unsupported' };
  for (const hash of hashes) {
    if (checkCost(hash) > checkCost(costliest)) {
      costliest = hash;
    }
  }

  return costliest;
}

function checkCost(hash: PasswordHash): number {
  switch (hash.form) {
    case 'bcrypt':
      return 100 + hash.cost;
    case 'apr1':
      return 2;
    case 'sha1':
      return 1;
    case 'unsupported':
      return 0;
  }
}
