import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { promisify } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const SCENARIOS = ['q1', 'q2', 'q3', 'q4-reused', 'q4-distinct'];

interface BenchResult {
  schema: number;
  mode: string;
  contenders: Array<{ id: string; status: string; note?: string }>;
  correctness: Array<{ contender: string; scenario: string; ok: boolean; detail: string }>;
  summary: Array<{
    scenario: string;
    contender: string;
    rps: number;
    p50Ms: number;
    p99Ms: number;
  }>;
  runs: Array<{ scenario: string; contender: string; errors: number; wrongBodies: number }>;
  spawnToReadyMs: Record<string, { median: number }>;
  buildTimes: { docsExampleMs: number[] };
  goals: Array<{ goal: string; met: boolean | undefined }>;
}

it('runs the benchmark in smoke mode and writes well-formed JSON with every scenario answered', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'tc-gen-bench-'));
  try {
    const out = path.join(dir, 'smoke.json');
    await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--smoke', '--out', out],
      { cwd: root, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 },
    );
    const result = JSON.parse(await readFile(out, 'utf8')) as BenchResult;

    assert.equal(result.schema, 1);
    assert.equal(result.mode, 'smoke');
    const status = Object.fromEntries(result.contenders.map((c) => [c.id, c.status]));
    assert.deepEqual(
      { tcgen: status['tcgen'], hand: status['hand'], ceiling: status['ceiling'] },
      { tcgen: 'ok', hand: 'ok', ceiling: 'ok' },
      JSON.stringify(result.contenders),
    );
    // Tailcall runs when the oracle is installed, and is skipped (never aborted) otherwise.
    assert.ok(
      ['ok', 'skipped'].includes(status['tailcall'] ?? ''),
      JSON.stringify(result.contenders),
    );

    for (const c of result.contenders.filter((c) => c.status === 'ok')) {
      const scenarios = c.id === 'ceiling' ? ['q1', 'q2', 'q3'] : SCENARIOS;
      for (const scenario of scenarios) {
        const check = result.correctness.find(
          (x) => x.contender === c.id && x.scenario === scenario,
        );
        assert.equal(check?.ok, true, `${c.id} ${scenario}: ${check?.detail ?? 'not checked'}`);
        const row = result.summary.find((s) => s.contender === c.id && s.scenario === scenario);
        const runs = result.runs.filter((r) => r.contender === c.id && r.scenario === scenario);
        assert.ok(
          row && row.rps > 0 && row.p99Ms >= row.p50Ms,
          `${c.id} ${scenario} was not timed: ${JSON.stringify({ row, runs })}`,
        );
      }
    }
    for (const run of result.runs.filter((r) => r.contender === 'tcgen')) {
      assert.equal(run.errors, 0, `tc-gen ${run.scenario}: errors under load`);
      assert.equal(run.wrongBodies, 0, `tc-gen ${run.scenario}: wrong bodies under load`);
    }
    assert.ok(result.spawnToReadyMs['tcgen']!.median > 0);
    assert.equal(result.buildTimes.docsExampleMs.length, 1);
    assert.equal(result.goals.length, 8);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
