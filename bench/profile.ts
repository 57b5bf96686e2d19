/**
 * Profiles the tc-gen-generated server under the benchmark's load: the benchmark config is built
 * and compiled, the server runs with `node --cpu-prof` on the server core, wrk sends one query
 * for a while from the other core, and the profile is summarized (bench/profile-summary.ts).
 *
 *     node --import tsx bench/profile.ts --query q1 [--duration 10] [--out DIR] [-- NODE_FLAGS]
 *
 * `--env K=V` (repeatable) passes settings to the server, e.g. `--env LOG_LEVEL=info`.
 * `--tokens N` sends Q4 with N distinct tokens in turn (default 1: one reused token).
 * `--show-output` prints what the server wrote, e.g. with the node flag `--trace-gc`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { REPO_ROOT, makeKeys, prepareTcGen } from './lib/contenders.ts';
import { expectedResponse, requestBody, type QueryId } from './lib/data.ts';
import { chooseLoadTool, runLoad } from './lib/load.ts';
import { canPin, freePort, pinSelf, startPinned, waitForPort } from './lib/processes.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    query: { type: 'string', default: 'q1' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '100' },
    out: { type: 'string', default: path.join(REPO_ROOT, '.work', 'profiles') },
    env: { type: 'string', multiple: true, default: [] },
    'show-output': { type: 'boolean', default: false },
    tokens: { type: 'string', default: '1' },
  },
});
const query = values.query as QueryId;
const workDir = path.join(REPO_ROOT, '.work', `profile-${process.pid}`);
const outDir = path.resolve(values.out, query);
const log = (line: string) => process.stdout.write(`${line}\n`);

rmSync(workDir, { recursive: true, force: true });
mkdirSync(workDir, { recursive: true });
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const stops: Array<() => Promise<void>> = [];
try {
  const tokens = Number(values.tokens);
  const keys = await makeKeys(workDir, tokens);
  const { outDir: server } = prepareTcGen(workDir, keys);
  const pinned = canPin() && pinSelf(1);
  const tool = chooseLoadTool(undefined, log);

  const stub = startPinned(pinned ? 1 : undefined, process.execPath, [
    '--import',
    'tsx',
    'bench/upstream-stub.ts',
  ]);
  stops.push(stub.stop);
  const stubPort = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no stub:\n${stub.output()}`)), 20_000);
    stub.child.stdout?.on('data', () => {
      const m = /\{"port":(\d+)\}/.exec(stub.output());
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });

  const port = await freePort();
  const extraEnv = Object.fromEntries(
    values.env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  const proc = startPinned(
    pinned ? 0 : undefined,
    process.execPath,
    [
      `--cpu-prof`,
      `--cpu-prof-dir=${outDir}`,
      ...positionals,
      path.join(server, 'dist', 'main.js'),
    ],
    {
      cwd: server,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        TC_UPSTREAM_BASE_URL: `http://127.0.0.1:${stubPort}`,
        ...extraEnv,
      },
    },
  );
  stops.unshift(proc.stop);
  await waitForPort(port, proc, performance.now());

  const result = await runLoad(tool, {
    url: `http://127.0.0.1:${port}`,
    body: requestBody(query),
    // Q4 is protected: by default one token, reused (the verified-token cache's best case).
    authorization: query === 'q4' ? keys.bearer.slice(0, tokens) : [],
    connections: Number(values.connections),
    durationS: Number(values.duration),
    expectedLength: Buffer.byteLength(expectedResponse(query)),
    core: pinned ? 1 : undefined,
    scriptPath: path.join(workDir, 'profile.lua'),
  });
  log(
    `${query}: ${Math.round(result.rps)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, ` +
      `p99 ${result.p99Ms.toFixed(2)} ms, errors ${result.errors}, wrong bodies ${result.wrongBodies}`,
  );
  // e.g. with `-- --trace-gc`: what the server printed (its last 64 KB).
  if (values['show-output']) log(proc.output());
  // SIGTERM: the server closes and exits, and node writes the profile on the way out.
  await proc.stop();
  stops.shift();
  const file = readdirSync(outDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written; server output:\n${proc.output()}`);
  log(`profile: ${path.join(outDir, file)}`);
  log(
    execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(REPO_ROOT, 'bench', 'profile-summary.ts'),
        path.join(outDir, file),
        '--top',
        '30',
      ],
      { encoding: 'utf8' },
    ),
  );
} finally {
  for (const stop of stops) await stop();
  rmSync(workDir, { recursive: true, force: true });
}
