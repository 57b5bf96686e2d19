import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { buildSchema, parse, validate } from 'graphql';

import { maxQueryDepthRule } from '../src/server/max-query-depth.ts';
import {
  checkUpstreamUrls,
  processSettings,
  requestLimits,
  ServerEnvError,
} from '../src/server/server-env.ts';
import { logUrl } from '../src/http/upstream-log.ts';

describe('maxQueryDepthRule', () => {
  const schema = buildSchema('type Query { node: Node } type Node { id: ID child: Node }');
  const errors = (query: string, limit: number) =>
    validate(schema, parse(query), [maxQueryDepthRule(limit)]).map((e) => e.message);

  it('counts field levels, not fragments', () => {
    assert.deepEqual(errors('{ node { child { id } } }', 3), []);
    assert.deepEqual(errors('query Q { node { child { child { id } } } }', 3), [
      "Operation 'Q' is nested 4 levels deep; at most 3 are allowed.",
    ]);
    assert.deepEqual(
      errors('{ node { ...F } } fragment F on Node { ... on Node { child { id } } }', 3),
      [],
    );
  });

  it('terminates on cyclic fragments, which the spec rules report', () => {
    assert.deepEqual(
      errors(
        '{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { ...A }',
        5,
      ),
      [],
    );
  });
});

describe('server environment', () => {
  const defaults = { port: 8000, host: '127.0.0.1', workers: 1 };

  it('takes the defaults when nothing is set', () => {
    assert.deepEqual(processSettings({}, defaults), {
      port: 8000,
      host: '127.0.0.1',
      logLevel: 'info',
      workers: 1,
      shutdownTimeoutMs: 10_000,
    });
    assert.deepEqual(requestLimits({}), { bodyLimit: 1_048_576, maxQueryDepth: 15 });
  });

  it('reads the variables and names the one it cannot use', () => {
    assert.deepEqual(
      processSettings(
        { PORT: '0', HOST: '0.0.0.0', LOG_LEVEL: 'silent', WORKERS: '4', SHUTDOWN_TIMEOUT_MS: '0' },
        defaults,
      ),
      { port: 0, host: '0.0.0.0', logLevel: 'silent', workers: 4, shutdownTimeoutMs: 0 },
    );
    assert.throws(
      () => processSettings({ PORT: '65536' }, defaults),
      new ServerEnvError("PORT must be an integer between 0 and 65535, got '65536'"),
    );
    assert.throws(() => processSettings({ WORKERS: '0' }, defaults), /^ServerEnvError: WORKERS/);
    assert.throws(() => requestLimits({ BODY_LIMIT: '1e6' }), /BODY_LIMIT must be an integer/);
  });

  it('accepts unset or absolute http(s) upstream URLs and names the variable of any other', () => {
    const names = ['TC_UPSTREAM_BASE_URL', 'TC_UPSTREAM_PROXY'];
    checkUpstreamUrls({}, names);
    checkUpstreamUrls({ TC_UPSTREAM_BASE_URL: '', TC_UPSTREAM_PROXY: '' }, names);
    checkUpstreamUrls(
      { TC_UPSTREAM_BASE_URL: 'https://api.test/v1/', TC_UPSTREAM_PROXY: 'http://127.0.0.1:3128' },
      names,
    );
    for (const value of ['notaurl', '/api', 'ftp://x', 'http://']) {
      assert.throws(
        () => checkUpstreamUrls({ TC_UPSTREAM_BASE_URL: value }, names),
        new ServerEnvError(`TC_UPSTREAM_BASE_URL must be an absolute http(s) URL, got '${value}'`),
      );
    }
    assert.throws(
      () => checkUpstreamUrls({ TC_UPSTREAM_PROXY: 'socks5://127.0.0.1:1080' }, names),
      /^ServerEnvError: TC_UPSTREAM_PROXY must be an absolute http\(s\) URL/,
    );
    // A variable the server does not read is not checked.
    checkUpstreamUrls({ TC_UPSTREAM_BASE_URL: 'notaurl' }, ['TC_UPSTREAM_PROXY']);
  });
});

describe('logUrl', () => {
  it('keeps scheme, host, port and path, and drops user info, query and fragment', () => {
    assert.equal(
      logUrl('http://user:secret@api.example:8080/v1/users/7?api_key=k&x=1#frag'),
      'http://api.example:8080/v1/users/7',
    );
    assert.equal(logUrl('not a url'), '(invalid url)');
  });
});
