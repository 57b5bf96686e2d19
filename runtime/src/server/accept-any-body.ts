import type { FastifyInstance } from 'fastify';

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
 */
export function acceptAnyJsonBody(app: FastifyInstance, options: RequestShapeOptions = {}): void {
  // fastify's own parsers would hand mercurius a string, or hide the raw text.
  app.removeContentTypeParser(['text/plain', 'application/json']);
  const parse = (body: string | Buffer, done: (error: Error | null, value?: unknown) => void) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
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
    if (problem) done(unexpectedRequest(problem), undefined);
    else done(null, parsed);
  };
  for (const type of ['application/json', '*']) {
    app.addContentTypeParser(type, { parseAs: 'string' }, (_request, body, done) =>
      parse(body, done),
    );
  }
}

function unexpectedRequest(reason: string): Error & { statusCode: number } {
  const failure = new Error(`Unexpected GraphQL Request: ${reason}`) as Error & {
    statusCode: number;
  };
  failure.statusCode = 400;
  return failure;
}
