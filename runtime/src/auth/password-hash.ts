import { createHash, timingSafeEqual } from 'node:crypto';

/** A password hash from an htpasswd line, classified by form. */
export type PasswordHash =
  | { readonly form: 'bcrypt'; readonly hash: string; readonly cost: number }
  | { readonly form: 'apr1'; readonly hash: string }
  | { readonly form: 'sha1'; readonly digest: Buffer }
  | { readonly form: 'unsupported' };

const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;
const APR1 = /^\$apr1\$[^$]{0,8}\$[./A-Za-z0-9]{22}$/;
/** 22 characters of bcrypt's base64 alphabet. */
const DECOY_BCRYPT_SALT = 'DecoyDecoyDecoyDecoyDe';
const SHA1 = /^\{SHA\}([A-Za-z0-9+/]{27}=)$/;

/**
 * Classifies a stored hash. Malformed hashes of a known form are unsupported too: they can
 * never match, and deciding that once here keeps verification free of parse errors.
 */
export function parsePasswordHash(stored: string): PasswordHash {
  const bcryptMatch = BCRYPT.exec(stored);
  if (bcryptMatch !== null) {
    return { form: 'bcrypt', hash: stored, cost: Number(bcryptMatch[1]) };
  }
  if (APR1.test(stored)) {
    return { form: 'apr1', hash: stored };
  }
  const shaMatch = SHA1.exec(stored);
  if (shaMatch?.[1] !== undefined) {
    return { form: 'sha1', digest: Buffer.from(shaMatch[1], 'base64') };
  }

  // TODO: crypt(3) forms (`$1$`, `$5$`, `$6$`, DES) and plain-text entries never match. The
  // Tailcall binary rejects them as well, node:crypto has no crypt(3), and plain text would
  // let anyone who reads the file log in; supporting them needs a vetted crypt library.
  return { form: 'unsupported' };
}

/**
 * Checks a password against a stored hash, in time independent of where they differ. The hash
 * libraries are loaded on first use, so that a server without htpasswd users never loads them.
 */
export async function verifyPassword(password: string, hash: PasswordHash): Promise<boolean> {
  switch (hash.form) {
    case 'bcrypt': {
      // bcryptjs accepts `$2y$` (Apache's name for the fixed `$2a$`) as well as `$2a$`/`$2b$`,
      // and compares in constant time.
      const { default: bcrypt } = await import('bcryptjs');
      return bcrypt.compare(password, hash.hash).catch(() => false);
    }
    case 'apr1': {
      const { default: apacheMd5 } = await import('apache-md5');
      return constantTimeEqual(apacheMd5(utf8AsLatin1(password), hash.hash), hash.hash);
    }
    case 'sha1':
      return timingSafeEqual(createHash('sha1').update(password, 'utf8').digest(), hash.digest);
    case 'unsupported':
      return false;
  }
}

/**
 * apache-md5 hashes each string char as one byte; feeding it the UTF-8 bytes as latin1 chars
 * makes non-ASCII passwords hash like Apache and OpenSSL do.
 */
function utf8AsLatin1(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');

  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * A hash of the same form and cost as `like` that no password matches in practice. Checking an
 * unknown user against it costs as much as a wrong password for a real one, so response time
 * does not reveal which user names exist.
 */
export function decoyHashLike(like: PasswordHash): PasswordHash {
  switch (like.form) {
    case 'bcrypt': {
      const cost = String(like.cost).padStart(2, '0');
      return {
        form: 'bcrypt',
        hash: `$2b$${cost}$${DECOY_BCRYPT_SALT}${'.'.repeat(31)}`,
        cost: like.cost,
      };
    }
    case 'apr1':
      return { form: 'apr1', hash: `$apr1$decoy$${'.'.repeat(22)}` };
    case 'sha1':
      return { form: 'sha1', digest: Buffer.alloc(20) };
    case 'unsupported':
      return like;
  }
}
