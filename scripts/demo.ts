/**
 * The docs example, end to end, the way a newcomer would run it by hand:
 * compile fixtures/jwt-docs with tc-gen, install the generated project from
 * the registry, start it with `npm start` pointed at a loopback stub of the
 * jsonplaceholder API, and send the docs page's request with and without its
 * token.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixture = path.join(root, 'fixtures/jwt-docs');
const out = path.join(root, '.work/demo/server');
const token = readFileSync(path.join(fixture, 'token.txt'), 'utf8').trim();
const docsRequest = JSON.stringify({ query: 'query {\n\tuser(id: 1) { name }\n}' });

function step(text: string): void {
  process.stdout.write(`\n\u25b6 ${text}\n`);
}

function run(command: string, args: string[], cwd: string): void {
  process.stdout.write(`$ ${[command, ...args].join(' ')}\n`);
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}`);
}

step('compile the docs example');
run(process.execPath, [path.join(root, 'bin/tc-gen.js'), 'build', path.relative(root, path.join(fixture, 'config.graphql')), '-o', path.relative(root, out)], root);

step('install the generated project');
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], out);

step('start a loopback stub of jsonplaceholder.typicode.com');
const hits: string[] = [];
const stub = createServer((request, response) => {
  hits.push(`${request.method} ${request.url}`);
  response.setHeader('content-type', 'application/json');
  if (request.url === '/users/1') {
    response.end(JSON.stringify({ id: 1, name: 'Leanne Graham', username: 'Bret', email: 'Sincere@april.biz' }));
  } else {
    response.statusCode = 404;
    response.end('{}');
  }
});
await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
const stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
process.stdout.write(`stub at ${stubUrl}\n`);

step('npm start (tsc, then node dist/main.js) with TC_UPSTREAM_BASE_URL pointing at the stub');
const server = spawn('npm', ['start', '--silent'], {
  cwd: out,
  detached: true,
  env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', TC_UPSTREAM_BASE_URL: stubUrl },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const stopServer = () => {
  if (server.pid !== undefined && server.exitCode === null) process.kill(-server.pid, 'SIGTERM');
};

try {
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the generated server did not start within 60 s')), 60_000);
    let buffered = '';
    server.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(buffered);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    server.once('exit', (code) => reject(new Error(`the generated server exited with code ${code}`)));
  });
  process.stdout.write(`server at ${url}\n`);

  for (const [label, headers] of [
    ['with the docs token', { authorization: `Bearer ${token}` }],
    ['without a token', {}],
  ] as const) {
    step(`POST ${url}/graphql ${label}`);
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      // As curl --data sends it: the docs page's command sets no content type.
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: docsRequest,
    });
    process.stdout.write(`HTTP ${response.status}\n${await response.text()}\n`);
  }
  process.stdout.write(`\nupstream calls the stub received: ${hits.length === 0 ? 'none' : hits.join(', ')}\n`);
} finally {
  stopServer();
  stub.close();
}
