/**
 * A loopback stand-in for every upstream of a conformance case. The
 * generated server reaches it as its HTTP proxy (TC_UPSTREAM_PROXY), so the
 * configs keep their absolute upstream URLs and the generated resolvers run
 * unchanged. Requests are matched with the rules of Tailcall's own harness.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { MockEntry } from './case-file.ts';
import { sameJson } from './compare.ts';

/** Headers an HTTP client adds by itself; the harness does not see them. */
const TRANSPORT_HEADERS = new Set([
  'host',
  'user-agent',
  'accept',
  'content-length',
  'connection',
  'accept-encoding',
  'proxy-connection',
  'keep-alive',
  'transfer-encoding',
  'content-type',
]);

export interface MockUpstream {
  url: string;
  /** Hits per mock, by index in the case's list. */
  hits: number[];
  /** Requests no mock matched, as `METHOD url` with the reason. */
  unmatched: string[];
  close(): Promise<void>;
}

export async function startMockUpstream(mocks: readonly MockEntry[]): Promise<MockUpstream> {
  const hits = mocks.map(() => 0);
  const unmatched: string[] = [];

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = normalizeUrl(request.url ?? '');
      const method = request.method ?? 'GET';
      const index = mocks.findIndex((mock) => matches(mock, method, url, request.headers, body));
      if (index < 0) {
        unmatched.push(`${method} ${url} ${JSON.stringify(sentHeaders(request.headers))} ${body}`);
        response.writeHead(599, { 'content-type': 'text/plain' });
        response.end(`No mock found for request: ${method} ${url}`);
        return;
      }
      hits[index] = (hits[index] ?? 0) + 1;
      const mock = mocks[index] as MockEntry;
      const answer = () => {
        const text =
          mock.response.textBody ??
          (mock.response.body === undefined ? '' : JSON.stringify(mock.response.body));
        response.writeHead(mock.response.status ?? 200, {
          ...(mock.response.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...mock.response.headers,
        });
        response.end(text);
      };
      if (mock.delay) setTimeout(answer, mock.delay);
      else answer();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    unmatched,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function matches(
  mock: MockEntry,
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  body: string,
): boolean {
  if ((mock.request.method ?? 'GET').toUpperCase() !== method) return false;
  if (normalizeUrl(mock.request.url) !== url) return false;
  if (mock.request.textBody !== undefined && mock.request.textBody !== body) return false;
  // JSON bodies compare as JSON: Tailcall's harness compares bytes, which ties the test to
  // the member order its executor happens to write (the client's, where graphql-js uses the
  // input type's); member order carries no meaning in JSON.
  if (mock.request.body !== undefined && !sameJsonText(body, mock.request.body)) return false;

  const expected = Object.fromEntries(
    Object.entries(mock.request.headers ?? {}).map(([name, value]) => [
      name.toLowerCase(),
      String(value),
    ]),
  );
  for (const [name, value] of Object.entries(sentHeaders(headers))) {
    if (expected[name] !== value) return false;
  }
  return true;
}

function sentHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (TRANSPORT_HEADERS.has(name) || value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** URLs compare as the WHATWG parser writes them; `https` is served over plain HTTP here. */
export function normalizeUrl(url: string): string {
  try {
    return new URL(url.replace(/^https:/i, 'http:')).href;
  } catch {
    return url;
  }
}

function sameJsonText(text: string, expected: unknown): boolean {
  try {
    return sameJson(JSON.parse(text), expected);
  } catch {
    return false;
  }
}
