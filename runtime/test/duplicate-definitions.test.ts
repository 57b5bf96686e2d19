import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import Fastify, { type FastifyInstance } from 'fastify';
import mercurius from 'mercurius';
import { request } from 'undici';

import { alwaysOkErrorFormatter, lenientQueries } from '../src/index.js';

let app: FastifyInstance;
let endpoint: string;
let calls = 0;

before(async () => {
  app = Fastify();
  await app.register(mercurius, {
    schema: 'type Query { echo(x: Int): Int }',
    jit: 1,
    errorFormatter: alwaysOkErrorFormatter,
    resolvers: { Query: { echo: (_root, args: { x?: number }) => (calls++, args.x ?? 0) } },
  });
  lenientQueries(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  endpoint = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/graphql`;
});

after(async () => {
  await app.close();
});

async function post(body: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
  const response = await request(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.statusCode, body: await response.body.json() };
}

/** The answer Tailcall gives for a document it refuses to parse: data null, one located error. */
function refused(message: string, ...at: [number, number][]) {
  return {
    status: 200,
    body: {
      data: null,
      errors: [{ message, locations: at.map(([line, column]) => ({ line, column })) }],
    },
  };
}

describe('lenientQueries: names defined twice fail as in Tailcall, later definition first', () => {
  it('an operation name defined twice, whatever operationName asks for', async () => {
    calls = 0;
    const query = 'query A { echo(x: 1) }\n\nquery A { echo(x: 2) }';
    assert.deepEqual(
      await post({ query }),
      refused('operation A is defined twice', [3, 1], [1, 1]),
    );
    assert.deepEqual(
      await post({ query, operationName: 'A' }),
      refused('operation A is defined twice', [3, 1], [1, 1]),
    );
    assert.deepEqual(
      await post({ query: 'query A { echo } query B { echo } query B { echo } query A { echo }' }),
      refused('operation B is defined twice', [1, 35], [1, 18]),
      'the first clash in document order',
    );
    assert.equal(calls, 0, 'nothing ran');
  });

  it('a fragment name defined twice', async () => {
    assert.deepEqual(
      await post({ query: 'fragment F on Query { echo } fragment F on Query { echo } { ...F }' }),
      refused('fragment F is defined twice', [1, 30], [1, 1]),
    );
  });

  it('an anonymous operation beside another one, the anonymous one named first', async () => {
    assert.deepEqual(
      await post({ query: '{ echo } query A { echo }' }),
      refused('document contains multiple operations', [1, 1], [1, 10]),
    );
    assert.deepEqual(
      await post({ query: 'query A { echo } { echo }' }),
      refused('document contains multiple operations', [1, 18], [1, 1]),
    );
    assert.deepEqual(
      await post({ query: '{ echo } { echo }' }),
      refused('document contains multiple operations', [1, 10], [1, 1]),
    );
  });

  it('distinct names still run', async () => {
    assert.deepEqual(
      await post({ query: 'query A { echo(x: 1) } query B { echo(x: 2) }', operationName: 'B' }),
      { status: 200, body: { data: { echo: 2 } } },
    );
  });
});
