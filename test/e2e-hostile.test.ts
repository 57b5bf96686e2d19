/**
 * Regressions from an adversarial review: names and texts that broke the
 * generated code, auth reached through interfaces, prototype member names,
 * and path values that could climb out of their segment.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';

import {
  REPO_ROOT,
  buildCompileAndStart,
  graphql,
  type RunningServer,
} from './helpers/generated-server.ts';
import { startUpstreamStub, type UpstreamStub } from './helpers/upstream-stub.ts';

const FIXTURE = path.join(REPO_ROOT, 'fixtures/hostile-names');
const MISSING =
  '{"data":null,"errors":[{"message":"Authentication Failure: Missing Authorization Header"}]}';

describe('a config with hostile names, built, compiled with tsc and served', () => {
  let stub: UpstreamStub;
  let server: RunningServer;

  before(async () => {
    stub = await startUpstreamStub({
      '/user': { body: { id: 'u', parentOf: null } },
      '/User': { body: { id: 'U' } },
      '/contexts/u': { body: { id: 'parent-of-u' } },
      '/header': { body: {} },
      '/values': { body: 'v' },
      '/thing': { body: { toString: 'own toString' } },
      '/nodes/1': { body: { SecretUser: { id: '1', secret: 'TOP-SECRET' } } },
      '/hello': { body: 'hi' },
      '/echo': { body: { ok: true } },
    });
    server = await buildCompileAndStart({
      configDir: FIXTURE,
      env: { TC_UPSTREAM_BASE_URL: stub.url },
    });
  });

  after(async () => {
    await server?.stop();
    await stub?.close();
  });

  beforeEach(() => stub.reset());

  it('keeps user text out of the code: an id with a newline and */ stays inside strings and comments', async () => {
    const auth = await readFile(path.join(server.outDir, 'src/auth.ts'), 'utf8');
    const codeLines = auth.split('\n').filter((line) => !/^\s*(\/\*\*|\*|\/\/)/.test(line));
    assert.ok(!codeLines.some((line) => /^\s*console\.log/.test(line)), 'no injected statement');
    assert.doesNotMatch(server.output(), /INJECTED/);
  });

  it('protects fields selected through an interface by the protection of every member', async () => {
    assert.equal((await graphql(server.url, '{ node(id: "1") { id secret } }')).text, MISSING);
    assert.equal(
      (await graphql(server.url, '{ node(id: "1") { id } }')).text,
      MISSING,
      'SecretUser.id is protected',
    );
    assert.equal(stub.hits('/nodes/1'), 0);
  });

  it('answers fields named like Object.prototype members from the value only', async () => {
    const response = await graphql(server.url, '{ thing { constructor toString hasOwnProperty } }');
    assert.equal(
      response.text,
      '{"data":{"thing":{"constructor":null,"toString":"own toString","hasOwnProperty":null}}}',
    );
  });

  it('refuses . and .. as a path value instead of letting it climb out of its segment', async () => {
    const response = await graphql(server.url, '{ item(id: "..") { id } }');
    const body = response.body as { data: unknown; errors: { message: string }[] };
    assert.deepEqual(body.data, { item: null });
    assert.equal(body.errors[0]?.message, "'..' cannot be used as a URL path segment");
    assert.equal(stub.requests.length, 0);
  });

  it('keeps resolvers of colliding names apart and reads parent values of a type named Context', async () => {
    const response = await graphql(server.url, '{ user { id parentOf { id } } User { id } hello }');
    assert.equal(
      response.text,
      '{"data":{"user":{"id":"u","parentOf":{"id":"parent-of-u"}},"User":{"id":"U"},"hello":"hi"}}',
    );
  });

  it('keeps a __proto__ key of an @expr or @http body as a member, never as a prototype', async () => {
    const response = await graphql(server.url, '{ proto protoEcho(x: "1") }');
    assert.equal(
      response.text,
      '{"data":{"proto":{"__proto__":{"polluted":"yes"},"constructor":"c","list":[{"__proto__":1}]},"protoEcho":{"ok":true}}}',
    );
    const echo = stub.requests.find((r) => r.url === '/echo');
    assert.equal(echo?.body, '{"__proto__":{"polluted":"yes"},"a":"1"}');
    assert.equal(({} as { polluted?: string }).polluted, undefined);
  });

  it('renders a header template in a type whose field is named like a runtime helper', async () => {
    const response = await graphql(server.url, '{ header { value } }', { 'x-tenant': 't9' });
    assert.equal(response.text, '{"data":{"header":{"value":"v"}}}');
    const values = stub.requests.find((r) => r.url === '/values');
    assert.equal(values?.headers['x-echo'], 't9');
  });
});
