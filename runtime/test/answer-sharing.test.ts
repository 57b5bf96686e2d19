import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { buildSchema, parse } from 'graphql';

import { answerSharing, type SharingTable } from '../src/index.js';

const schema = buildSchema(`
  type Query { greet: String, posts: [Post], plain: [Post], node: Node, me: Me, hello: String }
  type Mutation { touch: Int }
  interface Node { id: ID }
  type Post implements Node { id: ID, title: String, user: User }
  type Page implements Node { id: ID, views: Int }
  type User { name: String }
  type Me { name: String, tenant: String }
`);

const table: SharingTable = {
  Query: { greet: 'pure', posts: 'dedupe', plain: 'io', node: 'pure', me: 'pure' },
  Post: { user: 'dedupe' },
  Page: { views: 'io' },
  Me: { tenant: 'request' },
};

const sharing = (query: string, operationName?: string) =>
  answerSharing(schema, parse(query), operationName, table);

describe('answerSharing', () => {
  it('keeps the answer of a query selecting pure fields only', () => {
    assert.equal(sharing('{ greet hello me { name } __typename }'), 'constant');
    assert.equal(sharing('{ ...F } fragment F on Query { greet }'), 'constant');
    assert.equal(sharing('{ __schema { queryType { name } } }'), 'constant');
  });

  it('shares in flight when every root field is dedupe or computes nothing upstream', () => {
    assert.equal(sharing('{ posts { title user { name } } greet }'), 'in-flight');
    assert.equal(sharing('{ me { tenant } }'), 'in-flight');
    // Tailcall's rule looks at the root fields only.
    assert.equal(sharing('{ node { ... on Page { views } } }'), 'in-flight');
  });

  it('runs each request itself with a root field without dedupe, or for a mutation', () => {
    assert.equal(sharing('{ greet plain { title } }'), 'none');
    assert.equal(sharing('{ ...F } fragment F on Query { plain { id } }'), 'none');
    assert.equal(sharing('{ ... on Query { plain { id } } }'), 'none');
    assert.equal(sharing('mutation { touch }'), 'none');
  });

  it('counts a field selected on an interface for every member type', () => {
    // `id` is pure on every member, but `Page.views` is not: selected through the interface.
    assert.equal(sharing('{ node { id } }'), 'constant');
    assert.equal(sharing('{ node { ...V } } fragment V on Page { views }'), 'in-flight');
  });

  it('judges the operation the request names, and none when it cannot tell which', () => {
    const document = 'query A { greet } query B { plain { id } }';
    assert.equal(sharing(document, 'A'), 'constant');
    assert.equal(sharing(document, 'B'), 'none');
    assert.equal(sharing(document), 'none');
    assert.equal(sharing(document, 'C'), 'none');
  });

  it('skips fields and fragments the schema or the document lacks (they select nothing)', () => {
    assert.equal(sharing('{ greet nope { deeper } ...Missing }'), 'constant');
  });
});
