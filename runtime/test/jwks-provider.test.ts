import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { exportSPKI, importJWK, importPKCS8, type CryptoKey, type JWK } from 'jose';

import { JwksError, JwksProvider, type Verdict } from '../src/index.js';
import {
  makeKey,
  nowS,
  sign,
  signHs256With,
  unsignedToken,
  withAlg,
  type TestKey,
} from './jwt-helpers.js';

const INVALID: Verdict = { ok: false, reason: 'Invalid Authorization Header', schemeMatched: true };
const OK: Verdict = { ok: true };

const rsa = await makeKey('RS256', 'rsa', { modulusLength: 2048 });
const other = await makeKey('RS256', 'rsa', { modulusLength: 2048 });
const keys: TestKey[] = [
  rsa,
  await makeKey('PS256', 'ps'),
  await makeKey('ES256', 'es256'),
  await makeKey('ES384', 'es384'),
  await makeKey('ES512', 'es512'),
  await makeKey('EdDSA', 'ed', { crv: 'Ed25519' }),
  await makeKey('HS256', 'hs'),
];
const provider = await JwksProvider.fromKeySet('jwt', jwksOf(...keys));

function jwksOf(...testKeys: TestKey[]): { keys: JWK[] } {
  return { keys: testKeys.map((key) => key.publicJwk) };
}

function bearer(token: string): string {
  return `Bearer ${token}`;
}

describe('JwksProvider.verify', () => {
  for (const key of keys) {
    it(`accepts a valid ${key.alg} token`, async () => {
      const token = await sign(key, { sub: 'u', exp: nowS() + 3600 });
      assert.deepEqual(await provider.verify(bearer(token)), OK);
    });
  }

  it('accepts keys without alg, deriving algorithms from the key type', async () => {
    const bare = (key: TestKey): JWK => {
      const { alg: _alg, ...jwk } = key.publicJwk;
      return jwk;
    };
    const es = keys[2]!;
    const withoutAlg = await JwksProvider.fromKeySet('bare', { keys: [bare(rsa), bare(es)] });
    assert.deepEqual(await withoutAlg.verify(bearer(await sign(rsa, { exp: nowS() + 60 }))), OK);
    const ps512 = await withAlg(rsa, 'PS512');
    assert.deepEqual(await withoutAlg.verify(bearer(await sign(ps512, { exp: nowS() + 60 }))), OK);
    assert.deepEqual(await withoutAlg.verify(bearer(await sign(es, { exp: nowS() + 60 }))), OK);
  });

  it('checks exp with 60 s leeway and requires it', async () => {
    const expired1h = await sign(rsa, { exp: nowS() - 3600 });
    const expired30s = await sign(rsa, { exp: nowS() - 30 });
    const noExp = await sign(rsa, { sub: 'u' });
    const floatExp = await sign(rsa, { exp: 2019056441.0 + 0.5 });

    assert.deepEqual(await provider.verify(bearer(expired1h)), INVALID);
    assert.deepEqual(await provider.verify(bearer(expired30s)), OK);
    assert.deepEqual(await provider.verify(bearer(noExp)), INVALID);
    assert.deepEqual(await provider.verify(bearer(floatExp)), OK);
  });

  it('checks nbf (a deviation from Tailcall) with the same leeway', async () => {
    const future1h = await sign(rsa, { exp: nowS() + 7200, nbf: nowS() + 3600 });
    const future30s = await sign(rsa, { exp: nowS() + 7200, nbf: nowS() + 30 });

    assert.deepEqual(await provider.verify(bearer(future1h)), INVALID);
    assert.deepEqual(await provider.verify(bearer(future30s)), OK);
  });

  it('rejects a token signed by another key under the same kid', async () => {
    const token = await sign(other, { exp: nowS() + 3600 });
    assert.deepEqual(await provider.verify(bearer(token)), INVALID);
  });

  it('reports an unknown kid', async () => {
    const token = await sign(rsa, { exp: nowS() + 3600 }, { kid: 'no-such-kid' });
    assert.deepEqual(await provider.verify(bearer(token)), {
      ok: false,
      reason: "Couldn't find JWK entry with specified kid",
      schemeMatched: true,
    });
  });

  it('tries every fitting key for a token without kid', async () => {
    const twoKeys = await JwksProvider.fromKeySet('two', jwksOf(other, rsa));
    const good = await sign(rsa, { exp: nowS() + 3600 }, { kid: undefined });
    const foreign = await makeKey('RS256', 'x');
    const bad = await sign(foreign, { exp: nowS() + 3600 }, { kid: undefined });

    assert.deepEqual(await twoKeys.verify(bearer(good)), OK);
    assert.deepEqual(await twoKeys.verify(bearer(bad)), INVALID);
  });

  it('tries each key sharing one kid, and tolerates duplicates', async () => {
    const shared = await JwksProvider.fromKeySet('shared', jwksOf(other, rsa, rsa));
    assert.deepEqual(await shared.verify(bearer(await sign(rsa, { exp: nowS() + 60 }))), OK);
    assert.deepEqual(await shared.verify(bearer(await sign(other, { exp: nowS() + 60 }))), OK);
  });

  it('rejects algorithms the key does not allow', async () => {
    const payload = { exp: nowS() + 3600 };
    const pem = await exportSPKI(
      (await importJWK(rsa.publicJwk, 'RS256', { extractable: true })) as CryptoKey,
    );
    const rs512 = await sign(await withAlg(rsa, 'RS512'), payload);

    assert.deepEqual(
      await provider.verify(bearer(unsignedToken(payload, { kid: 'rsa' }))),
      INVALID,
    );
    assert.deepEqual(await provider.verify(bearer(unsignedToken(payload, {}))), INVALID);
    assert.deepEqual(
      await provider.verify(bearer(signHs256With(pem, payload, { kid: 'rsa' }))),
      INVALID,
    );
    assert.deepEqual(
      await provider.verify(
        bearer(signHs256With(JSON.stringify(rsa.publicJwk), payload, { kid: 'rsa' })),
      ),
      INVALID,
    );
    assert.deepEqual(await provider.verify(bearer(rs512)), INVALID);
  });

  it('never takes a key from the token header', async () => {
    const attacker = await makeKey('RS256', 'rsa');
    const payload = { exp: nowS() + 3600 };
    const { kid: _kid, ...embedded } = attacker.publicJwk;

    for (const header of [
      { jwk: embedded },
      { jwk: embedded, kid: undefined },
      { jku: 'http://127.0.0.1:1/jwks.json' },
      { x5u: 'http://127.0.0.1:1/cert.pem' },
    ]) {
      const forged = await sign(attacker, payload, header);
      assert.deepEqual(await provider.verify(bearer(forged)), INVALID, JSON.stringify(header));
    }
    // Even with our own key, a key-bearing header is refused.
    const honest = await sign(rsa, payload, { x5c: ['AAAA'] });
    assert.deepEqual(await provider.verify(bearer(honest)), INVALID);
  });

  it('answers malformed headers without throwing', async () => {
    const valid = await sign(rsa, { exp: nowS() + 3600 });
    const notScheme = { ok: false, reason: 'Invalid Authorization Header', schemeMatched: false };
    const cases: [string | undefined, Verdict][] = [
      [undefined, { ok: false, reason: 'Missing Authorization Header', schemeMatched: false }],
      ['', { ok: false, reason: 'Missing Authorization Header', schemeMatched: false }],
      ['Bearer ', INVALID],
      ['Bearer', notScheme as Verdict],
      ['Bearer a.b', INVALID],
      ['Bearer a.b.c', INVALID],
      ['Bearer aaaa.bbbb.cccc', INVALID],
      ['Bearer not-a-jwt', INVALID],
      [`Bearer ${Buffer.from('{"alg":"RS256"').toString('base64url')}.e30.AAAA`, INVALID],
      [`Bearer ${Buffer.from('[1]').toString('base64url')}.e30.AAAA`, INVALID],
      [`Bearer ${Buffer.from('{"alg":1}').toString('base64url')}.e30.AAAA`, INVALID],
      [`Bearer ${Buffer.from('{"alg":"RS256","kid":7}').toString('base64url')}.e30.AAAA`, INVALID],
      [`Bearer ${valid}.extra`, INVALID],
      [`Bearer ${'a'.repeat(100_000)}.b.c`, INVALID],
      [`Bearer ${valid.replace(/\.[^.]*$/, '.!!!')}`, INVALID],
      [`bearer ${valid}`, notScheme as Verdict],
      [valid, notScheme as Verdict],
      [`Basic ${valid}`, notScheme as Verdict],
    ];
    for (const [header, expected] of cases) {
      assert.deepEqual(await provider.verify(header), expected, String(header).slice(0, 60));
    }
  });

  it('accepts the token and key set of the Tailcall docs', async () => {
    const fixture = JSON.parse(
      readFileSync(new URL('./fixtures/tailcall-docs-jwt.json', import.meta.url), 'utf8'),
    ) as { jwks: { keys: Record<string, unknown>[] }; token: string };
    const docs = await JwksProvider.fromKeySet('auth-jwks', fixture.jwks);

    assert.deepEqual(await docs.verify(bearer(fixture.token)), OK);
    assert.deepEqual(await docs.verify(bearer(fixture.token.slice(0, -2))), INVALID);
  });
});

describe('JwksProvider.fromKeySet', () => {
  it('skips encryption keys and keys without verify in key_ops, as if absent', async () => {
    const enc = { ...rsa.publicJwk, use: 'enc', kid: 'enc' };
    const ops = { ...rsa.publicJwk, key_ops: ['encrypt'], kid: 'ops' };
    const set = await JwksProvider.fromKeySet('mixed', { keys: [enc, ops, rsa.publicJwk] });
    const payload = { exp: nowS() + 60 };

    assert.deepEqual(await set.verify(bearer(await sign(rsa, payload))), OK);
    const unknownKid = { ...INVALID, reason: "Couldn't find JWK entry with specified kid" };
    assert.deepEqual(
      await set.verify(bearer(await sign({ ...rsa, kid: 'enc' }, payload))),
      unknownKid,
    );
    assert.deepEqual(
      await set.verify(bearer(await sign({ ...rsa, kid: 'ops' }, payload))),
      unknownKid,
    );
  });

  it('throws JwksError when no key is usable, saying why', async () => {
    await assert.rejects(
      JwksProvider.fromKeySet('bad', {
        keys: [
          { ...rsa.publicJwk, use: 'enc' },
          { kty: 'RSA', n: 'AQAB' },
          { kty: 'EC', crv: 'secp256k1', x: 'AA', y: 'AA' },
          { ...rsa.publicJwk, alg: 'ES256' },
        ],
      }),
      (error: unknown) => {
        assert.ok(error instanceof JwksError);
        assert.equal(error.providerId, 'bad');
        assert.equal(error.skipped.length, 4);
        assert.match(error.message, /^JWKS "bad" has no usable signature verification key: key 0/);
        assert.match(error.message, /use is "enc"/);
        assert.match(error.message, /does not fit kty "RSA"/);
        return true;
      },
    );
    await assert.rejects(JwksProvider.fromKeySet('empty', { keys: [] }), JwksError);
    await assert.rejects(
      JwksProvider.fromKeySet('shape', JSON.parse('{"keys":{}}') as { keys: [] }),
      /"keys" must be an array/,
    );
  });

  it('imports a key given only as an x5c certificate', async () => {
    const fixture = JSON.parse(
      readFileSync(new URL('./fixtures/x5c-test-only-ec.json', import.meta.url), 'utf8'),
    ) as { privateKeyPkcs8: string; certificate: string };
    const der = fixture.certificate.replace(/-----[A-Z ]+-----|\s/g, '');
    const set = await JwksProvider.fromKeySet('x5c', {
      keys: [{ kty: 'EC', crv: 'P-256', kid: 'cert', x5c: [der] }],
    });
    const privateKey = await importPKCS8(fixture.privateKeyPkcs8, 'ES256');
    const key: TestKey = { alg: 'ES256', kid: 'cert', privateKey, publicJwk: {} };

    assert.deepEqual(await set.verify(bearer(await sign(key, { exp: nowS() + 60 }))), OK);
    assert.deepEqual(
      await set.verify(bearer(await sign(keys[2]!, { exp: nowS() + 60 }, { kid: 'cert' }))),
      INVALID,
    );
  });
});

describe('JwksProvider verified-token cache', () => {
  it('verifies the signature of a repeated token once', async () => {
    const cached = await JwksProvider.fromKeySet('cache', jwksOf(rsa));
    const token = await sign(rsa, { exp: nowS() + 3600 });

    assert.deepEqual(await cached.verify(bearer(token)), OK);
    assert.deepEqual(await cached.verify(bearer(token)), OK);
    assert.deepEqual(await cached.verify(bearer(token)), OK);
    assert.deepEqual(cached.stats, { signatureChecks: 1, cacheHits: 2 });
  });

  it('does not cache failures', async () => {
    const cached = await JwksProvider.fromKeySet('cache', jwksOf(rsa));
    const forged = await sign(other, { exp: nowS() + 3600 });

    assert.deepEqual(await cached.verify(bearer(forged)), INVALID);
    assert.deepEqual(await cached.verify(bearer(forged)), INVALID);
    assert.deepEqual(cached.stats, { signatureChecks: 2, cacheHits: 0 });
  });

  it('drops an entry once exp plus leeway has passed', async () => {
    let clock = Date.now();
    const cached = await JwksProvider.fromKeySet('clock', jwksOf(rsa), { now: () => clock });
    const exp = Math.floor(clock / 1000) + 10;
    const token = await sign(rsa, { exp });

    assert.deepEqual(await cached.verify(bearer(token)), OK);
    clock = (exp + 59) * 1000;
    assert.deepEqual(await cached.verify(bearer(token)), OK);
    assert.deepEqual(cached.stats, { signatureChecks: 1, cacheHits: 1 });
    clock = (exp + 61) * 1000;
    assert.deepEqual(await cached.verify(bearer(token)), INVALID);
    assert.deepEqual(cached.stats, { signatureChecks: 2, cacheHits: 1 });
  });

  it('evicts the least recently used entry beyond its bound', async () => {
    const cached = await JwksProvider.fromKeySet('small', jwksOf(rsa), { maxCachedTokens: 2 });
    const [a, b, c] = await Promise.all(
      ['a', 'b', 'c'].map((sub) => sign(rsa, { sub, exp: nowS() + 3600 })),
    );

    for (const token of [a!, b!, a!, c!]) {
      await cached.verify(bearer(token));
    }
    // a was used after b, so c pushed b out.
    assert.deepEqual(cached.stats, { signatureChecks: 3, cacheHits: 1 });
    await cached.verify(bearer(a!));
    assert.deepEqual(cached.stats, { signatureChecks: 3, cacheHits: 2 });
    await cached.verify(bearer(b!));
    assert.deepEqual(cached.stats, { signatureChecks: 4, cacheHits: 2 });
  });
});
