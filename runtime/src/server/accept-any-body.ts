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
 * read again: the same (frozen) value is handed out, for at most {@link MAX_KNOWN} texts of up
 * to {@link MAX_KNOWN_TEXT} characters, the most recently first seen kept.
 */
export function acceptAnyJsonBody(app: FastifyInstance, options: RequestShapeOptions = {}): void {
  // fastify's own parsers would hand mercurius a string, or hide the raw text.
  app.removeContentTypeParser(['text/plain', 'application/json']);
  // Declared up front, so that every request object has the same shape.
  app.decorateRequest(BODY_TEXT, undefined);
  const known = new Map<string, unknown>();
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
    if (text.length <= MAX_KNOWN_TEXT && parsed !== null && typeof parsed === 'object') {
      deepFreeze(parsed);
      if (known.size >= MAX_KNOWN) known.delete(known.keys().next().value as string);
      known.set(text, parsed);
    }
    done(null, parsed);
  };
  for (const type of ['application/json', '*']) {
    app.addContentTypeParser(type, { parseAs: 'string' }, parse);
  }
}

/** Bodies whose parsed value is kept, and the longest kept. */
const MAX_KNOWN = 1024;
const MAX_KNOWN_TEXT = 16 * 1024;

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
