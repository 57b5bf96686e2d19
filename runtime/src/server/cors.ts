import type { FastifyInstance } from 'fastify';

/** `@server(headers: {cors})`, as Tailcall reads it. */
export interface CorsPolicy {
  allowCredentials?: boolean;
  allowHeaders?: readonly string[];
  /** Empty means any method (`*`). */
  allowMethods?: readonly string[];
  allowOrigins?: readonly string[];
  allowPrivateNetwork?: boolean;
  exposeHeaders?: readonly string[];
  /** Seconds a preflight answer may be reused. */
  maxAge?: number;
  vary?: readonly string[];
}

const DEFAULT_VARY = ['origin', 'access-control-request-method', 'access-control-request-headers'];

/**
 * CORS as Tailcall answers it: every `OPTIONS` request is a preflight answered
 * with 200 and the allowed methods, headers and max age; other responses get
 * the allowed origin, credentials and exposed headers. The origin is echoed
 * only when it is listed (or `*` is).
 */
export function cors(app: FastifyInstance, policy: CorsPolicy): void {
  const vary = (policy.vary ?? DEFAULT_VARY).join(', ');
  const originFor = (origin: string | undefined): string | undefined => {
    const origins = policy.allowOrigins ?? [];
    if (origins.includes('*')) return '*';
    return origin !== undefined && origins.includes(origin) ? origin : undefined;
  };

  app.options('*', async (request, reply) => {
    const headers: Record<string, string> = {};
    const origin = originFor(request.headers.origin);
    if (origin !== undefined) headers['access-control-allow-origin'] = origin;
    if (policy.allowCredentials) headers['access-control-allow-credentials'] = 'true';
    if (policy.allowHeaders && policy.allowHeaders.length > 0) {
      headers['access-control-allow-headers'] = policy.allowHeaders.join(', ');
    }
    const methods = policy.allowMethods ?? [];
    headers['access-control-allow-methods'] = methods.length === 0 ? '*' : methods.join(', ');
    if (policy.maxAge !== undefined) headers['access-control-max-age'] = String(policy.maxAge);
    if (
      policy.allowPrivateNetwork &&
      request.headers['access-control-request-private-network'] === 'true'
    ) {
      headers['access-control-allow-private-network'] = 'true';
    }
    headers['vary'] = vary;
    reply.code(200).headers(headers).send();
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method === 'OPTIONS') return payload;
    const origin = originFor(request.headers.origin);
    if (origin !== undefined) reply.header('access-control-allow-origin', origin);
    if (policy.allowCredentials) reply.header('access-control-allow-credentials', 'true');
    if (policy.exposeHeaders)
      reply.header('access-control-expose-headers', policy.exposeHeaders.join(', '));
    reply.header('vary', vary);
    return payload;
  });
}

/**
 * Tailcall's check of a CORS policy: credentials cannot be combined with a
 * wildcard. Returns the message of the first problem, or undefined.
 */
export function corsProblem(policy: CorsPolicy): string | undefined {
  if (!policy.allowCredentials) return undefined;
  const wildcards: [string, boolean][] = [
    ['Access-Control-Allow-Headers', (policy.allowHeaders ?? []).includes('*')],
    [
      'Access-Control-Allow-Methods',
      (policy.allowMethods ?? []).length === 0 || (policy.allowMethods ?? []).includes('*'),
    ],
    ['Access-Control-Allow-Origin', (policy.allowOrigins ?? []).includes('*')],
    ['Access-Control-Expose-Headers', (policy.exposeHeaders ?? []).includes('*')],
  ];
  const found = wildcards.find(([, wildcard]) => wildcard);
  return found
    ? `Invalid CORS configuration: Cannot combine \`Access-Control-Allow-Credentials: true\` with \`${found[0]}: *\``
    : undefined;
}
