import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';

import { analyze, build } from '../generator/compiler.ts';
import { formatDiagnostic } from '../generator/diagnostics.ts';

const root = path.resolve(import.meta.dirname, '..');
const work = path.join(root, '.work');

async function scratch(files: Record<string, string>): Promise<string> {
  await mkdir(work, { recursive: true });
  const dir = await mkdtemp(path.join(work, 'diag-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

/** `line:col code message [at trace]` of every diagnostic, for exact comparison. */
async function report(config: string, files: Record<string, string> = {}): Promise<string[]> {
  const dir = await scratch({ 'config.graphql': config, ...files });
  const result = await analyze(path.join(dir, 'config.graphql'), dir);
  assert.equal(result.plan, undefined, 'a config with errors must not produce a plan');
  return result.diagnostics.map(
    (d) => `${d.span ? `${d.span.line}:${d.span.column}` : '-'} ${d.code} ${d.message}${d.trace ? ` [at ${d.trace}]` : ''}`,
  );
}

describe('diagnostics', () => {
  it('reports all three mistakes of a config, each at its line and column, and writes nothing', async () => {
    const config = path.join(root, 'fixtures/three-mistakes/config.graphql');
    const out = path.join(await scratch({}), 'out');
    const result = await build(config, out, root);

    assert.deepEqual(
      result.diagnostics.map((d) => [d.span?.file, d.span?.line, d.span?.column, d.code, d.trace]),
      [
        ['fixtures/three-mistakes/config.graphql', 6, 44, 'TCG_TEMPLATE_UNKNOWN_ARG', 'Query.user.@http.path'],
        ['fixtures/three-mistakes/config.graphql', 7, 39, 'TCG_UNKNOWN_ARGUMENT', 'Query.posts.@http.methd'],
        ['fixtures/three-mistakes/config.graphql', 8, 41, 'TCG_PROTECTED_NO_PROVIDER', 'Query.secret.@protected'],
      ],
    );
    assert.equal(result.files, undefined);
    await assert.rejects(readdir(out), { code: 'ENOENT' });
  });

  it('prints the source line with a caret under the offending span', async () => {
    const result = await analyze(path.join(root, 'fixtures/three-mistakes/config.graphql'), root);
    const first = result.diagnostics[0];
    assert.ok(first && result.file);
    const text = formatDiagnostic(first, { sourceLine: (_f, line) => result.file?.lineText(line) });
    assert.equal(
      text,
      [
        "fixtures/three-mistakes/config.graphql:6:44 error TCG_TEMPLATE_UNKNOWN_ARG no argument 'nope' found [at Query.user.@http.path]",
        '  6 |   user(id: Int!): User @http(path: "/users/{{.args.nope}}")',
        '    |                                            ^^^^^^^^^^^^^^',
      ].join('\n'),
    );
  });

  it("reports template mistakes with Tailcall's messages", async () => {
    const lines = await report(`schema @server(vars: [{key: "v", value: "1"}]) @upstream(baseURL: "http://127.0.0.1:1") { query: Query }
type Query {
  a(id: Int): T @http(path: "/a/{{.args.id}}")
  b(ids: [Int!]!): T @http(path: "/b/{{.args.ids}}")
  c: T @http(path: "/c/{{.foo.id}}")
  d: T @http(path: "/d/{{.value.id}}")
  e: T @http(path: "/e/{{.args}}")
  f: T @http(path: "/f/{{.vars.missing}}/{{.vars.v}}")
}
type T { id: Int! nested: T @http(path: "/n/{{.value.nope}}") }
`);
    assert.deepEqual(lines, [
      "3:33 TCG_TEMPLATE_INVALID argument 'id' is a nullable type [at Query.a.@http.path]",
      "4:38 TCG_TEMPLATE_INVALID can't use list type 'ids' here [at Query.b.@http.path]",
      "5:24 TCG_TEMPLATE_UNKNOWN_ROOT unknown template directive 'foo' [at Query.c.@http.path]",
      "6:24 TCG_TEMPLATE_UNKNOWN_VALUE no value 'id' found [at Query.d.@http.path]",
      '7:24 TCG_TEMPLATE_INVALID too few parts in template [at Query.e.@http.path]',
      "8:24 TCG_TEMPLATE_UNKNOWN_VAR var 'missing' is not set in the server config [at Query.f.@http.path]",
      "10:45 TCG_TEMPLATE_UNKNOWN_VALUE no value 'nope' found [at T.nested.@http.path]",
    ]);
  });

  it('reports link, provider and resolver mistakes together', async () => {
    const lines = await report(
      `schema
  @upstream(baseURL: "http://127.0.0.1:1")
  @link(id: "jwt", type: Jwks, src: "missing.json")
  @link(id: "bad", type: Jwks, src: "bad.json")
  @link(id: "enc", type: Jwks, src: "enc.json") {
  query: Query
}
type Query {
  user: User @http(path: "/u") @protected(id: ["nope"])
  orphan: String
}
type User { id: Int! }
`,
      {
        'bad.json': '{"nope": 1}',
        'enc.json': JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0', use: 'enc' }] }),
      },
    );
    assert.equal(lines.length, 5, lines.join('\n'));
    assert.equal(lines[0], '3:37 TCG_FILE_UNREADABLE Failed to read file: missing.json: No such file or directory [at schema.@link.0]');
    assert.equal(lines[1], '4:37 TCG_INVALID_JWKS JWKS file bad.json: missing field `keys` [at schema.@link.1]');
    assert.match(lines[2] ?? '', /^5:37 TCG_INVALID_JWKS JWKS file enc.json has no usable signing key: .+ \[at schema\.@link\.2\]$/);
    assert.equal(lines[3], '9:47 TCG_UNKNOWN_PROVIDER Auth provider nope not found [at Query.user.@protected]');
    assert.equal(lines[4], '10:3 TCG_MISSING_RESOLVER No resolver has been found in the schema [at Query.orphan]');
  });

  it('reports unknown directives and arguments, bad values and undeclared types', async () => {
    const lines = await report(`schema @server(port: "eight thousand") { query: Query }
type Query {
  a: Usr @http(url: "http://127.0.0.1:1/a")
  b: String @frobnicate
  c: String @http(url: "http://127.0.0.1:1/c", method: FETCH)
}
`);
    assert.deepEqual(lines, [
      '1:22 TCG_INVALID_ARGUMENT Parsing failed because of invalid type: string "eight thousand", expected u16 [at @server.port]',
      "3:6 TCG_UNDECLARED_TYPE Undeclared type 'Usr' was found [at Query.a]",
      '4:13 TCG_UNKNOWN_DIRECTIVE unknown directive @frobnicate [at Query.b.@frobnicate]',
      '5:56 TCG_INVALID_ARGUMENT Parsing failed because of unknown variant `FETCH`, expected one of `GET`, `POST`, `PUT`, `PATCH`, `DELETE`, `HEAD`, `OPTIONS`, `CONNECT`, `TRACE` [at Query.c.@http.method]',
    ]);
  });

  it('needs a base URL for @http(path:) and an auth link for @protected', async () => {
    const lines = await report(`type Query {
  a: String @http(path: "/a")
  b: String @http(url: "http://127.0.0.1:1/b") @protected
}
`);
    assert.deepEqual(lines, [
      '2:25 TCG_MISSING_BASE_URL No base URL defined [at Query.a.@http.path]',
      '3:48 TCG_PROTECTED_NO_PROVIDER @protected operator is used but there is no @link definitions for auth providers [at Query.b.@protected]',
    ]);
  });

  it('reports a syntax error at its position, with the source line', async () => {
    const lines = await report('type Query {\n  a: String @http(path: "/a"\n}\n');
    assert.deepEqual(lines, ['3:1 TCG_SYNTAX syntax error: Expected Name, found "}".']);

    const dir = await scratch({ 'config.graphql': 'type Query {\n\ta: String @http(path: "/a"\n\t}\n' });
    const result = await analyze(path.join(dir, 'config.graphql'), dir);
    const [syntax] = result.diagnostics;
    assert.ok(syntax && result.file);
    assert.equal(
      formatDiagnostic(syntax, { sourceLine: (_f, line) => result.file?.lineText(line) }).split('\n').slice(1).join('\n'),
      '  3 | \t}\n    | \t^',
      'the caret keeps the tab of the source line, so it stays under the brace',
    );
  });

  it('reports every mistake in one run, without cascades from the ones before', async () => {
    const lines = await report(
      `schema @upstream(baseURL: "127.0.0.1:1") @link(type: Htpaswd, src: "x") { query: Query }
type Query {
  a(id: Int!): Strin @http(path: "/a/{{.args.idd}}")
  b: String @http(url: "ftp://host/b")
  c: String @expr(body: "c")
  d: String
  e: String @http(path: "/e", query: [{key: "k", valeu: "v"}])
}
`,
    );
    assert.deepEqual(lines, [
      "1:27 TCG_INVALID_URL baseURL must be an absolute http(s) URL, got '127.0.0.1:1' [at @upstream.baseURL]",
      '1:54 TCG_INVALID_ARGUMENT Parsing failed because of unknown variant `Htpaswd`, expected one of `Config`, `Protobuf`, `Script`, `Cert`, `Key`, `Operation`, `Htpasswd`, `Jwks`, `Grpc` [at schema.@link.0.type]',
      "3:16 TCG_UNDECLARED_TYPE Undeclared type 'Strin' was found [at Query.a]",
      "3:38 TCG_TEMPLATE_UNKNOWN_ARG no argument 'idd' found [at Query.a.@http.path]",
      "4:24 TCG_INVALID_URL @http(url:) must be an http(s) URL, got 'ftp://host/b' [at Query.b.@http.url]",
      '5:13 TCG_UNSUPPORTED @expr is not supported by this version of tc-gen [at Query.c.@expr]',
      '6:3 TCG_MISSING_RESOLVER No resolver has been found in the schema [at Query.d]',
      '7:50 TCG_UNKNOWN_ARGUMENT Parsing failed because of unknown field `valeu`, expected one of `key`, `value`, `skipEmpty` [at Query.e.@http.query.0.valeu]',
    ]);
  });

  it('refuses client settings that would break every upstream call', async () => {
    const lines = await report(`schema @upstream(baseURL: "http://127.0.0.1:1", timeout: 0, connectTimeout: 5000000, userAgent: "a\\r\\nX-Evil: 1") { query: Query }
type Query { a: String @http(path: "/a") }
`);
    assert.deepEqual(lines, [
      '1:58 TCG_INVALID_ARGUMENT timeout must be between 1 and 2147483 seconds, got 0 [at @upstream.timeout]',
      '1:77 TCG_INVALID_ARGUMENT connectTimeout must be between 1 and 2147483 seconds, got 5000000 [at @upstream.connectTimeout]',
      '1:97 TCG_INVALID_ARGUMENT userAgent must be printable ASCII: it is sent as a header on every upstream call [at @upstream.userAgent]',
    ]);
  });

  it('points at each occurrence of a repeated template mistake, and counts columns without a BOM', async () => {
    const lines = await report('\uFEFFtype Query { h(n: Int): String @http(url: "http://127.0.0.1:1/h/{{.args.n}}/{{.args.n}}") }\n');
    assert.deepEqual(lines, [
      "1:65 TCG_TEMPLATE_INVALID argument 'n' is a nullable type [at Query.h.@http.path]",
      "1:77 TCG_TEMPLATE_INVALID argument 'n' is a nullable type [at Query.h.@http.path]",
    ]);
  });

  it('refuses an htpasswd file no user can log in with, and warns about each unusable entry', async () => {
    const lines = await report(
      `schema @link(id: "basic", type: Htpasswd, src: "users") { query: Query }
type Query { a: String @http(url: "http://127.0.0.1:1/a") @protected }
`,
      { users: 'sha512:$6$salt$hash\nplain:secret\n' },
    );
    assert.deepEqual(lines, [
      "1:48 TCG_HTPASSWD_UNSUPPORTED_ENTRY htpasswd user 'sha512' in users uses a hash form tc-gen cannot verify; it can never log in [at schema.@link.0]",
      "1:48 TCG_HTPASSWD_UNSUPPORTED_ENTRY htpasswd user 'plain' in users uses a hash form tc-gen cannot verify; it can never log in [at schema.@link.0]",
      "1:48 TCG_INVALID_HTPASSWD htpasswd file users has no usable 'user:hash' entry [at schema.@link.0]",
    ]);
  });

  it('compiles only the public part of a key set that carries a private key, with a warning', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256' };
    const dir = await scratch({
      'config.graphql': `schema @link(id: "jwt", type: Jwks, src: "jwks.json") { query: Query }
type Query { a: String @http(url: "http://127.0.0.1:1/a") @protected }
`,
      'jwks.json': JSON.stringify({ keys: [jwk] }),
    });
    const result = await build(path.join(dir, 'config.graphql'), undefined, dir);
    assert.ok(result.files, 'a warning does not stop the build');
    assert.deepEqual(
      result.diagnostics.map((d) => `${d.severity} ${d.code} ${d.message}`),
      ['warning TCG_JWKS_PRIVATE_KEY a key of jwks.json carries private members (d, p, q, dp, dq, qi); only its public part is compiled in'],
    );
    const auth = result.files.get('src/auth.ts') ?? '';
    assert.match(auth, new RegExp(`n: '${jwk.n}'`));
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) {
      assert.doesNotMatch(auth, new RegExp(`\\b${member}: '`), `private member ${member} is compiled in`);
    }
  });
});
