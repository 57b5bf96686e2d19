/**
 * GraphiQL in a real browser, offline: Debian's chromium, driven by playwright-core, loads the
 * page from a generated server with every request to another address refused, runs a query and
 * shows its result. The screenshot is kept in `test-artifacts/graphiql.png`.
 *
 * `.ci/run` installs chromium; without it this test fails rather than skipping.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { chromium, type BrowserContext } from 'playwright-core';

import { REPO_ROOT, buildCompileAndStart, type RunningServer } from './helpers/generated-server.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const BROWSER_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const CONFIG = `
schema @server(graphiql: true) {
  query: Query
}

type Query {
  "A greeting computed by the server itself."
  greeting(name: String!): String @expr(body: "hello {{.args.name}}, from tc-gen")
}
`;

describe('GraphiQL served by a generated server', () => {
  let server: RunningServer;
  let profile: string;
  let context: BrowserContext;

  before(async () => {
    assert.ok(
      existsSync(CHROMIUM),
      `${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium), as .ci/run does`,
    );
    server = await buildCompileAndStart({ files: { 'config.graphql': CONFIG } });
    profile = await mkdtemp(path.join(tmpdir(), 'tc-gen-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: BROWSER_ARGS,
      viewport: { width: 1280, height: 800 },
      timeout: 30_000,
    });
  });

  after(async () => {
    await context?.close();
    await server?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('loads offline, runs a query and shows the result', async () => {
    const origin = new URL(server.url);
    const blocked: string[] = [];
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === origin.hostname) return route.continue();
      blocked.push(url.href);
      return route.abort('blockedbyclient');
    });

    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    const introspected = page.waitForResponse(
      (response) =>
        response.url() === `${server.url}/graphql` &&
        (response.request().postData() ?? '').includes('IntrospectionQuery'),
      { timeout: 30_000 },
    );

    const response = await page.goto(`${server.url}/graphiql`, { timeout: 30_000 });
    assert.equal(response?.status(), 200);
    await page.locator('.graphiql-container').waitFor({ timeout: 30_000 });

    // The schema loaded: the introspection query passed the depth limit.
    const schema = (await (await introspected).json()) as { data?: { __schema?: unknown } };
    assert.ok(schema.data?.__schema, JSON.stringify(schema).slice(0, 300));

    await page.locator('.graphiql-query-editor .CodeMirror').waitFor({ timeout: 10_000 });
    // CodeMirror keeps its API on its element; the test's own TypeScript has no DOM types.
    const query = 'query Greet {\n  greeting(name: "browser")\n}\n';
    await page
      .locator('.graphiql-query-editor .CodeMirror')
      .evaluate((editor: unknown, text: string) => {
        (editor as { CodeMirror: { setValue(value: string): void } }).CodeMirror.setValue(text);
      }, query);
    await page.locator('.graphiql-execute-button').click();

    const result = page.locator('.graphiql-response');
    await result.getByText('hello browser, from tc-gen').waitFor({ timeout: 15_000 });

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'graphiql.png') });

    assert.deepEqual(blocked, [], 'the page asked for something other than the server');
    assert.deepEqual(problems, []);
  });
});
