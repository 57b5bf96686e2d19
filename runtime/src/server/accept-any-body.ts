import type { FastifyInstance, FastifyRequest } from 'fastify';

import {
  emptyBodyProblem,
  requestShapeProblem,
  type RequestShapeOptions,
} from './request-shape.js';

/**
 * Reads a GraphQL request body as JSON whatever content type it claims, as
 * Tailcall does. `curl --data '{"query": ...}'` — the request on Tailcall's
 * own docs pages — sends `application/x-www-form-urlencoded`, which fastify
 * would refuse with 415. `application/graphql` keeps mercurius's parser;
 * everything else, `application/json` and `text/plain` included, goes through
 * the parser below, which also refuses a body whose members have the wrong
 * types with Tailcall's words (see `requestShapeProblem`).
 *
 * The text of each body is kept with its request (`bodyTextOf`). A body read before is not
 * read again: the same (frozen) value is handed out (see {@link ParsedBodies}).
 */
export function acceptAnyJsonBody(app: FastifyInstance, options: RequestShapeOptions = {}): void {
  // fastify's own parsers would hand mercurius a string, or hide the raw text.
  app.removeContentTypeParser(['text/plain', 'application/json']);
  // Declared up front, so that every request object has the same shape.
  app.decorateRequest(BODY_TEXT, undefined);
  const known = new ParsedBodies();
  const parse = (
    request: FastifyRequest,
    body: string | Buffer,
    done: (error: Error | null, value?: unknown) => void,
  ) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    (request as TextHolder)[BODY_TEXT] = text;
    const value = known.get(text);
    if (value !== undefined) {
      done(null, value);
      return;
    }
    if (text.trim() === '') {
      done(unexpectedRequest(emptyBodyProblem(text)), undefined);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      done(unexpectedRequest((error as Error).message), undefined);
      return;
    }
    const problem = requestShapeProblem(text, options);
    if (problem) {
      done(unexpectedRequest(problem), undefined);
      return;
    }
    known.add(text, parsed);
    done(null, parsed);
  };
  for (const type of ['application/json', '*']) {
    app.addContentTypeParser(type, { parseAs: 'string' }, parse);
  }
}

/**
 * Parsed request bodies by text, frozen (several requests get the same value). Memory is
 * bounded by an estimate of what each costs, its text plus {@link OBJECT_COST} bytes per object
 * or list in it: a 16 KB body of empty objects holds thousands of them. The oldest go first.
 */
class ParsedBodies {
  readonly #values = new Map<string, { value: object; cost: number }>();
  #cost = 0;

  get(text: string): object | undefined {
    return this.#values.get(text)?.value;
  }

  add(text: string, value: unknown): void {
    if (text.length > MAX_TEXT || value === null || typeof value !== 'object') return;
    const cost = text.length * 2 + OBJECT_COST * countObjects(value, MAX_COST / OBJECT_COST);
    if (cost > MAX_COST / 64) return;
    while (this.#values.size >= MAX_BODIES || this.#cost + cost > MAX_COST) {
      const [oldest, entry] = this.#values.entries().next().value as [string, { cost: number }];
      this.#values.delete(oldest);
      this.#cost -= entry.cost;
    }
    deepFreeze(value);
    this.#values.set(text, { value, cost });
    this.#cost += cost;
  }
}

/** At most this many bodies, this long, in this many bytes (estimated) in all. */
const MAX_BODIES = 1024;
const MAX_TEXT = 16 * 1024;
const MAX_COST = 8 * 1024 * 1024;
/** What V8 spends on a small object or list, roughly. */
const OBJECT_COST = 64;

/** Objects and lists in a JSON value, counted up to `limit`. */
function countObjects(value: object, limit: number): number {
  let count = 0;
  const pending: object[] = [value];
  while (pending.length > 0 && count < limit) {
    const next = pending.pop() as object;
    count++;
    for (const member of Object.values(next)) {
      if (member !== null && typeof member === 'object') pending.push(member as object);
    }
  }
  return count;
}

const BODY_TEXT = Symbol('tc-gen.body-text');
type TextHolder = FastifyRequest & { [BODY_TEXT]?: string };

/** The text of a request body read by `acceptAnyJsonBody`; undefined for any other request. */
export function bodyTextOf(request: FastifyRequest): string | undefined {
  return (request as TextHolder)[BODY_TEXT];
}

/** A parsed body handed to several requests must stay as it was read. */
function deepFreeze(value: object): void {
  Object.freeze(value);
  for (const member of Object.values(value)) {
    if (member !== null && typeof member === 'object' && !Object.isFrozen(member))
      deepFreeze(member as object);
  }
}

function unexpectedRequest(reason: string): Error & { statusCode: number } {
  const failure = new Error(`Unexpected GraphQL Request: ${reason}`) as Error & {
    statusCode: number;
  };
  failure.statusCode = 400;
  return failure;
}
