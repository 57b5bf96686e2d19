import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { access, copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';

import { wantsColor } from '../generator/diagnostics.ts';
import { tcGenWithEnv as tcGen } from './helpers/cli-env.ts';

const root = path.resolve(import.meta.dirname, '..');
const threeMistakes = 'fixtures/three-mistakes/config.graphql';

/** Files in a fresh folder under `.work/`; returns the folder relative to the repo. */
async function scratch(files: Record<string, string>): Promise<string> {
  await mkdir(path.join(root, '.work'), { recursive: true });
  const dir = await mkdtemp(path.join(root, '.work', 'cli-diag-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return path.relative(root, dir);
}

const N_PLUS_ONE = `schema @upstream(baseURL: "http://127.0.0.1:1") { query: Query }
type Query { posts: [Post] @http(path: "/posts") }
type Post { id: Int! userId: Int! user: User @http(path: "/users/{{.value.userId}}") }
type User { id: Int! }
`;

describe('diagnostics on the command line', () => {
  it('prints diagnostics as one JSON array with --format json', async () => {
    const dir = await scratch({
      'config.graphql': `schema { query: Query }
type Query {
  user(id: Int!): Int @http(url: "http://127.0.0.1:1/users/{{.args.nope}}")
}
`,
    });
    const result = await tcGen(['check', `${dir}/config.graphql`, '--format', 'json']);
    assert.equal(result.code, 1);
    assert.deepEqual(JSON.parse(result.stdout), [
      {
        file: `${dir}/config.graphql`,
        line: 3,
        column: 60,
        endLine: 3,
        endColumn: 74,
        severity: 'error',
        code: 'TCG_TEMPLATE_UNKNOWN_ARG',
        message: "no argument 'nope' found",
        trace: 'Query.user.@http.path',
        hint: null,
      },
    ]);
    assert.equal(result.stderr, '', 'diagnostics go to stdout only');

    const typo = await tcGen(['check', threeMistakes, '--format', 'json']);
    const [unknown] = (JSON.parse(typo.stdout) as Record<string, unknown>[]).filter(
      (d) => d['code'] === 'TCG_UNKNOWN_ARGUMENT',
    );
    assert.equal(unknown?.['hint'], 'did you mean `method`?');
  });

  it('colours only a terminal, unless NO_COLOR or FORCE_COLOR say otherwise', async () => {
    const piped = await tcGen(['check', threeMistakes]);
    assert.doesNotMatch(piped.stderr, /\u001b\[/);
    const forced = await tcGen(['check', threeMistakes], { FORCE_COLOR: '1' });
    assert.match(forced.stderr, /\u001b\[31merror\u001b\[39m/);

    assert.equal(wantsColor({ isTTY: true }, {}), true);
    assert.equal(wantsColor({ isTTY: true }, { NO_COLOR: '1' }), false);
    assert.equal(wantsColor({ isTTY: false }, {}), false);
    assert.equal(wantsColor({ isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: '1' }), true);
    assert.equal(wantsColor({ isTTY: true }, { FORCE_COLOR: '0' }), false);
  });

  it('warns about an @http field under a list without batchKey, and --strict fails on it', async () => {
    const dir = await scratch({ 'config.graphql': N_PLUS_ONE });
    const config = `${dir}/config.graphql`;
    const check = await tcGen(['check', config]);
    assert.equal(check.code, 0, check.stderr);
    assert.equal(
      check.stderr.split('\n')[0],
      `${config}:3:46 warning TCG_N_PLUS_ONE Post.user makes one upstream call per Post: the list Query.posts can hold many, and @http has no batchKey [at Post.user.@http]`,
    );
    assert.match(check.stderr, /hint: give the upstream a way to answer many keys at once/);

    const strict = await tcGen(['build', config, '-o', `${dir}/out`, '--strict']);
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, / error TCG_N_PLUS_ONE /);
    assert.match(strict.stderr, /1 error; nothing was written\.\n$/);
    assert.equal(strict.stdout, '');

    const quiet = await tcGen(['build', config, '-o', `${dir}/out`, '--quiet']);
    assert.equal(quiet.code, 0);
    assert.equal(quiet.stdout + quiet.stderr, '', '--quiet prints errors only');
  });

  it('suggests one batching setting, the one Tailcall uses, in the N+1 and batching hints (delay 10 and 1 before)', async () => {
    const dir = await scratch({
      'n-plus-one.graphql': N_PLUS_ONE,
      'batching-off.graphql': N_PLUS_ONE.replace(
        '/users/{{.value.userId}}"',
        '/users", query: [{key: "id", value: "{{.value.userId}}"}], batchKey: ["id"]',
      ),
    });
    const suggested = async (name: string, code: string) => {
      const check = await tcGen(['check', `${dir}/${name}`, '--format', 'json']);
      const diagnostics = JSON.parse(check.stdout) as { code: string; hint: string | null }[];
      const hint = diagnostics.find((d) => d.code === code)?.hint ?? '';
      return /@upstream\(batch: \{[^}]*\}\)/.exec(hint)?.[0];
    };
    assert.equal(
      await suggested('n-plus-one.graphql', 'TCG_N_PLUS_ONE'),
      '@upstream(batch: {delay: 1})',
    );
    assert.equal(
      await suggested('batching-off.graphql', 'TCG_INVALID_BATCHING'),
      '@upstream(batch: {delay: 1})',
    );
  });

  it('warns about a link no @protected uses', async () => {
    const hash = createHash('sha1').update('secret').digest('base64');
    const dir = await scratch({
      'config.graphql': `schema
  @link(id: "jwt", type: Jwks, src: "jwks.json")
  @link(id: "basic", type: Htpasswd, src: "users.htpasswd") {
  query: Query
}
type Query { me: String @http(url: "http://127.0.0.1:1/me") @protected(id: ["jwt"]) }
`,
      'users.htpasswd': `alice:{SHA}${hash}\n`,
    });
    await copyFile(
      path.join(root, 'fixtures/jwt-docs/jwks.json'),
      path.join(root, dir, 'jwks.json'),
    );
    const check = await tcGen(['check', `${dir}/config.graphql`, '--format', 'json']);
    assert.equal(check.code, 0, check.stderr);
    const [warning, ...rest] = JSON.parse(check.stdout) as Record<string, unknown>[];
    assert.deepEqual(rest, []);
    assert.equal(warning?.['code'], 'TCG_UNUSED_LINK');
    assert.equal(warning?.['severity'], 'warning');
    assert.equal(warning?.['line'], 3);
    assert.equal(warning?.['message'], 'link basic (users.htpasswd) is used by no @protected');
  });

  it('suggests the directive a typo meant', async () => {
    const dir = await scratch({
      'config.graphql':
        'schema { query: Query }\ntype Query { a: Int @htp(url: "http://127.0.0.1:1/a") }\n',
    });
    const check = await tcGen(['check', `${dir}/config.graphql`]);
    assert.equal(check.code, 1);
    assert.match(
      check.stderr,
      /error TCG_UNKNOWN_DIRECTIVE unknown directive @htp.*\n.*\n.*\n {2}hint: did you mean @http\?\n/,
    );
  });

  it('says a config nests too deeply, without a stack trace, and writes nothing', async () => {
    const depth = 300;
    const dir = await scratch({
      'config.graphql':
        'schema @upstream(baseURL: "http://127.0.0.1:1") { query: Query }\n' +
        `type Query { a: ${'['.repeat(depth)}String${']'.repeat(depth)} @http(path: "/a") }\n`,
    });
    const result = await tcGen(['build', `${dir}/config.graphql`, '-o', `${dir}/out`]);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      'tc-gen: the config nests too deeply to compile (a type, list or value hundreds of levels deep); nothing was written\n',
    );
    await assert.rejects(access(path.join(root, dir, 'out')), { code: 'ENOENT' });
  });

  it('prints each file written and the time of each phase with --verbose', async () => {
    const dir = await scratch({
      'config.graphql': N_PLUS_ONE.replace(
        '/users/{{.value.userId}}"',
        '/users", query: [{key: "id", value: "{{.value.userId}}"}], batchKey: ["id"]',
      ).replace('@upstream(', '@upstream(batch: {delay: 1}, '),
    });
    const first = await tcGen(['build', `${dir}/config.graphql`, '-o', `${dir}/out`, '--verbose']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stderr, '');
    assert.match(first.stdout, /^ {2}written src\/resolvers\.ts$/m);
    assert.match(
      first.stdout,
      /^tc-gen: 3 types, 2 resolvers, 0 protected fields → .+ in \d+ ms$/m,
    );
    assert.match(first.stdout, /^tc-gen: analyze \d+ ms, emit \d+ ms, write \d+ ms$/m);

    const again = await tcGen(['build', `${dir}/config.graphql`, '-o', `${dir}/out`, '--verbose']);
    assert.doesNotMatch(again.stdout, /written src/, 'unchanged files are not listed as written');
    assert.match(again.stdout, /\(0 written, \d+ unchanged, 0 removed\)/);
  });
});
