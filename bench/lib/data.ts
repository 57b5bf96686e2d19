/**
 * The benchmark's upstream data and the exact answers every contender must give.
 *
 * The shapes follow the public placeholder REST API the GraphQL benchmarks use (100 posts
 * written by 10 users, users with an address and a company), with text made up here so the
 * sizes are alike: `/posts` is about 27 KB, a user about 0.5 KB.
 */

export interface Post {
  userId: number;
  id: number;
  title: string;
  body: string;
}

export interface User {
  id: number;
  name: string;
  username: string;
  email: string;
  address: {
    street: string;
    suite: string;
    city: string;
    zipcode: string;
    geo: { lat: string; lng: string };
  };
  phone: string;
  website: string;
  company: { name: string; catchPhrase: string; bs: string };
}

const WORDS = (
  'amber bridge cinder delta ember fable garnet harbor island jasper ' +
  'kettle lantern meadow nectar orchid pebble quartz ripple summit timber ' +
  'umber valley willow xenon yonder zephyr atlas beacon canyon dune ' +
  'echo fjord glacier heath inlet jungle knoll lagoon mesa'
).split(' ');

/** A deterministic run of words: the same seed always gives the same text. */
function words(seed: number, count: number): string {
  const out: string[] = [];
  let state = seed * 2654435761;
  for (let i = 0; i < count; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out.push(WORDS[state % WORDS.length] as string);
  }

  return out.join(' ');
}

export const USERS: readonly User[] = Array.from({ length: 10 }, (_, i) => {
  const id = i + 1;
  const first = words(id, 1);
  const last = words(id + 50, 1);
  return {
    id,
    name: `${first[0]?.toUpperCase()}${first.slice(1)} ${last[0]?.toUpperCase()}${last.slice(1)}`,
    username: `${first}${id}`,
    email: `${first}.${last}@example.test`,
    address: {
      street: `${words(id + 100, 2)} street`,
      suite: `Suite ${100 + id * 7}`,
      city: words(id + 200, 1),
      zipcode: `${10000 + id * 913}-${1000 + id * 37}`,
      geo: { lat: `${(-40 + id * 7.123).toFixed(4)}`, lng: `${(80 - id * 11.71).toFixed(4)}` },
    },
    phone: `1-555-${100 + id}-${2000 + id * 11}`,
    website: `${last}.example.test`,
    company: {
      name: `${words(id + 300, 1)} ${words(id + 301, 1)} group`,
      catchPhrase: words(id + 400, 4),
      bs: words(id + 500, 3),
    },
  };
});

export const POSTS: readonly Post[] = Array.from({ length: 100 }, (_, i) => ({
  userId: Math.floor(i / 10) + 1,
  id: i + 1,
  title: words(i + 1000, 6),
  body: words(i + 2000, 28),
}));

/** Requests the benchmark sends, as wrk sends them (the public benchmark's bodies). */
export const QUERIES = {
  q1: '{posts{id userId title user{id name email}}}',
  q2: '{posts{title}}',
  q3: '{greet}',
  q4: '{protectedPosts{title}}',
} as const;

export type QueryId = keyof typeof QUERIES;

export function requestBody(query: QueryId): string {
  return JSON.stringify({ operationName: null, variables: {}, query: QUERIES[query] });
}

/** The exact JSON text each query must be answered with. */
export function expectedResponse(query: QueryId): string {
  const userOf = (id: number) => USERS.find((u) => u.id === id) as User;
  switch (query) {
    case 'q1':
      return JSON.stringify({
        data: {
          posts: POSTS.map((p) => {
            const u = userOf(p.userId);
            return {
              id: p.id,
              userId: p.userId,
              title: p.title,
              user: { id: u.id, name: u.name, email: u.email },
            };
          }),
        },
      });
    case 'q2':
      return JSON.stringify({ data: { posts: POSTS.map((p) => ({ title: p.title })) } });
    case 'q3':
      return JSON.stringify({ data: { greet: 'Hello World!' } });
    case 'q4':
      return JSON.stringify({ data: { protectedPosts: POSTS.map((p) => ({ title: p.title })) } });
  }
}
