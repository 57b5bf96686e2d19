/**
 * A generated server run as an operator runs it: `node dist/main.js` with its environment, its
 * stdout read as pino's JSON lines, signals sent by PID, its exit awaited. Every wait is bounded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

/** One JSON log line; other lines (none are expected) are kept as `{ raw }`. */
export type LogLine = Record<string, unknown>;

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** stdout as lines, parsed. */
  logs(): LogLine[];
  /** stdout and stderr as written. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or signal name) once the process has ended, within `ms`. */
  exit(ms?: number): Promise<string>;
  /** Resolves when a log line matches, within `ms`; rejects with the output otherwise. */
  waitForLog(match: (line: LogLine) => boolean, ms?: number): Promise<LogLine>;
  /** SIGKILL if still running. */
  kill(): void;
}

const WAIT_MS = 15_000;
const POLL_MS = 25;

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');

  return address.port;
}

/** Starts the compiled project in `outDir` on 127.0.0.1 at a free port (PORT may be overridden). */
export async function spawnServer(
  outDir: string,
  env: Readonly<Record<string, string>> = {},
): Promise<ServerProcess> {
  const port = env['PORT'] ?? String(await freePort());
  const child = spawn(process.execPath, [path.join(outDir, 'dist', 'main.js')], {
    cwd: outDir,
    env: { ...process.env, LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env, PORT: port },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let exitCode: string | undefined;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = signal ?? String(code);
      resolve(exitCode);
    });
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));

  const logs = (): LogLine[] =>
    stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        try {
          return JSON.parse(line) as LogLine;
        } catch {
          return { raw: line };
        }
      });
  const output = () => `stdout:\n${stdout}\nstderr:\n${stderr}`;

  return {
    child,
    pid: child.pid ?? -1,
    url: `http://127.0.0.1:${port}`,
    logs,
    stdout: () => stdout,
    stderr: () => stderr,
    exit: async (ms = WAIT_MS) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`server did not exit within ${ms} ms\n${output()}`)),
          ms,
        );
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    waitForLog: async (match, ms = WAIT_MS) => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        const found = logs().find(match);
        if (found) return found;
        if (exitCode !== undefined) break;
        await sleep(POLL_MS);
      }
      throw new Error(`no matching log line within ${ms} ms (exit: ${exitCode})\n${output()}`);
    },
    kill: () => {
      if (exitCode === undefined) child.kill('SIGKILL');
    },
  };
}

/** Waits until `url` answers (any status), within `ms`. */
export async function waitUntilServing(url: string, ms = WAIT_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await sleep(POLL_MS * 4);
    }
  }
  throw new Error(`${url} did not answer within ${ms} ms`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether a process with this PID still exists. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
