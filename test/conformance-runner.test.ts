import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);

async function conformance(dir: string): Promise<{ code: number; stdout: string }> {
  const args = ['--import', 'tsx', 'test/conformance/run.ts', dir];
  try {
    const { stdout } = await run(process.execPath, args, { cwd: root });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

describe('conformance runner', () => {
  it('runs execution, validation and schema cases for real, composition directives included', async () => {
    const { code, stdout } = await conformance('fixtures/conformance-selftest/pass');
    assert.equal(code, 0, stdout);
    const lines = stdout.trim().split('\n');
    assert.deepEqual(lines.filter((l) => /^(PASS|FAIL|SKIP) /.test(l)).sort(), [
      'PASS composition',
      'PASS greeting',
      'PASS public-schema',
      'PASS unknown-argument',
    ]);
    assert.equal(lines.at(-1), 'conformance: 4 passed, 0 failed, 0 skipped');
  });

  it('fails a case whose response differs, and exits non-zero', async () => {
    const { code, stdout } = await conformance('fixtures/conformance-selftest/fail');
    assert.equal(code, 1);
    assert.match(
      stdout,
      /FAIL wrong-body\n  request 0: body\n    actual: {3}\{"data":\{"n":1\}\}\n    expected: \{"data":\{"n":2\}\}/,
    );
    assert.equal(stdout.trim().split('\n').at(-1), 'conformance: 0 passed, 1 failed, 0 skipped');
  });
});
