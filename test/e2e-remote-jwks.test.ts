/**
 * A key set linked by URL: fetched when the generated server starts (no
 * usable set, no server), issuer and audience checked, and a key added by the
 * identity provider accepted without a restart.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';

import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

import {
  buildAndCompile,
  graphql,
  startServer,
  type CompiledProject,
  type RunningServer,
} from './helpers/generated-server.ts';
import { closedPort, startUpstreamStub, type UpstreamStub } from './helpers/upstream-stub.ts';

const CONFIG = `schema
  @upstream(baseURL: "http://127.0.0.1:1")
  @link(id: "idp", type: Jwks, src: "https://idp.example/.well-known/jwks.json", issuer: "https://idp.example", audience: ["api"]) {
  query: Query
}

type Query {
  me: User @http(path: "/me") @protected
}

type User {
  name: String
}
`;

interface Key {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function makeKey(kid: string): Promise<Key> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  return {
    kid,
    privateKey,
    jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
  };
}

function token(key: Key, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ sub: 'u1', iss: 'https://idp.example', aud: 'api', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .setExpirationTime('1h')
    .sign(key.privateKey);
}

describe('a generated server with a remote key set', () => {
  const published: JWK[] = [];
  let fetches = 0;
  let idp: Server;
  let idpUrl: string;
  let first: Key;
  let stub: UpstreamStub;
  let project: CompiledProject;
  let server: RunningServer;

  before(async () => {
    first = await makeKey('k1');
    published.push(first.jwk);
    idp = createServer((_request, response) => {
      fetches++;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    idpUrl = `http://127.0.0.1:${(idp.address() as AddressInfo).port}/jwks.json`;
    stub = await startUpstreamStub({ '/me': { body: { name: 'Ada' } } });
    project = await buildAndCompile({ files: { 'config.graphql': CONFIG } });
    server = await startServer(project.outDir, {
      TC_UPSTREAM_BASE_URL: stub.url,
      TC_JWKS_URL_IDP: idpUrl,
      // No cool-down, so a key published right after start-up is fetched at once.
      TC_JWKS_COOLDOWN_MS: '0',
    });
  });

  after(async () => {
    await server?.stop();
    await project?.remove();
    await stub?.close();
    idp?.closeAllConnections();
    await new Promise<void>((resolve) => idp?.close(() => resolve()));
  });

  beforeEach(() => stub.reset());

  it('fetched the key set at start-up and admits a token with the right issuer and audience', async () => {
    assert.equal(fetches, 1);
    const response = await graphql(server.url, '{ me { name } }', {
      authorization: `Bearer ${await token(first)}`,
    });
    assert.equal(response.text, '{"data":{"me":{"name":"Ada"}}}');
  });

  it('refuses a token for another audience or from another issuer, with no upstream call', async () => {
    const invalid =
      '{"data":null,"errors":[{"message":"Authentication Failure: Invalid Authorization Header"}]}';
    for (const claims of [{ aud: 'other' }, { iss: 'https://evil.example' }]) {
      const response = await graphql(server.url, '{ me { name } }', {
        authorization: `Bearer ${await token(first, claims)}`,
      });
      assert.equal(response.text, invalid);
    }
    assert.equal(stub.hits('/me'), 0);
  });

  it('admits a token signed by a key the provider added after start-up, fetching the set once more', async () => {
    const second = await makeKey('k2');
    published.push(second.jwk);
    const before = fetches;
    const response = await graphql(server.url, '{ me { name } }', {
      authorization: `Bearer ${await token(second)}`,
    });
    assert.equal(response.text, '{"data":{"me":{"name":"Ada"}}}');
    assert.equal(fetches, before + 1);
  });

  it('does not start when the key set cannot be fetched, and says why', async () => {
    const port = await closedPort();
    const child = spawn(process.execPath, [path.join(project.outDir, 'dist/main.js')], {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        TC_JWKS_URL_IDP: `http://127.0.0.1:${port}/jwks.json`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    assert.notEqual(code, 0);
    assert.match(
      output,
      /JWKS "idp" could not be loaded from http:\/\/127\.0\.0\.1:\d+\/jwks\.json: unreachable/,
    );
    assert.doesNotMatch(output, /Server listening/);
    assert.doesNotMatch(output, /\n\s+at /, 'one line, no stack trace');
  });
});
