import { isIP } from 'node:net';

import { DiagnosticCode, type DiagnosticBag } from '../diagnostics.ts';
import type { DecodedDirective, JsonValue } from '../load/decode-directive.ts';
import type { SourceFile } from '../load/source-file.ts';
import type { ServerSettings, UpstreamSettings } from '../model.ts';

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
  const settings: ServerSettings = {
    port: typeof args['port'] === 'number' ? args['port'] : 8000,
    hostname: '127.0.0.1',
    graphiql: args['graphiql'] === true,
    vars: new Map(),
  };

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

export function readUpstreamSettings(
  directives: readonly DecodedDirective[],
  file: SourceFile,
  bag: DiagnosticBag,
): UpstreamSettings {
  const upstream = last(directives, 'upstream');
  const args = upstream?.args ?? {};
  const seconds = (value: JsonValue | undefined) => (typeof value === 'number' ? value * 1000 : undefined);

  const settings: UpstreamSettings = {
    baseUrlWritten: typeof args['baseURL'] === 'string',
    allowedHeaders: ((args['allowedHeaders'] as string[] | undefined) ?? []).map((h) => h.toLowerCase()),
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
  const timeout = seconds(args['timeout']);
  if (timeout !== undefined) settings.timeoutMs = timeout;
  const connectTimeout = seconds(args['connectTimeout']);
  if (connectTimeout !== undefined) settings.connectTimeoutMs = connectTimeout;
  const keepAlive = seconds(args['keepAliveTimeout']);
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
  const httpCache = args['httpCache'];
  if (typeof httpCache === 'number' && httpCache > 0) settings.httpCacheSize = httpCache;
  const userAgent = args['userAgent'];
  if (typeof userAgent === 'string') settings.userAgent = userAgent;

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
