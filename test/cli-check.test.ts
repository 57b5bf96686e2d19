import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';

import { tcGenWithEnv as tcGen } from './helpers/cli-env.ts';

const root = path.resolve(import.meta.dirname, '..');
const docs = path.join(root, 'fixtures/jwt-docs');

/** A copy of the docs example in a fresh folder under `.work/`, paths relative to the repo. */
async function project(): Promise<{ dir: string; config: string; out: string }> {
  await mkdir(path.join(root, '.work'), { recursive: true });
  const dir = await mkdtemp(path.join(root, '.work', 'cli-check-'));
  await copyFile(path.join(docs, 'config.graphql'), path.join(dir, 'config.graphql'));
  await copyFile(path.join(docs, 'jwks.json'), path.join(dir, 'jwks.json'));
  const relative = path.relative(root, dir);
  return { dir, config: `${relative}/config.graphql`, out: `${relative}/out` };
}

describe('tc-gen build --check', () => {
  it('reports nothing and exits 0 right after a build', async () => {
    const { config, out } = await project();
    assert.equal((await tcGen(['build', config, '-o', out])).code, 0);

    const check = await tcGen(['build', config, '-o', out, '--check']);
    assert.equal(check.code, 0, check.stderr);
    assert.equal(check.stdout, '');
    assert.equal(check.stderr, '');
  });

  it('prints a diff of a hand-edited file and of a config change, exits 1 and writes nothing', async () => {
    const { dir, config, out } = await project();
    assert.equal((await tcGen(['build', config, '-o', out])).code, 0);
    const resolvers = path.join(dir, 'out/src/resolvers.ts');
    const edited = `${await readFile(resolvers, 'utf8')}// edited by hand\n`;
    await writeFile(resolvers, edited);
    const text = await readFile(path.join(dir, 'config.graphql'), 'utf8');
    await writeFile(path.join(dir, 'config.graphql'), text.replace('  website: String\n', ''));

    const check = await tcGen(['build', config, '-o', out, '--check']);
    assert.equal(check.code, 1);
    assert.match(
      check.stdout,
      new RegExp(
        `^--- a/${out}/src/resolvers\\.ts\\n\\+\\+\\+ b/${out}/src/resolvers\\.ts\\n@@ `,
        'm',
      ),
    );
    assert.match(check.stdout, /^-\/\/ edited by hand$/m);
    assert.match(check.stdout, new RegExp(`^--- a/${out}/schema\\.graphql$`, 'm'));
    assert.match(check.stdout, /^- {2}website: String$/m);
    assert.match(check.stderr, /^tc-gen: .+\/out is stale: \d+ changed, 0 added, 0 removed; run /);
    assert.equal(await readFile(resolvers, 'utf8'), edited, 'nothing was written');
  });

  it('reports files a build would add and remove, and a folder that was never built', async () => {
    const { dir, config, out } = await project();
    const never = await tcGen(['build', config, '-o', out, '--check']);
    assert.equal(never.code, 1);
    assert.match(
      never.stdout,
      new RegExp(`^--- /dev/null\\n\\+\\+\\+ b/${out}/package\\.json$`, 'm'),
    );

    assert.equal((await tcGen(['build', config, '-o', out])).code, 0);
    const marker = path.join(dir, 'out/.tc-gen.json');
    const files = JSON.parse(await readFile(marker, 'utf8')) as { files: string[] };
    await writeFile(marker, JSON.stringify({ ...files, files: [...files.files, 'src/old.ts'] }));
    await writeFile(path.join(dir, 'out/src/old.ts'), 'export {};\n');
    const check = await tcGen(['build', config, '-o', out, '--check']);
    assert.equal(check.code, 1);
    assert.match(
      check.stdout,
      new RegExp(`^--- a/${out}/src/old\\.ts\\n\\+\\+\\+ /dev/null$`, 'm'),
    );
    assert.match(check.stderr, /is stale: 1 changed, 0 added, 1 removed/);
  });
});
