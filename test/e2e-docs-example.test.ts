/**
 * The Tailcall JWT docs page, followed end to end: its config, key set and token
 * (fixtures/jwt-docs) are built with tc-gen, compiled with tsc and served, and its request is
 * sent to the running server. jsonplaceholder is replaced by a loopback stub.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  REPO_ROOT,
  buildAndCompile,
  graphql,
  readResponse,
  startServer,
  type CompiledProject,
  type GraphQLResponse,
  type RunningServer,
} from './helpers/generated-server.ts';
import { closedPort, startUpstreamStub, type UpstreamStub } from './helpers/upstream-stub.ts';

const FIXTURE = path.join(REPO_ROOT, 'fixtures', 'jwt-docs');

/** The request body the docs page sends, tab and all. */
const DOCS_QUERY = 'query {\n\tuser(id: 1) { name }\n}';

/** jsonplaceholder's `/users/1`, in full: the server must pick `name` out of it. */
const LEANNE = {
  id: 1,
  name: 'Leanne Graham',
  username: 'Bret',
  email: 'Sincere@april.biz',
  address: {
    street: 'Kulas Light',
    suite: 'Apt. 556',
    city: 'Gwenborough',
    zipcode: '92998-3874',
    geo: { lat: '-37.3159', lng: '81.1496' },
  },
  phone: '1-770-736-8031 x56442',
  website: 'hildegard.org',
  company: {
    name: 'Romaguera-Crona',
    catchPhrase: 'Multi-layered client-server neural-net',
    bs: 'harness real-time e-markets',
  },
};

const MISSING_HEADER = {
  data: null,
  errors: [{ message: 'Authentication Failure: Missing Authorization Header' }],
};

/** Status 200 and exactly this JSON text. */
function assertBody(response: GraphQLResponse, expected: unknown): void {
  assert.equal(response.status, 200, response.text);
  assert.equal(response.text, JSON.stringify(expected));
}

/** Status 200, `user: null` and one error on `user` whose message matches `message`. */
function assertUpstreamFailure(response: GraphQLResponse, message: RegExp): void {
  assert.equal(response.status, 200, response.text);
  const body = response.body as { data?: unknown; errors?: { message?: string; path?: unknown }[] };
  assert.deepEqual(body.data, { user: null }, response.text);
  assert.equal(body.errors?.length, 1, response.text);
  assert.match(body.errors?.[0]?.message ?? '', message);
  assert.deepEqual(body.errors?.[0]?.path, ['user']);
}

describe('the Tailcall JWT docs example, built, compiled and served', () => {
  let token: string;
  let project: CompiledProject;
  let stub: UpstreamStub;
  let server: RunningServer;

  before(async () => {
    token = (await readFile(path.join(FIXTURE, 'token.txt'), 'utf8')).trim();
    stub = await startUpstreamStub({ '/users/1': { body: LEANNE } });
    project = await buildAndCompile({ configDir: FIXTURE });
    server = await startServer(project.outDir, { TC_UPSTREAM_BASE_URL: stub.url });
  });

  after(async () => {
    await server?.stop();
    await stub?.close();
    await project?.remove();
  });

  it('generates every module of the project', () => {
    for (const name of [
      'main',
      'server',
      'resolvers',
      'types',
      'auth',
      'context',
      'upstream',
      'schema',
    ]) {
      assert.ok(project.files.includes(`src/${name}.ts`), `src/${name}.ts is missing`);
    }
    assert.ok(project.files.includes('package.json'));
    assert.ok(project.files.includes('tsconfig.json'));
  });

  it("answers the docs page's curl command as curl sends it (a form content type)", async () => {
    stub.reset();
    // `curl --data` without --header content-type sends application/x-www-form-urlencoded.
    const sent = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: '{"query":"query {\\n\\tuser(id: 1) { name }\\n}"}',
    });
    const response = await readResponse(sent);

    assertBody(response, { data: { user: { name: 'Leanne Graham' } } });
    assert.equal(stub.hits('/users/1'), 1);

    const broken = await readResponse(
      await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: '{"query": ',
      }),
    );
    assert.match(
      broken.text,
      /^\{"data":null,"errors":\[\{"message":"Unexpected GraphQL Request: /,
    );
  });

  it('answers the docs request with the docs token', async () => {
    stub.reset();
    const response = await graphql(server.url, DOCS_QUERY, { authorization: `Bearer ${token}` });

    assertBody(response, { data: { user: { name: 'Leanne Graham' } } });
    assert.equal(stub.hits('/users/1'), 1);
    assert.equal(stub.requests[0]?.method, 'GET');
  });

  it('refuses the docs request without a token and calls no upstream', async () => {
    stub.reset();
    const response = await graphql(server.url, DOCS_QUERY);

    assertBody(response, MISSING_HEADER);
    assert.equal(stub.requests.length, 0);
  });

  it('answers an upstream 404 with a GraphQL error and keeps serving', async () => {
    stub.setRoute('/users/2', { status: 404, body: {} });
    const failed = await graphql(server.url, 'query { user(id: 2) { name } }', {
      authorization: `Bearer ${token}`,
    });

    assertUpstreamFailure(failed, /404/);
    assert.ok(
      !failed.text.includes(stub.url.replace('http://', '')),
      `upstream address leaked: ${failed.text}`,
    );
    const next = await graphql(server.url, DOCS_QUERY, { authorization: `Bearer ${token}` });
    assertBody(next, { data: { user: { name: 'Leanne Graham' } } });
  });

  it('answers an upstream 500 with a GraphQL error and keeps serving', async () => {
    stub.setRoute('/users/2', { status: 500, body: { error: 'boom' } });
    const failed = await graphql(server.url, 'query { user(id: 2) { name } }', {
      authorization: `Bearer ${token}`,
    });

    assertUpstreamFailure(failed, /500/);
    const next = await graphql(server.url, DOCS_QUERY, { authorization: `Bearer ${token}` });
    assertBody(next, { data: { user: { name: 'Leanne Graham' } } });
  });

  it('never forwards the client authorization header upstream', () => {
    // Runs after the requests above; the stub has recorded each upstream call since the last reset.
    assert.ok(stub.requests.length > 0, 'no upstream call was recorded');
    assert.deepEqual(
      stub.urlsWithHeader('authorization'),
      [],
      'authorization reached the upstream',
    );
  });

  it('is still up after all of the above', async () => {
    assert.equal(server.exited(), undefined, server.output());
    const response = await graphql(server.url, DOCS_QUERY, { authorization: `Bearer ${token}` });
    assertBody(response, { data: { user: { name: 'Leanne Graham' } } });
  });

  describe('with its upstream on a closed port', () => {
    let offline: RunningServer;

    before(async () => {
      offline = await startServer(project.outDir, {
        TC_UPSTREAM_BASE_URL: `http://127.0.0.1:${await closedPort()}`,
      });
    });

    after(async () => {
      await offline?.stop();
    });

    it('answers with a GraphQL error and keeps serving', async () => {
      const failed = await graphql(offline.url, DOCS_QUERY, { authorization: `Bearer ${token}` });

      assertUpstreamFailure(failed, /connection refused/);
      assertBody(await graphql(offline.url, 'query { __typename }'), {
        data: { __typename: 'Query' },
      });
      assertBody(await graphql(offline.url, DOCS_QUERY), MISSING_HEADER);
      assert.equal(offline.exited(), undefined, offline.output());
    });
  });
});
