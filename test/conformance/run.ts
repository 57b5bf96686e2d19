/**
 * Runs conformance case files through the real path: tc-gen builds the
 * config, the generated server starts with node, a loopback mock serves the
 * upstream calls (as the server's HTTP proxy), the requests are sent over
 * HTTP and status, headers, bodies and upstream hit counts are compared; then
 * every request is sent once more and must get the same answer.
 *
 *     npm run conformance -- DIR [--only NAME,...] [--jobs N] [--verbose]
 *
 * The last line is `conformance: N passed, M failed, K skipped`; the exit
 * code is 1 when any case failed.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { buildASTSchema, lexicographicSortSchema, parse, printSchema } from 'graphql';

import { analyze, build } from '../../generator/compiler.ts';
import type { ConformanceCase, ExpectedResponse } from './case-file.ts';
import { canonical, sameJson } from './compare.ts';
import { DEVIATIONS } from './deviations.ts';
import { startMockUpstream } from './mock-upstream.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORK = path.join(ROOT, '.work', 'conformance');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs');

const START_TIMEOUT_MS = 20_000;
const REQUEST_TIMEOUT_MS = 10_000;

export interface CaseResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  details: string[];
}

export async function runCase(file: string): Promise<CaseResult> {
  const testCase = JSON.parse(await readFile(file, 'utf8')) as ConformanceCase;
  const name = testCase.name;

  const dir = path.join(WORK, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  // The mock speaks plain HTTP; https upstream URLs are served by it as http.
  await writeFile(
    path.join(dir, 'config.graphql'),
    testCase.config.replaceAll('https://', 'http://'),
  );
  for (const [fileName, text] of Object.entries(testCase.files ?? {})) {
    await mkdir(path.dirname(path.join(dir, fileName)), { recursive: true });
    await writeFile(path.join(dir, fileName), text);
  }

  try {
    switch (testCase.kind) {
      case 'validation-error':
        return await validationCase(testCase, dir);
      case 'schema-only':
        return await schemaCase(testCase, dir);
      case 'execution':
        return await executionCase(testCase, dir);
    }
  } catch (error) {
    return {
      name,
      status: 'failed',
      details: [`runner error: ${(error as Error).stack ?? String(error)}`],
    };
  }
}

async function validationCase(testCase: ConformanceCase, dir: string): Promise<CaseResult> {
  const result = await analyze(path.join(dir, 'config.graphql'), dir);
  const actual = result.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.message} [at ${d.trace ?? ''}]`);
  const expected = (testCase.expectedErrors ?? []).map(
    (e) => `${e.message} [at ${e.trace.join('.')}]`,
  );
  const missing = expected.filter((e) => !actual.includes(e));
  const extra = actual.filter((a) => !expected.includes(a));
  if (result.plan || missing.length > 0 || extra.length > 0) {
    return {
      name: testCase.name,
      status: 'failed',
      details: [
        ...(result.plan ? ['the config was accepted'] : []),
        ...missing.map((m) => `missing error: ${m}`),
        ...extra.map((e) => `unexpected error: ${e}`),
      ],
    };
  }
  return { name: testCase.name, status: 'passed', details: [] };
}

function normalizeSchema(sdl: string): string {
  return printSchema(lexicographicSortSchema(buildASTSchema(parse(sdl), { assumeValidSDL: true })));
}

async function schemaCase(testCase: ConformanceCase, dir: string): Promise<CaseResult> {
  const result = await build(path.join(dir, 'config.graphql'), undefined, dir);
  if (!result.plan || !result.files) {
    return {
      name: testCase.name,
      status: 'failed',
      details: result.diagnostics.map((d) => `${d.code} ${d.message} [at ${d.trace ?? ''}]`),
    };
  }
  const actual = normalizeSchema(result.files.get('schema.graphql') ?? '');
  const expected = normalizeSchema(testCase.clientSchema ?? '');
  if (actual !== expected) {
    return {
      name: testCase.name,
      status: 'failed',
      details: [`schema differs:\n--- expected\n${expected}\n--- actual\n${actual}`],
    };
  }
  return { name: testCase.name, status: 'passed', details: [] };
}

async function executionCase(testCase: ConformanceCase, dir: string): Promise<CaseResult> {
  const details: string[] = [];
  const out = path.join(dir, 'out');
  const result = await build(path.join(dir, 'config.graphql'), out, dir);
  if (!result.plan) {
    return {
      name: testCase.name,
      status: 'failed',
      details: result.diagnostics.map((d) => `${d.code} ${d.message} [at ${d.trace ?? ''}]`),
    };
  }

  const deviation = DEVIATIONS[testCase.name];
  const mock = await startMockUpstream(testCase.mocks ?? []);
  const server = await startServer(out, { ...testCase.env, TC_UPSTREAM_PROXY: mock.url });
  try {
    for (const [index, request] of (testCase.requests ?? []).entries()) {
      const expected = testCase.expected?.[index];
      if (!expected) continue;
      const concurrency = request.concurrency ?? 1;
      const responses = await Promise.all(
        Array.from({ length: concurrency }, () => send(server.url, request)),
      );
      const ours = deviation?.bodies?.[index];
      for (const response of responses) {
        details.push(...compareResponse(index, response, expected, ours));
      }
      if (new Set(responses.map((r) => r.text)).size > 1)
        details.push(`request ${index}: concurrent responses differ`);
    }

    for (const [index, mockEntry] of (testCase.mocks ?? []).entries()) {
      if (mockEntry.assertHits === false) continue;
      const expectedHits = deviation?.hits?.[index] ?? mockEntry.expectedHits ?? 1;
      if (mock.hits[index] !== expectedHits) {
        details.push(
          `mock ${index} (${mockEntry.request.url}): expected ${expectedHits} hits, got ${mock.hits[index]}`,
        );
      }
    }
    if (details.length > 0 && mock.unmatched.length > 0) {
      details.push(...mock.unmatched.map((u) => `unmatched upstream request: ${u}`));
    }

    // Every request again, one at a time: now that the server has seen each body, some are
    // answered from remembered answers or parsed bodies (`shareAnswers`), which must not
    // change a byte of what the client gets.
    if (details.length === 0) {
      for (const [index, request] of (testCase.requests ?? []).entries()) {
        const expected = testCase.expected?.[index];
        if (!expected) continue;
        const response = await send(server.url, request);
        for (const problem of compareResponse(index, response, expected, deviation?.bodies?.[index]))
          details.push(`replayed ${problem}`);
      }
    }
  } finally {
    await server.stop();
    await mock.close();
  }

  if (details.length > 0 && process.env['CONFORMANCE_LOGS'])
    details.push(`server output:\n${server.output()}`);
  return { name: testCase.name, status: details.length === 0 ? 'passed' : 'failed', details };
}

interface Sent {
  status: number;
  headers: Headers;
  text: string;
}

async function send(
  base: string,
  request: NonNullable<ConformanceCase['requests']>[number],
): Promise<Sent> {
  const target = new URL(request.url);
  const method = request.method ?? 'POST';
  // A GET carries no body (fetch refuses one); its query, if any, is in the URL.
  const body =
    method === 'GET'
      ? undefined
      : (request.textBody ??
        (request.body === undefined ? undefined : JSON.stringify(request.body)));
  const headers: Record<string, string> = { ...(request.headers ?? {}) };
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${base}${target.pathname}${target.search}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function compareResponse(
  index: number,
  response: Sent,
  expected: ExpectedResponse,
  ours: unknown,
): string[] {
  const problems: string[] = [];
  if (response.status !== expected.status)
    problems.push(`request ${index}: status ${response.status}, expected ${expected.status}`);
  for (const [name, value] of Object.entries(expected.headers ?? {})) {
    const actual = response.headers.get(name);
    if (actual !== value)
      problems.push(
        `request ${index}: header ${name} is ${JSON.stringify(actual)}, expected ${JSON.stringify(value)}`,
      );
  }
  let body: unknown = null;
  try {
    body = response.text === '' ? null : JSON.parse(response.text);
  } catch {
    body = null;
  }
  const tags = new Set(expected.engineSpecific ?? []);
  const wanted = relax(ours === undefined ? expected.body : ours, tags);
  if (!sameJson(relax(body, tags), wanted)) {
    problems.push(
      `request ${index}: body\n    actual:   ${canonical(body)}\n    expected: ${canonical(wanted)}`,
    );
  }
  return problems;
}

/** Tags whose part of an error is the executor's own wording, not behaviour. */
const MESSAGE_TAGS = [
  'graphql-parse-error-text',
  'non-null-violation-nulls-data',
  'upstream-http-error-text',
  'custom-scalar-output-validation',
  'input-resolution-error-text',
];

/**
 * Drops, on both sides, what an `engineSpecific` tag says is Tailcall's executor speaking
 * rather than behaviour: the wording of some messages, error locations and paths, and the
 * order of introspection lists.
 */
function relax(body: unknown, tags: ReadonlySet<string>): unknown {
  if (tags.size === 0 || body === null || typeof body !== 'object') return body;
  const copy = structuredClone(body) as { errors?: Record<string, unknown>[] };
  for (const error of copy.errors ?? []) {
    if (MESSAGE_TAGS.some((t) => tags.has(t))) delete error['message'];
    if (tags.has('error-locations-path')) {
      delete error['locations'];
      delete error['path'];
    }
  }
  return tags.has('introspection') ? sortLists(copy) : copy;
}

function sortLists(value: unknown): unknown {
  if (Array.isArray(value))
    return value.map(sortLists).sort((a, b) => (canonical(a) < canonical(b) ? -1 : 1));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sortLists(v)]));
}

interface Server {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

async function startServer(out: string, env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, ['--import', TSX, path.join(out, 'src', 'main.ts')], {
    cwd: out,
    env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start within ${START_TIMEOUT_MS} ms\n${output}`)),
      START_TIMEOUT_MS,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code}\n${output}`));
    });
  });

  return {
    url,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 3_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/**
 * With `--baseline FILE`: the cases known to fail today, each with its reason. The run fails on
 * any other failure, and also when a listed case passes (the list must shrink with the code).
 */
async function compareWithBaseline(file: string, results: readonly CaseResult[]): Promise<number> {
  const { failing } = JSON.parse(await readFile(file, 'utf8')) as {
    failing: Record<string, string>;
  };
  const problems: string[] = [];
  for (const result of results) {
    const listed = Object.hasOwn(failing, result.name);
    if (result.status === 'failed' && !listed)
      problems.push(`${result.name} fails and is not in the baseline`);
    if (result.status === 'passed' && listed)
      problems.push(`${result.name} passes now: remove it from the baseline`);
  }
  for (const problem of problems) process.stdout.write(`BASELINE ${problem}\n`);
  return problems.length > 0 ? 1 : 0;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      only: { type: 'string' },
      jobs: { type: 'string', default: '2' },
      verbose: { type: 'boolean', default: false },
      baseline: { type: 'string' },
    },
  });
  const dir = positionals[0];
  if (!dir) {
    process.stderr.write(
      'usage: npm run conformance -- DIR [--only NAME,...] [--jobs N] [--verbose] [--baseline FILE]\n',
    );
    return 2;
  }
  const only = values.only?.split(',');
  const files = (await readdir(dir))
    .filter((f) => f.endsWith('.json'))
    .filter((f) => !only || only.includes(f.replace(/\.json$/, '')))
    .sort()
    .map((f) => path.join(dir, f));

  const results: CaseResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++] as string;
      const result = await runCase(file);
      results.push(result);
      const label =
        result.status === 'passed' ? 'PASS' : result.status === 'failed' ? 'FAIL' : 'SKIP';
      const detail =
        result.status === 'failed' || values.verbose || result.status === 'skipped'
          ? result.details
          : [];
      process.stdout.write(
        `${label} ${result.name}${detail.length ? `\n  ${detail.join('\n  ')}` : ''}\n`,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Number(values.jobs)) }, worker));

  const count = (status: CaseResult['status']) => results.filter((r) => r.status === status).length;
  const code = values.baseline
    ? await compareWithBaseline(values.baseline, results)
    : count('failed') > 0
      ? 1
      : 0;
  process.stdout.write(
    `conformance: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped\n`,
  );
  return code;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
