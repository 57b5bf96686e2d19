/**
 * Stopping a generated server: SIGTERM lets the request in flight finish while new connections
 * are refused, the shutdown bound cuts requests that outlive it, and `WORKERS` runs a cluster
 * whose workers all serve and all stop.
 */
import assert from 'node:assert/strict';
import { request as httpRequest, createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { analyze } from '../generator/analyze.ts';
import { emitMain } from '../generator/emit/emit-server.ts';
import { buildAndCompile, type CompiledProject } from './helpers/generated-server.ts';
import { isRunning, sleep, spawnServer, type ServerProcess } from './helpers/server-process.ts';

const config = (port: number) => `
schema @upstream(baseURL: "http://127.0.0.1:${port}") {
  query: Query
}

type Query {
  slow: Int @http(path: "/slow")
  stuck: Int @http(path: "/stuck")
  hello: String @expr(body: "hi")
}
`;

/** How long the stub takes to answer `/slow`; `/stuck` answers after 20 s, or when closed. */
const SLOW_MS = 1500;

const listening = (line: Record<string, unknown>) =>
  String(line['msg']).startsWith('Server listening');

/** The pids of a WORKERS=2 server's workers, once both listen. */
async function listeningWorkers(server: ServerProcess): Promise<number[]> {
  await waitFor(() => server.logs().filter(listening).length === 2);
  return server
    .logs()
    .filter(listening)
    .map((line) => Number(line['pid']));
}

describe('stopping a generated server', () => {
  let upstream: Server;
  let project: CompiledProject;
  let arrivals: string[] = [];

  before(async () => {
    upstream = createServer((request, response) => {
      const url = request.url ?? '';
      arrivals.push(url);
      const delay = url === '/slow' ? SLOW_MS : url === '/stuck' ? 20_000 : 0;
      const timer = setTimeout(() => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('42');
      }, delay);
      response.once('close', () => clearTimeout(timer));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const port = (upstream.address() as AddressInfo).port;
    project = await buildAndCompile({ files: { 'config.graphql': config(port) } });
  });

  after(async () => {
    await project?.remove();
    upstream?.closeAllConnections();
    await new Promise<void>((resolve) => upstream?.close(() => resolve()));
  });

  it('finishes the request in flight after SIGTERM, refuses new connections and exits 0', async () => {
    const server = await spawnServer(project.outDir);
    try {
      await server.waitForLog(listening);
      arrivals = [];
      let answered = false;
      const inFlight = query(server, '{ slow }').then((body) => {
        answered = true;
        return body;
      });
      await waitFor(() => arrivals.includes('/slow'));

      process.kill(server.pid, 'SIGTERM');
      await server.waitForLog((line) => line['msg'] === 'shutting down');
      await waitFor(async () => (await connectionRefused(server.url)) === true);
      assert.equal(answered, false, 'the slow request was answered before the port closed');

      assert.equal(await inFlight, '{"data":{"slow":42}}');
      assert.equal(await server.exit(), '0');
      assert.ok(server.logs().some((line) => line['msg'] === 'stopped'));
    } finally {
      server.kill();
    }
  });

  it('cuts requests still running at SHUTDOWN_TIMEOUT_MS and exits 1', async () => {
    const server = await spawnServer(project.outDir, { SHUTDOWN_TIMEOUT_MS: '300' });
    try {
      await server.waitForLog(listening);
      arrivals = [];
      const inFlight = query(server, '{ stuck }').then(
        () => 'answered',
        () => 'cut',
      );
      await waitFor(() => arrivals.includes('/stuck'));

      const started = Date.now();
      process.kill(server.pid, 'SIGTERM');
      assert.equal(await server.exit(5000), '1');
      assert.ok(Date.now() - started < 3000, 'the bound was not kept');
      assert.equal(await inFlight, 'cut');
      assert.ok(
        server.logs().some((line) => line['level'] === 40 && line['timeoutMs'] === 300),
        server.stdout(),
      );
    } finally {
      server.kill();
    }
  });

  // Regression: with stdout a pipe whose reader has gone (`node dist/main.js | head -1`), the
  // last log lines could not be written and pino's exit-time flush retried them forever, so the
  // server stopped listening but never exited, not even at SHUTDOWN_TIMEOUT_MS.
  it('exits 0 promptly after SIGTERM when its stdout pipe has been closed', async () => {
    const server = await spawnServer(project.outDir, { SHUTDOWN_TIMEOUT_MS: '3000' });
    try {
      await server.waitForLog(listening);
      server.child.stdout?.destroy();

      const started = Date.now();
      process.kill(server.pid, 'SIGTERM');
      assert.equal(await server.exit(8000), '0');
      assert.ok(Date.now() - started < 2500, `exit took ${Date.now() - started} ms`);
      assert.equal(server.stderr(), '');
    } finally {
      server.kill();
    }
  });

  // Regression: the cluster primary's own log line failed with EPIPE, which ended the primary
  // before it passed SIGTERM on, so the workers were not stopped gracefully.
  it('stops a WORKERS=2 cluster whose stdout pipe has been closed, exit 0', async () => {
    const server = await spawnServer(project.outDir, { WORKERS: '2' });
    try {
      const workers = await listeningWorkers(server);
      server.child.stdout?.destroy();

      process.kill(server.pid, 'SIGTERM');
      assert.equal(await server.exit(8000), '0');
      assert.equal(server.stderr(), '');
      for (const pid of workers) assert.equal(isRunning(pid), false, `worker ${pid} runs`);
    } finally {
      server.kill();
    }
  });

  it('serves from WORKERS=2 processes and stops them all on SIGTERM', async () => {
    const server = await spawnServer(project.outDir, { WORKERS: '2' });
    try {
      const workers = new Set(await listeningWorkers(server));
      assert.equal(workers.size, 2);
      assert.ok(!workers.has(server.pid), 'the primary itself listens');
      assert.ok(server.logs().some((line) => line['role'] === 'primary' && line['workers'] === 2));

      // Each request on a new connection; the cluster hands connections out in turn.
      const served = new Set<unknown>();
      const completed = () => server.logs().filter((line) => line['msg'] === 'request completed');
      for (let i = 1; i <= 40 && served.size < 2; i++) {
        assert.equal(await queryOnNewConnection(server, '{ hello }'), '{"data":{"hello":"hi"}}');
        await waitFor(() => completed().length === i);
        for (const line of completed()) served.add(line['pid']);
      }
      assert.deepEqual([...served].sort(), [...workers].sort());

      process.kill(server.pid, 'SIGTERM');
      assert.equal(await server.exit(), '0');
      for (const pid of workers) assert.equal(isRunning(pid), false, `worker ${pid} runs`);
    } finally {
      server.kill();
    }
  });

  it('stops a cluster that gets SIGINT in every process at once, as Ctrl-C sends it', async () => {
    const server = await spawnServer(project.outDir, { WORKERS: '2' });
    try {
      const workers = await listeningWorkers(server);
      for (const pid of [server.pid, ...workers]) process.kill(pid, 'SIGINT');
      assert.equal(await server.exit(), '0');
      for (const pid of workers) assert.equal(isRunning(pid), false, `worker ${pid} runs`);
    } finally {
      server.kill();
    }
  });
});

describe('the number of workers', () => {
  it("defaults WORKERS to the config's @server(workers:), else 1", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tc-gen-workers-'));
    try {
      await writeFile(path.join(dir, 'config.graphql'), config(1));
      const { plan } = await analyze(path.join(dir, 'config.graphql'));
      assert.ok(plan);
      assert.match(emitMain(plan), /processSettings\(process\.env, \{ [^}]*workers: 1 \}\)/);
      await writeFile(
        path.join(dir, 'config.graphql'),
        config(1).replace('schema @upstream', 'schema @server(workers: 3) @upstream'),
      );
      const three = (await analyze(path.join(dir, 'config.graphql'))).plan;
      assert.ok(three);
      assert.match(emitMain(three), /processSettings\(process\.env, \{ [^}]*workers: 3 \}\)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

function query(server: ServerProcess, text: string): Promise<string> {
  return fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: text }),
    signal: AbortSignal.timeout(15_000),
  }).then((response) => response.text());
}

function queryOnNewConnection(server: ServerProcess, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query: text });
    const request = httpRequest(
      `${server.url}/graphql`,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', connection: 'close' },
        timeout: 10_000,
      },
      (response) => {
        let data = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (data += chunk));
        response.on('end', () => resolve(data));
      },
    );
    request.on('timeout', () => request.destroy(new Error('request timed out')));
    request.on('error', reject);
    request.end(body);
  });
}

/** True when nothing accepts a TCP connection at the URL's port any more. */
function connectionRefused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

async function waitFor(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(25);
  }
  throw new Error(`condition not met within ${ms} ms`);
}
