import { X509Certificate } from 'node:crypto';

import { importJWK, importX509, type CryptoKey, type JWK } from 'jose';

/** One usable JWK, imported once per JWS algorithm it may verify. */
export interface VerificationKey {
  readonly kid: string | undefined;
  /** JWS `alg` → imported key; WebCrypto binds a key to one algorithm, hence one per alg. */
  readonly keysByAlg: ReadonlyMap<string, CryptoKey | Uint8Array>;
}

/** Either the imported key or why it cannot verify anything. */
export type KeyImport = { key: VerificationKey } | { skipped: string };

const RSA_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const HMAC_ALGS = ['HS256', 'HS384', 'HS512'];
const EC_ALGS: Readonly<Record<string, readonly string[]>> = {
  'P-256': ['ES256'],
  'P-384': ['ES384'],
  'P-521': ['ES512'],
};
// `Ed25519` is the fully-specified name (RFC 9864) for what `EdDSA` means with this curve.
const OKP_ALGS: Readonly<Record<string, readonly string[]>> = { Ed25519: ['EdDSA', 'Ed25519'] };

/**
 * Imports a JWK for signature verification. Keys that cannot serve (encryption keys, unknown
 * types, algorithms that do not fit the key, broken material) are reported as skipped, so
 * one bad entry does not take down a key set.
 */
export async function importVerificationKey(
  jwk: Readonly<Record<string, unknown>>,
): Promise<KeyImport> {
  const kid = jwk['kid'];
  if (kid !== undefined && typeof kid !== 'string') {
    return { skipped: 'kid is not a string' };
  }
  if (jwk['use'] !== undefined && jwk['use'] !== 'sig') {
    return { skipped: `use is ${JSON.stringify(jwk['use'])}` };
  }
  const keyOps = jwk['key_ops'];
  if (keyOps !== undefined && !(Array.isArray(keyOps) && keyOps.includes('verify'))) {
    return { skipped: 'key_ops lacks "verify"' };
  }

  const fitting = fittingAlgorithms(jwk);
  if (fitting.length === 0) {
    return { skipped: `unsupported key type ${describeKeyType(jwk)}` };
  }
  const pinned = jwk['alg'];
  if (pinned !== undefined && (typeof pinned !== 'string' || !fitting.includes(pinned))) {
    return { skipped: `alg ${JSON.stringify(pinned)} does not fit ${describeKeyType(jwk)}` };
  }
  const algorithms = pinned === undefined ? fitting : [pinned];

  const keysByAlg = new Map<string, CryptoKey | Uint8Array>();
  try {
    for (const alg of algorithms) {
      keysByAlg.set(alg, await importForAlg(jwk, alg));
    }
  } catch (error) {
    return { skipped: `cannot import: ${error instanceof Error ? error.message : String(error)}` };
  }

  return { key: { kid, keysByAlg } };
}

/** The JWS algorithms a key of this type and curve can verify. */
function fittingAlgorithms(jwk: Readonly<Record<string, unknown>>): readonly string[] {
  // A key given only by its certificate (x5c) may leave out `crv`: the certificate names it.
  const crv = typeof jwk['crv'] === 'string' ? jwk['crv'] : (certificateCurve(jwk) ?? '');
  switch (jwk['kty']) {
    case 'RSA':
      return RSA_ALGS;
    case 'EC':
      return EC_ALGS[crv] ?? [];
    case 'OKP':
      return OKP_ALGS[crv] ?? [];
    case 'oct':
      return HMAC_ALGS;
    default:
      return [];
  }
}

async function importForAlg(
  jwk: Readonly<Record<string, unknown>>,
  alg: string,
): Promise<CryptoKey | Uint8Array> {
  const material = publicMaterial(jwk);
  if (material !== undefined) {
    return importJWK(material, alg, { extractable: false });
  }

  const certificate = firstCertificate(jwk);
  if (certificate === undefined) {
    throw new Error('no key material (neither public parameters nor x5c)');
  }

  return importX509(certificate, alg, { extractable: false });
}

/**
 * Copies only the public parameters: a set that leaks private members (`d`, `p`…) must still
 * import as a verification key, and `ext`/`key_ops` must not reach WebCrypto.
 */
function publicMaterial(jwk: Readonly<Record<string, unknown>>): JWK | undefined {
  const pick = (...names: string[]): JWK | undefined => {
    const picked: Record<string, string> = {};
    for (const name of ['kty', ...names]) {
      const value = jwk[name];
      if (typeof value !== 'string') {
        return undefined;
      }
      picked[name] = value;
    }
    return picked as JWK;
  };

  switch (jwk['kty']) {
    case 'RSA':
      return pick('n', 'e');
    case 'EC':
      return pick('crv', 'x', 'y');
    case 'OKP':
      return pick('crv', 'x');
    case 'oct':
      return pick('k');
    default:
      return undefined;
  }
}

/** JOSE names of the curves a certificate's public key may use. */
const CERTIFICATE_CURVES: Readonly<Record<string, string>> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

function certificateCurve(jwk: Readonly<Record<string, unknown>>): string | undefined {
  const pem = firstCertificate(jwk);
  if (pem === undefined) return undefined;
  try {
    const key = new X509Certificate(pem).publicKey;
    if (key.asymmetricKeyType === 'ed25519') return 'Ed25519';
    const curve = key.asymmetricKeyDetails?.namedCurve;
    return curve === undefined ? undefined : CERTIFICATE_CURVES[curve];
  } catch {
    return undefined;
  }
}

function firstCertificate(jwk: Readonly<Record<string, unknown>>): string | undefined {
  const chain = jwk['x5c'];
  if (!Array.isArray(chain) || typeof chain[0] !== 'string' || chain[0].length === 0) {
    return undefined;
  }
  const lines = chain[0].replace(/\s+/g, '').match(/.{1,64}/g) ?? [];

  return ['-----BEGIN CERTIFICATE-----', ...lines, '-----END CERTIFICATE-----'].join('\n');
}

function describeKeyType(jwk: Readonly<Record<string, unknown>>): string {
  const kty = JSON.stringify(jwk['kty']);

  return jwk['crv'] === undefined ? `kty ${kty}` : `kty ${kty} crv ${JSON.stringify(jwk['crv'])}`;
}
