import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import bcrypt from 'bcryptjs';
import Fastify, { type FastifyInstance } from 'fastify';
import mercurius from 'mercurius';
import { request } from 'undici';

import {
  Authenticator,
  HtpasswdProvider,
  JwksProvider,
  protectOperations,
  type ProtectionTable,
} from '../src/index.js';
import { makeKey, nowS, sign } from './jwt-helpers.js';

const schema = `
  type Query { hello: String secret: String me: User }
  type User { name: String }
`;
const table: ProtectionTable = { Query: { secret: ['basic'], me: [] } };

const key = await makeKey('RS256', 'key-a');
const authenticator = new Authenticator([
  await JwksProvider.fromKeySet('jwt', { keys: [key.publicJwk] }),
  new HtpasswdProvider('basic', `alice:${bcrypt.hashSync('alice-pw', 4)}\n`),
]);
const basicOk = `Basic ${Buffer.from('alice:alice-pw').toString('base64')}`;
const jwt = `Bearer ${await sign(key, { exp: nowS() + 3600 })}`;

let resolverCalls = 0;
/** Whether each call of `hello` came from graphql-js's interpreter rather than JIT-compiled code. */
const interpreted: boolean[] = [];
let app: FastifyInstance;
let endpoint: string;

before(async () => {
  app = Fastify();
  await app.register(mercurius, {
    schema,
    jit: 1,
    resolvers: {
      Query: {
        hello: () => {
          resolverCalls++;
          interpreted.push(new Error().stack?.includes('execution/execute.js') === true);
          return 'world';
        },
        secret: () => (resolverCalls++, 's3cret'),
        me: () => (resolverCalls++, { name: 'Alice' }),
      },
    },
    context: (req) => ({ auth: authenticator.forRequest(req.headers.authorization) }),
  });
  protectOperations(app, table);
  await app.listen({ host: '127.0.0.1', port: 0 });
  endpoint = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/graphql`;
});

after(async () => {
  await app.close();
});

async function post(
  body: Record<string, unknown>,
  authorization?: string,
): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== undefined) {
    headers['authorization'] = authorization;
  }
  const response = await request(endpoint, { method: 'POST', headers, body: JSON.stringify(body) });

  return { status: response.statusCode, text: await response.body.text() };
}

function denied(reason: string): string {
  return JSON.stringify({ data: null, errors: [{ message: `Authentication Failure: ${reason}` }] });
}

describe('protectOperations with fastify + mercurius', () => {
  it('answers HTTP 200 with only the auth error, before any resolver runs', async () => {
    resolverCalls = 0;
    // Repeated so the JIT-compiled path (from the second run on) is covered too.
    for (let i = 0; i < 3; i++) {
      const response = await post({ query: '{ hello secret }' });
      assert.equal(response.status, 200);
      assert.equal(response.text, denied('Missing Authorization Header'));
    }
    assert.equal(resolverCalls, 0);
  });

  it('reports invalid credentials the same way', async () => {
    resolverCalls = 0;
    const wrong = `Basic ${Buffer.from('alice:nope').toString('base64')}`;
    assert.deepEqual(await post({ query: '{ secret }' }, wrong), {
      status: 200,
      text: denied('Invalid Authorization Header'),
    });
    // A valid JWT does not satisfy a basic-only field.
    assert.deepEqual(await post({ query: '{ secret }' }, jwt), {
      status: 200,
      text: denied('Invalid Authorization Header'),
    });
    assert.equal(resolverCalls, 0);
  });

  it('runs authenticated and public operations', async () => {
    assert.deepEqual(await post({ query: '{ hello secret }' }, basicOk), {
      status: 200,
      text: '{"data":{"hello":"world","secret":"s3cret"}}',
    });
    assert.deepEqual(await post({ query: '{ me { name } }' }, jwt), {
      status: 200,
      text: '{"data":{"me":{"name":"Alice"}}}',
    });
    assert.deepEqual(await post({ query: '{ hello }' }), {
      status: 200,
      text: '{"data":{"hello":"world"}}',
    });
  });

  it('keeps a query JIT-compiled when its second run is refused', async () => {
    // mercurius compiles a query on its second run, and gives up when a hook then throws.
    const query = '{ hello secret jit: hello }';
    assert.equal((await post({ query }, basicOk)).status, 200);
    assert.equal((await post({ query })).text, denied('Missing Authorization Header'));
    interpreted.length = 0;
    for (let i = 0; i < 3; i++) {
      assert.equal(
        (await post({ query }, basicOk)).text,
        '{"data":{"hello":"world","secret":"s3cret","jit":"world"}}',
      );
    }
    assert.equal((await post({ query })).text, denied('Missing Authorization Header'));
    assert.deepEqual(interpreted, [false, false, false, false, false, false]);
  });

  it('checks only the operation named in the request, also once the text is remembered', async () => {
    const query = 'query Pub { hello } query Priv { secret }';
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await post({ query, operationName: 'Pub' }), {
        status: 200,
        text: '{"data":{"hello":"world"}}',
      });
      assert.deepEqual(await post({ query, operationName: 'Priv' }), {
        status: 200,
        text: denied('Missing Authorization Header'),
      });
    }
  });
});
