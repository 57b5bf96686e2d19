/**
 * A generated server in operation: its request log and what it never logs, LOG_LEVEL, the
 * status route, request limits and the errors for bad requests, the environment it checks at
 * start-up, and the README listing every variable it reads.
 */
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { buildAndCompile, type CompiledProject } from './helpers/generated-server.ts';
import {
  spawnServer,
  waitUntilServing,
  type LogLine,
  type ServerProcess,
} from './helpers/server-process.ts';

/** Values that must never appear in a log line. */
const SECRETS = {
  userinfo: 'hunter2-userinfo',
  apiKey: 'key-from-env-42',
  bearer: 'bearer-token-77',
  cookie: 'session-cookie-99',
  query: 'query-token-13',
  variable: 'variable-secret-5',
};

const config = (port: number) => `
schema @server(port: 8000) @upstream(baseURL: "http://127.0.0.1:${port}", allowedHeaders: ["authorization", "cookie"]) {
  query: Query
}

type Query {
  user(id: Int!): User @http(path: "/users/{{.args.id}}", query: [{key: "api_key", value: "{{.env.API_KEY}}"}])
  broken: User @http(url: "http://svc:${SECRETS.userinfo}@127.0.0.1:${port}/users/1?token=${SECRETS.query}")
  hello(name: String): String @expr(body: "hello {{.args.name}}")
  nest: Nest @expr(body: {a: {b: {c: {d: "deep"}}}})
}

type User {
  id: Int!
  name: String
}

type Nest {
  a: A
}

type A {
  b: B
}

type B {
  c: C
}

type C {
  d: String
}
`;

const post = (server: ServerProcess, body: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    signal: AbortSignal.timeout(10_000),
  });

const completed = (lines: readonly LogLine[]) =>
  lines.filter((line) => line['msg'] === 'request completed');

describe('a generated server in operation', () => {
  let upstream: Server;
  let project: CompiledProject;
  let server: ServerProcess;

  before(async () => {
    upstream = createServer((request, response) => {
      const url = request.url ?? '';
      const [status, body] = url.startsWith('/users/1')
        ? [503, { error: 'down for maintenance' }]
        : [200, { id: 2, name: 'Ann' }];
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const port = (upstream.address() as AddressInfo).port;
    project = await buildAndCompile({ files: { 'config.graphql': config(port) } });
    server = await spawnServer(project.outDir, {
      API_KEY: SECRETS.apiKey,
      BODY_LIMIT: '4096',
      MAX_QUERY_DEPTH: '4',
    });
    await server.waitForLog((line) => String(line['msg']).startsWith('Server listening'));
  });

  after(async () => {
    server?.child.kill('SIGTERM');
    await server?.exit().catch(() => server.kill());
    await project?.remove();
    upstream?.closeAllConnections();
    await new Promise<void>((resolve) => upstream?.close(() => resolve()));
  });

  it('writes one JSON line per request with its id, operation, status and duration', async () => {
    const response = await post(
      server,
      JSON.stringify({ query: 'query Greet { hello(name: "Bo") }', operationName: 'Greet' }),
    );
    assert.deepEqual(await response.json(), { data: { hello: 'hello Bo' } });

    const line = await server.waitForLog(
      (l) => l['msg'] === 'request completed' && l['operation'] === 'Greet',
    );
    assert.equal(line['level'], 30);
    assert.equal(line['method'], 'POST');
    assert.equal(line['url'], '/graphql');
    assert.equal(line['status'], 200);
    assert.equal(typeof line['durationMs'], 'number');
    assert.match(String(line['reqId']), /^[0-9a-f-]{36}$/);
    assert.equal(line['errors'], undefined);
    // fastify's own `incoming request` line is not written: one line per request.
    const forRequest = server.logs().filter((l) => l['reqId'] === line['reqId']);
    assert.deepEqual(
      forRequest.map((l) => l['msg']),
      ['request completed'],
    );
  });

  it('logs an upstream failure as a warning with method and URL, and no credential anywhere', async () => {
    const headers = { authorization: `Bearer ${SECRETS.bearer}`, cookie: `sid=${SECRETS.cookie}` };
    const body = JSON.stringify({
      query: 'query Both($v: String) { user(id: 1) { name } broken { name } hello(name: $v) }',
      variables: { v: SECRETS.variable },
    });
    const response = await fetch(`${server.url}/graphql?token=${SECRETS.query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const result = (await response.json()) as { errors: { message: string }[] };
    assert.equal(result.errors.length, 2);

    const done = await server.waitForLog(
      (l) => l['msg'] === 'request completed' && l['operation'] === 'Both',
    );
    assert.equal(done['errors'], 2);
    assert.equal(done['url'], '/graphql');
    const warnings = server
      .logs()
      .filter((l) => l['msg'] === 'upstream call failed' && l['reqId'] === done['reqId']);
    const port = (upstream.address() as AddressInfo).port;
    assert.deepEqual(
      warnings
        .map((w) => ({
          level: w['level'],
          method: w['method'],
          upstream: w['upstream'],
          field: w['field'],
          status: w['status'],
        }))
        .sort((a, b) => String(a.field).localeCompare(String(b.field))),
      [
        {
          level: 40,
          method: 'GET',
          upstream: `http://127.0.0.1:${port}/users/1`,
          field: 'Query.broken',
          status: 503,
        },
        {
          level: 40,
          method: 'GET',
          upstream: `http://127.0.0.1:${port}/users/1`,
          field: 'Query.user',
          status: 503,
        },
      ],
    );

    const everything = server.stdout() + server.stderr();
    for (const [what, secret] of Object.entries(SECRETS)) {
      assert.ok(!everything.includes(secret), `the ${what} secret appears in the logs`);
    }
    assert.ok(!/authorization|cookie/i.test(everything), 'a header name appears in the logs');
    assert.ok(
      !everything.includes('down for maintenance'),
      'the upstream body appears in the logs',
    );
  });

  it('answers GET /status with {"message":"ready"}', async () => {
    const response = await fetch(`${server.url}/status`, { signal: AbortSignal.timeout(5000) });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { message: 'ready' });
  });

  it('answers a body over BODY_LIMIT with a GraphQL error, and keeps serving', async () => {
    const padding = 'x'.repeat(8192);
    const response = await post(server, JSON.stringify({ query: `{ hello } # ${padding}` }));
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      data: null,
      errors: [{ message: 'Request body is too large' }],
    });
    await assertStillServing(server);
  });

  it('refuses an operation deeper than MAX_QUERY_DEPTH with a GraphQL error', async () => {
    const deep = await post(
      server,
      JSON.stringify({ query: 'query Deep { nest { a { b { c { d } } } } }' }),
    );
    assert.deepEqual(await deep.json(), {
      data: null,
      errors: [
        {
          message: "Operation 'Deep' is nested 5 levels deep; at most 4 are allowed.",
          locations: [{ line: 1, column: 1 }],
        },
      ],
    });
    // Fragments add no level of their own.
    const fine = await post(
      server,
      JSON.stringify({ query: '{ nest { ...N } } fragment N on Nest { a { b { __typename } } }' }),
    );
    assert.deepEqual(await fine.json(), { data: { nest: { a: { b: { __typename: 'B' } } } } });
  });

  it('answers malformed JSON, an empty body and an empty query with GraphQL errors, and keeps serving', async () => {
    for (const [body, headers] of [
      ['{"query": "{ hello }"', { 'content-type': 'application/json' }],
      ['{not json', { 'content-type': 'text/plain' }],
      ['', { 'content-type': 'application/json' }],
      ['{"query": ""}', { 'content-type': 'application/json' }],
      ['{}', { 'content-type': 'application/json' }],
    ] as const) {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(5000),
      });
      assert.equal(response.status, 200, body);
      assert.equal(response.headers.get('content-type'), 'application/json', body);
      const result = (await response.json()) as { data: unknown; errors: { message: string }[] };
      assert.equal(result.data, null, body);
      assert.equal(result.errors.length, 1, body);
      assert.ok(result.errors[0]?.message.length, body);
    }
    // An empty body in Tailcall 1.6.14's words (serde's), whitespace counted as it counts it.
    for (const [body, where] of [
      ['', 'line 1 column 0'],
      ['  \n', 'line 2 column 0'],
      ['\n\n  ', 'line 3 column 2'],
    ] as const) {
      const response = await post(server, body);
      assert.deepEqual(await response.json(), {
        data: null,
        errors: [{ message: `Unexpected GraphQL Request: EOF while parsing a value at ${where}` }],
      });
    }
    for (const body of ['{"query": ""}', '{}']) {
      const response = await post(server, body);
      assert.deepEqual(await response.json(), {
        data: null,
        errors: [{ message: 'The request has no query: send {"query": "..."}' }],
      });
    }
    await assertStillServing(server);
  });

  it('stops with a one-line reason when a variable has an unusable value', async () => {
    for (const [name, value] of [
      ['BODY_LIMIT', 'lots'],
      ['MAX_QUERY_DEPTH', '0'],
      ['WORKERS', 'two'],
      ['SHUTDOWN_TIMEOUT_MS', '-1'],
      ['LOG_LEVEL', 'loud'],
      // Regression: a base URL that is not absolute started the server, and every upstream call
      // then failed with `IOException: relative URL without a base`.
      ['TC_UPSTREAM_BASE_URL', 'notaurl'],
      ['TC_UPSTREAM_BASE_URL', 'ftp://x'],
      ['TC_UPSTREAM_PROXY', 'notaurl'],
    ] as const) {
      const bad = await spawnServer(project.outDir, { [name]: value });
      assert.equal(await bad.exit(), '1', name);
      assert.match(
        bad.stderr().trim(),
        new RegExp(`^(cannot start: )?${name} must be .*'${value}'$`),
      );
    }
  });

  it('calls the upstream at an absolute http URL given by TC_UPSTREAM_BASE_URL', async () => {
    const port = (upstream.address() as AddressInfo).port;
    const other = await spawnServer(project.outDir, {
      TC_UPSTREAM_BASE_URL: `http://127.0.0.1:${port}/`,
    });
    try {
      await waitUntilServing(`${other.url}/status`);
      const response = await post(other, JSON.stringify({ query: '{ user(id: 2) { name } }' }));
      assert.deepEqual(await response.json(), { data: { user: { name: 'Ann' } } });
    } finally {
      other.child.kill('SIGTERM');
      assert.equal(await other.exit(), '0');
    }
  });

  it('writes nothing with LOG_LEVEL=silent', async () => {
    const quiet = await spawnServer(project.outDir, { LOG_LEVEL: 'silent' });
    try {
      await waitUntilServing(`${quiet.url}/status`);
      await post(quiet, JSON.stringify({ query: '{ user(id: 1) { name } }' }));
    } finally {
      quiet.child.kill('SIGTERM');
      assert.equal(await quiet.exit(), '0');
    }
    assert.equal(quiet.stdout(), '');
    assert.equal(quiet.stderr(), '');
  });

  it('lists every environment variable the server reads in its README', async () => {
    const readme = await readFile(path.join(project.outDir, 'README.md'), 'utf8');
    const listed = new Set(
      [...readme.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/gm)].map((m) => m[1]),
    );

    const read = new Set<string>();
    const sources = [
      ...(await readdir(path.join(project.outDir, 'src'))).map((f) => path.join('src', f)),
      // The runtime module that reads the process settings and the request limits.
      'vendor/tc-gen-runtime/dist/server/server-env.js',
    ];
    for (const file of sources) {
      const text = await readFile(path.join(project.outDir, file), 'utf8');
      // `process.env['X']`, and the runtime's `env['X']` / `integer(env, 'X', ...)`.
      for (const m of text.matchAll(/env(?:\[|, )['"]([A-Z][A-Z0-9_]*)['"]/g))
        read.add(m[1] as string);
    }
    assert.ok(read.size >= 9, [...read].join(', '));
    for (const name of read) assert.ok(listed.has(name), `${name} is read but not in the README`);
  });
});

async function assertStillServing(server: ServerProcess): Promise<void> {
  const response = await post(server, JSON.stringify({ query: '{ hello(name: "again") }' }));
  assert.deepEqual(await response.json(), { data: { hello: 'hello again' } });
  assert.ok(completed(server.logs()).length > 0);
}
