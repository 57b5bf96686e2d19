import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { buildSchema, parse } from 'graphql';

import { operationRequirements, type ProtectionTable } from '../src/index.js';

const schema = buildSchema(`
  interface Node { id: ID! }
  type User implements Node { id: ID! name: String secret: String posts: [Post!]! }
  type Post implements Node { id: ID! title: String note: String author: User }
  union SearchResult = User | Post
  type Query {
    hello: String
    me: User
    user(id: ID!): User
    node(id: ID!): Node
    search: [SearchResult!]!
  }
  type Mutation { deletePost(id: ID!): Boolean }
`);

const table: ProtectionTable = {
  Query: { me: [], user: ['jwt'] },
  User: { secret: ['basic'] },
  Post: { note: ['jwt', 'basic'] },
  Node: { id: ['node'] },
  Mutation: { deletePost: ['admin'] },
};

function requirementsOf(query: string, operationName?: string | null): unknown {
  return operationRequirements(schema, parse(query), operationName, table);
}

describe('operationRequirements', () => {
  it('finds nothing for public fields', () => {
    assert.deepEqual(requirementsOf('{ hello __typename }'), []);
  });

  it('collects nested fields in selection order, deduplicated', () => {
    assert.deepEqual(requirementsOf('{ me { name } }'), [[]]);
    assert.deepEqual(
      requirementsOf('{ user(id: 1) { secret posts { note author { secret } } } hello }'),
      [['jwt'], ['basic'], ['jwt', 'basic']],
    );
    assert.deepEqual(requirementsOf('{ a: user(id: 1) { id } b: user(id: 2) { id } }'), [['jwt']]);
  });

  it('follows fragment spreads and survives cycles', () => {
    assert.deepEqual(
      requirementsOf(`
        { me { ...U } }
        fragment U on User { name ...P }
        fragment P on User { posts { ...N } }
        fragment N on Post { note }
      `),
      [[], ['jwt', 'basic']],
    );
    assert.deepEqual(
      requirementsOf(`
        { me { ...A } }
        fragment A on User { ...B }
        fragment B on User { ...A secret }
      `),
      [[], ['basic']],
    );
  });

  it('uses the type condition of inline fragments on interfaces and unions', () => {
    assert.deepEqual(requirementsOf('{ node(id: 1) { ... on Post { title } } }'), []);
    assert.deepEqual(
      requirementsOf('{ node(id: 1) { id ... on User { secret } ... on Post { note } } }'),
      [['node'], ['basic'], ['jwt', 'basic']],
    );
    assert.deepEqual(requirementsOf('{ search { __typename ... on User { secret } } }'), [
      ['basic'],
    ]);
    assert.deepEqual(requirementsOf('{ me { ... { secret } } }'), [[], ['basic']]);
    assert.deepEqual(
      requirementsOf('{ search { ...S } } fragment S on Post { author { secret } }'),
      [['basic']],
    );
  });

  it('counts fields under @skip and @include', () => {
    assert.deepEqual(requirementsOf('{ hello me @skip(if: true) { id } }'), [[]]);
    assert.deepEqual(requirementsOf('{ me @include(if: false) { secret } }'), [[], ['basic']]);
  });

  it('picks the named operation, or every operation when unsure', () => {
    const document = `
      query Pub { hello }
      query Priv { me { id } }
      mutation Del { deletePost(id: 1) }
    `;
    assert.deepEqual(requirementsOf(document, 'Pub'), []);
    assert.deepEqual(requirementsOf(document, 'Priv'), [[]]);
    assert.deepEqual(requirementsOf(document, 'Del'), [['admin']]);
    assert.deepEqual(requirementsOf(document, null), [[], ['admin']]);
    assert.deepEqual(requirementsOf(document, undefined), [[], ['admin']]);
    assert.deepEqual(requirementsOf(document, 'Nope'), [[], ['admin']]);
  });

  it('ignores fields unknown to the schema', () => {
    assert.deepEqual(requirementsOf('{ nope { secret } me { nope } }'), [[]]);
  });

  it('caches per document, operation and table', () => {
    const document = parse('query A { me { secret } } query B { hello }');
    const first = operationRequirements(schema, document, 'A', table);

    assert.equal(operationRequirements(schema, document, 'A', table), first);
    assert.deepEqual(operationRequirements(schema, document, 'B', table), []);
    assert.deepEqual(operationRequirements(schema, document, 'A', { User: { secret: ['x'] } }), [
      ['x'],
    ]);
    assert.ok(Object.isFrozen(first));
  });
});
