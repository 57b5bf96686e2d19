import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';

import Fastify, { type FastifyInstance } from 'fastify';
import mercurius from 'mercurius';

import { alwaysOkErrorFormatter } from '../src/server/graphql-responses.ts';
import { maxQueryDepthRule } from '../src/server/max-query-depth.ts';
import { noteOperation, RequestLog } from '../src/server/request-log.ts';

/** A server wired as the generated one is (log controller, depth rule, hook), logging to `lines`. */
async function serverLoggingTo(lines: Record<string, unknown>[]): Promise<FastifyInstance> {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const app = Fastify({ logger: { stream }, logController: new RequestLog() });
  await app.register(mercurius, {
    schema: 'type Query { hello: String nest: Nest } type Nest { a: Nest b: String }',
    resolvers: { Query: { hello: () => 'hi', nest: () => ({}) } },
    validationRules: [maxQueryDepthRule(2)],
    allowBatchedQueries: true,
    errorFormatter: alwaysOkErrorFormatter,
  });
  app.graphql.addHook('preExecution', noteOperation);

  return app;
}

describe('request log', () => {
  it('names the operation of a query refused by MAX_QUERY_DEPTH (the field was missing), null when anonymous', async () => {
    const lines: Record<string, unknown>[] = [];
    const app = await serverLoggingTo(lines);
    const completed = async (payload: object) => {
      lines.length = 0;
      await app.inject({ method: 'POST', url: '/graphql', payload });
      return lines.find((l) => l['msg'] === 'request completed');
    };

    const deep = 'query Deep { nest { a { b } } }';
    for (let i = 0; i < 2; i++) {
      // The second time mercurius answers from its cache of refused queries.
      const line = await completed({ query: deep });
      assert.equal(line?.['operation'], 'Deep');
      assert.equal(line?.['errors'], 1);
    }
    assert.equal((await completed({ query: '{ nest { a { b } } }' }))?.['operation'], null);
    assert.equal(
      (await completed({ query: `${deep} query Other { hello }`, operationName: 'Deep' }))?.[
        'operation'
      ],
      'Deep',
    );
    assert.equal((await completed({ query: '{ hello' }))?.['operation'], null);
    assert.equal((await completed({ query: 'query Fine { hello }' }))?.['operation'], 'Fine');
    assert.deepEqual(
      (
        await completed([
          { query: 'query One { hello }' },
          { query: deep },
          { query: 'query A { hello } query B { hello }', operationName: 'B' },
        ])
      )?.['operation'],
      ['One', 'Deep', 'B'],
    );

    lines.length = 0;
    await app.inject({ method: 'GET', url: '/graphql?query=query%20Got%7Bhello%7D' });
    assert.equal(lines.find((l) => l['msg'] === 'request completed')?.['operation'], 'Got');
    await app.close();
  });
});
