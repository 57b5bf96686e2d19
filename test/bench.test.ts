import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { it } from 'node:test';
import { promisify } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');

it('runs the token-cache benchmark in a short mode and prints its figures', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'bench/token-cache.ts', '--rounds', '1', '--count', '20'],
    { cwd: root },
  );
  assert.match(stdout, /^RS256 2048, one token reused, 20 verifications x 1 rounds/);
  assert.match(stdout, /\ncache on : median [\d,]+\/s/);
  assert.match(stdout, /\ncache off: median [\d,]+\/s/);
  assert.match(stdout, /\nratio \(median of per-round ratios\): \d+\.\dx\n$/);
});
