import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import Fastify, { type FastifyInstance } from 'fastify';
import mercurius from 'mercurius';
import { request } from 'undici';

import { alwaysOkErrorFormatter, lenientQueries, tailcallScalars } from '../src/index.js';

const schema = `
  type Query {
    user(id: ID!): User!
    maybeUser(id: ID!): User
    users: [User]
    echo(x: Int, y: [Float!], where: Where): String
    size(width: Int! = 100, video: Video! = {}): String
    greet: String
  }
  type User { id: ID! name: String friend: User }
  input Where { near: Point!, label: String }
  input Point { lat: Int!, lon: Int! }
  input Video { width: Int!, height: Int!, hdr: Boolean = true }
`;

let calls: string[] = [];
let app: FastifyInstance;
let endpoint: string;

before(async () => {
  app = Fastify();
  await app.register(mercurius, {
    schema,
    jit: 1,
    errorFormatter: alwaysOkErrorFormatter,
    resolvers: {
      Query: {
        user: (_root, args: { id: unknown }) => (calls.push('user'), { id: args.id, name: 'Ann' }),
        maybeUser: (_root, args: { id: unknown }) => (calls.push('maybeUser'), { id: args.id }),
        users: () => (calls.push('users'), [{ id: 1 }, { id: 2 }]),
        echo: (_root, args: Record<string, unknown>) => (calls.push('echo'), JSON.stringify(args)),
        size: (_root, args: Record<string, unknown>) => (calls.push('size'), JSON.stringify(args)),
        greet: () => (calls.push('greet'), 'hi'),
      },
    },
  });
  tailcallScalars(app.graphql.schema);
  lenientQueries(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  endpoint = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/graphql`;
});

after(async () => {
  await app.close();
});

/**
 * Sends the same request twice: mercurius runs the first through graphql-js and compiles the
 * second with graphql-jit (`jit: 1`), and both paths must answer alike.
 */
async function twice(body: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
  const answers = [];
  for (let i = 0; i < 2; i++) {
    const response = await request(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    answers.push({ status: response.statusCode, body: await response.body.json() });
  }
  assert.deepEqual(answers[1], answers[0], 'the compiled run answers as the first one');
  return answers[0]!;
}

describe('lenientQueries: what Tailcall tolerates without queryValidation', () => {
  it('skips fields and arguments the schema does not have', async () => {
    calls = [];
    const answer = await twice({ query: '{ user(id: 4, nope: 1) { id nope name } greet(x: 1) }' });
    assert.deepEqual(answer, {
      status: 200,
      body: { data: { user: { id: 4, name: 'Ann' }, greet: 'hi' } },
    });
    assert.deepEqual(calls, ['user', 'greet', 'user', 'greet']);
  });

  it('skips selections of fields on a union-like parent and in unknown fragments', async () => {
    const answer = await twice({
      query: '{ user(id: 1) { id ...missing ...known } } fragment known on User { name }',
    });
    assert.deepEqual(answer.body, { data: { user: { id: 1, name: 'Ann' } } });
  });

  it('answers an object field selected without sub-selection with {}, and lists item by item', async () => {
    calls = [];
    const answer = await twice({ query: '{ users maybeUser(id: 1) }' });
    assert.deepEqual(answer.body, { data: { users: [{}, {}], maybeUser: {} } });
    assert.deepEqual(
      calls,
      ['users', 'maybeUser', 'users', 'maybeUser'],
      'the resolvers still ran',
    );
  });

  it('ignores a sub-selection on a scalar field', async () => {
    const answer = await twice({ query: '{ greet { length } }' });
    assert.deepEqual(answer.body, { data: { greet: 'hi' } });
  });

  it('hands argument values to the resolver as written, whatever their scalar type', async () => {
    const answer = await twice({
      query:
        '{ a: echo(x: "abc", y: true) b: echo(x: 1.5, where: { near: { lat: 1.25, lon: "x" }, extra: 1 }) }',
    });
    assert.deepEqual(answer.body, {
      data: {
        a: JSON.stringify({ x: 'abc', y: [true] }),
        b: JSON.stringify({ x: 1.5, where: { near: { lat: 1.25, lon: 'x' } } }),
      },
    });
  });

  it('takes variables as sent, too, on every run', async () => {
    const query = 'query Q($x: Int, $w: Where) { echo(x: $x, where: $w) }';
    const sent = [
      { x: 'seven', w: { near: { lat: 'n', lon: 2.5 } } },
      { x: 7, w: { near: { lat: 1, lon: 2 } } },
      { x: 2 ** 31, w: null },
    ];
    // Alternating strict and lenient values makes both execution paths meet the cached query.
    for (const variables of [...sent, ...sent]) {
      const answer = await twice({ query, variables });
      const args = Object.fromEntries(
        Object.entries({ x: variables.x, where: variables.w }).filter(([, v]) => v !== undefined),
      );
      assert.deepEqual(
        answer.body,
        { data: { echo: JSON.stringify(args) } },
        JSON.stringify(variables),
      );
    }
  });

  it('fails the operation before any resolver when a required argument is missing or null', async () => {
    const cases: [string, string][] = [
      ['{ greet user { id } }', 'Argument `id` for field `user` is required'],
      ['{ greet user(id: null) { id } }', 'Argument `id` for field `user` is required'],
      ['{ greet size(width: null) }', 'Argument `width` for field `size` is required'],
      // The declared default `{}` lacks the members Video requires.
      ['{ greet size }', 'Argument `width` for field `size.video` is required'],
      [
        '{ greet size(video: { width: 1 }) }',
        'Argument `height` for field `size.video` is required',
      ],
      [
        '{ greet echo(where: { label: "x" }) }',
        'Argument `near` for field `echo.where` is required',
      ],
      [
        '{ greet echo(where: { near: { lat: 1, lon: null } }) }',
        'Argument `lon` for field `echo.where.near` is required',
      ],
      [
        '{ greet echo(where: { near: {} }) }',
        'Argument `lat` for field `echo.where.near` is required',
      ],
      ['{ greet echo(y: [1, null]) }', 'Argument `y` for field `echo` is required'],
    ];
    for (const [query, message] of cases) {
      calls = [];
      const answer = await twice({ query });
      assert.deepEqual(
        answer,
        {
          status: 200,
          body: { data: null, errors: [{ message: `ResolveInputError: ${message}` }] },
        },
        query,
      );
      assert.deepEqual(calls, [], `no resolver ran for ${query}`);
    }
  });

  it('checks only the operation that runs', async () => {
    const answer = await twice({
      query: 'query Broken { user { id } } query Fine { greet }',
      operationName: 'Fine',
    });
    assert.deepEqual(answer.body, { data: { greet: 'hi' } });
  });

  it('accepts defaults and complete values of required arguments', async () => {
    const answer = await twice({ query: '{ size(video: { width: 1, height: 2 }) }' });
    assert.deepEqual(answer.body, {
      data: { size: JSON.stringify({ width: 100, video: { width: 1, height: 2, hdr: true } }) },
    });
  });

  it('still rejects what is not a GraphQL document, and keeps serving', async () => {
    const broken = await twice({ query: '{ user(id: 4) ' });
    assert.equal((broken.body as { data: unknown }).data ?? null, null);
    assert.match(JSON.stringify(broken.body), /Syntax Error/);
    const fine = await twice({ query: '{ greet }' });
    assert.deepEqual(fine.body, { data: { greet: 'hi' } });
  });

  it('leaves the schema as declared: introspection shows the real argument types', async () => {
    const answer = await twice({
      query:
        '{ __type(name: "Query") { fields(includeDeprecated: true) { name args { name type { kind ofType { name } } } } } }',
    });
    const fields = (
      answer.body as { data: { __type: { fields: { name: string; args: unknown[] }[] } } }
    ).data.__type.fields;
    assert.deepEqual(fields.find((f) => f.name === 'user')?.args, [
      { name: 'id', type: { kind: 'NON_NULL', ofType: { name: 'ID' } } },
    ]);
  });
});
