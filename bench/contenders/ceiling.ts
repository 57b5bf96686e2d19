/**
 * The Node ceiling: a fastify `POST /graphql` route that parses the JSON body and answers each
 * benchmark query with its precomputed response bytes. No GraphQL, no upstream: whatever a
 * GraphQL server on Node does costs at least this.
 *
 *     PORT=8002 node --import tsx bench/contenders/ceiling.ts
 */
import Fastify from 'fastify';

import { QUERIES, expectedResponse, type QueryId } from '../lib/data.ts';

const answers = new Map<string, Buffer>(
  (Object.keys(QUERIES) as QueryId[]).map((id) => [QUERIES[id], Buffer.from(expectedResponse(id))]),
);

const app = Fastify({ logger: false });
app.post<{ Body: { query?: unknown } }>('/graphql', async (request, reply) => {
  const answer = answers.get(String(request.body?.query));
  reply.header('content-type', 'application/json; charset=utf-8');
  if (!answer) return reply.code(400).send('{"errors":[{"message":"unknown query"}]}');
  return reply.send(answer);
});
await app.listen({ port: Number(process.env['PORT'] ?? 8002), host: '127.0.0.1' });
process.stdin.resume();
process.stdin.on('end', () => void app.close().then(() => process.exit(0)));
