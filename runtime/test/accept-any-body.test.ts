import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import Fastify, { type FastifyInstance } from 'fastify';

import { acceptAnyJsonBody } from '../src/index.js';

describe('acceptAnyJsonBody keeping parsed bodies', () => {
  let app: FastifyInstance;
  /** The parsed body of every request, in order. */
  const seen: unknown[] = [];

  before(async () => {
    app = Fastify();
    acceptAnyJsonBody(app);
    app.post('/x', async (request) => {
      seen.push(request.body);
      return { frozen: Object.isFrozen(request.body) };
    });
    await app.ready();
  });

  after(() => app.close());

  const send = (payload: string) =>
    app.inject({
      method: 'POST',
      url: '/x',
      headers: { 'content-type': 'application/json' },
      payload,
    });

  it('hands out one frozen value for a body read before', async () => {
    const body = JSON.stringify({ query: '{ a }', variables: { list: [{ b: 1 }] } });
    const first = await send(body);
    const second = await send(body);
    assert.deepEqual([first.json(), second.json()], [{ frozen: true }, { frozen: true }]);
    assert.equal(seen.at(-1), seen.at(-2));
    const value = seen.at(-1) as { variables: { list: { b: number }[] } };
    assert.throws(() => {
      'use strict';
      (value.variables.list[0] as { b: number }).b = 2;
    }, TypeError);
  });

  it('does not keep a body holding many objects (thousands of them fit in 16 KB)', async () => {
    // A review showed 1,100 such bodies of 16 KB holding 400 MB once parsed and kept.
    const body = JSON.stringify({ query: '{ a }', variables: { x: Array(5000).fill({}) } });
    assert.ok(body.length < 16 * 1024);
    const first = await send(body);
    await send(body);
    assert.deepEqual(first.json(), { frozen: false });
    assert.notEqual(seen.at(-1), seen.at(-2));
  });

  it('does not keep a body longer than 16 KB', async () => {
    const body = JSON.stringify({ query: `{ a }${' '.repeat(17 * 1024)}` });
    await send(body);
    await send(body);
    assert.notEqual(seen.at(-1), seen.at(-2));
  });
});
