/**
 * Runs a config through the whole product, as a user would: tc-gen builds a project, tsc
 * compiles it under the project's own strict tsconfig, and `node dist/main.js` serves it.
 *
 * Projects are written under `<repo>/.work/` (gitignored) so that Node resolves fastify,
 * mercurius and `@tc-gen/runtime` from the repo's node_modules without an `npm install`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from '../../generator/compiler.ts';
import { formatDiagnostic } from '../../generator/diagnostics.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORK_ROOT = path.join(REPO_ROOT, '.work');
const TSC = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

const TSC_TIMEOUT_MS = 120_000;
const LISTEN_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
const LISTENING = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/;

export interface ProjectSource {
  /** A folder holding `config.graphql` and the files it links. */
  configDir?: string;
  /** Or the files themselves (`config.graphql` among them), written to a fresh folder. */
  files?: Readonly<Record<string, string>>;
}

export interface CompiledProject {
  /** The generated project folder; `dist/main.js` is the compiled entry. */
  outDir: string;
  /** Generated file paths, relative to `outDir`. */
  files: readonly string[];
  /** Deletes everything this project wrote under `.work/`. */
  remove(): Promise<void>;
}

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`; GraphQL is at `${url}/graphql`. */
  url: string;
  outDir: string;
  /** Everything the server printed so far, for failure messages. */
  output(): string;
  /** Exit code or signal once the process ended unasked, else undefined. */
  exited(): string | undefined;
  /** Stops the server (SIGTERM, then SIGKILL after a bound) and waits for it to exit. */
  stop(): Promise<void>;
}

export interface StartOptions extends ProjectSource {
  /**
   * Extra environment for the server; PORT=0 and HOST=127.0.0.1 are set already. LOG_LEVEL
   * must stay `info` or lower: the listening line the start waits for is an info log.
   */
  env?: Readonly<Record<string, string>>;
}

/**
 * Builds the config in-process, compiles the project with tsc and starts it. Throws with the
 * formatted diagnostics, tsc's output or the server's output when a step fails. `stop()` also
 * deletes the project.
 */
export async function buildCompileAndStart(options: StartOptions): Promise<RunningServer> {
  const project = await buildAndCompile(options);
  let server: RunningServer;
  try {
    server = await startServer(project.outDir, options.env ?? {});
  } catch (error) {
    await project.remove();
    throw error;
  }

  return {
    ...server,
    stop: async () => {
      await server.stop();
      await project.remove();
    },
  };
}

/**
 * Runs `build()` into a fresh folder under `.work/` and compiles the result with the repo's tsc.
 * Any diagnostic, even a warning, fails: the configs used here are meant to be clean.
 */
export async function buildAndCompile(source: ProjectSource): Promise<CompiledProject> {
  const root = path.join(WORK_ROOT, `e2e-${process.pid}-${randomBytes(4).toString('hex')}`);
  const remove = () => rm(root, { recursive: true, force: true });
  const configDir = await configFolder(source, root);
  const outDir = path.join(root, 'server');

  try {
    const result = await build(path.join(configDir, 'config.graphql'), outDir);
    // N+1 is a cost warning; fixtures make one call per item on purpose to test those calls.
    const reported = result.diagnostics.filter((d) => d.code !== 'TCG_N_PLUS_ONE');
    if (reported.length > 0 || !result.files) {
      const file = result.file;
      const text = reported
        .map((d) =>
          formatDiagnostic(d, {
            sourceLine: (name, line) =>
              file && name === file.displayName ? file.lineText(line) : undefined,
          }),
        )
        .join('\n');
      throw new Error(
        `tc-gen build reported diagnostics:\n${text || '(none, but no files were generated)'}`,
      );
    }

    const tsc = await run(
      process.execPath,
      [TSC, '-p', path.join(outDir, 'tsconfig.json')],
      TSC_TIMEOUT_MS,
    );
    if (tsc.code !== 0 || tsc.output !== '') {
      throw new Error(`tsc failed on the generated project (exit ${tsc.code}):\n${tsc.output}`);
    }

    return { outDir, files: [...result.files.keys()], remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** Starts `node dist/main.js` of a compiled project on a free loopback port. */
export async function startServer(
  outDir: string,
  env: Readonly<Record<string, string>>,
): Promise<RunningServer> {
  const child = spawn(process.execPath, [path.join(outDir, 'dist', 'main.js')], {
    cwd: outDir,
    env: { ...process.env, LOG_LEVEL: 'info', ...env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exit: string | undefined;
  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = signal ?? String(code);
      resolve();
    });
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  // Should the test process end without stop(), the server must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));

  const stop = async () => {
    if (exit !== undefined || stopping) return exited;
    stopping = true;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  let url: string;
  try {
    url = await waitForListening(
      child,
      (chunk) => (output += chunk),
      () => output,
    );
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    outDir,
    output: () => output,
    exited: () => (stopping ? undefined : exit),
    stop,
  };
}

/** The result of one GraphQL POST. `text` is the raw body, for exact comparisons. */
export interface GraphQLResponse {
  status: number;
  body: unknown;
  text: string;
}

/** A GraphQL request body; a bare string is `{ query }`. */
export interface GraphQLRequest {
  query: string;
  operationName?: string;
  variables?: Record<string, unknown>;
}

/** POSTs the request as JSON to `${url}/graphql`. */
export async function graphql(
  url: string,
  request: string | GraphQLRequest,
  headers: Readonly<Record<string, string>> = {},
): Promise<GraphQLResponse> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(typeof request === 'string' ? { query: request } : request),
    signal: AbortSignal.timeout(10_000),
  });

  return readResponse(response);
}

/** Reads a response of the GraphQL endpoint, whatever the method that got it. */
export async function readResponse(response: Response): Promise<GraphQLResponse> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    body = undefined;
  }

  return { status: response.status, body, text };
}

async function configFolder(source: ProjectSource, root: string): Promise<string> {
  if (source.configDir !== undefined) return source.configDir;
  if (source.files === undefined) throw new TypeError('give either configDir or files');

  const dir = path.join(root, 'config');
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(source.files)) {
    await writeFile(path.join(dir, name), text);
  }

  return dir;
}

/** Resolves with the listening URL from the server's JSON log, or rejects on exit or timeout. */
function waitForListening(
  child: ChildProcess,
  record: (chunk: string) => void,
  output: () => string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let pending = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`generated server ${why}; its output:\n${output()}`));
    };
    const timer = setTimeout(
      () => fail(`did not listen within ${LISTEN_TIMEOUT_MS} ms`),
      LISTEN_TIMEOUT_MS,
    );
    child.once('exit', (code, signal) => fail(`exited (${signal ?? code}) before listening`));
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      record(chunk);
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const url = listeningUrl(line);
        if (url !== undefined) {
          clearTimeout(timer);
          resolve(url);
        }
      }
    });
  });
}

function listeningUrl(line: string): string | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
  const msg = (entry as { msg?: unknown } | null)?.msg;

  return typeof msg === 'string' ? LISTENING.exec(msg)?.[1] : undefined;
}

function run(
  command: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: REPO_ROOT, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}
