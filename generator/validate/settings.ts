import { isIP } from 'node:net';

import { corsProblem } from '@tc-gen/runtime';
import { Kind, type ConstValueNode } from 'graphql';

import { DiagnosticCode, type DiagnosticBag } from '../diagnostics.ts';
import type { DecodedDirective, JsonValue } from '../load/decode-directive.ts';
import type { SourceFile } from '../load/source-file.ts';
import type { CorsSettings, ServerSettings, UpstreamSettings } from '../model.ts';

/** An HTTP header name (a token) and value (visible ASCII, spaces and tabs; no line breaks). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** The AST of `arg.member[index].field` inside an object argument, for pointing at it. */
/** The value of one member of an object literal, or the literal itself. */
function memberNode(node: ConstValueNode | undefined, member: string): ConstValueNode | undefined {
  if (node?.kind !== Kind.OBJECT) return node;
  return node.fields.find((f) => f.name.value === member)?.value ?? node;
}

function nodeAt(
  node: ConstValueNode | undefined,
  member: string,
  index: number,
  field?: string,
): ConstValueNode | undefined {
  const list =
    node?.kind === Kind.OBJECT
      ? node.fields.find((f) => f.name.value === member)?.value
      : undefined;
  const item = list?.kind === Kind.LIST ? list.values[index] : undefined;
  if (field === undefined || item?.kind !== Kind.OBJECT) return item ?? node;
  return item.fields.find((f) => f.name.value === field)?.value ?? item;
}

/** The last occurrence of a schema directive wins, as in Tailcall. */
function last(directives: readonly DecodedDirective[], name: string): DecodedDirective | undefined {
  return directives.filter((d) => d.name === name).at(-1);
}

export function readServerSettings(
  directives: readonly DecodedDirective[],
  file: SourceFile,
  bag: DiagnosticBag,
): ServerSettings {
  const server = last(directives, 'server');
  const args = server?.args ?? {};
  const routes = (args['routes'] as { graphQL?: string; status?: string } | undefined) ?? {};
  const headers = (args['headers'] as Record<string, JsonValue> | undefined) ?? {};
  const settings: ServerSettings = {
    port: typeof args['port'] === 'number' ? args['port'] : 8000,
    hostname: '127.0.0.1',
    graphiql: args['graphiql'] === true,
    vars: new Map(),
    routes: { graphQL: routes.graphQL ?? '/graphql', status: routes.status ?? '/status' },
    batchRequests: args['batchRequests'] === true,
    introspection: args['introspection'] !== false,
    // Tailcall defaults to one worker thread per CPU; a generated server runs one process
    // unless asked, and `workers: 0` means the same.
    workers: typeof args['workers'] === 'number' && args['workers'] > 0 ? args['workers'] : 1,
    queryValidation: args['queryValidation'] === true,
    headers: {
      custom: [],
      cacheControl: headers['cacheControl'] === true,
      setCookies: headers['setCookies'] === true,
      experimental: [],
    },
  };

  // Response headers are checked as Tailcall does, so the server cannot fail to send them.
  const headersNode = server?.argNodes['headers'];
  const custom = (headers['custom'] as { key: string; value: string }[] | undefined) ?? [];
  const customs: { key: string; value: string }[] = [];
  custom.forEach((header, i) => {
    const entry = (member: string) => file.spanOf(nodeAt(headersNode, 'custom', i, member));
    const problems: [string, ReturnType<typeof entry>][] = [];
    if (!HEADER_NAME.test(header.key)) problems.push(['invalid HTTP header name', entry('key')]);
    if (!HEADER_VALUE.test(header.value))
      problems.push(['failed to parse header value', entry('value')]);
    for (const [problem, span] of problems) {
      bag.error(
        DiagnosticCode.InvalidArgument,
        `Parsing failed because of ${problem}`,
        span,
        'schema.@server.headers.custom',
      );
    }
    if (problems.length === 0) customs.push({ key: header.key.toLowerCase(), value: header.value });
  });
  settings.headers.custom = customs;

  const experimental = (headers['experimental'] as string[] | undefined) ?? [];
  settings.headers.experimental = experimental.flatMap((name, i) => {
    if (/^x-/i.test(name)) return [name.toLowerCase()];
    bag.error(
      DiagnosticCode.InvalidArgument,
      `Experimental headers must start with 'x-' or 'X-'. Got: '${name}'`,
      file.spanOf(nodeAt(headersNode, 'experimental', i)),
      'schema.@server.headers.experimental',
    );
    return [];
  });

  const cors = headers['cors'] as CorsSettings | undefined;
  if (cors) {
    // The very check the runtime package exports, so build and run time agree.
    const problem = corsProblem(cors);
    if (problem)
      bag.error(
        DiagnosticCode.InvalidArgument,
        problem,
        file.spanOf(memberNode(headersNode, 'cors')),
        'schema.@server.headers.cors',
      );
    else settings.headers.cors = cors;
  }

  const hostname = args['hostname'];
  if (typeof hostname === 'string') {
    if (hostname === 'localhost') settings.hostname = '127.0.0.1';
    else if (isIP(hostname)) settings.hostname = hostname;
    else {
      bag.error(
        DiagnosticCode.InvalidArgument,
        'Parsing failed because of invalid IP address syntax',
        file.spanOf(server?.argNodes['hostname']),
        'schema.@server.hostname',
      );
    }
  }

  const vars = new Map<string, string>();
  for (const entry of (args['vars'] as { key: string; value: string }[] | undefined) ?? []) {
    vars.set(entry.key, entry.value);
  }
  settings.vars = vars;

  return settings;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

export function readUpstreamSettings(
  directives: readonly DecodedDirective[],
  file: SourceFile,
  bag: DiagnosticBag,
): UpstreamSettings {
  const upstream = last(directives, 'upstream');
  const args = upstream?.args ?? {};
  const seconds = (value: JsonValue | undefined) =>
    typeof value === 'number' ? value * 1000 : undefined;

  const settings: UpstreamSettings = {
    baseUrlWritten: typeof args['baseURL'] === 'string',
    allowedHeaders: ((args['allowedHeaders'] as string[] | undefined) ?? []).map((h) =>
      h.toLowerCase(),
    ),
  };
  const baseURL = args['baseURL'];
  if (typeof baseURL === 'string') {
    if (isAbsoluteHttpUrl(baseURL)) settings.baseURL = baseURL;
    else {
      bag.error(
        DiagnosticCode.InvalidUrl,
        `baseURL must be an absolute http(s) URL, got '${baseURL}'`,
        file.spanOf(upstream?.argNodes['baseURL']),
        '@upstream.baseURL',
      );
    }
  }
  // Node timers hold at most 2^31 - 1 ms; 0 would make every call time out at once.
  const duration = (name: string): number | undefined => {
    const value = seconds(args[name]);
    if (value === undefined) return undefined;
    if (value >= 1000 && value <= MAX_TIMER_MS) return value;
    bag.error(
      DiagnosticCode.InvalidArgument,
      `${name} must be between 1 and ${Math.floor(MAX_TIMER_MS / 1000)} seconds, got ${value / 1000}`,
      file.spanOf(upstream?.argNodes[name]),
      `@upstream.${name}`,
    );
    return undefined;
  };
  const timeout = duration('timeout');
  if (timeout !== undefined) settings.timeoutMs = timeout;
  const connectTimeout = duration('connectTimeout');
  if (connectTimeout !== undefined) settings.connectTimeoutMs = connectTimeout;
  const keepAlive = duration('keepAliveTimeout');
  if (keepAlive !== undefined) settings.keepAliveTimeoutMs = keepAlive;
  const pool = args['poolMaxIdlePerHost'];
  if (typeof pool === 'number' && pool > 0) settings.connectionsPerOrigin = pool;
  const proxy = args['proxy'] as { url: string } | undefined;
  if (proxy) {
    if (isAbsoluteHttpUrl(proxy.url)) settings.proxyUrl = proxy.url;
    else {
      bag.error(
        DiagnosticCode.InvalidUrl,
        `proxy url must be an absolute http(s) URL, got '${proxy.url}'`,
        file.spanOf(upstream?.argNodes['proxy']),
        '@upstream.proxy.url',
      );
    }
  }
  const batch = args['batch'] as
    { delay?: number; maxSize?: number; headers?: string[] } | undefined;
  if (batch) {
    settings.batch = {
      delay: batch.delay ?? 0,
      maxSize: batch.maxSize ?? 100,
      headers: (batch.headers ?? []).map((h) => h.toLowerCase()),
    };
  }
  const httpCache = args['httpCache'];
  if (typeof httpCache === 'number' && httpCache > 0) settings.httpCacheSize = httpCache;
  const userAgent = args['userAgent'];
  if (typeof userAgent === 'string') {
    if (/^[\t\x20-\x7e]*$/.test(userAgent)) settings.userAgent = userAgent;
    else {
      bag.error(
        DiagnosticCode.InvalidArgument,
        'userAgent must be printable ASCII: it is sent as a header on every upstream call',
        file.spanOf(upstream?.argNodes['userAgent']),
        '@upstream.userAgent',
      );
    }
  }

  return settings;
}

export function isAbsoluteHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
