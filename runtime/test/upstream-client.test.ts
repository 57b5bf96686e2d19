import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';

import { UpstreamClient, UpstreamError } from '../src/index.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const routes: Record<string, Handler> = {
  '/json': (_req, res) => json(res, 200, { id: 1, name: 'Leanne' }),
  '/empty': (_req, res) => res.writeHead(200).end(),
  '/not-found': (_req, res) => json(res, 404, { message: 'no such user', status: 'fake' }),
  '/unavailable': (_req, res) => res.writeHead(503, { 'content-type': 'text/plain' }).end('down'),
  '/bad-request-empty': (_req, res) => res.writeHead(400).end(),
  '/teapot-array': (_req, res) => json(res, 418, [1, 2]),
  '/text': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('hello'),
  '/echo': (req, res, body) =>
    json(res, 200, { method: req.method, headers: req.headers, body: body === '' ? null : body }),
  '/hang': () => {
    // Never answers: the client's timeout must end the call.
  },
};

let server: Server;
let base: string;
let connections = 0;

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () =>
      (routes[req.url ?? ''] ?? ((_q, r) => r.writeHead(500).end()))(req, res, body),
    );
  });
  server.on('connection', () => connections++);
  base = await listen(server);
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('UpstreamClient', () => {
  it('returns the parsed JSON body', async () => {
    const client = new UpstreamClient();
    try {
      assert.deepEqual(await client.request({ method: 'GET', url: `${base}/json` }), {
        id: 1,
        name: 'Leanne',
      });
    } finally {
      await client.close();
    }
  });

  it('returns null for an empty body', async () => {
    const client = new UpstreamClient();
    try {
      assert.equal(await client.request({ method: 'GET', url: `${base}/empty` }), null);
    } finally {
      await client.close();
    }
  });

  it('reports a 4xx in Tailcall wording, the JSON body as extensions, status last', async () => {
    const client = new UpstreamClient();
    try {
      const error = await rejection(client.request({ method: 'GET', url: `${base}/not-found` }));
      assert.equal(error.message, 'HTTP Error: HTTP status client error (404 Not Found)');
      assert.deepEqual(error.extensions, { message: 'no such user', status: 404 });
      assert.equal(error.status, 404);
    } finally {
      await client.close();
    }
  });

  it('reports a 5xx with a text body as cause', async () => {
    const client = new UpstreamClient();
    try {
      const error = await rejection(
        client.request({ method: 'GET', url: `${base}/unavailable`, field: 'Query.user' }),
      );
      assert.equal(error.message, 'HTTP Error: HTTP status server error (503 Service Unavailable)');
      assert.deepEqual(error.extensions, { status: 503, cause: 'down' });
      assert.equal(error.field, 'Query.user');
    } finally {
      await client.close();
    }
  });

  it('omits cause for an empty error body and keeps a JSON array as text', async () => {
    const client = new UpstreamClient();
    try {
      const empty = await rejection(
        client.request({ method: 'GET', url: `${base}/bad-request-empty` }),
      );
      assert.equal(empty.message, 'HTTP Error: HTTP status client error (400 Bad Request)');
      assert.deepEqual(empty.extensions, { status: 400 });

      const array = await rejection(client.request({ method: 'GET', url: `${base}/teapot-array` }));
      assert.deepEqual(array.extensions, { status: 418, cause: '[1,2]' });
    } finally {
      await client.close();
    }
  });

  it('rejects a 2xx body that is not JSON', async () => {
    const client = new UpstreamClient();
    try {
      const error = await rejection(client.request({ method: 'GET', url: `${base}/text` }));
      assert.equal(error.message, 'IOException: upstream response is not valid JSON');
    } finally {
      await client.close();
    }
  });

  it('reports a refused connection without naming the upstream', async () => {
    const closed = createServer();
    const url = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const client = new UpstreamClient();
    try {
      const error = await rejection(client.request({ method: 'GET', url: `${url}/json` }));
      assert.equal(error.message, 'IOException: connection refused');
      assert.deepEqual(error.extensions, { code: 'ECONNREFUSED' });
      assert.equal(error.status, undefined);
    } finally {
      await client.close();
    }
  });

  it('reports a URL that does not parse (a host rendered from an argument, say)', async () => {
    const client = new UpstreamClient();
    try {
      const error = await rejection(client.request({ method: 'GET', url: 'http://a b/json' }));
      assert.equal(error.message, 'IOException: invalid upstream url');
      assert.deepEqual(error.extensions, { code: 'ERR_INVALID_URL' });
    } finally {
      await client.close();
    }
  });

  it('times out a request the upstream never answers', async () => {
    const client = new UpstreamClient({ timeoutMs: 150 });
    const started = performance.now();
    try {
      const error = await rejection(client.request({ method: 'GET', url: `${base}/hang` }));
      assert.equal(error.message, 'IOException: upstream timed out');
      assert.deepEqual(error.extensions, { code: 'ETIMEDOUT' });
      assert.ok(performance.now() - started < 5_000);
    } finally {
      await client.close();
    }
  });

  it('sends content-type on non-GET only, lower-cases names, adds user-agent', async () => {
    const client = new UpstreamClient({ userAgent: 'tc-gen-test' });
    try {
      const get = (await client.request({
        method: 'GET',
        url: `${base}/echo`,
        headers: { 'X-Custom': 'a' },
      })) as Echo;
      assert.equal(get.headers['content-type'], undefined);
      assert.equal(get.headers['x-custom'], 'a');
      assert.equal(get.headers['user-agent'], 'tc-gen-test');

      const del = (await client.request({ method: 'DELETE', url: `${base}/echo` })) as Echo;
      assert.equal(del.method, 'DELETE');
      assert.equal(del.headers['content-type'], 'application/json');

      const post = (await client.request({
        method: 'POST',
        url: `${base}/echo`,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'a=1',
      })) as Echo;
      assert.equal(post.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.equal(post.body, 'a=1');
    } finally {
      await client.close();
    }
  });

  it('reuses one keep-alive connection for sequential requests', async () => {
    const client = new UpstreamClient();
    const before = connections;
    try {
      for (let i = 0; i < 25; i++) {
        await client.request({ method: 'GET', url: `${base}/json` });
        // Like separate GraphQL requests: undici learns that the socket is free one tick after
        // the body ends, so a call in that very tick may open a second connection (next test).
        await tick();
      }
      assert.equal(connections - before, 1);
    } finally {
      await client.close();
    }
  });

  it('opens at most one extra connection for back-to-back requests', async () => {
    const client = new UpstreamClient();
    const before = connections;
    try {
      for (let i = 0; i < 25; i++) {
        await client.request({ method: 'GET', url: `${base}/json` });
      }
      assert.ok(connections - before <= 2, `${connections - before} connections`);
    } finally {
      await client.close();
    }
  });
});

interface Echo {
  method: string;
  headers: Record<string, string | undefined>;
  body: string | null;
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

async function listen(target: Server): Promise<string> {
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  const { port } = target.address() as AddressInfo;

  return `http://127.0.0.1:${port}`;
}

async function rejection(promise: Promise<unknown>): Promise<UpstreamError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof UpstreamError, `expected UpstreamError, got ${String(error)}`);
    assert.ok(!/127\.0\.0\.1|:\d{4,5}/.test(error.message), 'message names the upstream');
    return error;
  }

  return assert.fail('expected the request to fail');
}
