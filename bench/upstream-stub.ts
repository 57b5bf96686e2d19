/**
 * The loopback REST upstream of the benchmark, run as its own process so it can be pinned to
 * the load generator's core: precomputed JSON bodies, an optional delay per response, and a
 * count of the calls it answered.
 *
 *     node --import tsx bench/upstream-stub.ts [--delay-ms N]
 *
 * Prints one line `{"port":N}` once it listens on 127.0.0.1 (port 0: the system picks).
 * Routes: `GET /posts`, `GET /users/:id`, `GET /users?id=1&id=2` (the batch form),
 * `GET /__stats` (calls answered so far, by route) and `POST /__reset`.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

import { POSTS, USERS } from './lib/data.ts';

const { values } = parseArgs({ options: { 'delay-ms': { type: 'string', default: '0' } } });
const delayMs = Number(values['delay-ms']);

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const postsBody = json(POSTS);
const userBodies = new Map(USERS.map((u) => [`/users/${u.id}`, json(u)]));
const notFound = Buffer.from('{}');
const counts = { posts: 0, user: 0, usersBatch: 0, other: 0 };

function send(res: ServerResponse, status: number, body: Buffer): void {
  const write = () => {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': body.length,
    });
    res.end(body);
  };
  if (delayMs > 0) setTimeout(write, delayMs);
  else write();
}

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  if (url === '/posts') {
    counts.posts++;
    send(res, 200, postsBody);
    return;
  }
  const user = userBodies.get(url);
  if (user) {
    counts.user++;
    send(res, 200, user);
    return;
  }
  if (url.startsWith('/users?')) {
    counts.usersBatch++;
    const ids = new URLSearchParams(url.slice('/users?'.length)).getAll('id').map(Number);
    send(res, 200, json(USERS.filter((u) => ids.includes(u.id))));
    return;
  }
  if (url === '/__stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(counts));
    return;
  }
  if (url === '/__reset' && req.method === 'POST') {
    counts.posts = counts.user = counts.usersBatch = counts.other = 0;
    res.writeHead(204).end();
    return;
  }
  counts.other++;
  send(res, 404, notFound);
});
server.keepAliveTimeout = 120_000;

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
// The parent's end closes stdin: the stub must not outlive the benchmark.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
