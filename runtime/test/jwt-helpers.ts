import { createHmac } from 'node:crypto';

import {
  CompactSign,
  exportJWK,
  generateKeyPair,
  generateSecret,
  importJWK,
  type CryptoKey,
  type JWK,
} from 'jose';

/** A signing key made at test time with its public JWK. */
export interface TestKey {
  alg: string;
  kid: string;
  privateKey: CryptoKey | Uint8Array;
  publicJwk: JWK;
}

/** Generates a key pair (or an HMAC secret) for `alg`, publishing `alg` and `kid` in its JWK. */
export async function makeKey(
  alg: string,
  kid: string,
  options: { modulusLength?: number; crv?: string } = {},
): Promise<TestKey> {
  if (alg.startsWith('HS')) {
    const secret = await generateSecret(alg, { extractable: true });
    const jwk = await exportJWK(secret);
    return { alg, kid, privateKey: secret, publicJwk: { ...jwk, alg, kid } };
  }
  const pair = await generateKeyPair(alg, { extractable: true, ...options });
  const jwk = await exportJWK(pair.publicKey);

  return { alg, kid, privateKey: pair.privateKey, publicJwk: { ...jwk, alg, kid, use: 'sig' } };
}

/** The same key material bound to another algorithm of its family (RS256 → PS512…). */
export async function withAlg(key: TestKey, alg: string): Promise<TestKey> {
  const privateJwk = await exportJWK(key.privateKey);
  const privateKey = await importJWK(privateJwk, alg);

  return { ...key, alg, privateKey };
}

/** Seconds since the epoch, as JWT claims count time. */
export function nowS(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Signs a raw payload and header with a test key. Claims are written verbatim (floats stay
 * floats), which jose's SignJWT would normalise.
 */
export async function sign(
  key: TestKey,
  payload: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...header })
    .sign(key.privateKey);
}

/** Signs payload text exactly as given, e.g. `{"exp":1700000000.0}` with its literal `.0`. */
export async function signText(key: TestKey, payloadText: string): Promise<string> {
  return new CompactSign(new TextEncoder().encode(payloadText))
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .sign(key.privateKey);
}

/** HS256 token keyed with arbitrary bytes, for algorithm-confusion attacks. */
export function signHs256With(
  secret: string,
  payload: Record<string, unknown>,
  header: Record<string, unknown>,
): string {
  const head = base64url(JSON.stringify({ alg: 'HS256', ...header }));
  const body = base64url(JSON.stringify(payload));
  const mac = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');

  return `${head}.${body}.${mac}`;
}

/** An unsigned `alg: none` token. */
export function unsignedToken(
  payload: Record<string, unknown>,
  header: Record<string, unknown>,
): string {
  const head = base64url(JSON.stringify({ alg: 'none', ...header }));

  return `${head}.${base64url(JSON.stringify(payload))}.`;
}

export function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
