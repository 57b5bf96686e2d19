/**
 * Composition directives end to end, on a generated project compiled with tsc: `@call` chains
 * (piping, mutations, `.value` arguments), `@addField` (plain paths, list indexes, through a
 * resolver), `@modify` renames, `@omit`, and `@protected` following the published names.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  REPO_ROOT,
  buildCompileAndStart,
  graphql,
  type RunningServer,
} from './helpers/generated-server.ts';
import { startUpstreamStub, type UpstreamStub } from './helpers/upstream-stub.ts';

const EDITOR = { authorization: `Basic ${Buffer.from('editor:editor-pw').toString('base64')}` };

describe('composition directives in a generated server', () => {
  let upstream: UpstreamStub;
  let server: RunningServer;

  before(async () => {
    upstream = await startUpstreamStub({
      '/posts': {
        body: [
          {
            id: 1,
            userId: 10,
            title: 'first',
            internalCode: 'x1',
            meta: { address: { city: 'Oslo' } },
          },
        ],
      },
      '/posts/2': {
        body: {
          id: 2,
          userId: 20,
          title: 'second',
          internalCode: 'x2',
          meta: { address: { city: 'Rome' } },
        },
      },
      '/users/10': { body: { id: 10, name: 'Ada' } },
      '/users/20': { body: { id: 20, name: 'Grace' } },
      '/drafts': { body: { id: 3, userId: 10, title: 'Draft: hello' } },
      '/note': { body: 'top secret' },
      '/code': { body: '1234' },
    });
    server = await buildCompileAndStart({
      configDir: path.join(REPO_ROOT, 'fixtures/composition'),
      env: { TC_UPSTREAM_BASE_URL: upstream.url },
    });
  });

  after(async () => {
    await server?.stop();
    await upstream?.close();
  });

  it('publishes renamed and added fields and hides omitted ones', async () => {
    const sdl = await readFile(path.join(server.outDir, 'schema.graphql'), 'utf8');
    assert.match(
      sdl,
      /type Post \{\n  postId: Int\n  userId: Int\n  title: String\n  author: User\n  authorName: String\n  city: String\n\}/,
    );
    for (const hidden of ['internalCode', 'meta', 'Meta', 'Address', 'posts:', 'secretCode'])
      assert.equal(sdl.includes(hidden), false, `${hidden} is not published`);
    const rejected = await graphql(server.url, {
      query: '{ post(id: 2) { id } }',
    });
    // Lenient by default, as Tailcall: an unpublished name is skipped, not an error.
    assert.deepEqual(rejected.body, { data: { post: {} } });
  });

  it('reads renamed fields under their declared key, and added fields along their path', async () => {
    upstream.reset();
    const answer = await graphql(server.url, '{ post(id: 2) { postId title authorName city } }');
    assert.deepEqual(answer.body, {
      data: { post: { postId: 2, title: 'second', authorName: 'Grace', city: 'Rome' } },
    });
    assert.deepEqual(
      upstream.requests.map((r) => r.url),
      ['/posts/2', '/users/20'],
      'authorName ran the author resolver, which called Query.user with .value.userId',
    );
  });

  it('indexes lists in an @addField path, running the first field’s resolver', async () => {
    const answer = await graphql(server.url, '{ firstTitle }');
    assert.deepEqual(answer.body, { data: { firstTitle: 'first' } });
  });

  it('chains @call steps, piping one result into the next step’s arguments', async () => {
    upstream.reset();
    const answer = await graphql(server.url, '{ latest { postId } authorOfLatest { name } }');
    assert.deepEqual(answer.body, {
      data: { latest: { postId: 2 }, authorOfLatest: { name: 'Grace' } },
    });
    assert.deepEqual(upstream.requests.map((r) => r.url).sort(), [
      '/posts/2',
      '/posts/2',
      '/users/20',
    ]);
  });

  it('calls mutations with arguments rendered in the caller’s context', async () => {
    upstream.reset();
    const answer = await graphql(
      server.url,
      'mutation { createDraft(title: "hello") { postId title } }',
    );
    assert.deepEqual(answer.body, { data: { createDraft: { postId: 3, title: 'Draft: hello' } } });
    assert.deepEqual(
      upstream.requests.map((r) => [r.method, r.url, r.body]),
      [['POST', '/drafts', '{"title":"Draft: hello"}']],
    );
  });

  it('runs every resolver of a field and merges their results, the later one winning', async () => {
    upstream.reset();
    const answer = await graphql(server.url, '{ profile { id name badge } }');
    assert.deepEqual(answer.body, { data: { profile: { id: 10, name: 'Ada L.', badge: 'gold' } } });
    assert.deepEqual(
      upstream.requests.map((r) => r.url),
      ['/users/10'],
    );
  });

  it('reads @expr templates written as JSON string literals as Tailcall does', async () => {
    // Answers of Tailcall 1.6.14 to the same config and requests.
    const cases: [unknown, unknown][] = [
      ['5', { a: 5, b: 5, c: ['5'] }],
      ['true', { a: true, b: true, c: ['true'] }],
      ['abc', { a: 'abc', b: 'abc', c: ['abc'] }],
      ['"5"', { a: '5', b: '5', c: '[""5""]' }],
    ];
    for (const [x, expected] of cases) {
      const answer = await graphql(server.url, {
        query: 'query ($x: String) { quoted(x: $x) }',
        variables: { x },
      });
      assert.deepEqual(answer.body, { data: { quoted: expected } }, JSON.stringify(x));
    }
  });

  it('protects renamed and added fields as the fields they come from, before any upstream call', async () => {
    // A chain of calls is checked as its end: before anything runs, the public field included.
    for (const query of [
      '{ accessCode }',
      '{ noteText }',
      '{ secretNote }',
      '{ noteVia }',
      '{ latest { title } noteVia }',
    ]) {
      upstream.reset();
      const refused = await graphql(server.url, query);
      assert.deepEqual(
        refused.body,
        {
          data: null,
          errors: [{ message: 'Authentication Failure: Missing Authorization Header' }],
        },
        query,
      );
      assert.equal(upstream.requests.length, 0, `no upstream call for ${query}`);
    }
    const admitted = await graphql(server.url, '{ accessCode noteText noteVia }', EDITOR);
    assert.deepEqual(admitted.body, {
      data: { accessCode: '1234', noteText: 'top secret', noteVia: 'top secret' },
    });
  });
});
