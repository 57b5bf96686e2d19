/**
 * Processes the benchmark starts: pinned to a core with `taskset`, watched through /proc, and
 * stopped by their own PID only.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';

export interface Pinned {
  child: ChildProcess;
  pid: number;
  /** Everything the process printed (the last 64 KB), for failure messages. */
  output(): string;
  /** Exit code or signal once the process ended, else undefined. */
  exited(): string | undefined;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
  stop(): Promise<void>;
}

const STOP_TIMEOUT_MS = 5_000;
const OUTPUT_LIMIT = 65_536;

let tasksetChecked: boolean | undefined;

/** Whether `taskset` is there and this machine has at least two cores to pin to. */
export function canPin(): boolean {
  tasksetChecked ??=
    spawnSync('taskset', ['-c', '0', 'true']).status === 0 &&
    spawnSync('taskset', ['-c', '1', 'true']).status === 0;
  return tasksetChecked;
}

/** Pins this very process (the orchestrator) to `core`; its children inherit it. */
export function pinSelf(core: number): boolean {
  if (!canPin()) return false;
  return spawnSync('taskset', ['-p', '-c', String(core), String(process.pid)]).status === 0;
}

/**
 * Starts `command args` on `core` (through `taskset -c`, which execs it: the PID is the
 * command's own). stdin stays open as a pipe so that a child that watches it ends with us.
 */
export function startPinned(
  core: number | undefined,
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; discardOutput?: boolean } = {},
): Pinned {
  const [file, argv] =
    core !== undefined && canPin()
      ? ['taskset', ['-c', String(core), command, ...args]]
      : [command, [...args]];
  const child = spawn(file, argv, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  let output = '';
  let exit: string | undefined;
  const record = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  if (options.discardOutput) child.stdout?.resume();
  else child.stdout?.on('data', record);
  child.stderr?.on('data', record);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = signal ?? String(code);
      resolve();
    });
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));

  return {
    child,
    pid: child.pid,
    output: () => output,
    exited: () => exit,
    stop: async () => {
      if (exit !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A loopback port nobody listens on right now (the system's pick, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether a TCP connection to 127.0.0.1:port is accepted (bounded by 200 ms). */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 200);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Polls the port every `intervalMs` until it accepts, the process exits, or `timeoutMs` passes.
 * Resolves with the milliseconds since `since` (a `performance.now()` reading).
 */
export async function waitForPort(
  port: number,
  proc: Pinned,
  since: number,
  timeoutMs = 20_000,
  intervalMs = 2,
): Promise<number> {
  const attempts = Math.ceil(timeoutMs / intervalMs);
  for (let i = 0; i < attempts; i++) {
    if (proc.exited() !== undefined) {
      throw new Error(`exited (${proc.exited()}) before listening; its output:\n${proc.output()}`);
    }
    if (await accepts(port)) return performance.now() - since;
    if (performance.now() - since > timeoutMs) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(
    `did not listen on ${port} within ${timeoutMs} ms; its output:\n${proc.output()}`,
  );
}

function statusField(pid: number, field: string): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Peak resident set size (VmHWM) in bytes, or undefined when /proc cannot tell. */
export function peakRss(pid: number): number | undefined {
  return statusField(pid, 'VmHWM');
}

/** Resets the peak RSS of a process we started to its current RSS (Linux `clear_refs` 5). */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** CPU time (user + system) of a process so far, in seconds. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at index 2 (state).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

const CLOCK_TICKS = 100;

/** Busy and total jiffies of one core, from /proc/stat. */
export function coreTimes(core: number): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`cpu${core} `));
    if (!line) return undefined;
    const n = line.trim().split(/\s+/).slice(1).map(Number);
    const total = n.reduce((a, b) => a + b, 0);
    // idle + iowait are the idle part.
    return { busy: total - (n[3] ?? 0) - (n[4] ?? 0), total };
  } catch {
    return undefined;
  }
}

/** Share of `core` busy between two readings, 0..1. */
export function busyShare(
  before: { busy: number; total: number } | undefined,
  after: { busy: number; total: number } | undefined,
): number | undefined {
  if (!before || !after || after.total === before.total) return undefined;
  return (after.busy - before.busy) / (after.total - before.total);
}
