import cluster, { type Worker } from 'node:cluster';
import { hostname } from 'node:os';

import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';

import type { LogLevel } from './server-env.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const IDLE_SWEEP_MS = 100;

/**
 * Graceful shutdown: on the first SIGINT or SIGTERM the server stops accepting connections,
 * lets the requests in flight finish, closes the upstream pools (the app's onClose hooks) and
 * the process exits 0. Requests still running after `timeoutMs` have their connections closed
 * and the process exits 1. Either way the last log lines get at most `LOG_DRAIN_MS` to reach
 * stdout (see `exitAfterLogs`). Later signals change nothing: under a cluster a worker gets
 * Ctrl-C from the terminal and again from the primary.
 */
export function stopOnSignals(app: FastifyInstance, timeoutMs: number): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal, timeoutMs }, 'shutting down');

    let exiting = false;
    const exit = (code: number) => {
      if (exiting) return;
      exiting = true;
      clearTimeout(timer);
      exitAfterLogs(app, code);
    };
    const timer = setTimeout(() => {
      app.log.warn({ timeoutMs }, 'requests still running at the shutdown timeout; cutting them');
      app.server.closeAllConnections();
      exit(1);
    }, timeoutMs);
    // fastify closes the connections idle when it starts closing; a keep-alive connection that
    // becomes idle later, once its request has been answered, is closed by this sweep.
    setInterval(() => app.server.closeIdleConnections(), IDLE_SWEEP_MS).unref();
    app.close().then(
      () => {
        app.log.info('stopped');
        exit(0);
      },
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  for (const signal of SIGNALS) process.on(signal, stop);
}

/** Longest wait for the last log lines to reach stdout once the server has stopped. */
const LOG_DRAIN_MS = 1_000;

/** The methods of pino's stdout stream (sonic-boom) that a bounded exit uses. */
interface LogStream {
  end(): void;
  destroy(): void;
  once(event: 'close' | 'error', listener: () => void): unknown;
}

/**
 * Exits once the log lines written so far are on stdout, or after `LOG_DRAIN_MS` without them.
 * A plain `process.exit` is not enough: pino writes its queued lines synchronously at exit and
 * retries a failed write forever, so a line queued when stdout is a closed pipe (`server | head`)
 * or a reader that stopped reading would keep the process alive for good, the shutdown timer
 * included. Ending the stream first writes the queue while the event loop runs; a write error
 * (EPIPE) or the wait running out ends the wait, and destroying the stream drops what is left,
 * so nothing is written at exit.
 */
function exitAfterLogs(app: FastifyInstance, code: number): void {
  const stream = logStream(app);
  if (stream === undefined) process.exit(code);

  const exit = () => {
    try {
      stream.destroy();
    } finally {
      process.exit(code);
    }
  };
  stream.once('close', exit);
  stream.once('error', exit);
  setTimeout(exit, LOG_DRAIN_MS);
  try {
    stream.end();
  } catch {
    exit();
  }
}

/** pino's destination stream, unless the app was given a logger without one. */
function logStream(app: FastifyInstance): LogStream | undefined {
  const stream = (app.log as unknown as Record<symbol, unknown>)[pino.symbols.streamSym];
  const candidate = stream as Partial<LogStream> | undefined;
  const usable =
    typeof candidate?.end === 'function' &&
    typeof candidate.destroy === 'function' &&
    typeof candidate.once === 'function';

  return usable ? (stream as LogStream) : undefined;
}

export interface WorkerSettings {
  workers: number;
  shutdownTimeoutMs: number;
  logLevel: LogLevel;
}

/** Time the primary allows its workers beyond their own shutdown bound before killing them. */
const WORKER_EXIT_GRACE_MS = 5_000;

/**
 * The cluster primary (`@server(workers:)`, `WORKERS`): forks the workers, which share the
 * listening port, and replaces a worker that dies while serving. A worker that exits before it
 * listened stops the whole server with exit 1 (a start-up failure would only repeat). SIGINT and
 * SIGTERM are passed to every worker; the primary exits when all have, 0 if each stopped cleanly.
 */
export function superviseWorkers(settings: WorkerSettings): void {
  const log = primaryLog(settings.logLevel);
  const live = new Set<Worker>();
  let stopping = false;
  let failed = false;

  const exitWhenAllStopped = () => {
    if (live.size > 0) return;
    log('info', {}, 'stopped');
    process.exit(failed ? 1 : 0);
  };

  const stopAll = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log('info', { signal, workers: live.size }, 'shutting down');
    for (const worker of live) worker.process.kill(signal);
    exitWhenAllStopped();
    setTimeout(() => {
      log(
        'warn',
        { workers: live.size },
        'workers still running at the shutdown timeout; killing them',
      );
      for (const worker of live) worker.process.kill('SIGKILL');
      process.exit(1);
    }, settings.shutdownTimeoutMs + WORKER_EXIT_GRACE_MS).unref();
  };

  const fork = () => {
    const worker = cluster.fork();
    let listening = false;
    live.add(worker);
    worker.once('listening', () => {
      listening = true;
    });
    worker.once('exit', (code, signal) => {
      live.delete(worker);
      const exit = { worker: worker.process.pid, code, signal };
      if (stopping) {
        if (code !== 0) failed = true;
        exitWhenAllStopped();
      } else if (!listening) {
        log('error', exit, 'worker exited before listening; stopping');
        failed = true;
        stopAll('SIGTERM');
      } else {
        log('warn', exit, 'worker exited; starting another');
        fork();
      }
    });
  };

  for (const signal of SIGNALS) process.on(signal, stopAll);
  log('info', { workers: settings.workers }, 'starting workers');
  for (let i = 0; i < settings.workers; i++) fork();
}

const LEVELS: Readonly<Record<LogLevel, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Infinity,
};

type PrimaryLog = (
  level: 'info' | 'warn' | 'error',
  fields: Record<string, unknown>,
  msg: string,
) => void;

/**
 * The primary has no fastify app: it writes the same JSON lines pino writes for the workers.
 * Once stdout fails (a closed pipe: `server | head`) its lines are dropped, as pino drops the
 * workers' lines, instead of the write error ending the primary before it stops the workers.
 */
function primaryLog(threshold: LogLevel): PrimaryLog {
  const host = hostname();
  let stdoutFailed = false;
  process.stdout.on('error', () => {
    stdoutFailed = true;
  });

  return (level, fields, msg) => {
    if (stdoutFailed || LEVELS[level] < LEVELS[threshold]) return;
    const line = { level: LEVELS[level], time: Date.now(), pid: process.pid, hostname: host };
    process.stdout.write(`${JSON.stringify({ ...line, role: 'primary', ...fields, msg })}\n`);
  };
}
