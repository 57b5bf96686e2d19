import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { JwksProvider, type JwksProviderOptions, type Verdict } from '../src/index.js';
import { TestIdp } from './jwks-server.js';
import { makeKey, nowS, sign, signText } from './jwt-helpers.js';

const OK: Verdict = { ok: true };
const INVALID: Verdict = { ok: false, reason: 'Invalid Authorization Header', schemeMatched: true };
const ISSUER = 'https://idp.test/';

const key = await makeKey('RS256', 'k1');
const jwks = { keys: [key.publicJwk] };

async function providerWith(options: JwksProviderOptions): Promise<JwksProvider> {
  return JwksProvider.fromKeySet('jwt', jwks, options);
}

/** The verdict for a token carrying these claims besides a valid `exp`. */
async function verdict(provider: JwksProvider, claims: Record<string, unknown>): Promise<Verdict> {
  return provider.verify(`Bearer ${await sign(key, { exp: nowS() + 3600, ...claims })}`);
}

describe('JwksProvider issuer and audience', () => {
  it('checks neither when none is configured, as Tailcall does', async () => {
    const provider = await providerWith({});

    assert.deepEqual(await verdict(provider, {}), OK);
    assert.deepEqual(await verdict(provider, { iss: 'anyone', aud: ['a', 'b'] }), OK);
  });

  it('checks iss exactly', async () => {
    const provider = await providerWith({ issuer: ISSUER });

    assert.deepEqual(await verdict(provider, { iss: ISSUER }), OK);
    assert.deepEqual(await verdict(provider, { iss: 'https://other.test/' }), INVALID);
    assert.deepEqual(await verdict(provider, { iss: 'https://idp.test' }), INVALID);
    assert.deepEqual(await verdict(provider, { iss: 'https://IDP.test/' }), INVALID);
    assert.deepEqual(await verdict(provider, { iss: [ISSUER] }), INVALID);
    assert.deepEqual(await verdict(provider, {}), INVALID);
  });

  it('accepts a token whose aud, string or array, holds the audience', async () => {
    const provider = await providerWith({ audience: 'api' });

    assert.deepEqual(await verdict(provider, { aud: 'api' }), OK);
    assert.deepEqual(await verdict(provider, { aud: ['web', 'api'] }), OK);
    assert.deepEqual(await verdict(provider, { aud: 'web' }), INVALID);
    assert.deepEqual(await verdict(provider, { aud: ['web', 'admin'] }), INVALID);
    assert.deepEqual(await verdict(provider, { aud: [] }), INVALID);
    assert.deepEqual(await verdict(provider, { aud: 'API' }), INVALID);
    assert.deepEqual(await verdict(provider, {}), INVALID);
  });

  it('accepts any one of several audiences', async () => {
    const provider = await providerWith({ audience: ['api', 'graphql'] });

    assert.deepEqual(await verdict(provider, { aud: 'graphql' }), OK);
    assert.deepEqual(await verdict(provider, { aud: ['x', 'api'] }), OK);
    assert.deepEqual(await verdict(provider, { aud: ['x', 'y'] }), INVALID);
  });

  it('needs both checks to pass when both are configured', async () => {
    const provider = await providerWith({ issuer: ISSUER, audience: 'api' });

    assert.deepEqual(await verdict(provider, { iss: ISSUER, aud: 'api' }), OK);
    assert.deepEqual(await verdict(provider, { iss: ISSUER, aud: 'web' }), INVALID);
    assert.deepEqual(await verdict(provider, { iss: 'https://other.test/', aud: 'api' }), INVALID);
  });

  it('refuses values that would admit no token', async () => {
    for (const options of [
      { issuer: '' },
      { audience: '' },
      { audience: [] },
      { audience: ['api', ''] },
      { issuer: 7 as unknown as string },
    ]) {
      await assert.rejects(providerWith(options), TypeError, JSON.stringify(options));
    }
  });

  it('applies to a fetched key set as well', async (t) => {
    const idp = await TestIdp.start();
    t.after(() => idp.close());
    idp.publish(key.publicJwk);
    const provider = await JwksProvider.fromUrl('jwt', idp.url, {
      issuer: ISSUER,
      audience: ['api'],
    });
    t.after(() => provider.close());

    assert.deepEqual(await verdict(provider, { iss: ISSUER, aud: ['api', 'web'] }), OK);
    assert.deepEqual(await verdict(provider, { iss: ISSUER, aud: 'web' }), INVALID);
    assert.deepEqual(await verdict(provider, { aud: 'api' }), INVALID);
  });
});

describe('JwksProvider exp, nbf and iat (BR-12, BR-13)', () => {
  // A fixed clock makes the leeway boundaries exact.
  const clockMs = Date.now();
  const now = Math.floor(clockMs / 1000);
  const fixedClock = { now: () => clockMs };

  it('accepts exp with a fractional part, or written with a literal .0', async () => {
    const provider = await providerWith(fixedClock);

    assert.deepEqual(await verdict(provider, { exp: now + 3600.25 }), OK);
    const literal = await signText(key, `{"sub":"svc-1","exp":${now + 3600}.0}`);
    assert.deepEqual(await provider.verify(`Bearer ${literal}`), OK);
  });

  it('rejects exp given as a string or null', async () => {
    const provider = await providerWith(fixedClock);

    assert.deepEqual(await verdict(provider, { exp: String(now + 3600) }), INVALID);
    assert.deepEqual(await verdict(provider, { exp: null }), INVALID);
    assert.deepEqual(await verdict(provider, { nbf: String(now) }), INVALID);
  });

  it('allows 60 s of leeway after exp, not more', async () => {
    const provider = await providerWith(fixedClock);

    assert.deepEqual(await verdict(provider, { exp: now - 59 }), OK);
    assert.deepEqual(await verdict(provider, { exp: now - 61 }), INVALID);
    assert.deepEqual(await verdict(provider, { exp: now - 120 }), INVALID);
  });

  it('allows 60 s of leeway before nbf, not more', async () => {
    const provider = await providerWith(fixedClock);

    assert.deepEqual(await verdict(provider, { nbf: now + 59 }), OK);
    assert.deepEqual(await verdict(provider, { nbf: now + 61 }), INVALID);
  });

  it('accepts iat in the future', async () => {
    const provider = await providerWith(fixedClock);

    assert.deepEqual(await verdict(provider, { iat: now + 300 }), OK);
    assert.deepEqual(await verdict(provider, { iat: now + 86_400 }), OK);
  });
});
