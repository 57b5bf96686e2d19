import type { FastifyInstance } from 'fastify';

/**
 * Reads a GraphQL request body as JSON whatever content type it claims, as
 * Tailcall does. `curl --data '{"query": ...}'` — the request on Tailcall's
 * own docs pages — sends `application/x-www-form-urlencoded`, which fastify
 * would refuse with 415. `application/json` keeps fastify's parser and
 * `application/graphql` keeps mercurius's; everything else, `text/plain`
 * included, goes through the parser below.
 */
export function acceptAnyJsonBody(app: FastifyInstance): void {
  // fastify's own text/plain parser would hand mercurius a string.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      const failure = new Error(
        `Unexpected GraphQL Request: ${(error as Error).message}`,
      ) as Error & {
        statusCode: number;
      };
      failure.statusCode = 400;
      done(failure, undefined);
    }
  });
}
