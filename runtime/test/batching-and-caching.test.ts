import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';

import { Batches, itemsByKey, UpstreamClient, UpstreamResponseHeaders } from '../src/index.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A loopback upstream answering by path, recording every request. */
async function upstream(
  answer: (
    request: IncomingMessage,
    body: string,
  ) => { status?: number; headers?: Record<string, string>; body: unknown; delayMs?: number },
) {
  const seen: Seen[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body,
      });
      const reply = answer(request, body);
      setTimeout(() => {
        response.writeHead(reply.status ?? 200, {
          'content-type': 'application/json',
          ...reply.headers,
        });
        response.end(JSON.stringify(reply.body));
      }, reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('Batches', () => {
  let up: Awaited<ReturnType<typeof upstream>>;
  let client: UpstreamClient;

  before(async () => {
    up = await upstream((request, body) => {
      if (request.method === 'POST') {
        const items = JSON.parse(body) as { userId: string }[];
        return { body: items.map((item, i) => ({ id: i, userId: Number(item.userId) })) };
      }
      const ids = new URL(request.url ?? '', 'http://x').searchParams.getAll('id');
      return {
        body: ids
          .filter((id) => id !== '404')
          .map((id) => ({ id: Number(id), name: `user ${id}` })),
      };
    });
    client = new UpstreamClient();
  });
  after(async () => {
    await client.close();
    await up.close();
  });
  beforeEach(() => {
    up.seen.length = 0;
  });

  const get = (batches: Batches, id: string, list = false) =>
    batches.load('Post.user', {
      request: { method: 'GET', url: `${up.url}/users?id=${id}&foo=bar` },
      key: id,
      groupBy: 'id',
      path: ['id'],
      list,
    });

  it('sends the calls of one field made within the delay as one GET, sorted, duplicates merged', async () => {
    const batches = new Batches(client, { delayMs: 5, maxSize: 100 });
    const results = await Promise.all([
      get(batches, '2'),
      get(batches, '1'),
      get(batches, '2'),
      get(batches, '404'),
    ]);

    assert.deepEqual(
      up.seen.map((r) => r.url),
      ['/users?id=1&foo=bar&id=2&id=404'],
    );
    assert.deepEqual(results, [
      { id: 2, name: 'user 2' },
      { id: 1, name: 'user 1' },
      { id: 2, name: 'user 2' },
      null,
    ]);
  });

  it('gives list fields every matching item, [] when none', async () => {
    const batches = new Batches(client, { delayMs: 5, maxSize: 100 });
    assert.deepEqual(await Promise.all([get(batches, '3', true), get(batches, '404', true)]), [
      [{ id: 3, name: 'user 3' }],
      [],
    ]);
  });

  it('sends POST calls as one JSON array of their bodies and splits the answer by key', async () => {
    const batches = new Batches(client, { delayMs: 5, maxSize: 100 });
    const post = (userId: string) =>
      batches.load('User.posts', {
        request: { method: 'POST', url: `${up.url}/posts`, body: `{"userId":"${userId}"}` },
        key: userId,
        path: ['userId'],
        list: true,
      });
    const results = await Promise.all([post('2'), post('1')]);
    assert.deepEqual(
      up.seen.map((r) => [r.method, r.url, r.body]),
      [['POST', '/posts', '[{"userId":"1"},{"userId":"2"}]']],
    );
    assert.deepEqual(results, [[{ id: 1, userId: 2 }], [{ id: 0, userId: 1 }]]);
  });

  it('flushes at maxSize without waiting for the delay', async () => {
    const batches = new Batches(client, { delayMs: 60_000, maxSize: 2 });
    const started = Date.now();
    await Promise.all([get(batches, '1'), get(batches, '2')]);
    assert.ok(Date.now() - started < 5_000);
    assert.equal(up.seen.length, 1);
  });

  it('groups items found through nested lists', () => {
    const groups = itemsByKey({ bars: [{ id: 1 }, { id: '1' }, { id: 2.0 }, { other: 3 }] }, [
      'bars',
      'id',
    ]);
    assert.deepEqual(
      [...groups.entries()],
      [
        ['1', [{ id: 1 }, { id: '1' }]],
        ['2', [{ id: 2 }]],
      ],
    );
  });
});

describe('UpstreamClient cache and dedupe', () => {
  let up: Awaited<ReturnType<typeof upstream>>;

  before(async () => {
    up = await upstream((request) => {
      if (request.url === '/fresh')
        return { headers: { 'cache-control': 'max-age=60' }, body: { n: 1 } };
      if (request.url === '/private')
        return { headers: { 'cache-control': 'private, max-age=60' }, body: { n: 2 } };
      if (request.url === '/slow') return { body: { n: 3 }, delayMs: 50 };
      if (request.url?.startsWith('/missing')) return { status: 404, body: { error: 'gone' } };
      return { headers: { 'cache-control': 'no-cache' }, body: { n: 4 } };
    });
  });
  after(() => up.close());
  beforeEach(() => {
    up.seen.length = 0;
  });

  it('reuses fresh GET responses (private ones too: it is a client cache), never no-cache ones', async () => {
    const client = new UpstreamClient({ httpCacheSize: 10 });
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await client.request({ method: 'GET', url: `${up.url}/fresh` }), { n: 1 });
      await client.request({ method: 'GET', url: `${up.url}/private` });
      await client.request({ method: 'GET', url: `${up.url}/nocache` });
    }
    assert.deepEqual(
      up.seen.map((r) => r.url),
      ['/fresh', '/private', '/nocache', '/nocache', '/nocache'],
    );
    await client.close();
  });

  it('never caches without httpCache, and never shares parsed objects between callers', async () => {
    const client = new UpstreamClient();
    const a = (await client.request({ method: 'GET', url: `${up.url}/fresh` })) as { n: number };
    a.n = 99;
    assert.deepEqual(await client.request({ method: 'GET', url: `${up.url}/fresh` }), { n: 1 });
    assert.equal(up.seen.length, 2);
    await client.close();
  });

  it('parses a shared (cached or deduplicated) answer once and freezes it for every caller', async () => {
    const client = new UpstreamClient({ httpCacheSize: 10 });
    const call = () => client.request({ method: 'GET', url: `${up.url}/fresh`, dedupe: true });
    const [a, b] = await Promise.all([call(), call()]);
    const c = await call();
    assert.equal(up.seen.length, 1);
    assert.equal(a, b, 'callers of one deduplicated call get the same value');
    assert.equal(a, c, 'a cache hit gets the value parsed for the first caller');
    assert.ok(Object.isFrozen(a));
    assert.throws(() => {
      (a as { n: number }).n = 99;
    }, TypeError);
    assert.deepEqual(await call(), { n: 1 });
    await client.close();
  });

  it('keeps @cache answers for their time to live, for every caller, and not failures', async () => {
    const client = new UpstreamClient();
    const call = (path: string, ttl: number) =>
      client.request({ method: 'GET', url: `${up.url}${path}`, cacheTtlMs: ttl });
    assert.deepEqual(await call('/nocache', 60_000), { n: 4 });
    assert.deepEqual(await call('/nocache', 60_000), { n: 4 });
    assert.equal(up.seen.length, 1, 'the second call was answered from the field cache');
    await call('/private', 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await call('/private', 1);
    assert.deepEqual(
      up.seen.map((r) => r.url),
      ['/nocache', '/private', '/private'],
      'an expired entry is fetched again',
    );
    await client.close();
  });

  it('shares one upstream call among identical calls in flight with dedupe, and only those', async () => {
    const client = new UpstreamClient();
    const call = (dedupe: boolean, header = 'a') =>
      client.request({ method: 'GET', url: `${up.url}/slow`, headers: { 'x-h': header }, dedupe });
    const results = await Promise.all([call(true), call(true), call(true, 'b'), call(false)]);
    assert.deepEqual(results, [{ n: 3 }, { n: 3 }, { n: 3 }, { n: 3 }]);
    assert.equal(up.seen.length, 3, 'the two identical deduplicated calls shared one request');
    await client.close();
  });

  it('keys calls by what they send, however the generated code wrote them', async () => {
    const client = new UpstreamClient();
    const url = `${up.url}/slow`;
    const results = await Promise.all([
      client.request({ method: 'GET', url, dedupe: true }),
      client.request({ method: 'GET', url, dedupe: true }),
      // The same headers as the fixed ones a call without its own gets: the same call.
      client.request({ method: 'GET', url, headers: { 'User-Agent': 'tc-gen' }, dedupe: true }),
      client.request({ method: 'GET', url, headers: {}, dedupe: true }),
      client.request({ method: 'GET', url, headers: { 'user-agent': 'other' }, dedupe: true }),
      client.request({ method: 'POST', url, dedupe: true }),
      client.request({ method: 'POST', url, body: '{}', dedupe: true }),
    ]);
    assert.deepEqual(results, Array(7).fill({ n: 3 }));
    assert.deepEqual(
      up.seen.map(
        (r) => `${r.method} ${r.headers['user-agent']} ${r.headers['content-type']} ${r.body}`,
      ),
      [
        'GET tc-gen undefined ',
        'GET other undefined ',
        'POST tc-gen application/json ',
        'POST tc-gen application/json {}',
      ],
    );
    await client.close();
  });

  it('sends calls without headers of their own through a proxy, again and again', async () => {
    // The fixed header sets are shared and frozen; a proxy agent adds to what it is handed.
    const client = new UpstreamClient({ proxyUrl: up.url });
    for (const method of ['GET', 'GET', 'POST'] as const) {
      assert.deepEqual(await client.request({ method, url: 'http://upstream.test/slow' }), {
        n: 4,
      });
    }
    assert.deepEqual(
      up.seen.map((r) => `${r.method} ${r.url} ${r.headers['user-agent']}`),
      [
        'GET http://upstream.test/slow tc-gen',
        'GET http://upstream.test/slow tc-gen',
        'POST http://upstream.test/slow tc-gen',
      ],
    );
    await client.close();
  });

  it("logs a request's failed calls on its view, and shows it every response", async () => {
    const client = new UpstreamClient();
    const warnings: object[] = [];
    const statuses: number[] = [];
    const view = client.forRequest({
      log: { warn: (fields) => warnings.push(fields) },
      observer: { observe: (response) => statuses.push(response.status) },
    });
    assert.deepEqual(await view.request({ method: 'GET', url: `${up.url}/slow` }), { n: 3 });
    await assert.rejects(
      view.request({ method: 'GET', url: `${up.url}/missing?key=secret`, field: 'Query.x' }),
      (error: Error) => error.name === 'UpstreamError',
    );
    await assert.rejects(view.request({ method: 'GET', url: 'http://127.0.0.1:1/down' }));
    assert.deepEqual(statuses, [200, 404]);
    assert.deepEqual(warnings, [
      { method: 'GET', upstream: `${up.url}/missing`, field: 'Query.x', status: 404 },
      { method: 'GET', upstream: 'http://127.0.0.1:1/down', code: 'ECONNREFUSED' },
    ]);
    await client.close();
  });
});

describe('UpstreamResponseHeaders', () => {
  it('aggregates cache-control as Tailcall does: lowest max-age, private and no-cache win', () => {
    const collect = (...values: string[]) => {
      const collector = new UpstreamResponseHeaders({ cacheControl: true });
      for (const value of values)
        collector.observe({ status: 200, headers: { 'cache-control': value } });
      return collector.headers()['cache-control'];
    };
    assert.equal(collect('max-age=3600', 'max-age=7200'), 'max-age=3600');
    assert.equal(collect('max-age=3600', 'max-age=7200, private'), 'max-age=3600, private');
    assert.equal(collect('max-age=3600', 'no-cache'), 'no-cache');
    assert.equal(collect('max-age=7200, private', 'no-cache'), 'no-cache, private');
    assert.equal(collect(), undefined);
  });

  it('ignores failed upstream responses for cache-control, joins cookies and copies experimental headers', () => {
    const collector = new UpstreamResponseHeaders({
      cacheControl: true,
      setCookies: true,
      experimental: ['x-tailcall'],
      custom: { 'x-static': '1' },
    });
    collector.observe({ status: 500, headers: { 'cache-control': 'max-age=1' } });
    collector.observe({
      status: 200,
      headers: { 'set-cookie': ['a=1', 'b=2'], 'x-tailcall': 't', 'x-other': 'o' },
    });
    collector.observe({ status: 200, headers: { 'set-cookie': 'c=3' } });
    assert.deepEqual(collector.headers(), {
      'x-static': '1',
      'set-cookie': 'a=1; b=2; c=3',
      'x-tailcall': 't',
    });
  });
});
