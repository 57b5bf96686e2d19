/**
 * The servers compared: how each is prepared (keys, configs, tc-gen build and tsc) and started
 * on the server core.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildSync } from 'esbuild';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

import { freePort, startPinned, waitForPort, type Pinned } from './processes.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
export const TAILCALL =
  process.env['TAILCALL_ORACLE'] ?? path.resolve(REPO_ROOT, '..', 'shared', 'oracle', 'tailcall');

/** The tc-gen server built from a variant of the config, or run with other settings. */
export type TcGenVariant = 'tcgen' | 'tcgen-nodedupe' | 'tcgen-batch' | 'tcgen-loginfo';
export type ContenderId = TcGenVariant | 'hand' | 'ceiling' | 'tailcall';

export const CONTENDER_LABELS: Record<ContenderId, string> = {
  tcgen: 'tc-gen',
  'tcgen-nodedupe': 'tc-gen, no dedupe',
  'tcgen-batch': 'tc-gen, batchKey',
  'tcgen-loginfo': 'tc-gen, LOG_LEVEL=info',
  hand: 'hand-written mercurius',
  ceiling: 'fastify ceiling',
  tailcall: 'Tailcall 1.6.14',
};

export const isTcGen = (id: ContenderId): id is TcGenVariant => id.startsWith('tcgen');

/**
 * The variants, for measuring levers without touching the generator: the same config without
 * `dedupe`, or with `Post.user` batched through the stub's `/users?id=..` endpoint; and the
 * default config served with the default log level (one line per request).
 */
const VARIANT_CONFIG: Record<TcGenVariant, (config: string) => string> = {
  tcgen: (c) => c,
  'tcgen-loginfo': (c) => c,
  'tcgen-nodedupe': (c) => c.replaceAll(', dedupe: true', ''),
  'tcgen-batch': (c) =>
    c
      .replace(
        'poolMaxIdlePerHost: 200)',
        'poolMaxIdlePerHost: 200, batch: {delay: 1, maxSize: 100})',
      )
      .replace(
        '@http(path: "/users/{{.value.userId}}", dedupe: true)',
        '@http(path: "/users", query: [{key: "id", value: "{{.value.userId}}"}], batchKey: ["id"])',
      ),
};

export interface Keys {
  jwksPath: string;
  /** `Bearer <jwt>` values: the first is the reused one; all are distinct and valid for 1 h. */
  bearer: string[];
}

/** A fresh RS256 key pair, its public key set on disk, and `count` distinct signed tokens. */
export async function makeKeys(dir: string, count: number): Promise<Keys> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench-key', alg: 'RS256', use: 'sig' };
  const jwksPath = path.join(dir, 'jwks.json');
  writeFileSync(jwksPath, JSON.stringify({ keys: [jwk] }, null, 2));
  const bearer: string[] = [];
  for (let i = 0; i < count; i++) {
    const token = await new SignJWT({ sub: `user-${i}` })
      .setProtectedHeader({ alg: 'RS256', kid: 'bench-key', typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    bearer.push(`Bearer ${token}`);
  }

  return { jwksPath, bearer };
}

export interface Timed<T> {
  value: T;
  ms: number;
}

/**
 * `node bin/tc-gen.js build CONFIG -o OUT`, timed from spawn to exit. Throws on failure; a
 * build still running after `timeoutMs` is stopped and reported as `timedOut`.
 */
export function tcGenBuild(
  config: string,
  out: string,
  timeoutMs = 120_000,
): { ms: number; timedOut: boolean } {
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [path.join(REPO_ROOT, 'bin', 'tc-gen.js'), 'build', config, '-o', out],
    { cwd: REPO_ROOT, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL' },
  );
  const ms = performance.now() - started;
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    return { ms, timedOut: true };
  }
  if (result.status !== 0) {
    throw new Error(
      `tc-gen build ${config} failed (${result.status}):\n${result.stdout}${result.stderr}`,
    );
  }

  return { ms, timedOut: false };
}

/**
 * Builds the benchmark config with tc-gen and compiles the project with the repo's tsc. The
 * project sits under the repo's `.work/`, so Node resolves fastify, mercurius and
 * `@tc-gen/runtime` from the repo's node_modules, as the end-to-end tests do.
 */
export function prepareTcGen(
  workDir: string,
  keys: Keys,
  variant: TcGenVariant = 'tcgen',
): { outDir: string; buildMs: number; tscMs: number } {
  const dir = path.join(workDir, variant);
  mkdirSync(dir, { recursive: true });
  const config = readFileSync(path.join(REPO_ROOT, 'bench', 'configs', 'tc-gen.graphql'), 'utf8');
  const changed = VARIANT_CONFIG[variant](config);
  if (variant !== 'tcgen' && variant !== 'tcgen-loginfo' && changed === config) {
    throw new Error(`the ${variant} variant no longer applies to bench/configs/tc-gen.graphql`);
  }
  writeFileSync(path.join(dir, 'config.graphql'), changed);
  copyFileSync(keys.jwksPath, path.join(dir, 'jwks.json'));
  const outDir = path.join(dir, 'server');
  const build = tcGenBuild(path.join(dir, 'config.graphql'), outDir);
  if (build.timedOut)
    throw new Error('tc-gen build of the benchmark config did not finish in 120 s');
  const buildMs = build.ms;

  const started = performance.now();
  const tsc = spawnSync(process.execPath, [TSC, '-p', path.join(outDir, 'tsconfig.json')], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (tsc.status !== 0)
    throw new Error(`tsc failed on the generated project:\n${tsc.stdout}${tsc.stderr}`);

  return { outDir, buildMs, tscMs: performance.now() - started };
}

/**
 * Compiles the hand-written and ceiling servers to plain JavaScript (esbuild, which tsx brings),
 * so they run as the generated server does: compiled, with no TypeScript loader in the process.
 */
export function compileContenders(workDir: string): string {
  const outDir = path.join(workDir, 'contenders');
  for (const name of ['hand-written', 'ceiling']) {
    buildSync({
      entryPoints: [path.join(REPO_ROOT, 'bench', 'contenders', `${name}.ts`)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile: path.join(outDir, `${name}.mjs`),
      logLevel: 'warning',
    });
  }

  return outDir;
}

/** Whether the Tailcall oracle is installed (its wrapper answers `--version`). */
export function tailcallInstalled(): boolean {
  if (!existsSync(TAILCALL)) return false;
  const result = spawnSync(TAILCALL, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return result.status === 0 && /1\.6\.14/.test(result.stdout);
}

/** Writes Tailcall's config (its port and the stub's URL filled in) next to the key set. */
export function prepareTailcall(
  workDir: string,
  keys: Keys,
  upstream: string,
  port: number,
): string {
  const dir = path.join(workDir, 'tailcall');
  mkdirSync(dir, { recursive: true });
  const template = readFileSync(
    path.join(REPO_ROOT, 'bench', 'configs', 'tailcall.graphql'),
    'utf8',
  );
  const config = path.join(dir, 'config.graphql');
  writeFileSync(
    config,
    template.replaceAll('__UP__', upstream).replaceAll('__PORT__', String(port)),
  );
  copyFileSync(keys.jwksPath, path.join(dir, 'jwks.json'));

  return config;
}

export interface Started {
  proc: Pinned;
  url: string;
  /** From spawn to the port accepting TCP connections. */
  readyMs: number;
}

export interface StartContext {
  core: number | undefined;
  upstream: string;
  keys: Keys;
  /** Compiled projects of the tc-gen variants in use. */
  tcGenOutDirs?: Partial<Record<TcGenVariant, string>>;
  /** Where compileContenders() put the hand-written and ceiling servers. */
  contendersDir?: string;
  tailcallConfig?: (port: number) => string;
}

/** Starts one contender on a port picked now and waits (bounded) until it accepts connections. */
export async function startContender(id: ContenderId, ctx: StartContext): Promise<Started> {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1' };
  let proc: Pinned;
  const started = performance.now();
  switch (id) {
    case 'tcgen':
    case 'tcgen-nodedupe':
    case 'tcgen-batch':
    case 'tcgen-loginfo': {
      const outDir = ctx.tcGenOutDirs?.[id] as string;
      proc = startPinned(ctx.core, process.execPath, [path.join(outDir, 'dist', 'main.js')], {
        cwd: outDir,
        env: {
          ...env,
          // No per-request log lines (but in the variant that measures them), one process.
          LOG_LEVEL: id === 'tcgen-loginfo' ? 'info' : 'warn',
          WORKERS: '1',
          TC_UPSTREAM_BASE_URL: ctx.upstream,
        },
        // The variant that logs writes a line per request: drain it, keep none.
        ...(id === 'tcgen-loginfo' ? { discardOutput: true } : {}),
      });
      break;
    }
    case 'hand':
      proc = startPinned(
        ctx.core,
        process.execPath,
        [path.join(ctx.contendersDir as string, 'hand-written.mjs')],
        {
          cwd: REPO_ROOT,
          env: { ...env, UPSTREAM: ctx.upstream, JWKS: ctx.keys.jwksPath },
        },
      );
      break;
    case 'ceiling':
      proc = startPinned(
        ctx.core,
        process.execPath,
        [path.join(ctx.contendersDir as string, 'ceiling.mjs')],
        {
          cwd: REPO_ROOT,
          env,
        },
      );
      break;
    case 'tailcall': {
      const config = (ctx.tailcallConfig as (port: number) => string)(port);
      proc = startPinned(ctx.core, TAILCALL, ['start', config], {
        cwd: path.dirname(config),
        env: { ...env, TC_LOG_LEVEL: 'error', TAILCALL_LOG_LEVEL: 'error' },
      });
      break;
    }
  }
  const readyMs = await waitForPort(port, proc, started);

  return { proc, url: `http://127.0.0.1:${port}`, readyMs };
}
