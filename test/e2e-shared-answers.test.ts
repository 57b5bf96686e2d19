/**
 * Identical queries sharing one answer (the runtime's `shareAnswers`), end to end: a query
 * whose root fields are all `dedupe` is run once for identical requests in flight, as
 * Tailcall 1.6.14 does (the timings below repeat what was observed with it on loopback); a
 * query selecting only pure fields is answered once for good; auth is still decided per
 * request, and mutations, non-dedupe roots and different headers are never shared.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';

import { SignJWT, exportJWK, generateKeyPair } from 'jose';

import { buildCompileAndStart, type RunningServer } from './helpers/generated-server.ts';
import { sleep } from './helpers/server-process.ts';

const config = `schema
  @server(port: 8000)
  @upstream(baseURL: "http://127.0.0.1:1", allowedHeaders: ["x-tenant"])
  @link(id: "jwt", type: Jwks, src: "jwks.json") {
  query: Query
  mutation: Mutation
}

type Query {
  posts: [Post] @http(path: "/posts", dedupe: true)
  plainPosts: [Post] @http(path: "/posts")
  greet: String @expr(body: "hello")
  tenant: String @expr(body: "{{.headers.x-tenant}}")
  secret: String @expr(body: "s3cret") @protected
  securePosts: [Post] @http(path: "/posts", dedupe: true) @protected
}

type Mutation {
  touch: Touched @http(path: "/touch", method: POST)
}

type Touched {
  count: Int
}

type Post {
  id: Int!
  userId: Int!
  user: User @http(path: "/users/{{.value.userId}}")
}

type User {
  id: Int!
  name: String!
}
`;

/** How long a request is given to reach the server before the upstream is released. */
const ARRIVAL_MS = 300;

/**
 * A loopback upstream whose answers to chosen paths wait until released, counting calls.
 * Nothing waits unless a test holds a path.
 */
class HeldUpstream {
  readonly calls = new Map<string, number>();
  readonly #held = new Set<string>();
  readonly #waiting: (() => void)[] = [];
  readonly #arrivals: { path: string; resolve: () => unknown }[] = [];
  readonly server: Server;

  constructor() {
    this.server = createServer((request, response) => this.#answer(request, response));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  hold(path: string): void {
    this.#held.add(path);
  }

  /** Answers everything waiting, and from now on answers at once. */
  releaseAll(): void {
    this.#held.clear();
    for (const go of this.#waiting.splice(0)) go();
  }

  /** Resolves when `path` has been called `count` times in all; rejects after 5 s. */
  called(path: string, count = 1): Promise<void> {
    if ((this.calls.get(path) ?? 0) >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`${path} was called ${this.calls.get(path) ?? 0} times, not ${count}`)),
        5_000,
      );
      const check = () => {
        if ((this.calls.get(path) ?? 0) < count)
          return this.#arrivals.push({ path, resolve: check });
        clearTimeout(timer);
        resolve();
      };
      this.#arrivals.push({ path, resolve: check });
    });
  }

  reset(): void {
    this.releaseAll();
    this.calls.clear();
  }

  #answer(request: IncomingMessage, response: ServerResponse): void {
    const path = request.url ?? '/';
    const count = (this.calls.get(path) ?? 0) + 1;
    this.calls.set(path, count);
    for (const arrival of this.#arrivals.splice(0)) arrival.resolve();
    const body =
      path === '/posts'
        ? [{ id: count, userId: 1 }]
        : path === '/touch'
          ? { count }
          : { id: 1, name: `user call ${count}` };
    const send = () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    request.resume();
    request.on('end', () => (this.#held.has(path) ? this.#waiting.push(send) : send()));
  }
}

describe('identical queries sharing an answer', () => {
  const upstream = new HeldUpstream();
  let server: RunningServer;
  let token: string;

  before(async () => {
    await new Promise<void>((resolve) => upstream.server.listen(0, '127.0.0.1', resolve));
    const pair = await generateKeyPair('RS256', { extractable: true });
    const jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k', use: 'sig' }] };
    token = await new SignJWT({ sub: 'shared' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k' })
      .setExpirationTime('1h')
      .sign(pair.privateKey);
    server = await buildCompileAndStart({
      files: { 'config.graphql': config, 'jwks.json': JSON.stringify(jwks) },
      env: { TC_UPSTREAM_BASE_URL: upstream.url },
    });
  });

  after(async () => {
    upstream.releaseAll();
    await server?.stop();
    upstream.server.closeAllConnections();
    await new Promise((resolve) => upstream.server.close(resolve));
  });

  beforeEach(() => upstream.reset());

  const post = async (body: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    return { status: response.status, text: await response.text() };
  };

  /**
   * Sends `first`, waits until its nested user call is in flight (its root call answered),
   * sends `second`, then lets the upstream answer: a second request sharing the first one's
   * answer makes no call of its own.
   */
  const duringNestedCall = async (
    first: () => Promise<{ text: string }>,
    second: () => Promise<{ text: string }>,
  ) => {
    upstream.hold('/users/1');
    const one = first();
    await upstream.called('/users/1');
    const two = second();
    await sleep(ARRIVAL_MS);
    upstream.releaseAll();
    return Promise.all([one, two]);
  };

  const q = (query: string) => JSON.stringify({ query });
  const POSTS = q('{ posts { id user { name } } }');

  it('runs an operation whose root fields are all dedupe once for identical requests in flight', async () => {
    // Twice: the first request of the first round plans the body as it runs.
    for (const round of [1, 2]) {
      upstream.reset();
      const [one, two] = await duringNestedCall(
        () => post(POSTS),
        () => post(POSTS),
      );
      assert.equal(one.text, '{"data":{"posts":[{"id":1,"user":{"name":"user call 1"}}]}}');
      assert.equal(two.text, one.text, `round ${round}`);
      assert.equal(upstream.calls.get('/posts'), 1, 'the second request made no call');
      assert.equal(upstream.calls.get('/users/1'), 1);
    }
  });

  it('does not share between requests whose headers differ, forwarded or not', async () => {
    await post(POSTS);
    for (const [a, b] of [
      [{ 'x-tenant': 'a' }, { 'x-tenant': 'b' }],
      [{ 'x-other': 'a' }, { 'x-other': 'b' }],
    ]) {
      upstream.reset();
      await duringNestedCall(
        () => post(POSTS, a),
        () => post(POSTS, b),
      );
      assert.equal(upstream.calls.get('/posts'), 2, JSON.stringify([a, b]));
    }
  });

  it('does not share an operation with a root field without dedupe', async () => {
    const body = q('{ plainPosts { id user { name } } }');
    await post(body);
    upstream.reset();
    const [one, two] = await duringNestedCall(
      () => post(body),
      () => post(body),
    );
    assert.equal(upstream.calls.get('/posts'), 2);
    assert.notEqual(one.text, two.text, 'each request saw its own /posts answer');
  });

  it('never shares mutations', async () => {
    const body = q('mutation { touch { count } }');
    await post(body);
    upstream.reset();
    upstream.hold('/touch');
    const one = post(body);
    await upstream.called('/touch');
    const two = post(body);
    await upstream.called('/touch', 2);
    upstream.releaseAll();
    const answers = await Promise.all([one, two]);
    assert.deepEqual(answers.map((a) => a.text).sort(), [
      '{"data":{"touch":{"count":1}}}',
      '{"data":{"touch":{"count":2}}}',
    ]);
  });

  it('answers a query of pure fields from the first answer, whatever the headers', async () => {
    const body = q('query Hello { greet }');
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await post(body, { 'x-other': String(i) }));
    assert.deepEqual(
      answers.map((a) => a.text),
      Array(3).fill('{"data":{"greet":"hello"}}'),
    );
    assert.equal(upstream.calls.size, 0);
  });

  it('runs a query reading a header for each header value', async () => {
    const body = q('{ tenant }');
    for (const tenant of ['a', 'b', 'a', 'c']) {
      const answer = await post(body, { 'x-tenant': tenant });
      assert.equal(answer.text, `{"data":{"tenant":"${tenant}"}}`);
    }
  });

  it('checks the credential of every request answered from a kept answer', async () => {
    const body = q('{ secret }');
    const refused =
      '{"data":null,"errors":[{"message":"Authentication Failure: Missing Authorization Header"}]}';
    const invalid =
      '{"data":null,"errors":[{"message":"Authentication Failure: Invalid Authorization Header"}]}';
    // Refused first, then accepted, then refused again after an answer was kept.
    assert.equal((await post(body)).text, refused);
    for (let i = 0; i < 2; i++) {
      const accepted = await post(body, { authorization: `Bearer ${token}` });
      assert.equal(accepted.text, '{"data":{"secret":"s3cret"}}');
    }
    assert.equal((await post(body)).text, refused);
    assert.equal((await post(body, { authorization: `Bearer ${token}x` })).text, invalid);
  });

  it('checks the credential of a request joining one in flight', async () => {
    const body = q('{ securePosts { id user { name } } }');
    const authorization = `Bearer ${token}`;
    await post(body, { authorization });
    upstream.reset();
    const [one, two] = await duringNestedCall(
      () => post(body, { authorization }),
      () => post(body, { authorization }),
    );
    assert.equal(one.text, two.text);
    assert.equal(upstream.calls.get('/posts'), 1);
    const missing = await post(body);
    assert.match(missing.text, /Missing Authorization Header/);
  });

  it('lets a follower run by itself when the request it waited for was abandoned', async () => {
    await post(POSTS);
    upstream.reset();
    upstream.hold('/users/1');
    const abandoned = new AbortController();
    const first = fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: POSTS,
      signal: abandoned.signal,
    }).catch(() => undefined);
    await upstream.called('/users/1');
    const second = post(POSTS);
    await sleep(ARRIVAL_MS);
    abandoned.abort();
    await first;
    upstream.releaseAll();
    const answer = await second;
    assert.match(
      answer.text,
      /^\{"data":\{"posts":\[\{"id":1,"user":\{"name":"user call 1"\}\}\]\}\}$/,
    );
    // The server keeps serving.
    assert.equal((await post(q('{ greet }'))).text, '{"data":{"greet":"hello"}}');
  });

  it('logs the operation of a request answered with a kept answer', async () => {
    const body = JSON.stringify({ query: 'query Greeting { greet }', operationName: 'Greeting' });
    // The first run plans the body and keeps its answer; the next two are answered from it.
    for (let i = 0; i < 3; i++) await post(body);
    const logged = () =>
      server
        .output()
        .split('\n')
        .filter((line) => line.includes('"operation":"Greeting"')).length;
    // The line is written once the response has gone out.
    for (let waited = 0; logged() < 3 && waited < 2_000; waited += 50) await sleep(50);
    assert.equal(logged(), 3, server.output().slice(-3000));
  });
});
