/**
 * Server and upstream features end to end: routes, the status route, batched
 * requests, introspection off, response headers from upstreams, the batchKey
 * data loader, httpCache, dedupe and select.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';

import { REPO_ROOT, buildCompileAndStart, type RunningServer } from './helpers/generated-server.ts';

describe('server features of a generated server', () => {
  const seen: string[] = [];
  let upstream: Server;
  let server: RunningServer;

  before(async () => {
    upstream = createServer((request, response) => {
      const url = request.url ?? '';
      seen.push(url);
      const send = (body: unknown, headers: Record<string, string> = {}, delay = 0) =>
        setTimeout(() => {
          response.writeHead(200, { 'content-type': 'application/json', ...headers });
          response.end(JSON.stringify(body));
        }, delay);
      if (url === '/posts') {
        send(
          [
            { id: 1, userId: 10 },
            { id: 2, userId: 20 },
            { id: 3, userId: 10 },
          ],
          {
            'cache-control': 'max-age=600',
            'set-cookie': 'a=1',
            'x-trace': 'trace-1',
          },
        );
      } else if (url.startsWith('/users?')) {
        const ids = new URL(url, 'http://x').searchParams.getAll('id');
        send(
          ids.map((id) => ({ id: Number(id), name: `user ${id}` })),
          { 'cache-control': 'max-age=60, private' },
        );
      } else if (url === '/cached') send(7, { 'cache-control': 'max-age=600' });
      else if (url === '/slow') send(42, {}, 100);
      else if (url.startsWith('/companies/'))
        send({ company: { name: `company ${url.slice(11)}`, motto: 'go' } });
      else send(null);
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    server = await buildCompileAndStart({
      configDir: path.join(REPO_ROOT, 'fixtures/server-features'),
      env: { TC_UPSTREAM_BASE_URL: upstreamUrl },
    });
  });

  after(async () => {
    await server?.stop();
    upstream?.closeAllConnections();
    await new Promise<void>((resolve) => upstream?.close(() => resolve()));
  });

  beforeEach(() => {
    seen.length = 0;
  });

  const post = (body: unknown) =>
    fetch(`${server.url}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('serves GraphQL on the configured route and the status route, and nothing on /graphql', async () => {
    assert.equal(await (await fetch(`${server.url}/healthz`)).text(), '{"message":"ready"}');
    assert.equal(
      (await fetch(`${server.url}/graphql`, { method: 'POST', body: '{}' })).status,
      404,
    );
  });

  it('batches the N+1 calls of one request into one upstream call, and sets headers from the upstream answers', async () => {
    const response = await post({ query: '{ posts { id user { name } } }' });
    assert.equal(
      await response.text(),
      '{"data":{"posts":[{"id":1,"user":{"name":"user 10"}},{"id":2,"user":{"name":"user 20"}},{"id":3,"user":{"name":"user 10"}}]}}',
    );
    assert.deepEqual(seen, ['/posts', '/users?id=10&id=20']);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal(response.headers.get('x-served-by'), 'tc-gen');
    assert.equal(response.headers.get('cache-control'), 'max-age=60, private');
    assert.equal(response.headers.get('set-cookie'), 'a=1');
    assert.equal(response.headers.get('x-trace'), 'trace-1');
  });

  it('answers a batch of requests with an array', async () => {
    const response = await post([{ query: '{ cached }' }, { query: '{ posts { id } }' }]);
    assert.equal(
      await response.text(),
      '[{"data":{"cached":7}},{"data":{"posts":[{"id":1},{"id":2},{"id":3}]}}]',
    );
  });

  it('reuses a fresh upstream answer across requests (httpCache)', async () => {
    await post({ query: '{ cached }' });
    await post({ query: '{ cached }' });
    assert.deepEqual(
      seen.filter((u) => u === '/cached'),
      [],
    );
  });

  it('shares one in-flight call among concurrent requests (dedupe)', async () => {
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => post({ query: '{ shared }' }).then((r) => r.text())),
    );
    assert.deepEqual(new Set(answers), new Set(['{"data":{"shared":42}}']));
    assert.equal(seen.filter((u) => u === '/slow').length, 1);
  });

  it('reshapes a response with select', async () => {
    const response = await post({ query: '{ posts { company { name motto } } }' });
    const body = (await response.json()) as { data: { posts: { company: unknown }[] } };
    assert.deepEqual(body.data.posts[0]?.company, { name: 'company 1', motto: 'go!' });
  });

  it('drops introspection when it is off, validates queries when asked, and answers errors with 200', async () => {
    const introspection = await post({ query: '{ __type(name: "Post") { name } cached }' });
    assert.equal(await introspection.text(), '{"data":{"cached":7}}');
    // Through a named fragment on the root type too (adversarial review).
    const viaFragment = await post({
      query: '{ ...F cached } fragment F on Query { __schema { queryType { name } } }',
    });
    assert.equal(await viaFragment.text(), '{"data":{"cached":7}}');
    // The config asks for @server(queryValidation: true): the GraphQL spec's validation.
    const invalid = await post({ query: '{ nope }' });
    assert.equal(invalid.status, 200);
    assert.match(
      await invalid.text(),
      /^\{"data":null,"errors":\[\{"message":"Cannot query field \\"nope\\" on type \\"Query\\"\./,
    );
    const mistyped = await post({ query: '{ cached greeting(name: 7) }' });
    assert.match(await mistyped.text(), /String cannot represent a non string value: 7/);
  });

  it('answers CORS preflights and echoes only a listed origin', async () => {
    const preflight = await fetch(`${server.url}/api/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.equal(preflight.headers.get('access-control-allow-methods'), 'POST, OPTIONS');
    assert.equal(preflight.headers.get('access-control-allow-headers'), 'Content-Type');
    assert.equal(preflight.headers.get('access-control-max-age'), '60');

    const listed = await fetch(`${server.url}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://app.example' },
      body: JSON.stringify({ query: '{ cached }' }),
    });
    assert.equal(listed.headers.get('access-control-allow-origin'), 'https://app.example');
    const other = await fetch(`${server.url}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ query: '{ cached }' }),
    });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  it('computes @expr values without upstream calls: templates read back as JSON, aliases mapped', async () => {
    const response = await post({
      query: '{ greeting(name: "ada") meta(n: 3) { version tags count level } levels }',
    });
    assert.equal(
      await response.text(),
      '{"data":{"greeting":"hello ada","meta":{"version":2,"tags":["a","b"],"count":3,"level":"HI"},"levels":["LOW","HIGH","HIGH"]}}',
    );
    assert.deepEqual(seen, []);
  });
});
