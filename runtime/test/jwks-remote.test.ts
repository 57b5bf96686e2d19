import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { JwksError, JwksProvider, type RemoteJwksOptions, type Verdict } from '../src/index.js';
import { closedPortUrl, RefreshLog, TestIdp } from './jwks-server.js';
import { makeKey, nowS, sign, type TestKey } from './jwt-helpers.js';

const OK: Verdict = { ok: true };
const INVALID: Verdict = { ok: false, reason: 'Invalid Authorization Header', schemeMatched: true };
const UNKNOWN: Verdict = {
  ok: false,
  reason: "Couldn't find JWK entry with specified kid",
  schemeMatched: true,
};
/** Every test gets a bound, so a fetch that never ends fails the test instead of hanging it. */
const BOUNDED = { timeout: 20_000 };

const k1 = await makeKey('RS256', 'k1');
const k2 = await makeKey('RS256', 'k2');
const es = await makeKey('ES256', 'e1');

/** Providers and servers to close after the suite, even when an assertion failed midway. */
const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) {
    await cleanup();
  }
});

async function idpPublishing(...keys: TestKey[]): Promise<TestIdp> {
  const idp = await TestIdp.start();
  idp.publish(...keys.map((key) => key.publicJwk));
  cleanups.push(() => idp.close());

  return idp;
}

async function providerFor(idp: TestIdp, options: RemoteJwksOptions = {}): Promise<JwksProvider> {
  const provider = await JwksProvider.fromUrl('jwt', idp.url, options);
  cleanups.push(() => provider.close());

  return provider;
}

async function bearer(key: TestKey, header: Record<string, unknown> = {}): Promise<string> {
  return `Bearer ${await sign(key, { sub: 'svc-1', exp: nowS() + 3600 }, header)}`;
}

/** The JwksError a start-up attempt rejects with. */
async function startupError(url: string, options: RemoteJwksOptions = {}): Promise<JwksError> {
  try {
    const provider = await JwksProvider.fromUrl('jwt', url, options);
    provider.close();
  } catch (error) {
    assert.ok(error instanceof JwksError, String(error));
    assert.equal(error.providerId, 'jwt');
    return error;
  }

  return assert.fail('expected fromUrl to reject');
}

describe('JwksProvider.fromUrl start-up', BOUNDED, () => {
  it('fetches the set once at start-up and verifies against it', async () => {
    const idp = await idpPublishing(k1, es);
    const provider = await providerFor(idp);

    assert.equal(idp.hits, 1);
    assert.deepEqual(await provider.verify(await bearer(k1)), OK);
    assert.deepEqual(await provider.verify(await bearer(es)), OK);
    assert.deepEqual(await provider.verify(await bearer(k2)), UNKNOWN);
    // Within the default 30 s cool-down after start-up, the unknown kid fetched nothing.
    assert.equal(idp.hits, 1);
  });

  it('sends a tc-gen User-Agent and the configured headers', async () => {
    const idp = await idpPublishing(k1);
    await providerFor(idp, { headers: { 'x-api-key': 'test-only' } });

    assert.equal(idp.requests[0]?.['user-agent'], 'tc-gen');
    assert.equal(idp.requests[0]?.['x-api-key'], 'test-only');
  });

  it('rejects when nothing listens on the port', async () => {
    const url = await closedPortUrl();
    const error = await startupError(url);

    assert.equal(
      error.message,
      `JWKS "jwt" could not be loaded from ${url}: unreachable (connection refused)`,
    );
    assert.equal(error.url, url);
  });

  it('rejects an HTTP status other than 200, redirects included', async () => {
    const idp = await idpPublishing(k1);
    idp.answer({ status: 500, body: '{"keys":[]}' });
    assert.equal(
      (await startupError(idp.url)).message,
      `JWKS "jwt" could not be loaded from ${idp.url}: answered HTTP 500 Internal Server Error, not 200`,
    );
    idp.answer({ status: 302, body: '' });
    assert.match(
      (await startupError(idp.url)).message,
      /HTTP 302 Found \(redirects are not followed\)/,
    );
  });

  it('rejects a body that is not JSON, or JSON that is not a key set', async () => {
    const idp = await idpPublishing(k1);
    idp.answer({ status: 200, body: '<html>maintenance</html>' });
    assert.equal(
      (await startupError(idp.url)).message,
      `JWKS "jwt" could not be loaded from ${idp.url}: the response is not JSON`,
    );
    idp.answer({ status: 200, body: '{"keys":{}}' });
    assert.match((await startupError(idp.url)).message, /: not a JSON Web Key Set: "keys" must be/);
  });

  it('rejects a set without a usable key, saying why each key was skipped', async () => {
    const idp = await idpPublishing(k1);
    idp.publish({ ...k1.publicJwk, use: 'enc' }, { kty: 'RSA', kid: 'bare' });
    const error = await startupError(idp.url);

    assert.match(
      error.message,
      /^JWKS "jwt" at http:\/\/127\.0\.0\.1:\d+\/jwks\.json has no usable signature verification key: key 0 \(kid "k1"\): use is "enc"; key 1 \(kid "bare"\): cannot import/,
    );
    assert.equal(error.skipped.length, 2);
  });

  it('gives up on a server that never answers after timeoutDuration', async () => {
    const idp = await idpPublishing(k1);
    idp.answer('hang');
    const started = Date.now();
    const error = await startupError(idp.url, { timeoutDuration: 200 });

    assert.equal(
      error.message,
      `JWKS "jwt" could not be loaded from ${idp.url}: no complete response within 200 ms`,
    );
    assert.ok(Date.now() - started < 3_000);
  });

  it('rejects URLs it must not fetch, and bad options, without fetching', async () => {
    const idp = await idpPublishing(k1);
    assert.match((await startupError('not a url')).message, /has an invalid URL: "not a url"/);
    assert.match((await startupError('file:///etc/passwd')).message, /URL must be http or https/);
    const withCredentials = idp.url.replace('http://', 'http://user:secret@');
    const credentialsError = await startupError(withCredentials);
    assert.match(credentialsError.message, /must not contain credentials/);
    assert.doesNotMatch(credentialsError.message, /secret/);

    await assert.rejects(JwksProvider.fromUrl('jwt', idp.url, { cacheMaxAge: 0 }), TypeError);
    await assert.rejects(JwksProvider.fromUrl('jwt', idp.url, { cooldownDuration: -1 }), TypeError);
    await assert.rejects(JwksProvider.fromUrl('jwt', idp.url, { timeoutDuration: 1.5 }), TypeError);
    await assert.rejects(JwksProvider.fromUrl('jwt', idp.url, { audience: [] }), TypeError);
    assert.equal(idp.hits, 0);
  });
});

describe('JwksProvider.fromUrl key rotation', BOUNDED, () => {
  it('accepts a key added after start-up after exactly one re-fetch', async () => {
    const idp = await idpPublishing(k1);
    const log = new RefreshLog();
    const provider = await providerFor(idp, { cooldownDuration: 0, onRefresh: log.record });

    idp.publish(k1.publicJwk, k2.publicJwk);
    assert.deepEqual(await provider.verify(await bearer(k2)), OK);
    assert.equal(idp.hits, 2);
    assert.deepEqual(log.outcomes, [
      { ok: true, trigger: 'unknown-kid', changed: true, keyCount: 2, skipped: [] },
    ]);
    // Both keys are now known: no further fetch, the old key still verifies.
    assert.deepEqual(await provider.verify(await bearer(k2)), OK);
    assert.deepEqual(await provider.verify(await bearer(k1)), OK);
    assert.equal(idp.hits, 2);
  });

  it('serves a burst of tokens with one new kid with a single fetch', async () => {
    const idp = await idpPublishing(k1);
    const provider = await providerFor(idp, { cooldownDuration: 0 });
    const tokens = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        sign(k2, { sub: `svc-${index}`, exp: nowS() + 3600 }),
      ),
    );

    idp.publish(k1.publicJwk, k2.publicJwk);
    const verdicts = await Promise.all(tokens.map((token) => provider.verify(`Bearer ${token}`)));

    assert.deepEqual(
      verdicts,
      tokens.map(() => OK),
    );
    assert.equal(idp.hits, 2);
  });

  it('fetches at most once per cool-down for unknown kids', async () => {
    const idp = await idpPublishing(k1);
    const provider = await providerFor(idp, { cooldownDuration: 1_000 });
    const unknownKids = await Promise.all(
      Array.from({ length: 50 }, (_, index) => bearer(k1, { kid: `random-${index}` })),
    );
    const k2Token = await bearer(k2);

    // Right after start-up the cool-down holds: the new key is not fetched yet.
    idp.publish(k1.publicJwk, k2.publicJwk);
    assert.deepEqual(await provider.verify(k2Token), UNKNOWN);
    assert.equal(idp.hits, 1);

    await sleep(1_100);
    assert.deepEqual(await provider.verify(k2Token), OK);
    assert.equal(idp.hits, 2);
    for (const token of unknownKids) {
      assert.deepEqual(await provider.verify(token), UNKNOWN);
    }
    assert.equal(idp.hits, 2);

    await sleep(1_100);
    assert.deepEqual(await provider.verify(unknownKids[0]!), UNKNOWN);
    assert.equal(idp.hits, 3);
  });

  it('starts the cool-down after a failed fetch as well', async () => {
    const idp = await idpPublishing(k1);
    const log = new RefreshLog();
    const provider = await providerFor(idp, { cooldownDuration: 300, onRefresh: log.record });

    await sleep(350);
    idp.answer({ status: 503, body: '' });
    assert.deepEqual(await provider.verify(await bearer(k2)), UNKNOWN);
    assert.equal(idp.hits, 2);
    assert.deepEqual(await provider.verify(await bearer(k2)), UNKNOWN);
    assert.deepEqual(await provider.verify(await bearer(k1, { kid: 'other' })), UNKNOWN);
    assert.equal(idp.hits, 2);
    const failure = log.outcomes[0];
    assert.ok(failure !== undefined && !failure.ok);
    assert.equal(failure.trigger, 'unknown-kid');
    assert.match(failure.error.message, /answered HTTP 503 Service Unavailable/);
    // The keys in force still work.
    assert.deepEqual(await provider.verify(await bearer(k1)), OK);
  });

  it('does not fetch for tokens without kid', async () => {
    const idp = await idpPublishing(k1);
    const provider = await providerFor(idp, { cooldownDuration: 0 });

    assert.deepEqual(await provider.verify(await bearer(k1, { kid: undefined })), OK);
    assert.deepEqual(await provider.verify(await bearer(k2, { kid: undefined })), INVALID);
    assert.equal(idp.hits, 1);
  });
});

describe('JwksProvider.fromUrl background refresh', BOUNDED, () => {
  it('drops a removed key, and the tokens it verified, once the set is reloaded', async () => {
    const idp = await idpPublishing(k1, k2);
    const log = new RefreshLog();
    const provider = await providerFor(idp, { cacheMaxAge: 150, onRefresh: log.record });
    const k1Token = await bearer(k1);

    assert.deepEqual(await provider.verify(k1Token), OK);
    assert.deepEqual(await provider.verify(k1Token), OK);
    assert.equal(provider.stats.cacheHits, 1);

    // An unchanged set keeps the cache.
    await log.next(0, (outcome) => outcome.ok && !outcome.changed);
    assert.deepEqual(await provider.verify(k1Token), OK);
    assert.equal(provider.stats.cacheHits, 2);

    idp.publish(k2.publicJwk);
    const seen = log.outcomes.length;
    const changed = await log.next(seen, (outcome) => outcome.ok && outcome.changed);
    assert.deepEqual(changed, {
      ok: true,
      trigger: 'schedule',
      changed: true,
      keyCount: 1,
      skipped: [],
    });
    const checks = provider.stats.signatureChecks;
    assert.deepEqual(await provider.verify(k1Token), UNKNOWN);
    assert.deepEqual(await provider.verify(await bearer(k2)), OK);
    assert.equal(provider.stats.signatureChecks, checks + 1);
  });

  it('keeps the last good set while the server fails, then takes the next good one', async () => {
    const idp = await idpPublishing(k1);
    const log = new RefreshLog();
    const provider = await providerFor(idp, {
      cacheMaxAge: 100,
      timeoutDuration: 300,
      onRefresh: log.record,
    });
    const failedWith = async (pattern: RegExp): Promise<void> => {
      // A fetch started before the answer changed may still report the previous failure.
      const outcome = await log.next(
        log.outcomes.length,
        (candidate) => !candidate.ok && pattern.test(candidate.error.message),
      );
      assert.ok(!outcome.ok);
      assert.equal(outcome.trigger, 'schedule');
      assert.match(outcome.error.message, pattern);
      // A token never seen before needs the key itself, not the cache.
      assert.deepEqual(await provider.verify(await bearer(k1, { jti: String(Math.random()) })), OK);
    };

    idp.answer({ status: 500, body: 'oops' });
    await failedWith(/could not be loaded from .*: answered HTTP 500/);
    idp.answer({ status: 200, body: 'not json' });
    await failedWith(/the response is not JSON/);
    idp.publish({ ...k2.publicJwk, use: 'enc' });
    await failedWith(/has no usable signature verification key: key 0 \(kid "k2"\): use is "enc"/);
    idp.answer('hang');
    await failedWith(/no complete response within 300 ms/);

    idp.publish(k2.publicJwk);
    await log.next(log.outcomes.length, (outcome) => outcome.ok && outcome.changed);
    assert.deepEqual(await provider.verify(await bearer(k2)), OK);
    assert.deepEqual(await provider.verify(await bearer(k1)), UNKNOWN);
  });

  it('stops fetching once closed', async () => {
    const idp = await idpPublishing(k1);
    const log = new RefreshLog();
    const provider = await providerFor(idp, {
      cacheMaxAge: 50,
      cooldownDuration: 0,
      onRefresh: log.record,
    });
    await log.next(0, (outcome) => outcome.ok);

    provider.close();
    // A request already on the wire may still arrive.
    await sleep(30);
    const hits = idp.hits;
    await sleep(200);
    assert.deepEqual(await provider.verify(await bearer(k2)), UNKNOWN);
    assert.deepEqual(await provider.verify(await bearer(k1)), OK);
    assert.equal(idp.hits, hits);
  });

  it('reports outcomes even when the hook throws', async () => {
    const idp = await idpPublishing(k1);
    let calls = 0;
    const provider = await providerFor(idp, {
      cooldownDuration: 0,
      onRefresh: () => {
        calls++;
        throw new Error('logger broke');
      },
    });

    idp.publish(k1.publicJwk, k2.publicJwk);
    assert.deepEqual(await provider.verify(await bearer(k2)), OK);
    assert.equal(calls, 1);
  });
});
