/**
 * Adversarial cases found in a review of identical queries sharing one answer (`shareAnswers`):
 * a batched request was planned from its first operation only, an `@addField` field counted as
 * pure whatever the field it reads; and, found on the way, a variable of a recursive input type
 * froze the server on its second request (graphql-jit). Each case failed before its fix.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { SignJWT, exportJWK, generateKeyPair } from 'jose';

import { buildCompileAndStart, type RunningServer } from './helpers/generated-server.ts';

const config = `schema
  @server(port: 8000, batchRequests: true)
  @upstream(baseURL: "http://127.0.0.1:1", allowedHeaders: ["x-tenant"])
  @link(id: "jwt", type: Jwks, src: "jwks.json") {
  query: Query
  mutation: Mutation
}

type Query {
  greet: String @expr(body: "hello")
  secret: String @expr(body: "s3cret") @protected
  tenant: String @expr(body: "{{.headers.x-tenant}}")
  me: Me @expr(body: {name: "me"})
  echo(x: In): String @expr(body: "{{.args.x.next.a}}")
  both: Int @http(path: "/both") @expr(body: 0)
  callsBoth: Int @call(steps: [{query: "both"}])
}

input In {
  a: String
  next: In
}

type Me @addField(name: "tenantName", path: ["tenant"]) @addField(name: "touches", path: ["count"]) {
  name: String
  tenant: String @expr(body: "{{.headers.x-tenant}}")
  count: Int @http(path: "/count")
}

type Mutation {
  touch: Int @http(path: "/touch", method: POST)
}
`;

describe('shared answers under attack', () => {
  let server: RunningServer;
  let upstream: Server;
  let token: string;
  const calls = new Map<string, number>();

  before(async () => {
    upstream = createServer((request, response) => {
      const path = request.url ?? '/';
      const count = (calls.get(path) ?? 0) + 1;
      calls.set(path, count);
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(count));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const pair = await generateKeyPair('RS256', { extractable: true });
    const jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k', use: 'sig' }] };
    token = await new SignJWT({ sub: 'a' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k' })
      .setExpirationTime('1h')
      .sign(pair.privateKey);
    server = await buildCompileAndStart({
      files: { 'config.graphql': config, 'jwks.json': JSON.stringify(jwks) },
      env: {
        TC_UPSTREAM_BASE_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      },
    });
  });

  after(async () => {
    await server?.stop();
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  });

  const post = async (body: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      signal: AbortSignal.timeout(5_000),
    });
    return response.text();
  };

  it('does not serve a batch holding a protected operation to a request without credential', async () => {
    const body = JSON.stringify([{ query: '{ greet }' }, { query: '{ secret }' }]);
    const authorization = `Bearer ${token}`;
    assert.match(await post(body, { authorization }), /s3cret/);
    assert.match(await post(body, { authorization }), /s3cret/);
    const anonymous = await post(body);
    assert.doesNotMatch(anonymous, /s3cret/, anonymous);
  });

  it('does not keep a refusal of one operation of a batch for a request with a credential', async () => {
    const body = JSON.stringify([{ query: '{ secret a: secret }' }, { query: '{ greet }' }]);
    assert.match(await post(body), /Missing Authorization Header/);
    const accepted = await post(body, { authorization: `Bearer ${token}` });
    assert.match(accepted, /s3cret/, accepted);
  });

  it('runs the mutation of every batch', async () => {
    const body = JSON.stringify([{ query: '{ greet }' }, { query: 'mutation { touch }' }]);
    for (let i = 0; i < 3; i++) await post(body);
    assert.equal(calls.get('/touch'), 3);
  });

  it('does not answer a batch reading a header with another client’s header', async () => {
    const body = JSON.stringify([{ query: '{ greet }' }, { query: '{ tenant }' }]);
    assert.match(await post(body, { 'x-tenant': 'alice' }), /alice/);
    const bob = await post(body, { 'x-tenant': 'bob' });
    assert.match(bob, /bob/, bob);
  });

  it('does not answer an @addField of a header-reading field with another client’s header', async () => {
    const body = JSON.stringify({ query: '{ me { tenantName } }' });
    assert.equal(
      await post(body, { 'x-tenant': 'alice' }),
      '{"data":{"me":{"tenantName":"alice"}}}',
    );
    assert.equal(await post(body, { 'x-tenant': 'bob' }), '{"data":{"me":{"tenantName":"bob"}}}');
  });

  it('answers a query with a variable of a recursive input type, again and again', async () => {
    const body = JSON.stringify({
      query: 'query($x: In) { echo(x: $x) }',
      variables: { x: { a: 'one', next: { a: 'two' } } },
    });
    // mercurius compiles a query on its second run: that is where graphql-jit never finished.
    for (let i = 0; i < 3; i++) assert.equal(await post(body), '{"data":{"echo":"two"}}');
  });

  it('calls the upstream of a @call to a field with several resolvers for every request', async () => {
    // The call was judged before the merged field it calls, and counted as pure.
    const body = JSON.stringify({ query: '{ callsBoth }' });
    for (let i = 0; i < 3; i++) await post(body);
    assert.equal(calls.get('/both'), 3);
  });

  it('calls the upstream of an @addField of an @http field for every request', async () => {
    const body = JSON.stringify({ query: '{ me { touches } }' });
    const before = calls.get('/count') ?? 0;
    for (let i = 0; i < 3; i++) await post(body);
    assert.equal((calls.get('/count') ?? 0) - before, 3);
  });
});
