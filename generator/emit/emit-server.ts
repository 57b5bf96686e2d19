import {
  getNamedType,
  isInputObjectType,
  printSchema,
  type GraphQLInputObjectType,
  type GraphQLSchema,
} from 'graphql';

import type { Plan } from '../plan/plan.ts';
import { fillTemplate } from './templates.ts';

const hasAuth = (plan: Plan) => plan.authLinks.length > 0;

/** Some input type leads back to itself through its fields (`input In { next: In }`). */
function hasRecursiveInput(schema: GraphQLSchema): boolean {
  const leadsTo = (from: GraphQLInputObjectType, to: string, seen: Set<string>): boolean =>
    Object.values(from.getFields()).some((field) => {
      const named = getNamedType(field.type);
      if (!isInputObjectType(named)) return false;
      if (named.name === to) return true;
      if (seen.has(named.name)) return false;
      seen.add(named.name);
      return leadsTo(named, to, seen);
    });
  return Object.values(schema.getTypeMap()).some(
    (type) => isInputObjectType(type) && leadsTo(type, type.name, new Set()),
  );
}

/** Some field is batched: the context carries a per-request data loader. */
export const usesBatches = (plan: Plan): boolean =>
  plan.upstream.batch !== undefined &&
  plan.upstream.batch.delay >= 1 &&
  plan.resolvers.some((r) => r.batchKey);

/** `src/context.ts`: what every resolver receives as `ctx`, merged into mercurius's context type. */
export function emitContext(plan: Plan): string {
  return [
    "import type { IncomingHttpHeaders } from 'node:http';",
    '',
    `import type { ${[...(usesBatches(plan) ? ['Batches'] : []), ...(hasAuth(plan) ? ['RequestAuth'] : []), 'Upstream'].join(', ')} } from '@tc-gen/runtime';`,
    '',
    '/** Per-request values the generated resolvers use. */',
    'export interface Context {',
    '  /** The upstream HTTP client (shared keep-alive pools, one per origin). */',
    '  upstream: Upstream;',
    ...(hasAuth(plan)
      ? [
          "  /** The caller's credential, verified at most once per provider per request. */",
          '  auth: RequestAuth;',
        ]
      : []),
    ...(usesBatches(plan)
      ? ['  /** The data loader of this request, for `batchKey` fields. */', '  batches: Batches;']
      : []),
    '  /** The incoming request headers. */',
    '  headers: IncomingHttpHeaders;',
    '}',
    '',
    "declare module 'mercurius' {",
    '  // eslint-disable-next-line @typescript-eslint/no-empty-object-type',
    '  interface MercuriusContext extends Context {}',
    '}',
    '',
  ].join('\n');
}

/** `src/upstream.ts`: where upstream calls go and how the client behaves. */
export function emitUpstream(plan: Plan): string {
  const u = plan.upstream;
  const options: string[] = [];
  if (u.timeoutMs !== undefined) options.push(`timeoutMs: ${u.timeoutMs}`);
  if (u.connectTimeoutMs !== undefined) options.push(`connectTimeoutMs: ${u.connectTimeoutMs}`);
  if (u.keepAliveTimeoutMs !== undefined)
    options.push(`keepAliveTimeoutMs: ${u.keepAliveTimeoutMs}`);
  if (u.connectionsPerOrigin !== undefined)
    options.push(`connectionsPerOrigin: ${u.connectionsPerOrigin}`);
  if (u.userAgent !== undefined) options.push(`userAgent: ${JSON.stringify(u.userAgent)}`);
  if (u.httpCacheSize !== undefined) options.push(`httpCacheSize: ${u.httpCacheSize}`);

  const lines = [
    `import type { ${usesBatches(plan) ? 'BatchOptions, ' : ''}UpstreamClientOptions } from '@tc-gen/runtime';`,
    '',
  ];
  if (plan.resolvers.some((r) => r.fromBaseUrl)) {
    lines.push(
      '/**',
      ' * Base URL of `@http(path:)` calls, from `@upstream(baseURL:)`; the',
      ' * TC_UPSTREAM_BASE_URL environment variable overrides it (checked by buildServer).',
      ' */',
      `export const upstreamBaseUrl = (process.env['TC_UPSTREAM_BASE_URL'] || ${JSON.stringify(u.baseURL ?? '')}).replace(/\\/+$/, '');`,
      '',
    );
  }
  if (u.allowedHeaders.length > 0) {
    lines.push(
      '/** Request headers forwarded to every upstream call (`@upstream(allowedHeaders:)`). */',
      `export const forwardedHeaders: readonly string[] = ${JSON.stringify(u.allowedHeaders)};`,
      '',
    );
  }
  if (usesBatches(plan) && u.batch) {
    lines.push(
      '/** How `batchKey` fields collect their calls (`@upstream(batch:)`). */',
      `export const batchOptions: BatchOptions = { delayMs: ${u.batch.delay}, maxSize: ${Math.max(1, u.batch.maxSize)} };`,
      '',
    );
  }
  lines.push(
    '/** An HTTP proxy for every upstream call: TC_UPSTREAM_PROXY, else `@upstream(proxy:)`. */',
    u.proxyUrl === undefined
      ? "const proxyUrl = process.env['TC_UPSTREAM_PROXY'];"
      : `const proxyUrl = process.env['TC_UPSTREAM_PROXY'] || ${JSON.stringify(u.proxyUrl)};`,
    '',
    '/** Settings of the upstream HTTP client, from `@upstream`. */',
    `export const upstreamOptions: UpstreamClientOptions = { ${[
      ...options,
      u.proxyUrl === undefined ? '...(proxyUrl ? { proxyUrl } : {})' : 'proxyUrl',
    ].join(', ')} };`,
    '',
  );

  return lines.join('\n');
}

/** `src/schema.ts`: the public schema, with tc-gen's directives removed. */
export function emitSchemaModule(plan: Plan): string {
  const sdl = printSchema(plan.clientSchema)
    .replace(/\\/g, '\\\\')
    .replace(/`/g, '\\`')
    .replace(/\$\{/g, '\\${');
  return [
    '/** The schema clients see. */',
    `export const typeDefs = /* GraphQL */ \`\n${sdl}\n\`;`,
    '',
  ].join('\n');
}

/** `@server(headers:)` asks for anything: the response headers hook is installed. */
function responseHeaderPolicy(plan: Plan): string | undefined {
  const h = plan.server.headers;
  const members: string[] = [];
  if (h.custom.length > 0) {
    members.push(
      `custom: { ${h.custom.map((c) => `${JSON.stringify(c.key)}: ${JSON.stringify(c.value)}`).join(', ')} }`,
    );
  }
  if (h.cacheControl) members.push('cacheControl: true');
  if (h.setCookies) members.push('setCookies: true');
  if (h.experimental.length > 0) members.push(`experimental: ${JSON.stringify(h.experimental)}`);
  return members.length === 0 ? undefined : `{ ${members.join(', ')} }`;
}

/** `src/server.ts`: the fastify app with mercurius, the upstream client and the auth check wired in. */
export function emitServer(plan: Plan): string {
  const auth = hasAuth(plan);
  const batches = usesBatches(plan);
  const policy = responseHeaderPolicy(plan);
  const { server } = plan;

  const runtime = [
    ...(batches ? ['Batches'] : []),
    'UpstreamClient',
    'acceptAnyJsonBody',
    'alwaysOkErrorFormatter',
    'checkUpstreamUrls',
    ...(policy ? ['collectorOf'] : []),
    ...(server.headers.cors ? ['cors'] : []),
    ...(server.graphiql ? ['graphiql'] : []),
    ...(server.introspection ? [] : ['hideIntrospection']),
    ...(hasRecursiveInput(plan.clientSchema) ? ['interpretRecursiveInputs'] : []),
    ...(server.queryValidation ? [] : ['lenientQueries']),
    'tailcallEnums',
    'tailcallScalars',
    'maxQueryDepthRule',
    'noteOperation',
    'plainJsonContentType',
    ...(auth ? ['protectOperations'] : []),
    'RequestLog',
    'requestId',
    'requestLimits',
    'shareAnswers',
    'statusRoute',
    ...(policy ? ['upstreamResponseHeaders'] : []),
  ].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));

  const context = [
    '    context: (request) => {',
    ...(policy
      ? [
          '      // Failed upstream calls are logged with the id of this request, and its upstream',
          '      // responses are observed for its own response headers.',
          '      const observer = collectorOf(request);',
          '      const view = upstream.forRequest({ log: request.log, observer });',
        ]
      : [
          '      // Failed upstream calls are logged with the id of this request.',
          '      const view = upstream.forRequest({ log: request.log });',
        ]),
    `      return { ${[
      'upstream: view',
      ...(auth ? ['auth: authenticator.forRequest(request.headers.authorization)'] : []),
      ...(batches ? ['batches: new Batches(view, batchOptions)'] : []),
      'headers: request.headers',
    ].join(', ')} };`,
    '    },',
  ];

  return [
    "import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';",
    "import mercurius from 'mercurius';",
    '',
    `import { ${runtime.join(', ')} } from '@tc-gen/runtime';`,
    '',
    ...(auth ? ["import { createAuthenticator, protection } from './auth.js';"] : []),
    "import './context.js';",
    "import { enumAliases, resolvers, sharing } from './resolvers.js';",
    "import { typeDefs } from './schema.js';",
    `import { ${batches ? 'batchOptions, ' : ''}upstreamOptions } from './upstream.js';`,
    '',
    '/** Builds the server without listening, so tests and embedders can use `inject` or `listen`. */',
    'export async function buildServer(options: FastifyServerOptions = {}): Promise<FastifyInstance> {',
    '  const limits = requestLimits(process.env);',
    '  // Read by upstream.ts; a value that is not an http(s) URL stops the start here.',
    `  checkUpstreamUrls(process.env, [${plan.resolvers.some((r) => r.fromBaseUrl) ? "'TC_UPSTREAM_BASE_URL', " : ''}'TC_UPSTREAM_PROXY']);`,
    '  const app = Fastify({',
    '    // One log line per request; ids stay unique across worker processes.',
    '    logController: new RequestLog(),',
    '    genReqId: requestId,',
    '    bodyLimit: limits.bodyLimit,',
    '    ...options,',
    '  });',
    '  const upstream = new UpstreamClient(upstreamOptions);',
    "  app.addHook('onClose', async () => upstream.close());",
    ...(auth
      ? [
          '  const authenticator = await createAuthenticator();',
          "  app.addHook('onClose', async () => authenticator.close());",
        ]
      : []),
    '  // `curl --data` sends a JSON body as a form; read it as JSON, as Tailcall does.',
    `  acceptAnyJsonBody(app${server.batchRequests ? ', { batchRequests: true }' : ''});`,
    '  plainJsonContentType(app);',
    ...(policy ? [`  upstreamResponseHeaders(app, ${policy});`] : []),
    ...(server.headers.cors ? [`  cors(app, ${JSON.stringify(server.headers.cors)});`] : []),
    `  statusRoute(app, ${JSON.stringify(server.routes.status)});`,
    ...(server.graphiql
      ? [`  graphiql(app, { endpoint: ${JSON.stringify(server.routes.graphQL)} });`]
      : []),
    '',
    '  await app.register(mercurius, {',
    '    schema: typeDefs,',
    '    resolvers,',
    ...(server.routes.graphQL === '/graphql'
      ? []
      : [`    path: ${JSON.stringify(server.routes.graphQL)},`]),
    '    jit: 1,',
    '    validationRules: [maxQueryDepthRule(limits.maxQueryDepth)],',
    ...(server.batchRequests ? ['    allowBatchedQueries: true,'] : []),
    '    // Every GraphQL answer is HTTP 200, errors included, as in Tailcall.',
    '    errorFormatter: alwaysOkErrorFormatter,',
    ...context,
    '  });',
    "  app.graphql.addHook('preExecution', noteOperation);",
    '  // Scalars as in Tailcall: built-in ones pass values through, custom ones are checked.',
    '  tailcallScalars(app.graphql.schema);',
    '  tailcallEnums(app.graphql.schema, enumAliases);',
    ...(server.queryValidation
      ? []
      : [
          '  // Queries are read as Tailcall reads them without `@server(queryValidation: true)`.',
          '  lenientQueries(app);',
        ]),
    ...(server.introspection
      ? []
      : [
          '  // `@server(introspection: false)`: __schema and __type selections are dropped.',
          "  app.graphql.addHook('preExecution', hideIntrospection());",
        ]),
    ...(hasRecursiveInput(plan.clientSchema)
      ? [
          '  // graphql-jit never finishes compiling a variable of a recursive input type.',
          '  interpretRecursiveInputs(app);',
        ]
      : []),
    ...(auth
      ? [
          '  // Auth is decided once per operation, before any resolver runs.',
          '  protectOperations(app, protection);',
        ]
      : []),
    '  // Identical queries share an answer when what they select allows it (see `sharing`).',
    `  shareAnswers(app, { path: ${JSON.stringify(server.routes.graphQL)}, sharing${auth ? ', protection, authenticator' : ''} });`,
    '',
    '  return app;',
    '}',
    '',
  ].join('\n');
}

/** `src/main.ts`: the entry `npm start` runs. */
export function emitMain(plan: Plan): string {
  return fillTemplate('project/src/main.ts', {
    PORT: String(plan.server.port),
    HOST: JSON.stringify(plan.server.hostname),
    WORKERS: String(plan.server.workers),
  });
}
