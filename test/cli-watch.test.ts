import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

const root = path.resolve(import.meta.dirname, '..');
const docs = path.join(root, 'fixtures/jwt-docs');
const WAIT_MS = 20_000;

/** Polls `predicate` every 50 ms until it holds, failing after `WAIT_MS`. */
async function waitFor(
  what: string,
  predicate: () => boolean,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!predicate()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; output:\n${output()}`);
    await sleep(50);
  }
}

describe('tc-gen build --watch', () => {
  it('rebuilds on config and linked-file changes, survives errors, and follows new links', async () => {
    await mkdir(path.join(root, '.work'), { recursive: true });
    const dir = await mkdtemp(path.join(root, '.work', 'cli-watch-'));
    const configFile = path.join(dir, 'config.graphql');
    await copyFile(path.join(docs, 'config.graphql'), configFile);
    await copyFile(path.join(docs, 'jwks.json'), path.join(dir, 'jwks.json'));
    const original = await readFile(configFile, 'utf8');
    const relative = path.relative(root, dir);

    const child = spawn(
      process.execPath,
      ['bin/tc-gen.js', 'build', `${relative}/config.graphql`, '-o', `${relative}/out`, '--watch'],
      { cwd: root, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    let exit: number | string | undefined;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) =>
      child.on('exit', (code, signal) => {
        exit = code ?? signal ?? 'unknown';
        resolve();
      }),
    );
    const output = () => `stdout:\n${stdout}\nstderr:\n${stderr}`;
    const builds = () => stdout.match(/^tc-gen: \d+ types?, /gm)?.length ?? 0;

    try {
      await waitFor('the first build', () => builds() === 1 && /watching/.test(stdout), output);
      assert.match(
        stdout,
        /^tc-gen: watching .+config\.graphql, .+jwks\.json \(Ctrl-C to stop\)$/m,
      );

      // Editors save in bursts: the debounce makes one build of several quick writes.
      await writeFile(
        configFile,
        original.replace('  website: String\n', '  website: String\n  extra: Int\n'),
      );
      await writeFile(
        configFile,
        original.replace('  website: String\n', '  website: String\n  extra: String\n'),
      );
      await waitFor('the build after a config change', () => builds() === 2, output);
      assert.match(await readFile(path.join(dir, 'out/schema.graphql'), 'utf8'), /extra: String/);

      await writeFile(configFile, original.replace('{{args.id}}', '{{args.nope}}'));
      await waitFor('the diagnostic', () => /TCG_TEMPLATE_UNKNOWN_ARG/.test(stderr), output);
      assert.equal(exit, undefined, 'a config with errors does not end the watch');

      await writeFile(configFile, original);
      await waitFor('the build after the fix', () => builds() === 3, output);

      await writeFile(
        path.join(dir, 'jwks.json'),
        `${await readFile(path.join(dir, 'jwks.json'), 'utf8')}\n`,
      );
      await waitFor('the build after a key set change', () => builds() === 4, output);

      // A link added to the config is watched from the next build on.
      await writeFile(
        path.join(dir, 'users.htpasswd'),
        'alice:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\n',
      );
      await writeFile(
        configFile,
        original.replace(
          'src: "jwks.json")',
          'src: "jwks.json")\n  @link(id: "basic", type: Htpasswd, src: "users.htpasswd")',
        ),
      );
      await waitFor(
        'the build after a new link',
        () => builds() === 5 && /users\.htpasswd \(Ctrl-C/.test(stdout),
        output,
      );
      await writeFile(
        path.join(dir, 'users.htpasswd'),
        'alice:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\nbob:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\n',
      );
      await waitFor('the build after an htpasswd change', () => builds() === 6, output);
    } finally {
      if (exit === undefined) child.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
      if (exit === undefined) child.kill('SIGKILL');
    }
    assert.equal(exit, 0, `SIGTERM ends the watch cleanly\n${output()}`);
  });
});
