/**
 * Build-time checks that follow what `tailcall check` (v1.6.14) answers for the same config:
 * which errors it reports together, and where. Every expected list below is Tailcall's own.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { analyze } from '../generator/compiler.ts';
import { buildCompileAndStart, graphql, type RunningServer } from './helpers/generated-server.ts';

const work = path.resolve(import.meta.dirname, '..', '.work');

/** `message [at trace]` of every error, sorted, as `tailcall check` lists them. */
async function errors(config: string): Promise<string[]> {
  await mkdir(work, { recursive: true });
  const dir = await mkdtemp(path.join(work, 'check-rules-'));
  await writeFile(path.join(dir, 'config.graphql'), config);
  const result = await analyze(path.join(dir, 'config.graphql'), dir);
  assert.equal(result.plan, undefined, 'the config must be refused');
  return result.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.message} [at ${d.trace ?? ''}]`)
    .sort();
}

describe('argument errors come alone, as Tailcall stops before checking the schema', () => {
  it('a port of the wrong type hides the missing Query type', async () => {
    assert.deepEqual(await errors('schema @server(port: "8000") { query: Query }\n'), [
      'Parsing failed because of invalid type: string "8000", expected u16 [at @server.port]',
    ]);
  });

  it('every argument error is still reported, and nothing of the later checks', async () => {
    const config = `
      schema @server(port: "8000") { query: Query }
      type Query {
        a: String @http(url: 1)
        b: Foo @expr(body: 1)
        c(x: Int): String @http(url: "http://127.0.0.1/{{.args.nope}}")
        d: Int @http(method: GET)
      }
      input I @protected { x: Int }
      scalar String
    `;
    assert.deepEqual(await errors(config), [
      'Parsing failed because of invalid type: integer `1`, expected a string [at Query.a.@http.url]',
      'Parsing failed because of invalid type: string "8000", expected u16 [at @server.port]',
      'Parsing failed because of missing field `url` [at Query.d.@http]',
    ]);
  });

  it('without argument errors, the schema-level errors are all reported', async () => {
    const config = `
      schema { query: Query }
      type Query { b: Foo @expr(body: 1) d(i: I): Int @expr(body: 1) }
      input I @protected { x: Int }
    `;
    assert.deepEqual(await errors(config), [
      'Input types can not be protected [at I.x.@protected]',
      "Undeclared type 'Foo' was found [at Query.b]",
    ]);
  });
});

describe('@expr bodies are checked against the field type as Tailcall checks them', () => {
  it('a declared scalar, even a redeclared String, takes only an object', async () => {
    const config = `
      scalar String
      scalar Foo
      schema { query: Query }
      type Query {
        a: String @expr(body: "alo")
        b: [Foo] @expr(body: [1, {x: 1}])
        c: T @expr(body: {s: "x"})
        d: String @expr(body: {})
        e: Foo @expr(body: "{{.args.x}}")
      }
      type T { s: String }
    `;
    assert.deepEqual(await errors(config), [
      'Scalar type String is predefined [at String]',
      'expected object [at Query.a.@expr]',
      'expected object [at Query.b.@expr.0]',
      'expected object [at Query.c.@expr.s]',
    ]);
  });

  it('lists item by item, null only where nullable, String, Int and Boolean by JSON type', async () => {
    const config = `
      schema { query: Query }
      type Query {
        a: [T] @expr(body: [{}, {s: 1}])
        b: [String] @expr(body: [1, "x"])
        c: T @expr(body: 1)
        d: Boolean @expr(body: "x")
        e: Float @expr(body: "x")
        f: Int @expr(body: [1])
        g: [Int] @expr(body: 1)
        h: Int! @expr(body: null)
        i: ID! @expr(body: null)
        j: [Int!] @expr(body: [null])
        k: T @expr(body: {s: null})
        l: E @expr(body: 1)
        m: Int @expr(body: 1.5)
      }
      type T { s: String! }
      enum E { A }
    `;
    assert.deepEqual(await errors(config), [
      'expected array [at Query.g.@expr]',
      'expected boolean [at Query.d.@expr]',
      'expected field to be non-nullable [at Query.a.@expr.0.s]',
      'expected number [at Query.f.@expr]',
      'expected number [at Query.h.@expr]',
      'expected number [at Query.j.@expr.0]',
      'expected object [at Query.c.@expr]',
      'expected string [at Query.a.@expr.1.s]',
      'expected string [at Query.b.@expr.0]',
      'expected string [at Query.k.@expr.s]',
    ]);
  });
});

describe('@protected on an input type is reported at each of its fields', () => {
  it('whatever keyword declares the type: arguments make it an input', async () => {
    const config = `
      schema { query: Query mutation: Mutation }
      type Query { data(a: A, b: B): B @expr(body: {}) }
      type Mutation { save(input: Input, post: NewPost): Int @expr(body: 1) }
      type A @protected { f: Int }
      type B { g: Int @protected }
      input Input @protected { value: String other: Int @protected }
      input NewPost { content: String @protected title: String }
    `;
    assert.deepEqual(await errors(config), [
      '@protected operator is used but there is no @link definitions for auth providers [at B.g.@protected]',
      'Input types can not be protected [at A.f.@protected]',
      'Input types can not be protected [at BInput.g.@protected]',
      'Input types can not be protected [at Input.other.@protected]',
      'Input types can not be protected [at Input.value.@protected]',
      'Input types can not be protected [at NewPost.content.@protected]',
    ]);
  });
});

describe('a relative @http(url:) without a base URL', () => {
  let server: RunningServer;

  before(async () => {
    const config = `
      schema { query: Query }
      type Query { posts: [Post] @http(url: "/posts") post: Post @http(url: "posts/1") }
      type Post { id: Int }
    `;
    server = await buildCompileAndStart({ files: { 'config.graphql': config } });
  });

  after(async () => {
    await server?.stop();
  });

  it('builds, and each call is a field error, as in Tailcall', async () => {
    const answer = await graphql(server.url, '{ posts { id } post { id } }');
    const body = answer.body as { data: unknown; errors: { message: string; path: string[] }[] };
    assert.deepEqual(body.data, { posts: null, post: null });
    assert.deepEqual(
      body.errors.map((e) => [e.message, e.path]),
      [
        ['IOException: relative URL without a base', ['posts']],
        ['IOException: relative URL without a base', ['post']],
      ],
    );
  });
});
