import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';

import { analyze, build } from '../generator/compiler.ts';
import type { Diagnostic } from '../generator/diagnostics.ts';

const root = path.resolve(import.meta.dirname, '..');
const docs = path.join(root, 'fixtures/jwt-docs');

/** The JWT docs example (`fixtures/jwt-docs/config.graphql`) in Tailcall's JSON layout. */
const DOCS_JSON = `{
  "server": {"port": 8000, "graphiql": true},
  "upstream": {"baseURL": "http://jsonplaceholder.typicode.com"},
  "links": [{"id": "auth-jwks", "type": "Jwks", "src": "jwks.json"}],
  "schema": {"query": "Query"},
  "types": {
    "Query": {
      "fields": {
        "user": {
          "type": {"name": "User"},
          "args": {"id": {"type": {"name": "Int", "required": true}}},
          "http": {"path": "/users/{{args.id}}"}
        }
      }
    },
    "User": {
      "protected": {},
      "fields": {
        "id": {"type": {"name": "Int", "required": true}},
        "name": {"type": {"name": "String", "required": true}},
        "username": {"type": {"name": "String", "required": true}},
        "email": {"type": {"name": "String", "required": true}},
        "phone": {"type": {"name": "String"}},
        "website": {"type": {"name": "String"}}
      }
    }
  }
}
`;

/** The same example in YAML, with the older `type: Name` / `required: true` field form. */
const DOCS_YAML = `server:
  port: 8000
  graphiql: true
upstream:
  baseURL: http://jsonplaceholder.typicode.com
links:
  - id: auth-jwks
    type: Jwks
    src: jwks.json
schema:
  query: Query
types:
  Query:
    fields:
      user:
        type: User
        args:
          id:
            type: Int
            required: true
        http:
          path: /users/{{args.id}}
  User:
    protected: {}
    fields:
      id: { type: Int, required: true }
      name: { type: String, required: true }
      username: { type: String, required: true }
      email: { type: String, required: true }
      phone: { type: String }
      website: { type: String }
`;

async function scratch(files: Record<string, string>): Promise<string> {
  await mkdir(path.join(root, '.work'), { recursive: true });
  const dir = await mkdtemp(path.join(root, '.work', 'json-yaml-'));
  await copyFile(path.join(docs, 'jwks.json'), path.join(dir, 'jwks.json'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

function where(d: Diagnostic): string {
  return `${d.span?.file}:${d.span?.line}:${d.span?.column} ${d.code} ${d.message}`;
}

describe('configs in JSON and YAML', () => {
  for (const [format, name, text] of [
    ['JSON', 'config.json', DOCS_JSON],
    ['YAML', 'config.yaml', DOCS_YAML],
  ] as const) {
    it(`builds the docs example written as ${format} into the same project as the SDL`, async () => {
      const dir = await scratch({ [name]: text });
      const sdl = await build(path.join(docs, 'config.graphql'), undefined, root);
      const other = await build(path.join(dir, name), undefined, dir);
      assert.ok(sdl.files, sdl.diagnostics.map(where).join('\n'));
      assert.ok(other.files, other.diagnostics.map(where).join('\n'));
      assert.deepEqual(other.diagnostics, []);
      assert.deepEqual([...other.files.keys()], [...sdl.files.keys()]);
      for (const [file, content] of sdl.files) {
        // Only the config's name, in headers and the README, tells the two apart.
        assert.equal(
          other.files
            .get(file)
            ?.replace(new RegExp(`(?<![\\w-])${name.replace('.', '\\.')}`, 'g'), 'config.graphql'),
          content,
          `${file} differs`,
        );
      }
    });
  }

  it('reports a JSON syntax error at its line and column', async () => {
    const dir = await scratch({
      'config.json': '{\n  "schema": {"query": "Query"}\n  "types": {}\n}\n',
    });
    const result = await analyze(path.join(dir, 'config.json'), dir);
    assert.deepEqual(result.diagnostics.map(where), [
      "config.json:3:3 TCG_SYNTAX JSON syntax error: expected ',' or '}' after a property value",
    ]);
  });

  it('reports a YAML syntax error at its line and column', async () => {
    const dir = await scratch({
      'config.yml': 'schema:\n  query: Query\ntypes: [a, b\nserver: {}\n',
    });
    const result = await analyze(path.join(dir, 'config.yml'), dir);
    assert.equal(result.diagnostics.length, 1);
    const [d] = result.diagnostics;
    assert.equal(d?.code, 'TCG_SYNTAX');
    assert.equal(`${d?.span?.file}:${d?.span?.line}:${d?.span?.column}`, 'config.yml:4:1');
    assert.match(d?.message ?? '', /^YAML syntax error: /);
  });

  it(
    'refuses YAML whose aliases would copy millions of values, at the alias',
    { timeout: 30_000 },
    async () => {
      // Seven anchors, each a list of ten of the one before: 10^7 values from nine lines.
      const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
      for (const [name, previous] of [
        ['b', 'a'],
        ['c', 'b'],
        ['d', 'c'],
        ['e', 'd'],
        ['f', 'e'],
        ['g', 'f'],
      ])
        lines.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`);
      lines.push(
        'schema: {query: Query}',
        'types: {Query: {fields: {n: {type: JSON, expr: {body: *g}}}}}',
      );
      const dir = await scratch({ 'config.yml': `${lines.join('\n')}\n` });
      const result = await analyze(path.join(dir, 'config.yml'), dir);
      assert.deepEqual(result.diagnostics.map(where), [
        // At the alias whose copy crosses the bound: the eighth `*d` in `e`'s list.
        'config.yml:5:36 TCG_SYNTAX YAML syntax error: aliases expand this document past 100,000 values',
      ]);
    },
  );

  it('puts a YAML indentation error at the misplaced key, not at the spaces before it', async () => {
    const dir = await scratch({ 'config.yaml': 'schema:\n  query: Query\n query2: Other\n' });
    const result = await analyze(path.join(dir, 'config.yaml'), dir);
    assert.deepEqual(result.diagnostics.map(where), [
      'config.yaml:3:2 TCG_SYNTAX YAML syntax error: All mapping items must start at the same column',
    ]);
  });

  it('marks an undeclared type at its name inside list and required wrappers (it was the list: key)', async () => {
    const dir = await scratch({
      'config.yaml': `schema:
  query: Query
types:
  Query:
    fields:
      posts:
        type:
          list:
            name: Postt
          required: true
        http: { url: "http://127.0.0.1:1/posts" }
`,
      'config.json': `{
  "schema": {"query": "Query"},
  "types": {"Query": {"fields": {"posts": {
    "type": {"list": {"name": "Postt", "required": true}},
    "http": {"url": "http://127.0.0.1:1/posts"}
  }}}}
}
`,
      'config.graphql': `schema { query: Query }
type Query { posts: [Postt!]! @http(url: "http://127.0.0.1:1/posts") }
`,
    });
    const diagnostics = async (name: string) =>
      (await analyze(path.join(dir, name), dir)).diagnostics.map(where);
    assert.deepEqual(await diagnostics('config.yaml'), [
      "config.yaml:9:19 TCG_UNDECLARED_TYPE Undeclared type 'Postt' was found",
    ]);
    assert.deepEqual(await diagnostics('config.json'), [
      "config.json:4:31 TCG_UNDECLARED_TYPE Undeclared type 'Postt' was found",
    ]);
    assert.deepEqual(await diagnostics('config.graphql'), [
      "config.graphql:2:22 TCG_UNDECLARED_TYPE Undeclared type 'Postt' was found",
    ]);
  });

  it('points the checks of the compiler into the JSON and YAML text', async () => {
    const json = await scratch({
      'config.json': `{
  "schema": {"query": "Query"},
  "types": {
    "Query": {
      "fields": {
        "user": {
          "type": {"name": "Int"},
          "http": {"url": "http://127.0.0.1:1/u/{{.args.nope}}", "method": "GET"}
        }
      }
    }
  }
}
`,
    });
    const fromJson = await analyze(path.join(json, 'config.json'), json);
    assert.deepEqual(fromJson.diagnostics.map(where), [
      "config.json:8:49 TCG_TEMPLATE_UNKNOWN_ARG no argument 'nope' found",
    ]);

    const yaml = await scratch({
      'config.yaml': `schema:
  query: Query
types:
  Query:
    fields:
      user:
        type: { name: User }
        http: { url: "http://127.0.0.1:1/u/{{.args.nope}}" }
`,
    });
    const fromYaml = await analyze(path.join(yaml, 'config.yaml'), yaml);
    assert.deepEqual(fromYaml.diagnostics.map(where), [
      "config.yaml:7:23 TCG_UNDECLARED_TYPE Undeclared type 'User' was found",
      "config.yaml:8:44 TCG_TEMPLATE_UNKNOWN_ARG no argument 'nope' found",
    ]);
  });
});
