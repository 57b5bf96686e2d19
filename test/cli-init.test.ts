import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

import { Kind, buildASTSchema, parse, valueFromAST, visit, type ConstDirectiveNode } from 'graphql';

import { build } from '../generator/compiler.ts';
import { directivesSdl } from '../generator/init/directives-sdl.ts';
import { DIRECTIVES } from '../generator/load/directive-specs.ts';
import { tcGenWithEnv as tcGen } from './helpers/cli-env.ts';
import { buildCompileAndStart, graphql } from './helpers/generated-server.ts';

const root = path.resolve(import.meta.dirname, '..');

async function scratch(): Promise<string> {
  await mkdir(path.join(root, '.work'), { recursive: true });
  return mkdtemp(path.join(root, '.work', 'cli-init-'));
}

describe('tc-gen init', () => {
  it('writes a starter config, a README and the editor files, and refuses to overwrite them', async () => {
    const dir = path.join(await scratch(), 'my-api');
    const first = await tcGen(['init', path.relative(root, dir)]);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual((await readdir(dir)).sort(), [
      '.graphqlrc.yml',
      '.tailcallrc.graphql',
      'README.md',
      'config.graphql',
    ]);
    assert.match(await readFile(path.join(dir, '.graphqlrc.yml'), 'utf8'), /\.tailcallrc\.graphql/);
    const config = await readFile(path.join(dir, 'config.graphql'), 'utf8');

    const again = await tcGen(['init', path.relative(root, dir)]);
    assert.equal(again.code, 2);
    assert.match(
      again.stderr,
      /^tc-gen: refusing to overwrite .*config\.graphql.*; nothing was written\n$/,
    );
    assert.equal(await readFile(path.join(dir, 'config.graphql'), 'utf8'), config);
  });

  it('prints next steps that work from where init ran, as the README it wrote says (they built next to the project)', async () => {
    const dir = path.relative(root, path.join(await scratch(), 'my-api'));
    const result = await tcGen(['init', dir]);
    assert.equal(result.code, 0, result.stderr);
    const build = 'tc-gen build config.graphql -o server';
    const serve = 'cd server && npm install && npm start';
    assert.equal(
      result.stdout,
      `tc-gen: wrote config.graphql, README.md, .graphqlrc.yml, .tailcallrc.graphql in ${dir}\n` +
        `next: cd ${dir} && ${build} && ${serve}\n`,
    );
    const readme = await readFile(path.join(dir, 'README.md'), 'utf8');
    assert.ok(readme.includes(build) && readme.includes(serve), readme);

    // The build step, verbatim from the repository root where init ran, writes my-api/server.
    const steps = result.stdout.slice(result.stdout.indexOf('next: ') + 6, -1);
    const buildSteps = steps.slice(0, steps.indexOf(` && ${serve}`));
    const tcGenOnPath = `tc-gen() { "${process.execPath}" "${path.join(root, 'bin/tc-gen.js')}" "$@"; }`;
    await promisify(execFile)('bash', ['-c', `${tcGenOnPath}; ${buildSteps}`], { cwd: root });
    await access(path.join(root, dir, 'server', 'package.json'));
  });

  it('declares every directive and argument tc-gen supports, and nothing it does not', () => {
    const schema = buildASTSchema(parse(directivesSdl()));
    for (const spec of DIRECTIVES.values()) {
      const declared = schema.getDirective(spec.name);
      if (spec.unsupported) {
        assert.equal(declared, undefined, `@${spec.name} is not supported`);
        continue;
      }
      assert.ok(declared, `@${spec.name} is missing`);
      const supported = Object.entries(spec.args)
        .filter(([, arg]) => !arg.unsupported)
        .map(([name]) => name);
      assert.deepEqual(
        declared.args.map((a) => a.name),
        supported,
      );
    }
  });

  it('gives a starter config that graphql-js validates against the directives SDL', async () => {
    const dir = await scratch();
    assert.equal((await tcGen(['init', path.relative(root, dir)])).code, 0);
    const sdl = await readFile(path.join(dir, '.tailcallrc.graphql'), 'utf8');
    const config = await readFile(path.join(dir, 'config.graphql'), 'utf8');
    // Unknown directives, arguments and missing required ones fail here.
    const document = parse(`${sdl}\n${config}`);
    const schema = buildASTSchema(document);
    // Argument values, which SDL validation leaves alone, are checked one by one.
    const usages: ConstDirectiveNode[] = [];
    visit(document, {
      Directive(node) {
        usages.push(node as ConstDirectiveNode);
      },
    });
    assert.ok(usages.length >= 5);
    for (const usage of usages) {
      const directive = schema.getDirective(usage.name.value);
      assert.ok(directive, `@${usage.name.value}`);
      for (const arg of usage.arguments ?? []) {
        const type = directive.args.find((a) => a.name === arg.name.value)?.type;
        assert.ok(type, `@${usage.name.value}(${arg.name.value}:)`);
        assert.notEqual(
          valueFromAST(arg.value, type),
          undefined,
          `@${usage.name.value}(${arg.name.value}:) has a value of the wrong type`,
        );
      }
    }
    assert.ok(usages.every((u) => u.kind === Kind.DIRECTIVE));
  });

  it('gives a starter config that builds without a warning and serves queries', async () => {
    const dir = await scratch();
    assert.equal((await tcGen(['init', path.relative(root, dir)])).code, 0);
    const result = await build(path.join(dir, 'config.graphql'), undefined, dir);
    assert.deepEqual(result.diagnostics, []);

    const config = await readFile(path.join(dir, 'config.graphql'), 'utf8');
    const server = await buildCompileAndStart({ files: { 'config.graphql': config } });
    try {
      const response = await graphql(server.url, { query: '{ hello(name: "tc-gen") }' });
      assert.deepEqual(response.body, { data: { hello: 'Hello, tc-gen!' } });
    } finally {
      await server.stop();
    }
  });
});
