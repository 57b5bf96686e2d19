import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import type { JWK } from 'jose';

import type { KeySetRefresh } from '../src/index.js';

/** What the test identity provider answers with; `hang` accepts the request and never answers. */
export type IdpAnswer = { status: number; body: string } | 'hang';

/**
 * A loopback identity provider publishing a JWKS at `/jwks.json`, whose answer the test
 * changes at will. Counts requests so tests can assert how often the set was fetched.
 */
export class TestIdp {
  readonly url: string;
  /** Request headers, one entry per request received. */
  readonly requests: IncomingHttpHeaders[];
  readonly #state: { answer: IdpAnswer };
  readonly #server: Server;

  private constructor(
    server: Server,
    state: { answer: IdpAnswer },
    requests: IncomingHttpHeaders[],
  ) {
    this.#server = server;
    this.#state = state;
    this.requests = requests;
    const { port } = server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/jwks.json`;
  }

  static async start(answer: IdpAnswer = { status: 200, body: '{"keys":[]}' }): Promise<TestIdp> {
    const state = { answer };
    const requests: IncomingHttpHeaders[] = [];
    const server = createServer((request, response) => {
      request.resume();
      requests.push(request.headers);
      const current = state.answer;
      if (current === 'hang') {
        return;
      }
      response.writeHead(current.status, { 'content-type': 'application/json' });
      response.end(current.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

    return new TestIdp(server, state, requests);
  }

  /** Requests received so far. */
  get hits(): number {
    return this.requests.length;
  }

  /** Publishes these public keys from now on. */
  publish(...keys: JWK[]): void {
    this.#state.answer = { status: 200, body: JSON.stringify({ keys }) };
  }

  answer(answer: IdpAnswer): void {
    this.#state.answer = answer;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }
}

/** A URL on which nothing listens: the port of a server that was started and closed. */
export async function closedPortUrl(): Promise<string> {
  const idp = await TestIdp.start();
  const url = idp.url;
  await idp.close();

  return url;
}

/**
 * Records the outcomes a provider reports through `onRefresh`, so a test can wait for the
 * next one instead of sleeping for a guessed time.
 */
export class RefreshLog {
  readonly outcomes: KeySetRefresh[] = [];
  readonly record = (outcome: KeySetRefresh): void => {
    this.outcomes.push(outcome);
  };

  /** Resolves with the first outcome after index `from` that matches; rejects after `ms`. */
  async next(
    from: number,
    matches: (outcome: KeySetRefresh) => boolean,
    ms = 5_000,
  ): Promise<KeySetRefresh> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const found = this.outcomes.slice(from).find(matches);
      if (found !== undefined) {
        return found;
      }
      await sleep(10);
    }

    throw new Error(`no matching key-set refresh within ${ms} ms`);
  }
}
