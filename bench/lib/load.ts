/**
 * The load generator: wrk (Debian package, installed with apt-get when missing), or autocannon
 * from npm when wrk cannot be had. Either sends one GraphQL POST over many keep-alive
 * connections and reports requests/s, p50/p99 latency, errors and how many answers had the
 * wrong length (wrk only: its Lua `response` hook sees every body).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { cpuSeconds, startPinned } from './processes.ts';

export interface LoadSpec {
  url: string;
  body: string;
  /** `Authorization` values: none, one reused, or many cycled in order. */
  authorization: readonly string[];
  connections: number;
  durationS: number;
  /** Every answer must be HTTP 200 with this many bytes. */
  expectedLength: number;
  core: number | undefined;
  /** Where to write the wrk script. */
  scriptPath: string;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Socket errors, timeouts and non-2xx answers. */
  errors: number;
  /** 200 answers whose body length differs from the expected one (wrk only; else -1). */
  wrongBodies: number;
  /** CPU seconds the load generator itself used. */
  cpuSeconds: number | undefined;
}

export type LoadTool = 'wrk' | 'autocannon';

/** wrk when it is on the PATH or apt-get can install it; else autocannon (through npx). */
export function chooseLoadTool(forced: string | undefined, log: (line: string) => void): LoadTool {
  if (forced === 'autocannon') return 'autocannon';
  if (spawnSync('wrk', ['--version']).error === undefined) return 'wrk';

  log('wrk is missing: apt-get install -y wrk');
  const install = spawnSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'ignore' });
  if (install.status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'ignore' });
    spawnSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'ignore' });
  }
  if (spawnSync('wrk', ['--version']).error === undefined) return 'wrk';

  log('wrk could not be installed; falling back to autocannon from npm (npx autocannon@9)');
  return 'autocannon';
}

const luaString = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** A wrk script: the request (cycling Authorization values when given many), body checks, JSON out. */
export function wrkScript(spec: LoadSpec): string {
  const lines = [
    'wrk.method = "POST"',
    `wrk.body = ${luaString(spec.body)}`,
    'wrk.headers["Content-Type"] = "application/json"',
  ];
  if (spec.authorization.length === 1) {
    lines.push(`wrk.headers["Authorization"] = ${luaString(spec.authorization[0] as string)}`);
  } else if (spec.authorization.length > 1) {
    lines.push(
      'local tokens = {',
      ...spec.authorization.map((a) => `  ${luaString(a)},`),
      '}',
      // Whole requests made once per thread: request() only picks the next one.
      'local requests = {}',
      'init = function(args)',
      '  for n, token in ipairs(tokens) do',
      '    requests[n] = wrk.format(nil, nil,',
      '      { ["Content-Type"] = "application/json", ["Authorization"] = token }, nil)',
      '  end',
      'end',
      'local i = 0',
      'request = function()',
      '  i = i % #requests + 1',
      '  return requests[i]',
      'end',
    );
  }
  lines.push(
    `local expected = ${spec.expectedLength}`,
    'wrong = 0',
    'response = function(status, headers, body)',
    '  if status == 200 and #body ~= expected then wrong = wrong + 1 end',
    'end',
    'local threads = {}',
    'setup = function(thread) table.insert(threads, thread) end',
    'done = function(summary, latency, requests)',
    '  local w = 0',
    '  for _, t in ipairs(threads) do w = w + t:get("wrong") end',
    '  local e = summary.errors',
    '  io.write(string.format(',
    '    "WRK_JSON {\\"requests\\":%d,\\"durationUs\\":%d,\\"errors\\":%d,\\"p50Us\\":%d,\\"p99Us\\":%d,\\"wrong\\":%d}\\n",',
    '    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,',
    '    latency:percentile(50), latency:percentile(99), w))',
    'end',
  );

  return `${lines.join('\n')}\n`;
}

/** Runs one load period and parses its result. Throws when the tool fails or prints nothing. */
export async function runLoad(tool: LoadTool, spec: LoadSpec): Promise<LoadResult> {
  return tool === 'wrk' ? runWrk(spec) : runAutocannon(spec);
}

async function runWrk(spec: LoadSpec): Promise<LoadResult> {
  writeFileSync(spec.scriptPath, wrkScript(spec));
  const args = [
    '-t1',
    `-c${spec.connections}`,
    `-d${spec.durationS}s`,
    '--timeout',
    '10s',
    '-s',
    spec.scriptPath,
    `${spec.url}/graphql`,
  ];
  const { output, cpu } = await runToEnd(spec.core, 'wrk', args, spec.durationS);
  const line = /WRK_JSON (\{.*\})/.exec(output)?.[1];
  if (!line) throw new Error(`wrk printed no result:\n${output}`);
  const r = JSON.parse(line) as {
    requests: number;
    durationUs: number;
    errors: number;
    p50Us: number;
    p99Us: number;
    wrong: number;
  };

  return {
    requests: r.requests,
    rps: r.requests / (r.durationUs / 1e6),
    p50Ms: r.p50Us / 1000,
    p99Ms: r.p99Us / 1000,
    errors: r.errors,
    wrongBodies: r.wrong,
    cpuSeconds: cpu,
  };
}

async function runAutocannon(spec: LoadSpec): Promise<LoadResult> {
  if (spec.authorization.length > 1) {
    throw new Error('the autocannon fallback sends one Authorization value only');
  }
  const bodyPath = path.join(path.dirname(spec.scriptPath), 'autocannon-body.json');
  writeFileSync(bodyPath, spec.body);
  const args = [
    '--yes',
    'autocannon@9',
    '--json',
    '-c',
    String(spec.connections),
    '-d',
    String(spec.durationS),
    '-m',
    'POST',
    '-H',
    'content-type=application/json',
    ...(spec.authorization.length === 1 ? ['-H', `authorization=${spec.authorization[0]}`] : []),
    '-i',
    bodyPath,
    `${spec.url}/graphql`,
  ];
  const { output, cpu } = await runToEnd(spec.core, 'npx', args, spec.durationS + 60);
  const start = output.indexOf('{"');
  if (start < 0) throw new Error(`autocannon printed no result:\n${output}`);
  const r = JSON.parse(output.slice(start, output.lastIndexOf('}') + 1)) as {
    requests: { total: number; average: number };
    latency: { p50: number; p99: number };
    errors: number;
    timeouts: number;
    non2xx: number;
    duration: number;
  };

  return {
    requests: r.requests.total,
    rps: r.requests.total / r.duration,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
    wrongBodies: -1,
    cpuSeconds: cpu,
  };
}

/** Runs a command pinned to `core` to its end, bounded by its own duration plus a margin. */
async function runToEnd(
  core: number | undefined,
  command: string,
  args: readonly string[],
  durationS: number,
): Promise<{ output: string; cpu: number | undefined }> {
  const proc = startPinned(core, command, args);
  proc.child.stdin?.end();
  const bound = setTimeout(() => void proc.stop(), (durationS + 30) * 1000);
  let cpu: number | undefined;
  // /proc forgets a process once it is reaped: keep the latest reading (every 50 ms).
  const sampler = setInterval(() => {
    cpu = cpuSeconds(proc.pid) ?? cpu;
  }, 50);
  await new Promise<void>((resolve) => {
    if (proc.exited() !== undefined) resolve();
    else proc.child.once('exit', () => resolve());
  });
  clearInterval(sampler);
  clearTimeout(bound);
  if (proc.exited() !== '0')
    throw new Error(`${command} exited ${proc.exited()}:\n${proc.output()}`);

  return { output: proc.output(), cpu };
}
