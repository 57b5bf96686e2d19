import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { it } from 'node:test';

import { DiagnosticCode } from '../generator/diagnostics.ts';
import { tcGenWithEnv as tcGen } from './helpers/cli-env.ts';

const root = path.resolve(import.meta.dirname, '..');

it('documents every diagnostic code in the README, and no code that does not exist', async () => {
  const readme = await readFile(path.join(root, 'README.md'), 'utf8');
  const documented = new Set(readme.match(/`TCG_[A-Z_]+`/g)?.map((c) => c.slice(1, -1)));
  const codes = new Set<string>(Object.values(DiagnosticCode));
  for (const code of codes) assert.ok(documented.has(code), `${code} is not in README.md`);
  for (const code of documented)
    assert.ok(codes.has(code), `README.md documents ${code}, which does not exist`);
});

it('shows in the README what the commands it quotes print (the diagnostics sample had drifted)', async () => {
  const readme = await readFile(path.join(root, 'README.md'), 'utf8');
  const samples = [...readme.matchAll(/`tc-gen ([^`]+)` prints:\n\n```\n([\s\S]*?\n)```\n/g)];
  assert.ok(samples.length > 0, 'no "`tc-gen ...` prints:" sample in README.md');
  for (const [, command, shown] of samples) {
    const result = await tcGen(command!.split(/\s+/));
    assert.equal(result.stdout + result.stderr, shown, `tc-gen ${command}`);
  }
});
