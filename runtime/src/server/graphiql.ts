import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import type { FastifyInstance } from 'fastify';

/** Where GraphiQL is served, and the GraphQL endpoint it talks to. */
export interface GraphiqlOptions {
  /** @default '/graphiql' */
  path?: string;
  /** The GraphQL route, e.g. `/graphql`. */
  endpoint: string;
}

interface Asset {
  contentType: string;
  body: Buffer;
}

/** Files of the packages the generated project installs, served as they are. */
const PACKAGE_FILES: readonly { pkg: string; file: string; name: string; type: string }[] = [
  { pkg: 'react', file: 'umd/react.production.min.js', name: 'react.js', type: 'text/javascript' },
  {
    pkg: 'react-dom',
    file: 'umd/react-dom.production.min.js',
    name: 'react-dom.js',
    type: 'text/javascript',
  },
  { pkg: 'graphiql', file: 'graphiql.min.js', name: 'graphiql.js', type: 'text/javascript' },
  { pkg: 'graphiql', file: 'graphiql.min.css', name: 'graphiql.css', type: 'text/css' },
];

/** Mounts GraphiQL once the page has loaded its scripts; the endpoint is read from the page. */
const START_SCRIPT = `'use strict';
const root = document.getElementById('graphiql');
const fetcher = GraphiQL.createFetcher({
  url: root.dataset.endpoint,
  enableIncrementalDelivery: false,
});
ReactDOM.createRoot(root).render(React.createElement(GraphiQL, { fetcher }));
`;

/**
 * The page may load nothing but what this server sends: the browser refuses any other origin,
 * so GraphiQL works offline and never calls a CDN. Inline styles are allowed because
 * GraphiQL's editor sets them.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
].join('; ');

/**
 * Serves GraphiQL (`@server(graphiql: true)`) from the `graphiql`, `react` and `react-dom`
 * packages installed with the project: the page at `path` and its assets under `path/`, all
 * read once here. Throws when a package is missing, so the server does not start with a
 * broken page.
 */
export function graphiql(app: FastifyInstance, options: GraphiqlOptions): void {
  const base = options.path ?? '/graphiql';
  const assets = new Map<string, Asset>();
  for (const { pkg, file, name, type } of PACKAGE_FILES) {
    assets.set(name, { contentType: type, body: readPackageFile(pkg, file) });
  }
  assets.set('start.js', {
    contentType: 'text/javascript',
    body: Buffer.from(START_SCRIPT),
  });
  const page = Buffer.from(pageHtml(base, options.endpoint));

  app.get(base, async (_request, reply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-cache')
      .send(page),
  );
  app.get<{ Params: { name: string } }>(`${base}/:name`, async (request, reply) => {
    const asset = assets.get(request.params.name);
    if (asset === undefined) return reply.callNotFound();

    return reply
      .header('content-type', `${asset.contentType}; charset=utf-8`)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'public, max-age=3600')
      .send(asset.body);
  });
}

function readPackageFile(pkg: string, file: string): Buffer {
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(
      `GraphiQL is enabled but the package '${pkg}' is not installed; run npm install in the server's folder`,
    );
  }

  return readFileSync(path.join(dir, file));
}

function pageHtml(base: string, endpoint: string): string {
  const asset = (name: string) => escapeHtml(`${base}/${name}`);

  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>GraphiQL</title>
    <link rel="stylesheet" href="${asset('graphiql.css')}" />
    <style>
      body { margin: 0; }
      #graphiql { height: 100vh; }
    </style>
  </head>
  <body>
    <div id="graphiql" data-endpoint="${escapeHtml(endpoint)}">Loading GraphiQL…</div>
    <script src="${asset('react.js')}"></script>
    <script src="${asset('react-dom.js')}"></script>
    <script src="${asset('graphiql.js')}"></script>
    <script src="${asset('start.js')}"></script>
  </body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
