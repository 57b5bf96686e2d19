import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import Fastify from 'fastify';

import { cors, corsProblem, type CorsPolicy } from '../src/index.js';

async function app(policy: CorsPolicy) {
  const server = Fastify();
  cors(server, policy);
  server.post('/graphql', async () => ({ data: { val: 1 } }));
  await server.ready();
  return server;
}

const VARY = 'origin, access-control-request-method, access-control-request-headers';

describe('cors', () => {
  it('answers a preflight with the allowed methods, headers and max age', async () => {
    const server = await app({
      allowHeaders: ['Authorization'],
      allowMethods: ['POST', 'OPTIONS'],
      allowOrigins: ['abc.com'],
      maxAge: 23,
    });
    const response = await server.inject({ method: 'OPTIONS', url: '/graphql' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, '');
    assert.equal(response.headers['access-control-allow-headers'], 'Authorization');
    assert.equal(response.headers['access-control-allow-methods'], 'POST, OPTIONS');
    assert.equal(response.headers['access-control-max-age'], '23');
    assert.equal(response.headers['vary'], VARY);
    assert.equal(response.headers['access-control-allow-origin'], undefined, 'no Origin sent');
    await server.close();
  });

  it('echoes a listed origin only, and adds credentials and exposed headers to other responses', async () => {
    const server = await app({
      allowCredentials: true,
      allowMethods: ['POST'],
      allowOrigins: ['abc.com'],
      exposeHeaders: [''],
    });
    const listed = await server.inject({
      method: 'POST',
      url: '/graphql',
      headers: { origin: 'abc.com' },
    });
    assert.equal(listed.headers['access-control-allow-origin'], 'abc.com');
    assert.equal(listed.headers['access-control-allow-credentials'], 'true');
    assert.equal(listed.headers['access-control-expose-headers'], '');
    assert.equal(listed.headers['vary'], VARY);
    const other = await server.inject({
      method: 'POST',
      url: '/graphql',
      headers: { origin: 'evil.example' },
    });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    await server.close();
  });

  it("refuses credentials combined with a wildcard, the first one found, in Tailcall's words", () => {
    assert.equal(corsProblem({ allowCredentials: false, allowOrigins: ['*'] }), undefined);
    assert.equal(corsProblem({ allowCredentials: true, allowMethods: ['POST'] }), undefined);
    assert.equal(
      corsProblem({ allowCredentials: true }),
      'Invalid CORS configuration: Cannot combine `Access-Control-Allow-Credentials: true` with `Access-Control-Allow-Methods: *`',
    );
    assert.equal(
      corsProblem({ allowCredentials: true, allowHeaders: ['*'], allowMethods: ['POST'] }),
      'Invalid CORS configuration: Cannot combine `Access-Control-Allow-Credentials: true` with `Access-Control-Allow-Headers: *`',
    );
    assert.equal(
      corsProblem({ allowCredentials: true, allowOrigins: ['*'], allowMethods: ['POST'] }),
      'Invalid CORS configuration: Cannot combine `Access-Control-Allow-Credentials: true` with `Access-Control-Allow-Origin: *`',
    );
    assert.equal(
      corsProblem({ allowCredentials: true, exposeHeaders: ['*'], allowMethods: ['POST'] }),
      'Invalid CORS configuration: Cannot combine `Access-Control-Allow-Credentials: true` with `Access-Control-Expose-Headers: *`',
    );
  });
});
