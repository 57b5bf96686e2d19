/**
 * Regressions from an adversarial review: names that collide once made TypeScript identifiers
 * (`user`/`User` arguments, types `class` and `class_`, `Context` and `Context_`, a union
 * constant named like a resolver function, `@addField` readers of `Loc` and `loc`) were
 * declared twice, failing tsc or, when the members agreed, merging two interfaces silently.
 * Every generated top-level name is now unique in its module.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';

import { buildSchema } from 'graphql';
import ts from 'typescript';

import { build } from '../generator/compiler.ts';
import { NameRegistry, TypeNames } from '../generator/naming.ts';
import {
  REPO_ROOT,
  buildCompileAndStart,
  graphql,
  type RunningServer,
} from './helpers/generated-server.ts';
import { startUpstreamStub, type UpstreamStub } from './helpers/upstream-stub.ts';

const FIXTURE = path.join(REPO_ROOT, 'fixtures/name-collisions');

/** Top-level names a module binds (imports and declarations), with how often each is bound. */
function topLevelNames(text: string): Map<string, number> {
  const source = ts.createSourceFile('module.ts', text, ts.ScriptTarget.Latest, false);
  const counts = new Map<string, number>();
  const bind = (name: string) => counts.set(name, (counts.get(name) ?? 0) + 1);
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) bind(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) bind(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings))
        for (const element of bindings.elements) bind(element.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations)
        if (ts.isIdentifier(declaration.name)) bind(declaration.name.text);
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isEnumDeclaration(statement)) &&
      statement.name
    ) {
      bind(statement.name.text);
    }
  }
  return counts;
}

describe('generated names are unique in their module', () => {
  it('in every TypeScript module of every fixture that builds', async () => {
    const fixtures = (await readdir(path.join(REPO_ROOT, 'fixtures'), { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => path.join(REPO_ROOT, 'fixtures', entry.name, 'config.graphql'));
    let checked = 0;
    for (const config of fixtures) {
      const result = await build(config, undefined, path.dirname(config)).catch(() => undefined);
      if (!result?.files) continue;
      for (const [name, text] of result.files) {
        if (!name.startsWith('src/') || !name.endsWith('.ts')) continue;
        const twice = [...topLevelNames(text)].filter(([, n]) => n > 1).map(([id]) => id);
        assert.deepEqual(twice, [], `${path.relative(REPO_ROOT, config)} → ${name}`);
        checked++;
      }
    }
    assert.ok(checked > 20, `only ${checked} modules checked`);
  });

  it('gives colliding names a suffix and leaves the others as they were', async () => {
    const result = await build(path.join(FIXTURE, 'config.graphql'), undefined, FIXTURE);
    assert.ok(result.files);
    const types = [...topLevelNames(result.files.get('src/types.ts') ?? '').keys()];
    assert.deepEqual(
      types.filter((n) => /^(class|Context|QueryUserArgs)/.test(n)),
      ['class__', 'class_', 'Context__', 'Context_', 'QueryUserArgs', 'QueryUserArgs_'],
    );
    const resolvers = [...topLevelNames(result.files.get('src/resolvers.ts') ?? '').keys()];
    for (const name of [
      'fooBarKeyed',
      'fooBarKeyed2',
      'resolveQueryPetKeyed',
      'resolveQueryPetKeyed2',
      'resolveQueryUser',
      'resolveQueryUser2',
      'readLocLat',
      'readLocLat2',
    ])
      assert.ok(resolvers.includes(name), `resolvers.ts declares ${name}`);
  });

  it('hands out type names by declaration, as written first, whatever the build', () => {
    const sdl =
      'type Query { a(x: Int): class  b: Int }  type class { a: Int }  type class_ { b: Int }';
    const names = new TypeNames(buildSchema(sdl));
    assert.equal(names.type('Query'), 'Query');
    assert.equal(names.type('class_'), 'class_');
    assert.equal(names.type('class'), 'class__');
    assert.equal(names.args('Query', 'a'), 'QueryAArgs');
    assert.throws(() => names.args('Query', 'b'));

    const registry = new NameRegistry(['resolvers']);
    assert.equal(registry.claim('resolveX', 'number'), 'resolveX');
    assert.equal(registry.claim('resolveX', 'number'), 'resolveX2');
    assert.equal(registry.claim('resolveX', 'number'), 'resolveX3');
    assert.equal(registry.claim('resolvers', 'underscore'), 'resolvers_');
    assert.throws(() => registry.take('resolveX2'), /declared twice/);
  });
});

describe('a config with colliding names, built, compiled with tsc and served', () => {
  let stub: UpstreamStub;
  let server: RunningServer;

  before(async () => {
    stub = await startUpstreamStub({
      '/u/7': { body: 'user 7' },
      '/U/8': { body: 'User 8' },
      '/k': { body: { a: 'text' } },
      '/k2': { body: { a: 5 } },
      '/c': { body: { id: 'c' } },
      '/c2': { body: { id: 2 } },
      '/pet': { body: { Cat: { meow: 'purr' } } },
      '/petKeyed': { body: 'keyed' },
      '/a': { body: { Dog: { woof: 'a' } } },
      '/b': { body: { Dog: { woof: 'b' } } },
      '/l1': { body: { geo: { lat: 1.5 } } },
      '/l2': { body: { geo: { lat: 2.5 } } },
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

  it('keeps fields differing in case apart, each with its own arguments', async () => {
    const response = await graphql(server.url, '{ user(id: "7") User(id: 8) }');
    assert.equal(response.text, '{"data":{"user":"user 7","User":"User 8"}}');
  });

  it('keeps types named class and class_, Context and Context_ apart', async () => {
    const response = await graphql(server.url, '{ k { a } k2 { a } c { id } c2 { id } }');
    assert.equal(
      response.text,
      '{"data":{"k":{"a":"text"},"k2":{"a":5},"c":{"id":"c"},"c2":{"id":2}}}',
    );
  });

  it('tells the members of unions whose constants would share a name', async () => {
    const response = await graphql(
      server.url,
      '{ pet { __typename ... on Cat { meow } } petKeyed a { __typename } b { __typename ... on Dog { woof } } }',
    );
    assert.equal(
      response.text,
      '{"data":{"pet":{"__typename":"Cat","meow":"purr"},"petKeyed":"keyed","a":{"__typename":"Dog"},"b":{"__typename":"Dog","woof":"b"}}}',
    );
  });

  it('reads @addField values of types differing in case with their own readers', async () => {
    const response = await graphql(server.url, '{ l1 { lat } l2 { lat } }');
    assert.equal(response.text, '{"data":{"l1":{"lat":1.5},"l2":{"lat":2.5}}}');
  });
});
