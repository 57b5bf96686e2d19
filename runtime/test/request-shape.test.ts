import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import Fastify, { type FastifyInstance } from 'fastify';
import mercurius from 'mercurius';
import { request } from 'undici';

import { acceptAnyJsonBody, alwaysOkErrorFormatter } from '../src/index.js';
import { requestShapeProblem } from '../src/server/request-shape.js';

/** Bodies and what Tailcall 1.6.14 answered for each, after `Unexpected GraphQL Request: `. */
const TAILCALL_ANSWERS: [string, string][] = [
  ['{"query":{"foo":"bar"}}', 'invalid type: map, expected a string at line 1 column 9'],
  ['{"query":[1]}', 'invalid type: sequence, expected a string at line 1 column 9'],
  ['{"query":12}', 'invalid type: integer `12`, expected a string at line 1 column 11'],
  ['{"query":1.5}', 'invalid type: floating point `1.5`, expected a string at line 1 column 12'],
  ['{"query":true}', 'invalid type: boolean `true`, expected a string at line 1 column 13'],
  ['{"query":null}', 'invalid type: null, expected a string at line 1 column 13'],
  [
    '{"query":-0.5e3}',
    'invalid type: floating point `-500.0`, expected a string at line 1 column 15',
  ],
  ['{"query":-0}', 'invalid type: floating point `-0.0`, expected a string at line 1 column 11'],
  ['{"query":1e21}', 'invalid type: floating point `1e+21`, expected a string at line 1 column 13'],
  ['{"query":1e400}', 'number out of range at line 1 column 14'],
  ['{"variables":{},"query":{"a":1}}', 'invalid type: map, expected a string at line 1 column 24'],
  ['{"quer\\u0079":5}', 'invalid type: integer `5`, expected a string at line 1 column 15'],
  ['{"x":"éé","query":1}', 'invalid type: integer `1`, expected a string at line 1 column 21'],
  ['{\n  "query": {"a": 1}\n}', 'invalid type: map, expected a string at line 2 column 11'],
  ['{\n  "query":\n     12\n}', 'invalid type: integer `12`, expected a string at line 3 column 7'],
  ['"x"', 'invalid type: string "x", expected struct Request at line 1 column 3'],
  ['  \n "x"', 'invalid type: string "x", expected struct Request at line 2 column 4'],
  ['5', 'invalid type: integer `5`, expected struct Request at line 1 column 1'],
  ['null', 'invalid type: null, expected struct Request at line 1 column 4'],
  [
    '{"query":"{ echo(x:1) }","variables":[1]}',
    'invalid type: sequence, expected a map at line 1 column 37',
  ],
  [
    '{"query":"{ echo(x:1) }", "variables" : "x"}',
    'invalid type: string "x", expected a map at line 1 column 43',
  ],
  [
    '{"query":"{ echo(x:1) }","extensions":5}',
    'invalid type: integer `5`, expected a map at line 1 column 39',
  ],
  [
    '{"query":"{ echo(x:1) }","operationName":5}',
    'invalid type: integer `5`, expected a string at line 1 column 42',
  ],
  [
    '{"query":"a\\"b"  ,  "operationName" : true }',
    'invalid type: boolean `true`, expected a string at line 1 column 42',
  ],
  [
    '{"query":"{ echo(x:1) }","variables":{"a":{"b":[1,{"c":2}]}},"operationName":[]}',
    'invalid type: sequence, expected a string at line 1 column 77',
  ],
  ['{"query":"{ echo(x:1) }","query":"{ a }"}', 'duplicate field `query` at line 1 column 32'],
  [
    '{"query":"{ echo(x:1) }","variables":{},"variables":{}}',
    'duplicate field `variables` at line 1 column 51',
  ],
  // serde reads a struct from a list too, member by member.
  ['[1]', 'invalid type: integer `1`, expected a string at line 1 column 2'],
  ['[null]', 'invalid type: null, expected a string at line 1 column 5'],
  ['["{ echo(x:1) }", 5]', 'invalid type: integer `5`, expected a string at line 1 column 19'],
  ['["q", null, null, null, 1]', 'trailing characters at line 1 column 25'],
  // serde reads 127 nested maps and lists, the body's own included; the 128th is refused.
  [nested(126), 'recursion limit exceeded at line 1 column 162'],
  [nested(127), 'recursion limit exceeded at line 1 column 162'],
  [nested(100_000), 'recursion limit exceeded at line 1 column 162'],
];

/** A request whose variable `a` is `depth` lists nested in each other. */
function nested(depth: number): string {
  return `{"query":"{hello}","variables":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
}

/** Bodies Tailcall accepted as requests (whatever their query then says). */
const TAILCALL_ACCEPTED = [
  '{}',
  '[]',
  '["{ echo(x:1) }"]',
  '["{ echo(x:1) }", null, {"x":1}]',
  '["{ echo(x:1) }", null, null, null]',
  '{"query":"{ echo(x:1) }","variables":null,"operationName":null,"extensions":null}',
  '{"query":"{ echo(x:1) }","x":1,"x":2,"y":{"query":1}}',
  '{"query":"é","variables":{"a":[1e300,"\\"",{}]}}',
  nested(125),
];

describe('requestShapeProblem: a request body of the wrong shape, in serde words', () => {
  for (const [body, answer] of TAILCALL_ANSWERS) {
    it(`${body.replaceAll('\n', '\\n').slice(0, 200)}`, () => {
      assert.equal(requestShapeProblem(body), answer);
    });
  }

  it('accepts what Tailcall accepts', () => {
    for (const body of TAILCALL_ACCEPTED) assert.equal(requestShapeProblem(body), undefined, body);
  });

  it('with batchRequests, says only that neither a request nor a batch fits', () => {
    const options = { batchRequests: true };
    const neither = 'data did not match any variant of untagged enum BatchRequest';
    assert.equal(requestShapeProblem('{"query":{"foo":"bar"}}', options), neither);
    assert.equal(requestShapeProblem('[{"query":1}]', options), neither);
    assert.equal(requestShapeProblem('"x"', options), neither);
    assert.equal(requestShapeProblem('["{ echo(x:1) }"]', options), undefined);
    assert.equal(requestShapeProblem('[{"query":"{ a }"},{"query":"{ b }"}]', options), undefined);
  });
});

describe('acceptAnyJsonBody: the answer to a body of the wrong shape', () => {
  let app: FastifyInstance;
  let endpoint: string;

  before(async () => {
    app = Fastify();
    acceptAnyJsonBody(app);
    await app.register(mercurius, {
      schema: 'type Query { echo(x: Int): Int }',
      errorFormatter: alwaysOkErrorFormatter,
      resolvers: { Query: { echo: (_root, args: { x?: number }) => args.x ?? 0 } },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    endpoint = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/graphql`;
  });

  after(async () => {
    await app.close();
  });

  for (const contentType of [
    'application/json',
    'text/plain',
    'application/x-www-form-urlencoded',
  ]) {
    it(`is HTTP 200 with the serde message (${contentType})`, async () => {
      const response = await request(endpoint, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: '{"query":{"foo":"bar"}}',
      });
      assert.equal(response.statusCode, 200);
      assert.deepEqual(await response.body.json(), {
        data: null,
        errors: [
          {
            message:
              'Unexpected GraphQL Request: invalid type: map, expected a string at line 1 column 9',
          },
        ],
      });
    });
  }

  it('leaves a well-formed request alone', async () => {
    const response = await request(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ echo(x: 3) }","variables":{}}',
    });
    assert.deepEqual(await response.body.json(), { data: { echo: 3 } });
  });
});
