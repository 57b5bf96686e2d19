import assert from 'node:assert/strict';
import { KeyObject, sign as rsaSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { exportSPKI, importJWK, importPKCS8, type CryptoKey, type JWK } from 'jose';

import { Authenticator, JwksError, JwksProvider, type Verdict } from '../src/index.js';
import {
  base64url,
  makeKey,
  nowS,
  sign,
  signHs256With,
  unsignedToken,
  withAlg,
  type TestKey,
} from './jwt-helpers.js';

// Provider-level cases of the auth repros (/work/shared/repros/README.md) that
// jwks-provider.test.ts does not already hold.

const OK: Verdict = { ok: true };
const INVALID: Verdict = { ok: false, reason: 'Invalid Authorization Header', schemeMatched: true };

const k1 = await makeKey('RS256', 'k1');
const k2 = await makeKey('RS256', 'k2');
const k9 = await makeKey('RS256', 'k9');
const e256 = await makeKey('ES256', 'e256');
const e384 = await makeKey('ES384', 'e384');
const ed1 = await makeKey('EdDSA', 'ed1', { crv: 'Ed25519' });
const h1 = await makeKey('HS256', 'h1');
const payload = { sub: 'svc-1', exp: nowS() + 3600 };

function bearer(token: string): string {
  return `Bearer ${token}`;
}

/** A public JWK with only the key members and a kid: no `alg`, no `use`. */
function bare(key: TestKey): JWK {
  const { alg: _alg, use: _use, ...jwk } = key.publicJwk;
  return jwk;
}

async function spkiPem(key: TestKey): Promise<string> {
  return exportSPKI((await importJWK(key.publicJwk, 'RS256', { extractable: true })) as CryptoKey);
}

/** The checks a verdict cost, so a test can tell "not even tried" from "tried and failed". */
async function checksFor(provider: JwksProvider, token: string): Promise<[Verdict, number]> {
  const before = provider.stats.signatureChecks;
  const verdict = await provider.verify(bearer(token));

  return [verdict, provider.stats.signatureChecks - before];
}

describe('BR-07: a token without kid against several keys', () => {
  it('tries only the keys whose type fits alg, and never takes the first key', async () => {
    const set = await JwksProvider.fromKeySet(
      'jwt',
      { keys: [k1.publicJwk, k2.publicJwk, e256.publicJwk, h1.publicJwk] },
      { maxCachedTokens: 0 },
    );
    const noKid = { kid: undefined };

    assert.deepEqual(await checksFor(set, await sign(k2, payload, noKid)), [OK, 2]);
    assert.deepEqual(await checksFor(set, await sign(e256, payload, noKid)), [OK, 1]);
    assert.deepEqual(await checksFor(set, await sign(h1, payload, noKid)), [OK, 1]);
    // A stranger's RSA key: both RSA keys are tried, the others are not.
    assert.deepEqual(await checksFor(set, await sign(k9, payload, noKid)), [INVALID, 2]);
    // No key of the set fits ES384: nothing to try, and no unknown-kid reason either.
    assert.deepEqual(await checksFor(set, await sign(e384, payload, noKid)), [INVALID, 0]);
  });

  it('accepts a kid-less token when the set holds one key', async () => {
    const single = await JwksProvider.fromKeySet('jwt', { keys: [k1.publicJwk] });

    assert.deepEqual(await single.verify(bearer(await sign(k1, payload, { kid: undefined }))), OK);
  });
});

describe('BR-08: same kid in two providers; oct keys', () => {
  const secretJwk = (secret: Buffer): JWK => ({
    kty: 'oct',
    k: secret.toString('base64url'),
    kid: 'shared',
    alg: 'HS256',
    use: 'sig',
  });
  const s1 = Buffer.from('test-only-secret-one-32-bytes-xx');
  const s2 = Buffer.from('test-only-secret-two-32-bytes-xx');

  it('checks each provider against its own set only', async () => {
    const testing = await JwksProvider.fromKeySet('testing', { keys: [secretJwk(s1)] });
    const staging = await JwksProvider.fromKeySet('staging', { keys: [secretJwk(s2)] });
    const ts = signHs256With(s2.toString('latin1'), payload, { kid: 'shared' });

    assert.deepEqual(await staging.verify(bearer(ts)), OK);
    assert.deepEqual(await testing.verify(bearer(ts)), INVALID);

    // A kid hit in the first provider does not end the search.
    const auth = new Authenticator([testing, staging]);
    await auth.forRequest(bearer(ts)).require([['testing', 'staging']]);
    await assert.rejects(auth.forRequest(bearer(ts)).require([['testing']]), {
      message: 'Authentication Failure: Invalid Authorization Header',
    });
  });

  it('holds the algorithm the JWK pins', async () => {
    const staging = await JwksProvider.fromKeySet('staging', { keys: [secretJwk(s2)] });
    const claims = base64url(JSON.stringify(payload));
    const rs256 = `${base64url('{"alg":"RS256","kid":"shared"}')}.${claims}.${base64url('sig')}`;
    const hs512 = await sign(
      { alg: 'HS512', kid: 'shared', privateKey: new Uint8Array(s2), publicJwk: {} },
      payload,
    );

    assert.deepEqual(await checksFor(staging, rs256), [INVALID, 0]);
    assert.deepEqual(await checksFor(staging, hs512), [INVALID, 0]);
  });
});

describe('BR-09: keys without alg and use', () => {
  it('derives the algorithms from kty and crv', async () => {
    const set = await JwksProvider.fromKeySet('jwt', {
      keys: [bare(k1), bare(e256), bare(ed1), bare(h1)],
    });
    const ps384 = await withAlg(k1, 'PS384');

    for (const key of [k1, ps384, e256, ed1, h1]) {
      assert.deepEqual(await set.verify(bearer(await sign(key, payload))), OK, key.alg);
    }
    // The P-256 key does not verify ES384, whatever the kid says.
    assert.deepEqual(await set.verify(bearer(await sign(e384, payload, { kid: 'e256' }))), INVALID);
  });

  it('never lets a missing alg open the door to HS256 with public key material', async () => {
    const set = await JwksProvider.fromKeySet('jwt', { keys: [bare(k1)] });
    const pem = await spkiPem(k1);

    for (const secret of [
      pem,
      `\n${pem}`,
      pem.replace(/\n/g, '\r\n'),
      JSON.stringify(bare(k1)),
      JSON.stringify({ keys: [bare(k1)] }),
    ]) {
      const forged = signHs256With(secret, payload, { kid: 'k1' });
      assert.deepEqual(await checksFor(set, forged), [INVALID, 0]);
    }
    assert.deepEqual(await set.verify(bearer(unsignedToken(payload, { kid: 'k1' }))), INVALID);
  });
});

describe('BR-11: forged tokens against a pinned RS256 key', () => {
  const jwks = { keys: [k1.publicJwk] };

  it('rejects HS256 keyed with the PEM text, in every spelling, or the key set text', async () => {
    const set = await JwksProvider.fromKeySet('jwt', jwks);
    const pem = await spkiPem(k1);

    for (const secret of [
      `\n${pem}`,
      pem.replace(/\n/g, '\r\n'),
      pem.trimEnd(),
      JSON.stringify(jwks),
    ]) {
      const forged = signHs256With(secret, payload, { kid: 'k1' });
      assert.deepEqual(await set.verify(bearer(forged)), INVALID, JSON.stringify(secret));
    }
  });

  it('rejects none in any case, with or without a signature part', async () => {
    const set = await JwksProvider.fromKeySet('jwt', jwks);

    for (const alg of ['none', 'None', 'NONE']) {
      const token = unsignedToken(payload, { alg, kid: 'k1' });
      assert.deepEqual(await set.verify(bearer(token)), INVALID, alg);
      assert.deepEqual(await set.verify(bearer(`${token}${base64url('x')}`)), INVALID, alg);
    }
  });

  it('rejects a payload edited after signing', async () => {
    const set = await JwksProvider.fromKeySet('jwt', jwks);
    const [head, , signature] = (await sign(k1, payload)).split('.');
    const edited = base64url(JSON.stringify({ ...payload, sub: 'admin' }));

    assert.deepEqual(await set.verify(bearer(`${head}.${edited}.${signature}`)), INVALID);
  });

  it('treats alg names as case-sensitive', async () => {
    const set = await JwksProvider.fromKeySet('jwt', jwks);
    const input = `${base64url('{"alg":"rs256","kid":"k1"}')}.${base64url(JSON.stringify(payload))}`;
    const privateKey = KeyObject.from(k1.privateKey as CryptoKey);
    const signature = rsaSign('sha256', Buffer.from(input), privateKey).toString('base64url');

    assert.deepEqual(await set.verify(bearer(`${input}.${signature}`)), INVALID);
    assert.deepEqual(await set.verify(bearer(await sign(k1, payload))), OK);
  });
});

describe('BR-16: a key given only as an x5c certificate', () => {
  const fixture = JSON.parse(
    readFileSync(new URL('./fixtures/x5c-test-only-ec.json', import.meta.url), 'utf8'),
  ) as { privateKeyPkcs8: string; certificate: string };
  const der = fixture.certificate.replace(/-----[A-Z ]+-----|\s/g, '');

  it('imports the certificate when the base64 carries line breaks', async () => {
    const privateKey = await importPKCS8(fixture.privateKeyPkcs8, 'ES256');
    const signer: TestKey = { alg: 'ES256', kid: 'c1', privateKey, publicJwk: {} };
    const token = bearer(await sign(signer, payload));

    for (const wrapped of [der.replace(/.{64}/g, '$&\n'), der.replace(/.{76}/g, '$&\r\n')]) {
      const set = await JwksProvider.fromKeySet('jwt', {
        keys: [{ kty: 'EC', crv: 'P-256', kid: 'c1', alg: 'ES256', use: 'sig', x5c: [wrapped] }],
      });
      assert.deepEqual(await set.verify(token), OK);
    }
  });

  it('fails at start-up, naming the key, when the certificate cannot serve', async () => {
    for (const entry of [
      { kty: 'RSA', kid: 'c1', alg: 'RS256', x5c: [der] },
      { kty: 'RSA', kid: 'c1', alg: 'RS256', x5c: ['AAAA'] },
      { kty: 'RSA', kid: 'c1', alg: 'RS256' },
    ]) {
      await assert.rejects(JwksProvider.fromKeySet('jwt', { keys: [entry] }), (error: unknown) => {
        assert.ok(error instanceof JwksError);
        assert.match(
          error.message,
          /^JWKS "jwt" has no usable .*: key 0 \(kid "c1"\): cannot import/,
        );
        return true;
      });
    }
  });
});
