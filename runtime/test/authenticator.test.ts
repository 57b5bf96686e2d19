import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import bcrypt from 'bcryptjs';

import {
  AuthError,
  Authenticator,
  HtpasswdProvider,
  JwksProvider,
  type AuthProvider,
  type Verdict,
} from '../src/index.js';
import { makeKey, nowS, sign } from './jwt-helpers.js';

const key = await makeKey('RS256', 'key-a');
const jwks = await JwksProvider.fromKeySet(
  'jwt',
  { keys: [key.publicJwk] },
  { maxCachedTokens: 0 },
);
const htpasswd = new HtpasswdProvider('basic', `alice:${bcrypt.hashSync('alice-pw', 4)}\n`);

const jwt = `Bearer ${await sign(key, { exp: nowS() + 3600 })}`;
const expiredJwt = `Bearer ${await sign(key, { exp: nowS() - 3600 })}`;
const unknownKidJwt = `Bearer ${await sign(key, { exp: nowS() + 3600 }, { kid: 'nope' })}`;
const basicOk = `Basic ${Buffer.from('alice:alice-pw').toString('base64')}`;
const basicBad = `Basic ${Buffer.from('alice:wrong').toString('base64')}`;

/** Delegates to a real provider and counts the calls. */
class Counting implements AuthProvider {
  calls = 0;
  readonly id: string;
  readonly scheme: 'Bearer' | 'Basic';
  readonly #inner: AuthProvider;

  constructor(inner: AuthProvider) {
    this.#inner = inner;
    this.id = inner.id;
    this.scheme = inner.scheme;
  }

  verify(authorization: string | undefined): Promise<Verdict> {
    this.calls++;
    return this.#inner.verify(authorization);
  }
}

async function failure(promise: Promise<void>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AuthError);
    assert.equal(error.statusCode, 200);
    assert.equal(error.message, `Authentication Failure: ${error.reason}`);
    return error.reason;
  }

  return assert.fail('expected an AuthError');
}

describe('Authenticator', () => {
  const auth = new Authenticator([jwks, htpasswd]);

  it('lists provider ids in order and refuses duplicates', () => {
    assert.deepEqual(auth.providerIds, ['jwt', 'basic']);
    assert.throws(() => new Authenticator([jwks, jwks]), /Duplicate auth provider id "jwt"/);
  });

  it('lets either credential satisfy an any-provider requirement', async () => {
    await auth.forRequest(jwt).require([[]]);
    await auth.forRequest(basicOk).require([[]]);
    await auth.forRequest(basicOk).require([['jwt', 'basic']]);
  });

  it('admits only the listed providers', async () => {
    await auth.forRequest(basicOk).require([['basic']]);
    await auth.forRequest(jwt).require([['jwt']]);
    assert.equal(
      await failure(auth.forRequest(jwt).require([['basic']])),
      'Invalid Authorization Header',
    );
    assert.equal(
      await failure(auth.forRequest(basicOk).require([['jwt']])),
      'Invalid Authorization Header',
    );
  });

  it('needs every requirement; nothing required means nothing checked', async () => {
    await auth.forRequest(undefined).require([]);
    await auth.forRequest(jwt).require([['jwt'], []]);
    assert.equal(
      await failure(auth.forRequest(jwt).require([['jwt'], ['basic']])),
      'Invalid Authorization Header',
    );
  });

  it('reports a missing header', async () => {
    assert.equal(
      await failure(auth.forRequest(undefined).require([[]])),
      'Missing Authorization Header',
    );
    assert.equal(
      await failure(auth.forRequest('').require([['basic']])),
      'Missing Authorization Header',
    );
  });

  it('reports the reason of the provider whose scheme the header used', async () => {
    // The JWT provider is first but did not get a Bearer header; the htpasswd one decides.
    assert.equal(
      await failure(auth.forRequest(basicBad).require([[]])),
      'Invalid Authorization Header',
    );
    assert.equal(
      await failure(auth.forRequest(unknownKidJwt).require([['basic', 'jwt']])),
      "Couldn't find JWK entry with specified kid",
    );
    assert.equal(
      await failure(auth.forRequest(expiredJwt).require([[]])),
      'Invalid Authorization Header',
    );
    // No provider speaks this scheme.
    assert.equal(
      await failure(auth.forRequest('Token abc').require([[]])),
      'Invalid Authorization Header',
    );
    // The kid reason only counts for a requirement that includes the JWT provider.
    assert.equal(
      await failure(auth.forRequest(unknownKidJwt).require([['basic']])),
      'Invalid Authorization Header',
    );
  });

  it('decides by the first failing requirement', async () => {
    const request = auth.forRequest(unknownKidJwt);
    assert.equal(
      await failure(request.require([['basic'], ['jwt']])),
      'Invalid Authorization Header',
    );
    assert.equal(
      await failure(request.require([['jwt'], ['basic']])),
      "Couldn't find JWK entry with specified kid",
    );
  });

  it('fails with no linked provider', async () => {
    const none = new Authenticator([]);
    assert.equal(await failure(none.forRequest(jwt).require([[]])), 'Invalid Authorization Header');
  });

  it('verifies each provider at most once per request', async () => {
    const countingJwt = new Counting(jwks);
    const countingBasic = new Counting(htpasswd);
    const counted = new Authenticator([countingJwt, countingBasic]);

    const request = counted.forRequest(basicOk);
    await Promise.all([
      request.require([[], ['basic'], ['jwt', 'basic']]),
      request.require([['basic']]),
    ]);
    await request.require([[]]);
    assert.equal(countingJwt.calls, 1);
    assert.equal(countingBasic.calls, 1);

    // A new request verifies again.
    await counted.forRequest(basicOk).require([['basic']]);
    assert.equal(countingBasic.calls, 2);
  });

  it('stops at the first provider that accepts', async () => {
    const countingJwt = new Counting(jwks);
    const countingBasic = new Counting(htpasswd);
    await new Authenticator([countingJwt, countingBasic]).forRequest(jwt).require([[]]);
    assert.equal(countingJwt.calls, 1);
    assert.equal(countingBasic.calls, 0);
  });

  it('throws a plain error for an unknown provider id, failing closed', async () => {
    await assert.rejects(auth.forRequest(jwt).require([['nope']]), /Unknown auth provider "nope"/);
  });
});
