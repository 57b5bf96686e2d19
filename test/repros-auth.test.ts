/**
 * The auth repros BR-01 to BR-18 of `shared/repros/README.md`, end to end: each case's config is
 * built by tc-gen, compiled with tsc and served, and each row of its table is sent over HTTP.
 * The configs keep `@upstream(baseURL: "http://upstream.test")`; `TC_UPSTREAM_BASE_URL` points
 * the server at a loopback stub. Keys, tokens and htpasswd files are made at test time.
 *
 * Every row asserts the exact response body and the stub's hits per route; an operation refused
 * for auth must reach no upstream at all. Where a case's table gives Tailcall's behaviour and the
 * decision table at the top of the README says otherwise (BR-04, BR-06, BR-07, BR-09, BR-13),
 * the rows pin the decision.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  constants,
  createHash,
  createHmac,
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  X509Certificate,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';

import bcrypt from 'bcryptjs';
import { specifiedDirectives } from 'graphql';

import { analyze, build } from '../generator/compiler.ts';
import type { Diagnostic } from '../generator/diagnostics.ts';
import {
  REPO_ROOT,
  buildCompileAndStart,
  graphql,
  startServer,
  type RunningServer,
} from './helpers/generated-server.ts';
import {
  startUpstreamStub,
  type StubResponse,
  type UpstreamStub,
} from './helpers/upstream-stub.ts';

// apache-md5 is CommonJS and its bundled declaration types a default import wrongly under NodeNext.
const apacheMd5 = createRequire(import.meta.url)('apache-md5') as (
  password: string,
  salt?: string,
) => string;

const WORK_ROOT = path.join(REPO_ROOT, '.work');
const TSC = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const TSC_TIMEOUT_MS = 120_000;

// ---------------------------------------------------------------------------------------------
// Expected bodies

/** Tailcall's body for a refused operation: HTTP 200, `data: null`, one error. */
function authFailure(reason: string): unknown {
  return { data: null, errors: [{ message: `Authentication Failure: ${reason}` }] };
}

const AUTH_MISSING = authFailure('Missing Authorization Header');
const AUTH_INVALID = authFailure('Invalid Authorization Header');
const AUTH_UNKNOWN_KID = authFailure("Couldn't find JWK entry with specified kid");

// ---------------------------------------------------------------------------------------------
// Credentials

type Headers = Readonly<Record<string, string>>;

const NO_AUTH: Headers = {};

/** An `Authorization` header to send (a type alias, so it fits `Headers`). */
type Credential = { readonly authorization: string };

function basic(user: string, password: string): Credential {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

function bearer(token: string): Credential {
  return { authorization: `Bearer ${token}` };
}

/** `htpasswd -nbB` writes `$2y$`; bcryptjs writes `$2b$`, the same algorithm. */
function bcrypt2y(password: string, cost: number): string {
  return bcrypt2b(password, cost).replace(/^\$2b\$/, '$2y$');
}

function bcrypt2b(password: string, cost: number): string {
  const hash = bcrypt.hashSync(password, cost);
  assert.match(hash, /^\$2b\$/);

  return hash;
}

function sha1Entry(password: string): string {
  return `{SHA}${createHash('sha1').update(password).digest('base64')}`;
}

/** Seconds since the epoch, as JWT claims count time. */
function nowS(): number {
  return Math.floor(Date.now() / 1000);
}

/** The README's default payload: `{"sub":"svc-1","exp":NOW+3600}`. */
function claims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { sub: 'svc-1', exp: nowS() + 3600, ...extra };
}

/** A key pair made at test time, with its public JWK (key members only: no kid, alg or use). */
interface TestKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: JsonWebKey;
}

function rsaKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  return { privateKey, publicKey, jwk: publicKey.export({ format: 'jwk' }) };
}

function ecKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  return { privateKey, publicKey, jwk: publicKey.export({ format: 'jwk' }) };
}

/** Makes the signature part of a compact JWS from its signing input. */
type Signer = (signingInput: string) => string;

const rsaSha256 =
  (key: TestKey): Signer =>
  (input) =>
    sign('sha256', Buffer.from(input), key.privateKey).toString('base64url');

const rsaPssSha256 =
  (key: TestKey): Signer =>
  (input) =>
    sign('sha256', Buffer.from(input), {
      key: key.privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    }).toString('base64url');

const ecdsaSha256 =
  (privateKey: KeyObject): Signer =>
  (input) =>
    sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString(
      'base64url',
    );

const hmacSha256 =
  (secret: string | Buffer): Signer =>
  (input) =>
    createHmac('sha256', secret).update(input).digest('base64url');

/**
 * A compact JWS built by hand, so a test can send what a JWT library would refuse to make: a
 * payload given as text is sent byte for byte (`"exp":1700000000.0` keeps its `.0`).
 */
function jws(
  header: Record<string, unknown>,
  payload: Record<string, unknown> | string,
  signer: Signer,
): string {
  const head = Buffer.from(JSON.stringify(header)).toString('base64url');
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const input = `${head}.${Buffer.from(text).toString('base64url')}`;

  return `${input}.${signer(input)}`;
}

/** "RS256 kid <kid> signed <key>" of the README, with the default payload unless given. */
function rs256(
  key: TestKey,
  kid: string | undefined,
  payload: Record<string, unknown> | string = claims(),
): string {
  const header =
    kid === undefined ? { alg: 'RS256', typ: 'JWT' } : { alg: 'RS256', kid, typ: 'JWT' };

  return jws(header, payload, rsaSha256(key));
}

/** `{"keys":[...]}` as file text. */
function keySet(...keys: readonly JsonWebKey[]): string {
  return JSON.stringify({ keys });
}

/** A DER TLV of at most 64 KiB, its length in the shortest form. */
function der(tag: number, ...content: readonly Buffer[]): Buffer {
  const body = Buffer.concat(content);
  assert.ok(body.length < 0x10000);
  const length =
    body.length < 0x80
      ? [body.length]
      : body.length < 0x100
        ? [0x81, body.length]
        : [0x82, body.length >> 8, body.length & 0xff];

  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}

/**
 * A self-signed X.509 v3 certificate for an RSA key, as base64 DER (an `x5c` entry): subject and
 * issuer `CN=tc-gen test only`, valid for a day around now, signed sha256WithRSAEncryption.
 */
function selfSignedCertificate(key: TestKey): string {
  const sha256WithRsa = der(0x30, der(0x06, Buffer.from('2a864886f70d01010b', 'hex')), der(0x05));
  const name = der(
    0x30,
    der(
      0x31,
      der(
        0x30,
        der(0x06, Buffer.from('550403', 'hex')),
        der(0x0c, Buffer.from('tc-gen test only')),
      ),
    ),
  );
  const utcTime = (ms: number) =>
    der(0x17, Buffer.from(`${new Date(ms).toISOString().slice(2, 19).replace(/[-T:]/g, '')}Z`));
  const tbs = der(
    0x30,
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, Buffer.from([1])),
    sha256WithRsa,
    name,
    der(0x30, utcTime(Date.now() - 86_400_000), utcTime(Date.now() + 86_400_000)),
    name,
    key.publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, key.privateKey);
  const certificate = der(0x30, tbs, sha256WithRsa, der(0x03, Buffer.from([0]), signature));
  assert.ok(new X509Certificate(certificate).verify(key.publicKey), 'the test certificate');

  return certificate.toString('base64');
}

// Harness keys of the README: RSA-2048 pairs K1, K2 and K9.
const K1 = rsaKey();
const K2 = rsaKey();
const K9 = rsaKey();

/** `<public JWK of K1>` with kid k1, alg RS256, use sig: the key set of BR-11, BR-12, BR-13. */
const K1_JWK: JsonWebKey = { ...K1.jwk, kid: 'k1', alg: 'RS256', use: 'sig' };
const K1_ONLY_JWKS = keySet(K1_JWK);

/** The config of BR-07, shared by BR-09, BR-11, BR-12, BR-13 and BR-16. */
const SECRET_CONFIG = `schema
  @server
  @upstream(baseURL: "http://upstream.test")
  @link(id: "jwt", type: Jwks, src: "jwks.json") {
  query: Query
}

type Query {
  secret: String @http(path: "/secret") @protected
}
`;
const SECRET_ROUTES = { '/secret': { body: 'top secret' } };
const SECRET_QUERY = '{ secret }';
const SECRET_DATA = { data: { secret: 'top secret' } };

// ---------------------------------------------------------------------------------------------
// Servers

/** What a suite serves: the config and its linked files, and the upstream stub's routes. */
interface Setup {
  files: Readonly<Record<string, string>>;
  routes: Readonly<Record<string, StubResponse>>;
  /**
   * Warnings the build must report, as `line:col severity code message [at trace]`. Without
   * it, the build must report nothing at all.
   */
  warnings?: readonly string[];
}

/** A generated server and the loopback stub standing in for its upstream. */
class Served {
  #server: RunningServer | undefined;
  #stub: UpstreamStub | undefined;

  get url(): string {
    return this.#running().url;
  }

  get stub(): UpstreamStub {
    assert.ok(this.#stub, 'the suite set-up failed');

    return this.#stub;
  }

  async start(setup: Setup): Promise<void> {
    this.#stub = await startUpstreamStub(setup.routes);
    const env = { TC_UPSTREAM_BASE_URL: this.#stub.url };
    this.#server =
      setup.warnings === undefined
        ? await buildCompileAndStart({ files: setup.files, env })
        : await startExpectingWarnings(setup.files, setup.warnings, env);
  }

  async stop(): Promise<void> {
    await this.#server?.stop();
    await this.#stub?.close();
  }

  assertAlive(): void {
    const server = this.#running();
    assert.equal(server.exited(), undefined, `the server died:\n${server.output()}`);
  }

  /**
   * Sends `query`; checks HTTP 200, exactly this body, and the stub's hits per route. Routes not
   * listed must not have been called either.
   */
  async expect(
    query: string,
    headers: Headers,
    body: unknown,
    hits: Readonly<Record<string, number>>,
  ): Promise<void> {
    this.stub.reset();
    const response = await graphql(this.url, query, headers);

    assert.equal(response.status, 200, response.text);
    assert.equal(response.text, JSON.stringify(body), `body of ${query}`);
    for (const [route, count] of Object.entries(hits)) {
      assert.equal(this.stub.hits(route), count, `upstream calls to ${route} for ${query}`);
    }
    assert.equal(
      this.stub.requests.length,
      Object.values(hits).reduce((a, b) => a + b, 0),
      `upstream calls in all for ${query}: ${this.stub.requests.map((r) => r.url).join(', ')}`,
    );
  }

  #running(): RunningServer {
    assert.ok(this.#server, 'the suite set-up failed');

    return this.#server;
  }
}

/** Serves `setup` for the tests of the enclosing suite. */
function serve(setup: () => Setup): Served {
  const served = new Served();
  before(() => served.start(setup()));
  after(() => served.stop());
  beforeEach(() => served.assertAlive());

  return served;
}

let k1OnlyServer: Promise<Served> | undefined;

/**
 * The BR-07 config with K1 alone in the set. BR-07 (row T4), BR-11, BR-12 and BR-13 share this
 * config, so they share one build; it stops when the file's tests are done.
 */
function k1Only(): Promise<Served> {
  k1OnlyServer ??= (async () => {
    const served = new Served();
    try {
      await served.start({
        files: { 'config.graphql': SECRET_CONFIG, 'jwks.json': K1_ONLY_JWKS },
        routes: SECRET_ROUTES,
      });
    } catch (error) {
      await served.stop();
      throw error;
    }

    return served;
  })();

  return k1OnlyServer;
}

after(async () => {
  const served = await k1OnlyServer?.catch(() => undefined);
  await served?.stop();
});

/** `line:col severity code message [at trace]`; the file leads when it is not the config. */
function diagnosticLine(d: Diagnostic): string {
  const file = d.span && d.span.file !== 'config.graphql' ? `${d.span.file}:` : '';
  const where = d.span ? `${file}${d.span.line}:${d.span.column}` : '-';

  return `${where} ${d.severity} ${d.code} ${d.message}${d.trace ? ` [at ${d.trace}]` : ''}`;
}

async function scratchDir(files: Readonly<Record<string, string>>): Promise<string> {
  await mkdir(WORK_ROOT, { recursive: true });
  const dir = await mkdtemp(path.join(WORK_ROOT, 'repros-auth-'));
  for (const [name, text] of Object.entries(files)) {
    await writeFile(path.join(dir, name), text);
  }

  return dir;
}

/**
 * `buildCompileAndStart` fails on any diagnostic; this one requires exactly the `expected`
 * warnings (and no error), then compiles and starts the project the same way.
 */
async function startExpectingWarnings(
  files: Readonly<Record<string, string>>,
  expected: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<RunningServer> {
  const dir = await scratchDir(files);
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const outDir = path.join(dir, 'server');
    const result = await build(path.join(dir, 'config.graphql'), outDir, dir);
    assert.deepEqual(result.diagnostics.map(diagnosticLine), expected);
    assert.ok(result.files, 'the build wrote nothing');
    const tsc = await new Promise<string>((resolve) => {
      execFile(
        process.execPath,
        [TSC, '-p', path.join(outDir, 'tsconfig.json')],
        { cwd: REPO_ROOT, timeout: TSC_TIMEOUT_MS },
        (error, stdout, stderr) =>
          resolve(`${error ? `${error.message}\n` : ''}${stdout}${stderr}`),
      );
    });
    assert.equal(tsc, '', 'tsc on the generated project');
    const server = await startServer(outDir, env);

    return {
      ...server,
      stop: async () => {
        await server.stop();
        await remove();
      },
    };
  } catch (error) {
    await remove();
    throw error;
  }
}

/**
 * Runs a config that must not build: returns its diagnostics from `analyze()`, after checking
 * that it gives no plan and that `build()` writes no output folder.
 */
async function buildErrors(files: Readonly<Record<string, string>>): Promise<string[]> {
  const dir = await scratchDir(files);
  try {
    const config = path.join(dir, 'config.graphql');
    const result = await analyze(config, dir);
    assert.equal(result.plan, undefined, 'a config with errors must not produce a plan');

    const outDir = path.join(dir, 'out');
    const built = await build(config, outDir, dir);
    assert.equal(built.files, undefined);
    await assert.rejects(readdir(outDir), { code: 'ENOENT' }, 'no output folder is written');

    return result.diagnostics.map(diagnosticLine);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The cases

describe('BR-01: auth is decided for the whole operation, before any upstream call', () => {
  const served = serve(() => ({
    files: {
      'config.graphql': `schema
  @server(port: 8000)
  @upstream(baseURL: "http://upstream.test")
  @link(id: "basic", type: Htpasswd, src: "users.htpasswd") {
  query: Query
}

type Query {
  motd: String @http(path: "/motd")
  me: Profile @http(path: "/me") @protected
  account: Account @http(path: "/account")
}

type Profile {
  id: Int!
  name: String!
}

type Account {
  id: Int!
  balance: Float! @protected
}
`,
      'users.htpasswd': `user-a:${bcrypt2y('pass-a', 5)}\n`,
    },
    routes: {
      '/motd': { body: 'hello' },
      '/me': { body: { id: 1, name: 'A' } },
      '/account': { body: { id: 7, balance: 12.5 } },
    },
  }));

  it('row 1: a public field without a credential gives data', async () => {
    await served.expect('{ motd }', NO_AUTH, { data: { motd: 'hello' } }, { '/motd': 1 });
  });

  it('row 2: a protected field without a credential is AUTH_MISSING, /me not called', async () => {
    await served.expect('{ me { name } }', NO_AUTH, AUTH_MISSING, { '/me': 0 });
  });

  it('row 3: a wrong password fails the whole operation, public sibling included', async () => {
    await served.expect('{ motd me { name } }', basic('user-a', 'wrong'), AUTH_INVALID, {
      '/motd': 0,
      '/me': 0,
    });
  });

  it('row 4: a protected field without its own resolver fails before its parent is fetched', async () => {
    await served.expect('{ account { id balance } }', NO_AUTH, AUTH_MISSING, { '/account': 0 });
  });

  it('row 5: the same operation with the right password gives data', async () => {
    await served.expect(
      '{ account { id balance } }',
      basic('user-a', 'pass-a'),
      { data: { account: { id: 7, balance: 12.5 } } },
      { '/account': 1 },
    );
  });

  it('row 6: the parent of a protected field without it selected gives data', async () => {
    await served.expect(
      '{ account { id } }',
      NO_AUTH,
      { data: { account: { id: 7 } } },
      { '/account': 1 },
    );
  });
});

describe('BR-02: @protected on a type guards every route into that type', () => {
  const served = serve(() => ({
    files: {
      'config.graphql': `schema
  @server
  @upstream(baseURL: "http://upstream.test")
  @link(id: "basic", type: Htpasswd, src: "users.htpasswd") {
  query: Query
}

type Query {
  invoice(id: Int!): Invoice @http(path: "/invoices/{{.args.id}}")
  customer(id: Int!): Customer @http(path: "/customers/{{.args.id}}")
}

type Customer {
  id: Int!
  name: String!
  lastInvoiceId: Int!
  lastInvoice: Invoice @http(path: "/invoices/{{.value.lastInvoiceId}}")
}

type Invoice @protected {
  id: Int!
  total: Float!
}
`,
      'users.htpasswd': `user-a:${bcrypt2y('pass-a', 5)}\n`,
    },
    routes: {
      '/customers/1': { body: { id: 1, name: 'C', lastInvoiceId: 9 } },
      '/invoices/9': { body: { id: 9, total: 40 } },
    },
  }));
  const chained = '{ customer(id: 1) { name lastInvoice { total } } }';

  it('row 1: a route that does not reach the type gives data', async () => {
    await served.expect(
      '{ customer(id: 1) { name } }',
      NO_AUTH,
      { data: { customer: { name: 'C' } } },
      { '/customers/1': 1, '/invoices/9': 0 },
    );
  });

  it('row 2: the root field returning the type is AUTH_MISSING, /invoices/9 not called', async () => {
    await served.expect('{ invoice(id: 9) { id } }', NO_AUTH, AUTH_MISSING, { '/invoices/9': 0 });
  });

  it('row 3: a nested route into the type fails the operation, calling neither upstream', async () => {
    await served.expect(chained, NO_AUTH, AUTH_MISSING, { '/customers/1': 0, '/invoices/9': 0 });
  });

  it('row 4: the nested route with valid Basic gives full data', async () => {
    await served.expect(
      chained,
      basic('user-a', 'pass-a'),
      { data: { customer: { name: 'C', lastInvoice: { total: 40 } } } },
      { '/customers/1': 1, '/invoices/9': 1 },
    );
  });

  it('row 5: the schema shape of the type is not protected', async () => {
    await served.expect(
      '{ __type(name: "Invoice") { fields { name } } }',
      NO_AUTH,
      { data: { __type: { fields: [{ name: 'id' }, { name: 'total' }] } } },
      {},
    );
  });
});

describe('BR-04: choosing providers with @protected(id: [...]), and validation', () => {
  // Decision (README table): a bare @protected admits a credential ANY linked provider accepts,
  // and @protected(id: [...]) one that any LISTED provider accepts. Tailcall since PR #3142
  // requires all of them, which gives AUTH_INVALID for user-a and user-b on staffAndPartner
  // and anyLinked.
  const served = serve(() => ({
    files: {
      'config.graphql': `schema
  @server
  @upstream(baseURL: "http://upstream.test")
  @link(id: "staff", type: Htpasswd, src: "staff.htpasswd")
  @link(id: "partners", type: Htpasswd, src: "partners.htpasswd") {
  query: Query
}

type Query {
  staffOnly: String @http(path: "/staff") @protected(id: ["staff"])
  staffAndPartner: String @http(path: "/both") @protected(id: ["staff", "partners"])
  anyLinked: String @http(path: "/any") @protected
}
`,
      'staff.htpasswd': `user-a:${bcrypt2y('pass-a', 5)}\nuser-c:${bcrypt2y('pass-c', 5)}\n`,
      'partners.htpasswd': `user-b:${bcrypt2y('pass-b', 5)}\nuser-c:${bcrypt2y('pass-c', 5)}\n`,
    },
    routes: { '/staff': { body: 'ok' }, '/both': { body: 'ok' }, '/any': { body: 'ok' } },
  }));

  const fields = [
    { query: '{ staffOnly }', route: '/staff', data: { data: { staffOnly: 'ok' } } },
    { query: '{ staffAndPartner }', route: '/both', data: { data: { staffAndPartner: 'ok' } } },
    { query: '{ anyLinked }', route: '/any', data: { data: { anyLinked: 'ok' } } },
  ] as const;
  const rows = [
    { user: 'user-a', password: 'pass-a', admitted: [true, true, true] },
    { user: 'user-b', password: 'pass-b', admitted: [false, true, true] },
    { user: 'user-c', password: 'pass-c', admitted: [true, true, true] },
  ] as const;

  for (const row of rows) {
    const cells = row.admitted.map((ok) => (ok ? 'data' : 'AUTH_INVALID')).join(', ');
    it(`${row.user}:${row.password} on staffOnly, staffAndPartner, anyLinked: ${cells}`, async () => {
      for (const [i, field] of fields.entries()) {
        const admitted = row.admitted[i];
        await served.expect(
          field.query,
          basic(row.user, row.password),
          admitted ? field.data : AUTH_INVALID,
          { [field.route]: admitted ? 1 : 0 },
        );
      }
    });
  }

  it('no credential or a wrong password is refused on every field', async () => {
    for (const field of fields) {
      await served.expect(field.query, NO_AUTH, AUTH_MISSING, { [field.route]: 0 });
      await served.expect(field.query, basic('user-c', 'pass-a'), AUTH_INVALID, {
        [field.route]: 0,
      });
    }
  });

  it('positive control: the server serves introspection, with no Tailcall directive in it', async () => {
    const directives = specifiedDirectives.map((d) => ({ name: d.name }));
    await served.expect(
      '{ __schema { directives { name } } }',
      NO_AUTH,
      { data: { __schema: { directives } } },
      {},
    );
  });

  const header = `schema
  @server
  @upstream(baseURL: "http://upstream.test")
  @link(id: "staff", type: Htpasswd, src: "staff.htpasswd") {
  query: Query
}
`;
  const staff = { 'staff.htpasswd': `user-a:${bcrypt2y('pass-a', 5)}\n` };

  it('build 1: an unknown provider id is an error naming it', async () => {
    const lines = await buildErrors({
      'config.graphql': `${header}
type Query {
  staffOnly: String @http(path: "/staff") @protected(id: ["nope"])
}
`,
      ...staff,
    });
    assert.deepEqual(lines, [
      '9:58 error TCG_UNKNOWN_PROVIDER Auth provider nope not found [at Query.staffOnly.@protected]',
    ]);
  });

  it('build 2: @protected without any auth link is an error', async () => {
    const lines = await buildErrors({
      'config.graphql': `schema @server @upstream(baseURL: "http://upstream.test") {
  query: Query
}

type Query {
  staffOnly: String @http(path: "/staff") @protected
}
`,
    });
    assert.deepEqual(lines, [
      '6:43 error TCG_PROTECTED_NO_PROVIDER @protected operator is used but there is no @link definitions for auth providers [at Query.staffOnly.@protected]',
    ]);
  });

  it('build 3: @protected on an input type or an input field is an error', async () => {
    const lines = await buildErrors({
      'config.graphql': `${header}
type Query {
  tickets(input: TicketInput, filter: TicketFilter): String @http(path: "/tickets")
}

input TicketInput @protected {
  title: String
}

input TicketFilter {
  author: String @protected
}
`,
      ...staff,
    });
    assert.deepEqual(lines, [
      '12:19 error TCG_PROTECTED_INPUT Input types can not be protected [at TicketInput.title.@protected]',
      '17:18 error TCG_PROTECTED_INPUT Input types can not be protected [at TicketFilter.author.@protected]',
    ]);
  });
});

describe('BR-05: htpasswd, every common hash format', () => {
  const lines = [
    `user-a:${apacheMd5('pass-a')}`,
    `user-b:${bcrypt2y('pass-b', 10)}`,
    `user-c:${sha1Entry('pass-c')}`,
    `user-d:${bcrypt2b('pa:ss-d', 10)}`,
  ];
  const config = `schema
  @server
  @upstream(baseURL: "http://upstream.test")
  @link(id: "basic", type: Htpasswd, src: "users.htpasswd") {
  query: Query
}

type Query {
  vault: String @http(path: "/vault") @protected
}
`;
  const routes = { '/vault': { body: 'gold' } };
  // The README asks that LF and CRLF files both load: one server per line ending.
  const lf = serve(() => ({
    files: { 'config.graphql': config, 'users.htpasswd': `${lines.join('\n')}\n` },
    routes,
  }));
  const crlf = serve(() => ({
    files: { 'config.graphql': config, 'users.htpasswd': `${lines.join('\r\n')}\r\n` },
    routes,
  }));
  const both = [lf, crlf] as const;
  const users = [
    ['user-a', 'pass-a', 'apr1'],
    ['user-b', 'pass-b', 'bcrypt $2y$'],
    ['user-c', 'pass-c', '{SHA}'],
    ['user-d', 'pa:ss-d', 'bcrypt $2b$, a colon in the password'],
  ] as const;

  for (const [user, password, form] of users) {
    it(`${user} (${form}) with the right password gives data, LF and CRLF`, async () => {
      for (const served of both) {
        await served.expect(
          '{ vault }',
          basic(user, password),
          { data: { vault: 'gold' } },
          { '/vault': 1 },
        );
      }
    });

    it(`${user} (${form}) with a wrong password is AUTH_INVALID`, async () => {
      for (const served of both) {
        await served.expect('{ vault }', basic(user, `${password}x`), AUTH_INVALID, {
          '/vault': 0,
        });
      }
    });
  }

  it('an unknown user is AUTH_INVALID', async () => {
    await lf.expect('{ vault }', basic('nobody', 'x'), AUTH_INVALID, { '/vault': 0 });
  });

  it('a Basic header that is not base64 is AUTH_INVALID, not 500', async () => {
    await lf.expect('{ vault }', { authorization: 'Basic !!!not-base64' }, AUTH_INVALID, {
      '/vault': 0,
    });
  });

  it('a Bearer header is AUTH_INVALID', async () => {
    await lf.expect('{ vault }', { authorization: 'Bearer abc.def' }, AUTH_INVALID, {
      '/vault': 0,
    });
  });

  it('no header is AUTH_MISSING', async () => {
    await lf.expect('{ vault }', NO_AUTH, AUTH_MISSING, { '/vault': 0 });
  });
});

describe('BR-06: the Authorization header is forwarded upstream only when allowedHeaders lists it', () => {
  // Decision (README table): never forwarded unless @upstream(allowedHeaders:) lists it. Tailcall
  // forwards it to every upstream once an auth link exists.
  const config = (allowedHeaders: string, linked: boolean) => `schema
  @server
  @upstream(baseURL: "http://upstream.test", allowedHeaders: ${allowedHeaders})${
    linked ? '\n  @link(id: "basic", type: Htpasswd, src: "users.htpasswd")' : ''
  } {
  query: Query
}

type Query {
  me: String @http(path: "/me")${linked ? ' @protected' : ''}
  ping: String @http(path: "/ping")
}
`;
  const htpasswd = `user-a:${bcrypt2y('pass-a', 5)}\n`;
  const routes = { '/me': { body: 'a' }, '/ping': { body: 'pong' } };
  const listed = serve(() => ({
    files: { 'config.graphql': config('["X-Request-ID"]', true), 'users.htpasswd': htpasswd },
    routes,
  }));
  const authorizationListed = serve(() => ({
    files: {
      'config.graphql': config('["X-Request-ID", "Authorization"]', true),
      'users.htpasswd': htpasswd,
    },
    routes,
  }));
  const unlinked = serve(() => ({
    files: { 'config.graphql': config('["X-Request-ID"]', false) },
    routes,
  }));

  const headers = {
    ...basic('user-a', 'pass-a'),
    'x-request-id': 'r-1',
    cookie: 'sid=placeholder',
  };

  /** Sends `{ me ping }` and returns, per route, the headers under test the upstream received. */
  const forwarded = async (served: Served) => {
    await served.expect(
      '{ me ping }',
      headers,
      { data: { me: 'a', ping: 'pong' } },
      { '/me': 1, '/ping': 1 },
    );

    return served.stub.requests
      .map((r) => [
        r.url,
        r.headers['authorization'],
        r.headers['x-request-id'],
        r.headers['cookie'],
      ])
      .sort();
  };

  it('with an auth link: x-request-id reaches both upstreams, authorization and cookie neither', async () => {
    assert.deepEqual(await forwarded(listed), [
      ['/me', undefined, 'r-1', undefined],
      ['/ping', undefined, 'r-1', undefined],
    ]);
  });

  it('with Authorization listed (in another case): both upstreams receive it', async () => {
    assert.deepEqual(await forwarded(authorizationListed), [
      ['/me', headers.authorization, 'r-1', undefined],
      ['/ping', headers.authorization, 'r-1', undefined],
    ]);
  });

  it('without the link and @protected: authorization is not forwarded either', async () => {
    assert.deepEqual(await forwarded(unlinked), [
      ['/me', undefined, 'r-1', undefined],
      ['/ping', undefined, 'r-1', undefined],
    ]);
  });
});

describe('BR-07: token without kid against a multi-key JWKS', () => {
  // Decision (README table): a token without kid is checked against every key fitting its alg
  // and accepted only if one verifies. Tailcall refuses it (rows T2 and T4).
  const served = serve(() => ({
    files: {
      'config.graphql': SECRET_CONFIG,
      'jwks.json': keySet(K1_JWK, { ...K2.jwk, kid: 'k2', alg: 'RS256', use: 'sig' }),
    },
    routes: SECRET_ROUTES,
  }));

  it('T1: RS256 kid k2 signed K2 gives data', async () => {
    await served.expect(SECRET_QUERY, bearer(rs256(K2, 'k2')), SECRET_DATA, { '/secret': 1 });
  });

  it('T2: RS256 without kid signed K2 (the second key) gives data', async () => {
    await served.expect(SECRET_QUERY, bearer(rs256(K2, undefined)), SECRET_DATA, {
      '/secret': 1,
    });
  });

  it('T2, not by luck: RS256 without kid signed K9 (in no set) is AUTH_INVALID', async () => {
    await served.expect(SECRET_QUERY, bearer(rs256(K9, undefined)), AUTH_INVALID, {
      '/secret': 0,
    });
  });

  it('T3: RS256 kid k9 signed K1 fails saying no key matches the kid', async () => {
    await served.expect(SECRET_QUERY, bearer(rs256(K1, 'k9')), AUTH_UNKNOWN_KID, {
      '/secret': 0,
    });
  });

  it('T4: RS256 without kid signed K1, JWKS reduced to K1 only, gives data', async () => {
    const k1Served = await k1Only();
    await k1Served.expect(SECRET_QUERY, bearer(rs256(K1, undefined)), SECRET_DATA, {
      '/secret': 1,
    });
  });
});

describe('BR-08: same kid in two providers, and HMAC (oct) keys in a JWKS', () => {
  const s1 = randomBytes(32);
  const s2 = randomBytes(32);
  const octSet = (secret: Buffer) =>
    keySet({
      kty: 'oct',
      k: secret.toString('base64url'),
      kid: 'shared',
      alg: 'HS256',
      use: 'sig',
    });
  const served = serve(() => ({
    files: {
      'config.graphql': `schema
  @server
  @upstream(baseURL: "http://upstream.test")
  @link(id: "testing", type: Jwks, src: "testing.json")
  @link(id: "staging", type: Jwks, src: "staging.json") {
  query: Query
}

type Query {
  testingData: String @http(path: "/t") @protected(id: ["testing"])
  stagingData: String @http(path: "/s") @protected(id: ["staging"])
}
`,
      'testing.json': octSet(s1),
      'staging.json': octSet(s2),
    },
    routes: { '/t': { body: 'testing data' }, '/s': { body: 'staging data' } },
    // tc-gen compiles HMAC secrets into the server and says so.
    warnings: [
      "4:41 warning TCG_JWKS_PRIVATE_KEY the HMAC key 'shared' of testing.json is a shared secret; it is compiled into src/auth.ts [at schema.@link.0]",
      "5:41 warning TCG_JWKS_PRIVATE_KEY the HMAC key 'shared' of staging.json is a shared secret; it is compiled into src/auth.ts [at schema.@link.1]",
    ],
  }));
  const hs256 = (secret: Buffer) =>
    jws({ alg: 'HS256', kid: 'shared' }, { exp: nowS() + 3600 }, hmacSha256(secret));

  it('{ stagingData } with Ts (HS256 kid shared, keyed S2) gives data', async () => {
    await served.expect(
      '{ stagingData }',
      bearer(hs256(s2)),
      { data: { stagingData: 'staging data' } },
      { '/s': 1 },
    );
  });

  it('{ testingData } with Ts is AUTH_INVALID: the kid hit in one set does not carry over', async () => {
    await served.expect('{ testingData }', bearer(hs256(s2)), AUTH_INVALID, { '/t': 0 });
  });

  it('control: { testingData } with a token keyed S1 gives data', async () => {
    await served.expect(
      '{ testingData }',
      bearer(hs256(s1)),
      { data: { testingData: 'testing data' } },
      { '/t': 1 },
    );
  });

  it('{ stagingData } with header RS256 kid shared is AUTH_INVALID: the JWK fixes the alg', async () => {
    const token = jws({ alg: 'RS256', kid: 'shared' }, { exp: nowS() + 3600 }, rsaSha256(K1));
    await served.expect('{ stagingData }', bearer(token), AUTH_INVALID, { '/s': 0 });
  });
});

describe('BR-09: JWKS entries without alg or use', () => {
  // Decision (README table): accepted, the algorithms following from kty (and crv). Tailcall
  // fails such keys.
  const served = serve(() => ({
    files: { 'config.graphql': SECRET_CONFIG, 'jwks.json': keySet({ ...K1.jwk, kid: 'k1' }) },
    routes: SECRET_ROUTES,
  }));
  const pem = K1.publicKey.export({ type: 'spki', format: 'pem' }).toString();

  it('RS256 kid k1 signed K1 gives data', async () => {
    await served.expect(SECRET_QUERY, bearer(rs256(K1, 'k1')), SECRET_DATA, { '/secret': 1 });
  });

  it('PS256 kid k1 signed K1 gives data: kty RSA admits the RSA algorithms', async () => {
    const token = jws({ alg: 'PS256', kid: 'k1', typ: 'JWT' }, claims(), rsaPssSha256(K1));
    await served.expect(SECRET_QUERY, bearer(token), SECRET_DATA, { '/secret': 1 });
  });

  it('ES256 kid k1 signed by a P-256 key is AUTH_INVALID: kty RSA admits no EC algorithm', async () => {
    const token = jws(
      { alg: 'ES256', kid: 'k1', typ: 'JWT' },
      claims(),
      ecdsaSha256(ecKey().privateKey),
    );
    await served.expect(SECRET_QUERY, bearer(token), AUTH_INVALID, { '/secret': 0 });
  });

  it("HS256 kid k1 keyed with K1's public key PEM is AUTH_INVALID in every variant", async () => {
    for (const secret of [pem, `\n${pem}`, pem.replace(/\n/g, '\r\n'), pem.trimEnd()]) {
      const token = jws({ alg: 'HS256', kid: 'k1', typ: 'JWT' }, claims(), hmacSha256(secret));
      await served.expect(SECRET_QUERY, bearer(token), AUTH_INVALID, { '/secret': 0 });
    }
  });
});

describe('BR-11: alg none, HS/RS confusion, keys carried in the token', () => {
  let served: Served;
  before(async () => {
    served = await k1Only();
  });
  const pem = K1.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const refused = (token: string) =>
    served.expect(SECRET_QUERY, bearer(token), AUTH_INVALID, { '/secret': 0 });

  it('A: alg none with an empty signature is AUTH_INVALID', async () => {
    await refused(jws({ alg: 'none', kid: 'k1' }, claims(), () => ''));
  });

  it("B: HS256 keyed with K1's SPKI PEM (also with a leading newline, with CRLF) is AUTH_INVALID", async () => {
    for (const secret of [pem, `\n${pem}`, pem.replace(/\n/g, '\r\n')]) {
      await refused(jws({ alg: 'HS256', kid: 'k1' }, claims(), hmacSha256(secret)));
    }
  });

  it("C: HS256 keyed with the text of jwks.json, and with K1's JWK, is AUTH_INVALID", async () => {
    for (const secret of [K1_ONLY_JWKS, JSON.stringify(K1_JWK)]) {
      await refused(jws({ alg: 'HS256', kid: 'k1' }, claims(), hmacSha256(secret)));
    }
  });

  it("D: RS256 with K9's public JWK in the header, no kid, signed K9, is AUTH_INVALID", async () => {
    await refused(jws({ alg: 'RS256', jwk: K9.jwk }, claims(), rsaSha256(K9)));
  });

  it('D, as documented: a key-bearing header is refused even when the set holds the signing key', async () => {
    // README "Where tc-gen deliberately differs": tokens whose header carries jwk, jku, x5u or
    // x5c are refused; without that rule these K1-signed tokens would verify against k1.
    await refused(jws({ alg: 'RS256', jwk: K1.jwk }, claims(), rsaSha256(K1)));
    for (const member of [
      { jku: 'http://127.0.0.1:1/jwks.json' },
      { x5u: 'http://127.0.0.1:1/cert.pem' },
      { x5c: ['AAAA'] },
    ]) {
      await refused(jws({ alg: 'RS256', kid: 'k1', ...member }, claims(), rsaSha256(K1)));
    }
  });

  it('E: RS256 kid k1 signed K1 with the payload edited after signing is AUTH_INVALID', async () => {
    const [head, , signature] = rs256(K1, 'k1').split('.');
    const edited = Buffer.from(JSON.stringify(claims({ sub: 'admin' }))).toString('base64url');
    await refused(`${head}.${edited}.${signature}`);
  });

  it('F: alg rs256 (lower case) signed K1 is AUTH_INVALID', async () => {
    await refused(jws({ alg: 'rs256', kid: 'k1' }, claims(), rsaSha256(K1)));
  });

  it('control: RS256 kid k1 signed K1 gives data', async () => {
    await served.expect(SECRET_QUERY, bearer(rs256(K1, 'k1')), SECRET_DATA, { '/secret': 1 });
  });
});

describe('BR-12: exp fractional, string, missing', () => {
  let served: Served;
  before(async () => {
    served = await k1Only();
  });
  const rows: readonly [string, () => string, boolean][] = [
    ['{"exp": NOW+3600.25}', () => `{"sub":"svc-1","exp":${nowS() + 3600}.25}`, true],
    ['{"exp": NOW+3600.0} (literally .0)', () => `{"sub":"svc-1","exp":${nowS() + 3600}.0}`, true],
    ['{"exp": "<NOW+3600>"} (string)', () => `{"sub":"svc-1","exp":"${nowS() + 3600}"}`, false],
    ['{"exp": null}', () => '{"sub":"svc-1","exp":null}', false],
    ['{} (no exp)', () => '{"sub":"svc-1"}', false],
    ['{"exp": NOW-3600}', () => `{"sub":"svc-1","exp":${nowS() - 3600}}`, false],
  ];

  for (const [payload, text, accepted] of rows) {
    it(`${payload}: ${accepted ? 'data' : 'AUTH_INVALID'}`, async () => {
      await served.expect(
        SECRET_QUERY,
        bearer(rs256(K1, 'k1', text())),
        accepted ? SECRET_DATA : AUTH_INVALID,
        { '/secret': accepted ? 1 : 0 },
      );
    });
  }
});

describe('BR-13: clock skew, leeway on exp and nbf, iat in the future', () => {
  // Decision (README table): exp required, exp and nbf both with 60 s leeway. Tailcall ignores
  // nbf, so it would accept the nbf NOW+3600 row.
  let served: Served;
  before(async () => {
    served = await k1Only();
  });
  const rows: readonly [string, () => Record<string, unknown>, boolean][] = [
    ['{"exp": NOW-30} (inside the leeway)', () => ({ exp: nowS() - 30 }), true],
    ['{"exp": NOW-90}', () => ({ exp: nowS() - 90 }), false],
    ['{"exp": NOW-120}', () => ({ exp: nowS() - 120 }), false],
    ['{"iat": NOW+300, "exp": NOW+3600}', () => ({ iat: nowS() + 300, exp: nowS() + 3600 }), true],
    ['{"nbf": NOW+30, "exp": NOW+3600}', () => ({ nbf: nowS() + 30, exp: nowS() + 3600 }), true],
    ['{"nbf": NOW+90, "exp": NOW+3600}', () => ({ nbf: nowS() + 90, exp: nowS() + 3600 }), false],
    [
      '{"nbf": NOW+3600, "exp": NOW+7200}',
      () => ({ nbf: nowS() + 3600, exp: nowS() + 7200 }),
      false,
    ],
  ];

  for (const [payload, make, accepted] of rows) {
    it(`${payload}: ${accepted ? 'data' : 'AUTH_INVALID'}`, async () => {
      await served.expect(
        SECRET_QUERY,
        bearer(rs256(K1, 'k1', { sub: 'svc-1', ...make() })),
        accepted ? SECRET_DATA : AUTH_INVALID,
        { '/secret': accepted ? 1 : 0 },
      );
    });
  }
});

describe('BR-16: a JWK that carries only an x5c certificate', () => {
  // tc-gen takes the key from the certificate: the README's outcome 1.
  const k2Certificate = selfSignedCertificate(K2);
  /** The README's key: RSA, kid c1, alg RS256, use sig, a certificate of K2, no n and no e. */
  const rsaX5cOnly = (kid: string, certificate: string): JsonWebKey => ({
    kty: 'RSA',
    kid,
    alg: 'RS256',
    use: 'sig',
    x5c: [certificate],
  });
  // Besides: the test-only EC P-256 certificate and key of the runtime's fixtures.
  const fixture = JSON.parse(
    readFileSync(
      path.join(REPO_ROOT, 'runtime', 'test', 'fixtures', 'x5c-test-only-ec.json'),
      'utf8',
    ),
  ) as { privateKeyPkcs8: string; certificate: string };
  const ecCertificate = fixture.certificate.replace(/-----[A-Z ]+-----|\s/g, '');
  const ecPrivateKey = createPrivateKey(fixture.privateKeyPkcs8);
  const served = serve(() => ({
    files: {
      'config.graphql': SECRET_CONFIG,
      'jwks.json': keySet(
        rsaX5cOnly('c1', k2Certificate),
        // The README's variant: the same certificate with line breaks inside the base64.
        rsaX5cOnly('c1-lf', k2Certificate.replace(/.{64}/g, '$&\n')),
        rsaX5cOnly('c1-crlf', k2Certificate.replace(/.{76}/g, '$&\r\n')),
        { kty: 'EC', crv: 'P-256', kid: 'e1', alg: 'ES256', use: 'sig', x5c: [ecCertificate] },
      ),
    },
    routes: SECRET_ROUTES,
  }));

  it('RS256 kid c1 signed K2 gives data', async () => {
    await served.expect(SECRET_QUERY, bearer(rs256(K2, 'c1')), SECRET_DATA, { '/secret': 1 });
  });

  it('the certificate with line breaks in its base64 gives the same outcome', async () => {
    for (const kid of ['c1-lf', 'c1-crlf']) {
      await served.expect(SECRET_QUERY, bearer(rs256(K2, kid)), SECRET_DATA, { '/secret': 1 });
    }
  });

  it('RS256 kid c1 signed by another key (K1) is AUTH_INVALID', async () => {
    await served.expect(SECRET_QUERY, bearer(rs256(K1, 'c1')), AUTH_INVALID, { '/secret': 0 });
  });

  it('an EC key given as kty, crv and x5c: ES256 kid e1 signed by its key gives data', async () => {
    const token = jws({ alg: 'ES256', kid: 'e1', typ: 'JWT' }, claims(), ecdsaSha256(ecPrivateKey));
    await served.expect(SECRET_QUERY, bearer(token), SECRET_DATA, { '/secret': 1 });
  });

  it('an EC key given as kty and x5c alone is derived, or fails the build naming it and crv', async () => {
    // Outcome 2 of the README for the EC form of the case: no crv, x or y beside the certificate.
    const files = {
      'config.graphql': SECRET_CONFIG,
      'jwks.json': keySet({ kty: 'EC', kid: 'e1', alg: 'ES256', use: 'sig', x5c: [ecCertificate] }),
    };
    const dir = await scratchDir(files);
    try {
      const result = await analyze(path.join(dir, 'config.graphql'), dir);
      if (result.plan !== undefined) return; // Outcome 1: the key came from the certificate.

      const [error, ...others] = result.diagnostics;
      assert.deepEqual(others, []);
      assert.equal(error?.code, 'TCG_INVALID_JWKS');
      assert.match(error.message, /kid "e1"/);
      assert.match(error.message, /\bcrv\b/, 'the message names the missing member');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('BR-18: key rotation with a remote JWKS', () => {
  // Covered end to end by test/e2e-remote-jwks.test.ts, not repeated here: step 1 ("fetched the
  // key set at start-up and admits a token") and step 2 ("admits a token signed by a key the
  // provider added after start-up, fetching the set once more"). Steps 3 (cool-down for unknown
  // kids) and 4 (cached keys while the IdP is down) are tested at provider level in
  // runtime/test/jwks-remote.test.ts.
});
