/**
 * A loopback HTTP server standing in for an upstream REST API in end-to-end tests. It answers
 * fixed JSON per path and records every request, so a test can count the calls a generated
 * server made and see which headers reached the upstream.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the stub answers for one path. */
export interface StubResponse {
  /** @default 200 */
  status?: number;
  /** Serialised as JSON. */
  body: unknown;
}

/** One request the stub received. */
export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The request body as text ('' when there was none). */
  body: string;
}

export interface UpstreamStub {
  /** Base URL, e.g. `http://127.0.0.1:40123`, without a trailing slash. */
  readonly url: string;
  /** Every request received since start or the last `reset()`, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Number of recorded requests whose path (query excluded) is `path`. */
  hits(path: string): number;
  /** URLs of the recorded requests that carried the header `name` (lower-case). */
  urlsWithHeader(name: string): string[];
  /** Replaces (or adds) the response for `path`. */
  setRoute(path: string, response: StubResponse): void;
  /** Forgets the recorded requests. */
  reset(): void;
  /** Stops listening and drops open keep-alive connections. */
  close(): Promise<void>;
}

/** Unknown paths get this, with status 404. */
const NOT_FOUND = { error: 'no stub route for this path' };

/** Starts a stub on 127.0.0.1 at a free port. Paths are matched exactly, without the query. */
export async function startUpstreamStub(
  routes: Readonly<Record<string, StubResponse>>,
): Promise<UpstreamStub> {
  const table = new Map(Object.entries(routes));
  const requests: RecordedRequest[] = [];

  const server = createServer((request, response) => {
    const url = request.url ?? '/';
    const recorded: RecordedRequest = {
      method: request.method ?? '',
      url,
      headers: { ...request.headers },
      body: '',
    };
    requests.push(recorded);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      recorded.body = Buffer.concat(chunks).toString('utf8');
      const route = table.get(pathOf(url));
      const status = route ? (route.status ?? 200) : 404;
      const text = JSON.stringify(route ? route.body : NOT_FOUND);
      response.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      response.end(text);
    });
  });
  const port = await listen(server);

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    hits: (path) => requests.filter((r) => pathOf(r.url) === path).length,
    urlsWithHeader: (name) =>
      requests.filter((r) => r.headers[name] !== undefined).map((r) => r.url),
    setRoute: (path, response) => {
      table.set(path, response);
    },
    reset: () => {
      requests.length = 0;
    },
    close: () => closeServer(server),
  };
}

/**
 * A loopback port that nothing listens on: bound, then released. Another process could take
 * it in between, which is unlikely enough on a test machine.
 */
export async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await closeServer(server);

  return port;
}

function pathOf(url: string): string {
  const query = url.indexOf('?');

  return query < 0 ? url : url.slice(0, query);
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
