/**
 * Issue 6's benchmark: the tc-gen-generated server against a hand-written fastify + mercurius
 * server, a fastify route answering from memory (the Node ceiling) and the real Tailcall, on
 * the same loopback upstream stub, in alternating order over several rounds.
 *
 *     npm run bench                  # full: 3 rounds, 2 s warm-up + 10 s per run (~15 min)
 *     npm run bench -- --quick       # 1 round, 1 s + 2 s per run (under 2 min)
 *     npm run bench -- --smoke       # 1 round, 1 s + 2 s per run, for the test suite
 *     options: --rounds N --duration S --warmup S --connections N --delay-ms N
 *              --contenders tcgen,hand,ceiling,tailcall --load wrk|autocannon --out FILE --keep
 *     npm run bench -- --report bench/results/latest.json   # recompute the tables of a run
 *     levers:  --contenders tcgen,tcgen-nodedupe,tcgen-batch,tcgen-loginfo (config variants)
 *
 * With two cores, the server under test runs on core 0 (`taskset -c 0`), the load generator,
 * the stub and this script on core 1. A run where wrk alone, or wrk and the stub together,
 * used 90% or more of core 1 is flagged load-bound: its requests/s is a lower bound of what
 * the server could do. Each run also records the CPU the server process itself used: well
 * under 100% on a busy machine means other work took the core.
 *
 * Writes the results as JSON (`bench/results/latest.json` for a full run) and Markdown beside it.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, release } from 'node:os';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import {
  CONTENDER_LABELS,
  REPO_ROOT,
  compileContenders,
  isTcGen,
  makeKeys,
  prepareTailcall,
  prepareTcGen,
  startContender,
  tailcallInstalled,
  tcGenBuild,
  type ContenderId,
  type TcGenVariant,
  type Keys,
  type Started,
} from './lib/contenders.ts';
import { expectedResponse, requestBody, type QueryId } from './lib/data.ts';
import { thousandFieldConfig } from './lib/big-config.ts';
import { chooseLoadTool, runLoad, type LoadTool } from './lib/load.ts';
import {
  busyShare,
  canPin,
  coreTimes,
  cpuSeconds,
  peakRss,
  pinSelf,
  resetPeakRss,
  startPinned,
  waitForPort,
  type Pinned,
} from './lib/processes.ts';
import {
  goalTable,
  goals,
  median,
  ratioTable,
  ratios,
  saturationNote,
  summarize,
  summaryTable,
  type Run,
  type ScenarioId,
} from './lib/report.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '100' },
    'delay-ms': { type: 'string', default: '0' },
    contenders: { type: 'string', default: 'tcgen,hand,ceiling,tailcall' },
    load: { type: 'string' },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false },
    report: { type: 'string' },
  },
});

const mode = args.smoke ? 'smoke' : args.quick ? 'quick' : 'full';
const preset = {
  full: { rounds: 3, duration: 10, warmup: 2, readySamples: 5, buildSamples: 3, bigBuildCapS: 300 },
  // The 10 s cap is the goal: a build stopped there has missed it, which is all quick mode needs.
  quick: { rounds: 1, duration: 2, warmup: 1, readySamples: 3, buildSamples: 1, bigBuildCapS: 10 },
  // For the test suite: every scenario answered and timed briefly; the 1,000-field build skipped.
  smoke: { rounds: 1, duration: 2, warmup: 1, readySamples: 1, buildSamples: 1, bigBuildCapS: 0 },
}[mode];
const settings = {
  rounds: Number(args.rounds ?? preset.rounds),
  durationS: Number(args.duration ?? preset.duration),
  warmupS: Number(args.warmup ?? preset.warmup),
  connections: Number(args.connections),
  delayMs: Number(args['delay-ms']),
};
const outFile = path.resolve(
  args.out ??
    path.join(REPO_ROOT, 'bench', 'results', mode === 'full' ? 'latest.json' : `${mode}.json.tmp`),
);
const SERVER_CORE = 0;
const LOAD_CORE = 1;
const DISTINCT_TOKENS = 1000;

interface Scenario {
  id: ScenarioId;
  query: QueryId;
  auth: 'none' | 'one' | 'many';
}

const SCENARIOS: readonly Scenario[] = [
  { id: 'q1', query: 'q1', auth: 'none' },
  { id: 'q2', query: 'q2', auth: 'none' },
  { id: 'q3', query: 'q3', auth: 'none' },
  { id: 'q4-reused', query: 'q4', auth: 'one' },
  { id: 'q4-distinct', query: 'q4', auth: 'many' },
];
/** The ceiling answers from memory: it has nothing to protect. */
const SUPPORTS: Record<ContenderId, (s: Scenario) => boolean> = {
  tcgen: () => true,
  'tcgen-nodedupe': () => true,
  'tcgen-batch': () => true,
  'tcgen-loginfo': () => true,
  hand: () => true,
  ceiling: (s) => s.auth === 'none',
  tailcall: () => true,
};

const log = (line: string) => process.stdout.write(`${line}\n`);
const workDir = path.join(REPO_ROOT, '.work', `bench-${process.pid}`);
const started: Array<Pinned> = [];
const startedAt = new Date().toISOString();
const loadAverageAtStart = loadavg();

/** The commit measured, and whether the compiler, runtime or templates had uncommitted edits. */
function sourceState(): { commit: string; uncommittedFiles: number } {
  const git = (...a: string[]) =>
    spawnSync('git', a, { cwd: REPO_ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
  const dirty = git('status', '--porcelain', '--', 'generator', 'runtime', 'templates');
  return {
    commit: git('rev-parse', '--short', 'HEAD'),
    uncommittedFiles: dirty ? dirty.split('\n').length : 0,
  };
}

interface ContenderState {
  id: ContenderId;
  status: 'ok' | 'skipped' | 'aborted';
  note?: string;
  server?: Started;
}

async function post(url: string, body: string, authorization?: string): Promise<string> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  return `${response.status} ${await response.text()}`;
}

/** Exact answers before any timing; returns why the contender is wrong, or undefined. */
async function checkAnswers(
  c: ContenderState,
  keys: Keys,
  log: (check: { scenario: ScenarioId; ok: boolean; detail: string }) => void,
): Promise<string | undefined> {
  const url = (c.server as Started).url;
  for (const s of SCENARIOS.filter(SUPPORTS[c.id])) {
    const expected = `200 ${expectedResponse(s.query)}`;
    const tokens =
      s.auth === 'none'
        ? [undefined]
        : s.auth === 'one'
          ? [keys.bearer[0]]
          : [keys.bearer[1], keys.bearer[500], keys.bearer[DISTINCT_TOKENS - 1]];
    for (const token of tokens) {
      const got = await post(url, requestBody(s.query), token);
      if (got !== expected) {
        const detail = `${s.id}: expected ${expected.slice(0, 120)}..., got ${got.slice(0, 300)}`;
        log({ scenario: s.id, ok: false, detail });
        return detail;
      }
    }
    if (s.auth !== 'none') {
      // The protection must be real: no token, no data.
      const anonymous = await post(url, requestBody(s.query));
      if (anonymous === expected || !anonymous.includes('"errors"')) {
        const detail = `${s.id}: answered without a token: ${anonymous.slice(0, 200)}`;
        log({ scenario: s.id, ok: false, detail });
        return detail;
      }
    }
    log({ scenario: s.id, ok: true, detail: 'exact' });
  }

  return undefined;
}

const delta = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? undefined : b - a;

async function stubStats(stubUrl: string): Promise<number> {
  const r = await fetch(`${stubUrl}/__stats`);
  const counts = (await r.json()) as Record<string, number>;
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

async function measure(
  tool: LoadTool,
  c: ContenderState,
  s: Scenario,
  round: number,
  keys: Keys,
  stubUrl: string,
  stub: Pinned,
): Promise<Run> {
  const server = c.server as Started;
  const spec = {
    url: server.url,
    body: requestBody(s.query),
    authorization:
      s.auth === 'none'
        ? []
        : s.auth === 'one'
          ? [keys.bearer[0] as string]
          : keys.bearer.slice(0, DISTINCT_TOKENS),
    connections: settings.connections,
    expectedLength: Buffer.byteLength(expectedResponse(s.query)),
    core: canPin() ? LOAD_CORE : undefined,
    scriptPath: path.join(workDir, `load-${s.id}.lua`),
  };
  if (settings.warmupS > 0) await runLoad(tool, { ...spec, durationS: settings.warmupS });

  await fetch(`${stubUrl}/__reset`, { method: 'POST' });
  resetPeakRss(server.proc.pid);
  const serverBefore = coreTimes(SERVER_CORE);
  const loadBefore = coreTimes(LOAD_CORE);
  const serverCpuBefore = cpuSeconds(server.proc.pid);
  const stubCpuBefore = cpuSeconds(stub.pid);
  const result = await runLoad(tool, { ...spec, durationS: settings.durationS });
  const serverCpu = delta(serverCpuBefore, cpuSeconds(server.proc.pid));
  const stubCpu = delta(stubCpuBefore, cpuSeconds(stub.pid));
  const serverAfter = coreTimes(SERVER_CORE);
  const loadAfter = coreTimes(LOAD_CORE);
  const calls = await stubStats(stubUrl);
  // The load side is wrk and the stub, sharing one core; other work on the machine is not ours.
  const loadCpuShare =
    result.cpuSeconds === undefined || stubCpu === undefined
      ? undefined
      : (result.cpuSeconds + stubCpu) / settings.durationS;
  const wrkShare =
    result.cpuSeconds === undefined ? undefined : result.cpuSeconds / settings.durationS;

  return {
    round,
    scenario: s.id,
    contender: c.id,
    rps: result.rps,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    requests: result.requests,
    errors: result.errors,
    wrongBodies: result.wrongBodies,
    peakRssBytes: peakRss(server.proc.pid),
    upstreamCallsPerRequest: result.requests > 0 ? calls / result.requests : undefined,
    serverCpuShare: serverCpu === undefined ? undefined : serverCpu / settings.durationS,
    serverCoreBusy: busyShare(serverBefore, serverAfter),
    loadCoreBusy: busyShare(loadBefore, loadAfter),
    loadCpuShare,
    wrkCpuShare: wrkShare,
    loadBound: (loadCpuShare ?? 0) >= 0.9 || (wrkShare ?? 0) >= 0.9,
  };
}

/** Spawn-to-ready of `samples` cold starts, each stopped before the next. */
async function readyTimes(
  id: ContenderId,
  samples: number,
  ctx: Parameters<typeof startContender>[1],
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const s = await startContender(id, ctx);
    times.push(s.readyMs);
    await s.proc.stop();
  }
  return times;
}

interface BuildTimes {
  docsExampleMs: number[];
  /** One build of the 1,000-field config (none with a cap of 0); `timedOut` when stopped at the cap. */
  thousandFields: { ms: number; timedOut: boolean; capMs: number } | undefined;
}

/**
 * `tc-gen build` of the docs example (`samples` times, each into a fresh folder) and of a
 * 1,000-field config, once: that one is slow enough to be capped in the short modes, where a
 * build stopped at the cap still tells whether the 10 s goal is met.
 */
function buildTimes(samples: number, capS: number): BuildTimes {
  const docs = path.join(REPO_ROOT, 'fixtures', 'jwt-docs', 'config.graphql');
  const docsExampleMs: number[] = [];
  for (let i = 0; i < samples; i++) {
    const docsBuild = tcGenBuild(docs, path.join(workDir, `build-docs-${i}`));
    if (docsBuild.timedOut) throw new Error('tc-gen build of the docs example took over 120 s');
    docsExampleMs.push(docsBuild.ms);
  }
  if (capS <= 0) return { docsExampleMs, thousandFields: undefined };
  const bigDir = path.join(workDir, 'big-config');
  mkdirSync(bigDir, { recursive: true });
  const big = path.join(bigDir, 'config.graphql');
  writeFileSync(big, thousandFieldConfig());
  const capMs = capS * 1000;

  return {
    docsExampleMs,
    thousandFields: { ...tcGenBuild(big, path.join(workDir, 'build-big'), capMs), capMs },
  };
}

async function main(): Promise<void> {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  mkdirSync(path.dirname(outFile), { recursive: true });
  log(
    `tc-gen benchmark (${mode}): ${settings.rounds} round(s), ${settings.warmupS} s warm-up + ` +
      `${settings.durationS} s per run, ${settings.connections} connections, Node ${process.version}, ` +
      `${cpus().length} cores`,
  );

  // Builds first, on both cores: they are a developer's step, not the server's.
  log('timing tc-gen build: the docs example and a 1,000-@http-field config');
  const builds = buildTimes(preset.buildSamples, preset.bigBuildCapS);
  const big = builds.thousandFields;
  log(
    `  docs example ${builds.docsExampleMs.map((m) => m.toFixed(0)).join(', ')} ms; ` +
      `1,000 fields ${!big ? 'not timed in this mode' : big.timedOut ? `over ${big.capMs} ms (stopped)` : `${big.ms.toFixed(0)} ms`}`,
  );

  log(`making a key pair and ${DISTINCT_TOKENS} tokens`);
  const keys = await makeKeys(workDir, DISTINCT_TOKENS);
  const wanted = args.contenders.split(',').map((s) => s.trim()) as ContenderId[];
  for (const id of wanted)
    if (!(id in CONTENDER_LABELS)) throw new Error(`unknown contender '${id}'`);
  log('building and compiling the benchmark config with tc-gen');
  const tcGenOutDirs: Partial<Record<TcGenVariant, string>> = {};
  let tcgen: { buildMs: number; tscMs: number } | undefined;
  for (const variant of wanted.filter(isTcGen)) {
    const prepared = prepareTcGen(workDir, keys, variant);
    tcGenOutDirs[variant] = prepared.outDir;
    tcgen ??= prepared;
    log(
      `  ${variant}: build ${prepared.buildMs.toFixed(0)} ms, tsc ${prepared.tscMs.toFixed(0)} ms`,
    );
  }
  const contendersDir = compileContenders(workDir);

  const busy = loadavg()[0] ?? 0;
  if (busy > 1) {
    log(
      `NOTE: the machine is busy before the runs (load average ${busy.toFixed(1)} on ` +
        `${cpus().length} cores): other work shares both cores, so the figures will be low and noisy`,
    );
  }
  const pinned = canPin() && pinSelf(LOAD_CORE);
  if (!pinned)
    log('NOTE: taskset or a second core is missing: nothing is pinned, results are rough');
  const tool = chooseLoadTool(args.load, log);
  log(`load generator: ${tool}`);

  const stub = startPinned(
    pinned ? LOAD_CORE : undefined,
    process.execPath,
    ['--import', 'tsx', 'bench/upstream-stub.ts', '--delay-ms', String(settings.delayMs)],
    { cwd: REPO_ROOT },
  );
  started.push(stub);
  const stubPort = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the stub did not start:\n${stub.output()}`)),
      20_000,
    );
    stub.child.stdout?.on('data', () => {
      const m = /\{"port":(\d+)\}/.exec(stub.output());
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  const stubUrl = `http://127.0.0.1:${stubPort}`;
  await waitForPort(stubPort, stub, performance.now());

  const contenders: ContenderState[] = wanted.map((id) => ({ id, status: 'ok' }));
  const ctx = {
    core: pinned ? SERVER_CORE : undefined,
    upstream: stubUrl,
    keys,
    tcGenOutDirs,
    contendersDir,
    tailcallConfig: (port: number) => prepareTailcall(workDir, keys, stubUrl, port),
  };
  for (const c of contenders) {
    if (c.id === 'tailcall' && !tailcallInstalled()) {
      c.status = 'skipped';
      c.note = 'Tailcall is not installed (run ../shared/oracle/setup.sh 1.6.14); skipped';
      log(`NOTE: ${c.note}`);
    }
  }

  log('spawn-to-ready (from spawn to the port accepting TCP)');
  const ready: Partial<Record<ContenderId, number[]>> = {};
  for (const c of contenders.filter(
    (c) => c.status === 'ok' && (c.id === 'tcgen' || c.id === 'tailcall'),
  )) {
    ready[c.id] = await readyTimes(c.id, preset.readySamples, ctx);
    log(`  ${CONTENDER_LABELS[c.id]}: ${ready[c.id]?.map((m) => m.toFixed(0)).join(', ')} ms`);
  }

  const correctness: Array<{
    contender: ContenderId;
    scenario: ScenarioId;
    ok: boolean;
    detail: string;
  }> = [];
  for (const c of contenders.filter((c) => c.status === 'ok')) {
    try {
      c.server = await startContender(c.id, ctx);
      started.push(c.server.proc);
    } catch (error) {
      c.status = 'aborted';
      c.note = `did not start: ${error instanceof Error ? error.message : String(error)}`;
      log(`ABORTED ${CONTENDER_LABELS[c.id]}: ${c.note}`);
      continue;
    }
    const wrong = await checkAnswers(c, keys, (check) =>
      correctness.push({ contender: c.id, ...check }),
    );
    if (wrong) {
      c.status = 'aborted';
      c.note = `wrong answer, not timed: ${wrong}`;
      log(`ABORTED ${CONTENDER_LABELS[c.id]}: ${c.note}`);
      await c.server.proc.stop();
    } else {
      log(`  ${CONTENDER_LABELS[c.id]} answers every scenario exactly`);
    }
  }

  const runs: Run[] = [];
  const active = contenders.filter((c) => c.status === 'ok');
  for (let round = 1; round <= settings.rounds; round++) {
    log(`round ${round}/${settings.rounds}`);
    for (const [si, s] of SCENARIOS.entries()) {
      if (tool === 'autocannon' && s.auth === 'many') {
        // Its command line sends one fixed set of headers: it cannot cycle tokens.
        if (round === 1) log(`NOTE: ${s.id} needs wrk (cycling 1,000 tokens); skipped`);
        continue;
      }
      const here = active.filter((c) => SUPPORTS[c.id](s));
      // Rotate the order by round and scenario, so no contender always goes first.
      const shift = (round + si) % Math.max(1, here.length);
      for (const c of [...here.slice(shift), ...here.slice(0, shift)]) {
        if (c.server?.proc.exited() !== undefined) {
          throw new Error(
            `${CONTENDER_LABELS[c.id]} exited (${c.server?.proc.exited()}):\n${c.server?.proc.output()}`,
          );
        }
        const run = await measure(tool, c, s, round, keys, stubUrl, stub);
        runs.push(run);
        log(
          `  ${s.id.padEnd(11)} ${CONTENDER_LABELS[c.id].padEnd(22)} ${Math.round(run.rps).toString().padStart(7)} req/s` +
            `  p50 ${run.p50Ms.toFixed(2)} ms  p99 ${run.p99Ms.toFixed(2)} ms` +
            `  rss ${((run.peakRssBytes ?? 0) / 2 ** 20).toFixed(0)} MB` +
            `  calls/req ${run.upstreamCallsPerRequest?.toFixed(2) ?? '-'}` +
            `  server cpu ${Math.round((run.serverCpuShare ?? 0) * 100)}%` +
            `  load cpu ${Math.round((run.loadCpuShare ?? 0) * 100)}%` +
            `  cores ${Math.round((run.serverCoreBusy ?? 0) * 100)}/${Math.round((run.loadCoreBusy ?? 0) * 100)}%` +
            (run.errors ? `  ERRORS ${run.errors}` : '') +
            (run.wrongBodies > 0 ? `  WRONG BODIES ${run.wrongBodies}` : '') +
            (run.loadBound ? '  (load-bound)' : ''),
        );
      }
    }
  }

  const summary = summarize(runs);
  const rs = ratios(runs);
  const readyTcGen = median(ready.tcgen ?? []);
  const gs = goals({
    ratios: rs,
    summary,
    readyMedianMs: readyTcGen,
    thousandFieldBuild: builds.thousandFields,
  });

  const result = {
    schema: 1,
    mode,
    startedAt,
    finishedAt: new Date().toISOString(),
    command: [
      'npm run bench',
      ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : []),
    ].join(' '),
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      kernel: release(),
      pinned,
      serverCore: pinned ? SERVER_CORE : undefined,
      loadCore: pinned ? LOAD_CORE : undefined,
      loadTool: tool,
      // Other work on the machine shows here: the runs share it.
      loadAverageAtStart,
      loadAverageAtEnd: loadavg(),
    },
    source: sourceState(),
    settings,
    contenders: contenders.map((c) => ({
      id: c.id,
      label: CONTENDER_LABELS[c.id],
      status: c.status,
      ...(c.note ? { note: c.note } : {}),
    })),
    scenarios: SCENARIOS.map((s) => ({ id: s.id, query: requestBody(s.query), auth: s.auth })),
    correctness,
    buildTimes: {
      docsExampleMs: builds.docsExampleMs,
      docsExampleMedianMs: median(builds.docsExampleMs),
      thousandFields: builds.thousandFields,
      benchConfigBuildMs: tcgen?.buildMs,
      benchConfigTscMs: tcgen?.tscMs,
    },
    spawnToReadyMs: Object.fromEntries(
      Object.entries(ready).map(([id, xs]) => [
        id,
        { samples: xs, median: median(xs ?? []), max: Math.max(...(xs ?? [])) },
      ]),
    ),
    runs,
    summary,
    ratios: rs,
    goals: gs,
  };
  writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
  const markdown = renderMarkdown(summary, rs, gs);
  writeFileSync(outFile.replace(/\.json(\.tmp)?$/, '.md$1'), `${markdown}\n`);

  log('');
  log(markdown);
  log('');
  for (const c of contenders.filter((c) => c.status !== 'ok'))
    log(`${CONTENDER_LABELS[c.id]}: ${c.status}: ${c.note}`);
  log(`wrote ${path.relative(process.cwd(), outFile)}`);
}

/**
 * `--report FILE`: recomputes the summary, ratios and goals of a results file from its runs
 * (after a change to how they are computed), rewrites it and its Markdown, and prints the tables.
 */
function rereport(file: string): void {
  const result = JSON.parse(readFileSync(file, 'utf8')) as {
    runs: Run[];
    spawnToReadyMs: Partial<Record<ContenderId, { median: number }>>;
    buildTimes: { thousandFields?: { ms: number; timedOut: boolean; capMs: number } };
    summary: unknown;
    ratios: unknown;
    goals: unknown;
  };
  const summary = summarize(result.runs);
  const rs = ratios(result.runs);
  const gs = goals({
    ratios: rs,
    summary,
    readyMedianMs: result.spawnToReadyMs.tcgen?.median,
    thousandFieldBuild: result.buildTimes.thousandFields,
  });
  Object.assign(result, { summary, ratios: rs, goals: gs });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  const markdown = renderMarkdown(summary, rs, gs);
  writeFileSync(file.replace(/\.json(\.tmp)?$/, '.md$1'), `${markdown}\n`);
  log(markdown);
}

function renderMarkdown(
  summary: ReturnType<typeof summarize>,
  rs: ReturnType<typeof ratios>,
  gs: ReturnType<typeof goals>,
): string {
  const note = saturationNote(summary);
  return [
    summaryTable(summary),
    ...(note ? ['', note] : []),
    '',
    ratioTable(rs),
    '',
    goalTable(gs),
  ].join('\n');
}

if (args.report) {
  rereport(path.resolve(args.report));
  process.exit(0);
}

try {
  await main();
} finally {
  for (const p of started.reverse()) await p.stop();
  if (!args.keep) rmSync(workDir, { recursive: true, force: true });
}
