/**
 * Auth of a generated server, end to end: a config with a JWKS link and an htpasswd link,
 * whose keys and password hashes are made at test time, is built, compiled and served, and
 * every kind of credential is sent over HTTP. A refused operation must get exactly Tailcall's
 * error body with HTTP 200 and make no upstream call at all.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { after, before, beforeEach, describe, it } from 'node:test';

import bcrypt from 'bcryptjs';
import {
  SignJWT,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type CryptoKey,
  type JWTPayload,
} from 'jose';

import {
  buildCompileAndStart,
  graphql,
  readResponse,
  type GraphQLRequest,
  type GraphQLResponse,
  type RunningServer,
} from './helpers/generated-server.ts';
import { startUpstreamStub, type UpstreamStub } from './helpers/upstream-stub.ts';

// apache-md5 is CommonJS and its bundled declaration types a default import wrongly under NodeNext.
const apacheMd5 = createRequire(import.meta.url)('apache-md5') as (
  password: string,
  salt?: string,
) => string;

/** The test config; `upstreamArgs` go into `@upstream` after the base URL. */
const config = (upstreamArgs = '') => `schema
  @server(port: 8000)
  @upstream(baseURL: "http://127.0.0.1:1"${upstreamArgs})
  @link(id: "jwt", type: Jwks, src: "jwks.json")
  @link(id: "basic", type: Htpasswd, src: "users.htpasswd") {
  query: Query
}

type Query {
  open: Greeting @http(path: "/open")
  me: User @http(path: "/me") @protected
  jwtOnly: User @http(path: "/jwt") @protected(id: ["jwt"])
  basicOnly: User @http(path: "/basic") @protected(id: ["basic"])
}

type Greeting {
  message: String!
  secret: Secret
}

type Secret @protected {
  code: String!
}

type User {
  id: Int!
  name: String!
}
`;

const KID = 'e2e-key';
const GREETING = { message: 'hello', secret: { code: 's3cret' } };
const USER = { id: 7, name: 'Ada' };

const MISSING = failure('Missing Authorization Header');
const INVALID = failure('Invalid Authorization Header');
const UNKNOWN_KID = failure("Couldn't find JWK entry with specified kid");

/** Tailcall's body for a refused operation. */
function failure(reason: string): unknown {
  return { data: null, errors: [{ message: `Authentication Failure: ${reason}` }] };
}

/** One htpasswd user per hash form, with a password that exercises Basic decoding. */
const USERS = [
  { user: 'bcrypt-2y', password: 'correct horse', form: '$2y$' },
  { user: 'bcrypt-2a', password: 'battery staple', form: '$2a$' },
  { user: 'bcrypt-2b', password: 'tr0ub4dor&3', form: '$2b$' },
  { user: 'apr1', password: 'apache md5', form: '$apr1$' },
  // A colon in the password: Basic splits on the first colon only.
  { user: 'sha1', password: 'pass:with:colons', form: '{SHA}' },
] as const;

function htpasswdLine(entry: (typeof USERS)[number]): string {
  const salt = bcrypt.genSaltSync(5);
  switch (entry.form) {
    case '$2y$':
      // Apache's htpasswd writes `$2y$`; bcryptjs writes `$2b$`, the same algorithm.
      return `${entry.user}:${bcrypt.hashSync(entry.password, salt).replace(/^\$2b\$/, '$2y$')}`;
    case '$2a$':
      return `${entry.user}:${bcrypt.hashSync(entry.password, salt.replace(/^\$2b\$/, '$2a$'))}`;
    case '$2b$':
      return `${entry.user}:${bcrypt.hashSync(entry.password, salt)}`;
    case '$apr1$':
      return `${entry.user}:${apacheMd5(entry.password)}`;
    case '{SHA}':
      return `${entry.user}:{SHA}${createHash('sha1').update(entry.password).digest('base64')}`;
  }
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

function nowS(): number {
  return Math.floor(Date.now() / 1000);
}

/** Status 200 and exactly this JSON text. */
function assertBody(response: GraphQLResponse, expected: unknown): void {
  assert.equal(response.status, 200, response.text);
  assert.equal(response.text, JSON.stringify(expected));
}

describe('auth of a generated server with a JWKS and an htpasswd provider', () => {
  let stub: UpstreamStub;
  let server: RunningServer;
  let privateKey: CryptoKey;
  let publicPem: string;
  let otherPrivateKey: CryptoKey;
  /** The config and its linked files, as given to the build. */
  let files: Record<string, string>;

  /** An RS256 token; `expiresIn` in seconds from now (negative: already expired), null: no exp. */
  const jwt = async (
    options: { expiresIn?: number | null; kid?: string; key?: CryptoKey } = {},
  ): Promise<string> => {
    const claims: JWTPayload = { sub: 'e2e', iss: 'tc-gen-tests' };
    const expiresIn = options.expiresIn === undefined ? 3600 : options.expiresIn;
    if (expiresIn !== null) claims.exp = nowS() + expiresIn;

    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? KID })
      .setIssuedAt()
      .sign(options.key ?? privateKey);
  };
  const bearer = async (options: Parameters<typeof jwt>[0] = {}) => `Bearer ${await jwt(options)}`;

  /** Sends `query` and checks the exact body and the upstream hits per path. */
  const expect = async (
    query: string | GraphQLRequest,
    authorization: string | undefined,
    expected: unknown,
    hits: Readonly<Record<string, number>>,
  ): Promise<void> => {
    stub.reset();
    const response = await graphql(
      server.url,
      query,
      authorization === undefined ? {} : { authorization },
    );

    assertBody(response, expected);
    for (const [path, count] of Object.entries(hits)) {
      assert.equal(stub.hits(path), count, `upstream calls to ${path}`);
    }
    assert.equal(
      stub.requests.length,
      Object.values(hits).reduce((a, b) => a + b, 0),
      'upstream calls in all',
    );
  };

  const protectedFields = {
    jwtOnly: { query: '{ jwtOnly { id name } }', path: '/jwt' },
    basicOnly: { query: '{ basicOnly { id name } }', path: '/basic' },
    me: { query: '{ me { id name } }', path: '/me' },
  } as const;
  type ProtectedField = keyof typeof protectedFields;

  const accepted = (field: ProtectedField, authorization: string) =>
    expect(
      protectedFields[field].query,
      authorization,
      { data: { [field]: USER } },
      { [protectedFields[field].path]: 1 },
    );
  const refused = (field: ProtectedField, authorization: string | undefined, body: unknown) =>
    expect(protectedFields[field].query, authorization, body, { [protectedFields[field].path]: 0 });

  before(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    privateKey = pair.privateKey;
    publicPem = await exportSPKI(pair.publicKey);
    otherPrivateKey = (await generateKeyPair('RS256', { extractable: true })).privateKey;
    const jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: KID, use: 'sig' }] };

    stub = await startUpstreamStub({
      '/open': { body: GREETING },
      '/me': { body: USER },
      '/jwt': { body: USER },
      '/basic': { body: USER },
    });
    files = {
      'config.graphql': config(),
      'jwks.json': JSON.stringify(jwks),
      'users.htpasswd': `${USERS.map(htpasswdLine).join('\n')}\n`,
    };
    server = await buildCompileAndStart({ files, env: { TC_UPSTREAM_BASE_URL: stub.url } });
  });

  after(async () => {
    await server?.stop();
    await stub?.close();
  });

  beforeEach(() => {
    assert.equal(server.exited(), undefined, `the server died:\n${server.output()}`);
  });

  describe('JWT', () => {
    it('accepts a valid RS256 token on jwtOnly and me', async () => {
      const authorization = await bearer();
      await accepted('jwtOnly', authorization);
      await accepted('me', authorization);
    });

    it('accepts a token expired 30 s ago (60 s leeway)', async () => {
      const authorization = await bearer({ expiresIn: -30 });
      await accepted('jwtOnly', authorization);
      await accepted('me', authorization);
    });

    it('refuses a token expired an hour ago', async () => {
      const authorization = await bearer({ expiresIn: -3600 });
      await refused('jwtOnly', authorization, INVALID);
      await refused('me', authorization, INVALID);
    });

    it('refuses a token without exp', async () => {
      const authorization = await bearer({ expiresIn: null });
      await refused('jwtOnly', authorization, INVALID);
      await refused('me', authorization, INVALID);
    });

    it('refuses a token signed by another key under the same kid', async () => {
      const authorization = await bearer({ key: otherPrivateKey });
      await refused('jwtOnly', authorization, INVALID);
      await refused('me', authorization, INVALID);
    });

    it('refuses a token with an unknown kid, saying so', async () => {
      const authorization = await bearer({ kid: 'not-in-the-set' });
      await refused('jwtOnly', authorization, UNKNOWN_KID);
      await refused('me', authorization, UNKNOWN_KID);
    });

    it('refuses an unsigned alg:none token', async () => {
      const header = base64url(JSON.stringify({ alg: 'none', kid: KID, typ: 'JWT' }));
      const payload = base64url(JSON.stringify({ sub: 'e2e', exp: nowS() + 3600 }));
      const authorization = `Bearer ${header}.${payload}.`;
      await refused('jwtOnly', authorization, INVALID);
      await refused('me', authorization, INVALID);
    });

    it('refuses an HS256 token keyed with the RSA public key PEM', async () => {
      const header = base64url(JSON.stringify({ alg: 'HS256', kid: KID, typ: 'JWT' }));
      const payload = base64url(JSON.stringify({ sub: 'e2e', exp: nowS() + 3600 }));
      const mac = createHmac('sha256', publicPem)
        .update(`${header}.${payload}`)
        .digest('base64url');
      const authorization = `Bearer ${header}.${payload}.${mac}`;
      await refused('jwtOnly', authorization, INVALID);
      await refused('me', authorization, INVALID);
    });

    it('refuses malformed bearer headers', async () => {
      for (const authorization of [
        'Bearer ',
        'Bearer a.b',
        'Bearer not a token',
        `bearer ${await jwt()}`,
      ]) {
        await refused('jwtOnly', authorization, INVALID);
        await refused('me', authorization, INVALID);
      }
    });

    it('refuses a missing header', async () => {
      await refused('jwtOnly', undefined, MISSING);
      await refused('me', undefined, MISSING);
    });
  });

  describe('Basic (htpasswd)', () => {
    for (const entry of USERS) {
      it(`accepts the right password of a ${entry.form} entry on basicOnly and me`, async () => {
        const authorization = basic(entry.user, entry.password);
        await accepted('basicOnly', authorization);
        await accepted('me', authorization);
      });

      it(`refuses a wrong password of a ${entry.form} entry`, async () => {
        const authorization = basic(entry.user, `${entry.password}x`);
        await refused('basicOnly', authorization, INVALID);
        await refused('me', authorization, INVALID);
      });
    }

    it('refuses an unknown user', async () => {
      const authorization = basic('nobody', 'correct horse');
      await refused('basicOnly', authorization, INVALID);
      await refused('me', authorization, INVALID);
    });

    it('refuses malformed basic headers', async () => {
      for (const authorization of [
        'Basic ',
        'Basic !!!',
        `Basic ${Buffer.from('no-colon').toString('base64')}`,
      ]) {
        await refused('basicOnly', authorization, INVALID);
        await refused('me', authorization, INVALID);
      }
    });

    it('refuses a missing header', async () => {
      await refused('basicOnly', undefined, MISSING);
    });
  });

  describe('provider restrictions', () => {
    it('refuses valid basic credentials on jwtOnly', async () => {
      for (const entry of USERS) {
        await refused('jwtOnly', basic(entry.user, entry.password), INVALID);
      }
    });

    it('refuses a valid JWT on basicOnly', async () => {
      await refused('basicOnly', await bearer(), INVALID);
    });

    it('refuses an operation needing both jwt and basic, whatever the credential', async () => {
      const query = '{ jwtOnly { id } basicOnly { id } }';
      const [first] = USERS;
      await expect(query, await bearer(), INVALID, { '/jwt': 0, '/basic': 0 });
      await expect(query, basic(first.user, first.password), INVALID, { '/jwt': 0, '/basic': 0 });
    });
  });

  describe('public fields and protected types', () => {
    it('serves a public-only query without a header', async () => {
      await expect(
        '{ open { message } }',
        undefined,
        { data: { open: { message: 'hello' } } },
        { '/open': 1 },
      );
    });

    it('serves a public-only query whatever broken header comes with it', async () => {
      for (const authorization of [
        'Bearer garbage',
        'Basic !!!',
        'bearer x',
        'Token abc',
        await bearer({ expiresIn: -3600 }),
      ]) {
        await expect(
          '{ open { message } }',
          authorization,
          { data: { open: { message: 'hello' } } },
          { '/open': 1 },
        );
      }
    });

    it('refuses a public and a protected field together, calling neither', async () => {
      await expect('{ open { message } jwtOnly { id } }', undefined, MISSING, {
        '/open': 0,
        '/jwt': 0,
      });
      await expect('{ open { message } me { id } }', 'Bearer a.b', INVALID, {
        '/open': 0,
        '/me': 0,
      });
    });

    it('refuses a @protected type reached through a public field, calling nothing', async () => {
      const query = '{ open { message secret { code } } }';
      await expect(query, undefined, MISSING, { '/open': 0 });
      await expect(query, basic('nobody', 'x'), INVALID, { '/open': 0 });
      await expect(query, await bearer({ expiresIn: -3600 }), INVALID, { '/open': 0 });
    });

    it('serves a @protected type reached through a public field to any provider', async () => {
      const query = '{ open { message secret { code } } }';
      const [first] = USERS;
      await expect(query, await bearer(), { data: { open: GREETING } }, { '/open': 1 });
      await expect(
        query,
        basic(first.user, first.password),
        { data: { open: GREETING } },
        { '/open': 1 },
      );
    });

    it('protects fragments and aliases as well', async () => {
      const query = 'query { greeting: open { ...S } } fragment S on Greeting { secret { code } }';
      await expect(query, undefined, MISSING, { '/open': 0 });
    });

    it('checks the operation the client names', async () => {
      const query = 'query Public { open { message } } query Private { jwtOnly { id } }';
      await expect({ query, operationName: 'Private' }, undefined, MISSING, {
        '/jwt': 0,
        '/open': 0,
      });
      await expect(
        { query, operationName: 'Public' },
        undefined,
        { data: { open: { message: 'hello' } } },
        { '/open': 1 },
      );
    });

    it('refuses a protected query sent with GET', async () => {
      stub.reset();
      const query = encodeURIComponent('{ open { message } jwtOnly { id } }');
      const response = await readResponse(
        await fetch(`${server.url}/graphql?query=${query}`, {
          signal: AbortSignal.timeout(10_000),
        }),
      );

      assertBody(response, MISSING);
      assert.equal(stub.requests.length, 0);
    });
  });

  describe('the upstream', () => {
    it('never receives the client authorization header', async () => {
      stub.reset();
      const [first] = USERS;
      await graphql(server.url, '{ me { id } open { message } }', {
        authorization: await bearer(),
      });
      await graphql(server.url, '{ me { id } open { message } }', {
        authorization: basic(first.user, first.password),
      });
      await graphql(server.url, '{ open { message } }', { authorization: 'Bearer garbage' });

      assert.equal(stub.requests.length, 5);
      assert.deepEqual(
        stub.urlsWithHeader('authorization'),
        [],
        'authorization reached the upstream',
      );
    });
  });

  it('is still up after all of the above', async () => {
    assert.equal(server.exited(), undefined, server.output());
    await accepted('jwtOnly', await bearer());
  });

  // The control for "never receives the client authorization header": with the header allowed,
  // the same stub does see it, on public and protected fields alike.
  describe('with @upstream(allowedHeaders: ["authorization"])', () => {
    let forwarding: RunningServer;

    before(async () => {
      forwarding = await buildCompileAndStart({
        files: { ...files, 'config.graphql': config(', allowedHeaders: ["authorization"]') },
        env: { TC_UPSTREAM_BASE_URL: stub.url },
      });
    });

    after(async () => {
      await forwarding?.stop();
    });

    it('forwards the authorization header upstream', async () => {
      stub.reset();
      const authorization = await bearer();
      const response = await graphql(forwarding.url, '{ me { id name } open { message } }', {
        authorization,
      });

      assertBody(response, { data: { me: USER, open: { message: 'hello' } } });
      // Sibling resolvers run concurrently, so the arrival order is not fixed.
      assert.deepEqual(stub.requests.map((r) => [r.url, r.headers.authorization]).sort(), [
        ['/me', authorization],
        ['/open', authorization],
      ]);
    });

    it('still refuses without a credential, calling nothing', async () => {
      stub.reset();
      assertBody(await graphql(forwarding.url, '{ me { id } open { message } }'), MISSING);
      assert.equal(stub.requests.length, 0);
    });
  });
});
