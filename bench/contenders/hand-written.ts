/**
 * The hand-written contender: the same schema served the way a competent Node developer would
 * write it without tc-gen. fastify + mercurius with `jit`, one undici keep-alive pool to the
 * upstream, `Post.user` through a mercurius loader (per request, all users of the request in
 * one `GET /users?id=..&id=..` call), and the protected field checked with jose against a local
 * key set on every request.
 *
 *     PORT=8001 UPSTREAM=http://127.0.0.1:3000 JWKS=path/to/jwks.json \
 *       node --import tsx bench/contenders/hand-written.ts
 */
import { readFileSync } from 'node:fs';

import Fastify from 'fastify';
import { createLocalJWKSet, jwtVerify } from 'jose';
import mercurius, { type IResolvers, type MercuriusLoaders } from 'mercurius';
import { Pool } from 'undici';

interface Post {
  id: number;
  userId: number;
  title: string;
  body: string;
}

interface User {
  id: number;
  name: string;
}

const schema = `
  type Query {
    posts: [Post]
    greet: String!
    protectedPosts: [Post]
  }
  type Post {
    id: Int!
    userId: Int!
    title: String!
    body: String!
    user: User
  }
  type User {
    id: Int!
    name: String!
    username: String!
    email: String!
    phone: String
    website: String
  }
`;

const upstream = new Pool(process.env['UPSTREAM'] ?? 'http://127.0.0.1:3000', {
  connections: 128,
});
const keySet = createLocalJWKSet(JSON.parse(readFileSync(process.env['JWKS'] ?? '', 'utf8')));

async function getJson<T>(path: string): Promise<T> {
  const { statusCode, body } = await upstream.request({ method: 'GET', path });
  if (statusCode !== 200) {
    await body.dump();
    throw new Error(`upstream answered ${statusCode} for ${path}`);
  }
  return (await body.json()) as T;
}

async function requireToken(authorization: string | undefined): Promise<void> {
  if (!authorization?.startsWith('Bearer ')) throw new Error('Missing Authorization Header');
  await jwtVerify(authorization.slice('Bearer '.length), keySet, { algorithms: ['RS256'] });
}

const resolvers: IResolvers = {
  Query: {
    posts: () => getJson<Post[]>('/posts'),
    greet: () => 'Hello World!',
    protectedPosts: async (_root, _args, context) => {
      await requireToken(context.reply.request.headers.authorization);
      return getJson<Post[]>('/posts');
    },
  },
};

const loaders: MercuriusLoaders = {
  Post: {
    // All the posts of one request ask at once: one upstream call for their distinct users.
    user: async (queries: Array<{ obj: Post }>) => {
      const ids = [...new Set(queries.map((q) => q.obj.userId))];
      const users = await getJson<User[]>(`/users?${ids.map((id) => `id=${id}`).join('&')}`);
      const byId = new Map(users.map((u) => [u.id, u]));
      return queries.map((q) => byId.get(q.obj.userId) ?? null);
    },
  },
};

const app = Fastify({ logger: false });
await app.register(mercurius, { schema, resolvers, loaders, jit: 1, graphiql: false });
app.addHook('onClose', async () => upstream.close());
await app.listen({ port: Number(process.env['PORT'] ?? 8001), host: '127.0.0.1' });
process.stdin.resume();
process.stdin.on('end', () => void app.close().then(() => process.exit(0)));
