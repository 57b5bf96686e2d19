/**
 * The REST surface of the first version, end to end: the upstream requests a
 * generated server makes (method, exact URL, headers, body) for path and url
 * forms, query entries, headers, bodies, parent values, vars and env.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';

import {
  REPO_ROOT,
  buildCompileAndStart,
  graphql,
  type RunningServer,
} from './helpers/generated-server.ts';
import { startUpstreamStub, type UpstreamStub } from './helpers/upstream-stub.ts';

const FIXTURE = path.join(REPO_ROOT, 'fixtures/rest-features');

describe('upstream requests of a generated server', () => {
  let stub: UpstreamStub;
  let server: RunningServer;

  before(async () => {
    stub = await startUpstreamStub({
      '/api/posts/a%2Fb%3Fc': { body: { id: 1, userId: 7, title: 'T' } },
      '/api/v2/posts': { body: [{ id: 1, userId: 7 }] },
      '/search': { body: [] },
      '/api/posts': { body: { id: 9, userId: 5, title: 'made' } },
      '/api/posts/3': { body: true },
      '/api/users/5': { body: { id: 5, name: 'Five' } },
      '/api/users/7': { body: { id: 7, name: 'Seven' } },
      '/api/nodes/USER/1': { body: { __typename: 'User', id: 1, name: 'One' } },
      '/api/nodes/POST/2': { body: { Post: { id: 2, userId: 7 } } },
      '/api/nodes/POST/3': { body: { id: 3, userId: 7 } },
    });
    server = await buildCompileAndStart({
      configDir: FIXTURE,
      env: {
        TC_UPSTREAM_BASE_URL: `${stub.url}/api/`,
        SEARCH_URL: stub.url,
        TC_TEST_ENV: 'env-value',
      },
    });
  });

  after(async () => {
    await server?.stop();
    await stub?.close();
  });

  beforeEach(() => stub.reset());

  const only = () => {
    assert.equal(stub.requests.length, 1, JSON.stringify(stub.requests.map((r) => r.url)));
    return stub.requests[0]!;
  };

  it('encodes a path argument as one segment and keeps the base URL prefix', async () => {
    const response = await graphql(server.url, '{ post(id: "a/b?c") { id title } }');
    assert.equal(response.text, '{"data":{"post":{"id":1,"title":"T"}}}');
    const request = only();
    assert.equal(request.method, 'GET');
    assert.equal(request.url, '/api/posts/a%2Fb%3Fc');
    assert.equal(request.headers['content-type'], undefined, 'a GET carries no content type');
  });

  it('builds the query string with Tailcall\'s rules for given, missing and defaulted values', async () => {
    await graphql(server.url, '{ posts(userId: 3, tags: ["x", "y z"]) { id } }');
    assert.equal(only().url, '/api/v2/posts?fixed=1&userId=3&tag=x&tag=y%20z&q=all&lit=pre-');

    stub.reset();
    await graphql(server.url, '{ posts { id } }');
    assert.equal(only().url, '/api/v2/posts?fixed=1&userId&tag&q=all&lit=pre-');

    stub.reset();
    await graphql(server.url, '{ posts(userId: null, tags: [], q: "", extra: "e") { id } }');
    assert.equal(only().url, '/api/v2/posts?fixed=1&userId&tag&q=&maybe=e&lit=pre-');
  });

  it('keeps a query value inside its parameter', async () => {
    await graphql(server.url, '{ posts(tags: ["a&admin=1#x"]) { id } }');
    assert.equal(only().url, '/api/v2/posts?fixed=1&userId&tag=a%26admin%3D1%23x&q=all&lit=pre-');
  });

  it('renders template headers, env values and forwards only allowed headers', async () => {
    await graphql(server.url, '{ posts { id } }', { 'x-tenant': 't1', 'x-other': 'no', authorization: 'Basic eDp5' });
    const request = only();
    assert.equal(request.headers['x-tenant-echo'], 't1');
    assert.equal(request.headers['x-tenant'], 't1');
    assert.equal(request.headers['x-env'], 'env-value');
    assert.equal(request.headers['x-other'], undefined);
    assert.equal(request.headers['authorization'], undefined);
  });

  it('sends an input object as a JSON body with "{{.args.filter}}", defaults included', async () => {
    const response = await graphql(server.url, '{ search(filter: {text: "hi"}) { __typename } }');
    assert.equal(response.text, '{"data":{"search":[]}}');
    const request = only();
    assert.equal(request.method, 'POST');
    assert.equal(request.url, '/search');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.body, '{"text":"hi","limit":10}');
  });

  it('escapes values inside JSON strings of a body, so they cannot add members', async () => {
    const response = await graphql(
      server.url,
      'mutation { createPost(input: {title: "a \\"quoted\\", \\"admin\\": true", userId: 5}) { id author { name } } }',
    );
    assert.equal(response.text, '{"data":{"createPost":{"id":9,"author":{"name":"Five"}}}}');
    const [create, author] = stub.requests;
    assert.equal(create?.method, 'POST');
    assert.equal(create?.url, '/api/posts');
    const body = JSON.parse(create?.body ?? '') as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['title', 'userId', 'raw']);
    assert.equal(body['title'], 'a "quoted", "admin": true');
    assert.equal(body['userId'], '5');
    assert.deepEqual(JSON.parse(body['raw'] as string), { title: 'a "quoted", "admin": true', userId: 5, draft: false });
    assert.equal(author?.url, '/api/users/5', 'the nested field reads the parent value');
  });

  it('sends a JSON content type on a bodiless DELETE, as Tailcall does', async () => {
    const response = await graphql(server.url, 'mutation { deletePost(id: 3) }');
    assert.equal(response.text, '{"data":{"deletePost":true}}');
    const request = only();
    assert.equal(request.method, 'DELETE');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.body, '');
  });

  it('resolves an interface value by its __typename, or by Tailcall\'s keyed form', async () => {
    const typed = await graphql(server.url, '{ node(kind: USER, id: 1) { id ... on User { name } } }');
    assert.equal(typed.text, '{"data":{"node":{"id":1,"name":"One"}}}');

    const keyed = await graphql(server.url, '{ node(kind: POST, id: 2) { __typename id ... on Post { userId } } }');
    assert.equal(keyed.text, '{"data":{"node":{"__typename":"Post","id":2,"userId":7}}}');

    const neither = await graphql(server.url, '{ node(kind: POST, id: 3) { id } }');
    const body = neither.body as { data: unknown; errors: { message: string; path: string[] }[] };
    assert.deepEqual(body.data, { node: null });
    assert.equal(
      body.errors[0]?.message,
      'IOException: The type `id, userId` is not in the list of acceptable types ["User", "Post"] of KeyedDiscriminator(type="Node")',
    );
    assert.deepEqual(body.errors[0]?.path, ['node']);
  });
});
