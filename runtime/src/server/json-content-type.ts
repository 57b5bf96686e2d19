import type { FastifyInstance } from 'fastify';

const FASTIFY_JSON = 'application/json; charset=utf-8';

/**
 * Answers `content-type: application/json`, as Tailcall does, instead of
 * fastify's `application/json; charset=utf-8` (JSON is UTF-8 by definition,
 * RFC 8259), so clients and tests written against Tailcall see the same header.
 */
export function plainJsonContentType(app: FastifyInstance): void {
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (reply.getHeader('content-type') === FASTIFY_JSON)
      reply.header('content-type', 'application/json');
    done(null, payload);
  });
}
