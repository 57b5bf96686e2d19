/**
 * The environment variables a generated server reads to run: where it listens, how much it
 * logs, how many processes serve, how long a stop may take, the request limits, and where
 * upstream calls go. Every value is checked once at start-up, so a typo stops the server with a
 * one-line reason instead of surfacing as odd behaviour later.
 */

type Env = Readonly<Record<string, string | undefined>>;

/** A variable with a value the server cannot use; its message names the variable. */
export class ServerEnvError extends Error {
  override readonly name = 'ServerEnvError';
}

/** pino's levels, and `silent` for no logs at all. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ProcessSettings {
  /** `PORT`, 0 to 65535 (0: any free port). */
  port: number;
  /** `HOST`, the address to listen on. */
  host: string;
  /** `LOG_LEVEL`, default `info`. */
  logLevel: LogLevel;
  /** `WORKERS`, else `@server(workers:)`: processes serving requests; 1 means no cluster. */
  workers: number;
  /** `SHUTDOWN_TIMEOUT_MS`, default 10 s: how long in-flight requests may take after a signal. */
  shutdownTimeoutMs: number;
}

/** Defaults from the config's `@server`. */
export interface ProcessDefaults {
  port: number;
  host: string;
  workers: number;
}

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** Reads and checks the process settings; throws `ServerEnvError`. */
export function processSettings(env: Env, defaults: ProcessDefaults): ProcessSettings {
  const logLevel = env['LOG_LEVEL'] || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ServerEnvError(
      `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`,
    );
  }

  return {
    port: integer(env, 'PORT', defaults.port, 0, 65_535),
    host: env['HOST'] || defaults.host,
    logLevel: logLevel as LogLevel,
    workers: integer(env, 'WORKERS', defaults.workers, 1, 1024),
    shutdownTimeoutMs: integer(
      env,
      'SHUTDOWN_TIMEOUT_MS',
      DEFAULT_SHUTDOWN_TIMEOUT_MS,
      0,
      2 ** 31 - 1,
    ),
  };
}

export interface RequestLimits {
  /** `BODY_LIMIT`: largest request body in bytes, default 1 MiB. */
  bodyLimit: number;
  /** `MAX_QUERY_DEPTH`: deepest field nesting an operation may select, default 15. */
  maxQueryDepth: number;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** Deep enough for the standard introspection query (GraphiQL's, code generators'), which is 15. */
export const DEFAULT_MAX_QUERY_DEPTH = 15;

/** Reads and checks the request limits; throws `ServerEnvError`. */
export function requestLimits(env: Env): RequestLimits {
  return {
    bodyLimit: integer(env, 'BODY_LIMIT', DEFAULT_BODY_LIMIT, 1, Number.MAX_SAFE_INTEGER),
    maxQueryDepth: integer(env, 'MAX_QUERY_DEPTH', DEFAULT_MAX_QUERY_DEPTH, 1, 1000),
  };
}

/**
 * Checks the upstream URL variables a server reads (`TC_UPSTREAM_BASE_URL`, `TC_UPSTREAM_PROXY`):
 * each one set must be an absolute http(s) URL, the rule the build applies to `@upstream`'s
 * `baseURL` and `proxy`. Throws `ServerEnvError`.
 */
export function checkUpstreamUrls(env: Env, names: readonly string[]): void {
  for (const name of names) {
    const text = env[name];
    if (text === undefined || text === '' || isAbsoluteHttpUrl(text)) continue;

    throw new ServerEnvError(`${name} must be an absolute http(s) URL, got '${text}'`);
  }
}

function isAbsoluteHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;

  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ServerEnvError(`${name} must be an integer between ${min} and ${max}, got '${text}'`);
  }

  return value;
}
