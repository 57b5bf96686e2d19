import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { MercuriusContext } from 'mercurius';

import type { Authenticator } from '../auth/authenticator.js';
import { operationRequirements, type ProtectionTable } from '../auth/operation-requirements.js';
import {
  everySelectedField,
  operationsAndFragments,
  ownEntry,
} from '../graphql/selected-fields.js';
import { bodyTextOf } from './accept-any-body.js';
import { requestedOperationName } from './protect-operations.js';
import { copyNotes, notesSnapshot, type NotesSnapshot } from './request-log.js';

/**
 * What a field's value depends on, as the compiler sees its resolver:
 * - `pure`: the query alone (`@expr`/`@const` without request headers, fields read from the
 *   parent value; fields without a resolver are pure and absent from the table);
 * - `request`: the query and the request headers, without an upstream call;
 * - `dedupe`: upstream calls made with `dedupe: true`, whose answers identical in-flight
 *   requests share anyway;
 * - `io`: upstream calls each request must make for itself.
 */
export type FieldSharing = 'pure' | 'request' | 'dedupe' | 'io';

/** typeName → fieldName (as clients name it) → what its value depends on. */
export type SharingTable = Readonly<Record<string, Readonly<Record<string, FieldSharing>>>>;

/**
 * How the answer to one operation may be shared:
 * - `constant`: every selected field is pure, so one answer serves every request with the
 *   same body, whatever its headers (auth is still checked per request);
 * - `in-flight`: every root field is pure, `request` or `dedupe`, so requests with the same
 *   body and the same headers that arrive while it runs get its answer;
 * - `none`: each request runs it.
 */
export type AnswerSharing = 'constant' | 'in-flight' | 'none';

/** Bodies longer than this are never remembered. */
const MAX_BODY = 16 * 1024;
/** Bodies whose sharing is remembered (oldest forgotten first). */
const MAX_REMEMBERED = 1024;
/** Constant answers longer than this are not kept, nor any beyond this many bytes in all. */
const MAX_KEPT_ANSWER = 64 * 1024;
const MAX_KEPT_BYTES = 8 * 1024 * 1024;

/** Response headers that belong to one connection or one message, never copied. */
const PER_MESSAGE = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'date',
]);

/** What is sent again: the leading request's status, headers, body and log notes. */
interface Answer {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | number | string[]>>;
  /** Encoded once when long, rather than by every request it is sent to. */
  readonly payload: string | Buffer;
  readonly notes: NotesSnapshot;
}

/** Answers longer than this are kept as bytes. */
const ENCODE_ABOVE = 2048;

interface KnownBody {
  readonly sharing: AnswerSharing;
  /** What the operation's protected fields require, checked for every request served. */
  readonly requirements: readonly (readonly string[])[];
  /** A constant operation's answer, once one request has run it. */
  answer?: Answer;
  /** Dropped from the known bodies (the oldest go first). */
  forgotten?: boolean;
}

/** A request that runs its operation for others: they wait on `key` until it answers. */
interface Leader {
  readonly body: KnownBody;
  /** Absent for a constant body's first run, whose answer is kept rather than passed on. */
  readonly flight?: Flight;
}

/** A running request and the identical ones waiting for its answer. */
interface Flight {
  readonly key: string;
  readonly answer: Promise<Answer | undefined>;
  settle(answer: Answer | undefined): void;
  /** Requests waiting: with none, the answer is not even copied. */
  followers: number;
}

export interface ShareAnswersOptions {
  /** The GraphQL route (`@server(routes: {graphQL})`). */
  path: string;
  /** What each field with a resolver depends on (generated from the config). */
  sharing: SharingTable;
  /** Protected fields and the authenticator that checks them, when the config links auth. */
  protection?: ProtectionTable;
  authenticator?: Authenticator;
}

/**
 * Answers a query without running it again when its answer is already known, as Tailcall
 * does for operations whose root fields are all deduplicated:
 *
 * - a request whose body and headers are the same as those of a request still running (and
 *   whose root fields are all `dedupe`, or call nothing upstream) waits for that request and
 *   gets the same status, headers and body. Tailcall 1.6.14 does this for the same set of
 *   operations, keyed on the same things (checked on loopback: a second identical query
 *   arriving while the first waits for a nested call makes no call of its own; a different
 *   header value, forwarded or not, does);
 * - an operation that calls nothing upstream and reads no header (`{ greet }` over `@expr`)
 *   has one answer for a given body: it is run once and the answer is kept.
 *
 * Only POST bodies read by `acceptAnyJsonBody` take part, each known by its exact text once
 * the GraphQL layer has run it. A request answered from a kept answer has its credential
 * checked first (a refusal goes to the GraphQL layer, which answers it in its words); one that
 * follows a running request carries the same `Authorization` header, checked by that run. A
 * follower whose leader ended without an answer (refused, say) runs as usual.
 */
export function shareAnswers(app: FastifyInstance, options: ShareAnswersOptions): void {
  const known = new KnownBodies();
  const inFlight = new Map<string, Flight>();
  const leaders = new WeakMap<FastifyRequest, Leader>();
  /** Requests whose operation ran to the end (rather than being refused before it ran). */
  const resolved = new WeakSet<FastifyRequest>();

  app.graphql.addHook('preExecution', async (schema, document, context: MercuriusContext) => {
    const request = context.reply?.request;
    // A batch is never shared: this hook sees one of its operations at a time.
    if (request === undefined || request.method !== 'POST' || Array.isArray(request.body)) return;
    const text = bodyTextOf(request);
    if (text === undefined || text.length > MAX_BODY || known.get(text) !== undefined) return;
    const name = requestedOperationName(request.body);
    const sharing = answerSharing(schema, document, name, options.sharing);
    const requirements =
      sharing !== 'none' && options.protection
        ? operationRequirements(schema, document, name, options.protection)
        : [];
    const body = known.add(text, sharing, requirements);
    // Hooks added earlier (auth among them) have let this request run: it leads the
    // identical requests that arrive while it does.
    if (sharing === 'constant') leaders.set(request, { body });
    else if (sharing === 'in-flight') lead(request, body, text);
  });

  app.graphql.addHook('onResolution', async (_execution, context: MercuriusContext) => {
    const request = context.reply?.request;
    if (request !== undefined) resolved.add(request);
  });

  // Callback hooks: the common case (nothing known of the body) allocates nothing.
  app.addHook('preHandler', (request, reply, done) => {
    const text = bodyTextOf(request);
    const body = text === undefined ? undefined : known.get(text);
    if (
      body === undefined ||
      body.sharing === 'none' ||
      request.method !== 'POST' ||
      routePath(request) !== options.path
    ) {
      done();
      return;
    }
    if (body.sharing === 'in-flight') {
      follow(request, reply, body, text as string, done);
      return;
    }
    // A constant body: its kept answer, once there is one and the credential fits.
    const kept = body.answer;
    if (kept === undefined) {
      leaders.set(request, { body });
      done();
      return;
    }
    if (body.requirements.length === 0) {
      send(reply, kept);
      return;
    }
    const auth = options.authenticator?.forRequest(request.headers.authorization);
    if (auth === undefined) {
      done();
      return;
    }
    // A refusal is answered by the GraphQL layer, in its words.
    auth.require(body.requirements).then(
      () => send(reply, kept),
      () => done(),
    );
  });

  /**
   * Joins the identical request running, if any, else leads. A follower's credential is not
   * checked again: its headers, `Authorization` included, are its leader's, which the GraphQL
   * layer checked moments ago (as in Tailcall, where the shared run includes the check).
   */
  function follow(
    request: FastifyRequest,
    reply: FastifyReply,
    body: KnownBody,
    text: string,
    done: () => void,
  ): void {
    const flight = inFlight.get(inFlightKey(request, text));
    if (flight === undefined) {
      lead(request, body, text);
      done();
      return;
    }
    flight.followers++;
    // Without an answer (its leader was refused, or ended in a fastify error), run it here.
    void flight.answer.then((shared) => (shared === undefined ? done() : send(reply, shared)));
  }

  // Added after every other onSend hook: the headers are final.
  app.addHook('onSend', (request, reply, payload, done) => {
    const leader = leaders.get(request);
    if (leader !== undefined) {
      const wanted = leader.flight === undefined || leader.flight.followers > 0;
      const answer =
        wanted && resolved.has(request) && typeof payload === 'string'
          ? answerOf(reply, payload)
          : undefined;
      release(request, leader, answer);
      if (answer !== undefined && leader.flight === undefined) known.keep(leader.body, answer);
    }
    done(null, payload);
  });
  // A leader that never reached onSend still lets its followers go.
  app.addHook('onResponse', (request, _reply, done) => {
    const leader = leaders.get(request);
    if (leader !== undefined) release(request, leader, undefined);
    done();
  });

  function lead(request: FastifyRequest, body: KnownBody, text: string): void {
    const key = inFlightKey(request, text);
    if (inFlight.has(key)) return;
    let settle!: (answer: Answer | undefined) => void;
    const answer = new Promise<Answer | undefined>((resolve) => (settle = resolve));
    const flight: Flight = { key, answer, settle, followers: 0 };
    inFlight.set(key, flight);
    leaders.set(request, { body, flight });
  }

  function release(request: FastifyRequest, leader: Leader, answer: Answer | undefined): void {
    leaders.delete(request);
    if (leader.flight === undefined) return;
    inFlight.delete(leader.flight.key);
    leader.flight.settle(answer);
  }
}

/**
 * The bodies whose sharing is known, by text, at most {@link MAX_REMEMBERED} (the oldest
 * forgotten first), with the kept answers of constant ones within {@link MAX_KEPT_BYTES}.
 */
class KnownBodies {
  readonly #bodies = new Map<string, KnownBody>();
  #keptBytes = 0;

  get(text: string): KnownBody | undefined {
    return this.#bodies.get(text);
  }

  add(text: string, sharing: AnswerSharing, requirements: KnownBody['requirements']): KnownBody {
    if (this.#bodies.size >= MAX_REMEMBERED) {
      const [oldest, body] = this.#bodies.entries().next().value as [string, KnownBody];
      this.#bodies.delete(oldest);
      body.forgotten = true;
      if (body.answer) this.#keptBytes -= body.answer.payload.length;
    }
    const body: KnownBody = { sharing, requirements };
    this.#bodies.set(text, body);
    return body;
  }

  /** Keeps a constant body's answer, with only what the answer itself decides. */
  keep(body: KnownBody, answer: Answer): void {
    const size = answer.payload.length;
    // A body forgotten while its first run went on keeps nothing: its bytes would never be freed.
    if (body.answer || body.forgotten) return;
    if (size > MAX_KEPT_ANSWER || this.#keptBytes + size > MAX_KEPT_BYTES) return;
    const contentType = answer.headers['content-type'];
    body.answer = {
      ...answer,
      headers: contentType === undefined ? {} : { 'content-type': contentType },
    };
    this.#keptBytes += size;
  }
}

/** The path a request was sent to (which route it matched), without the query string. */
function routePath(request: FastifyRequest): string {
  const url = request.raw.url ?? '';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/** Requests share an answer only when their bodies and all their headers are the same. */
function inFlightKey(request: FastifyRequest, text: string): string {
  return `${text}\n${request.raw.rawHeaders.join('\n')}`;
}

function answerOf(reply: FastifyReply, payload: string): Answer {
  const headers: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined && !PER_MESSAGE.has(name)) headers[name] = value;
  }
  return {
    statusCode: reply.statusCode,
    headers,
    payload: payload.length > ENCODE_ABOVE ? Buffer.from(payload) : payload,
    notes: notesSnapshot(reply.request),
  };
}

function send(reply: FastifyReply, answer: Answer): FastifyReply {
  copyNotes(reply.request, answer.notes);
  reply.code(answer.statusCode).headers(answer.headers);
  return reply.send(answer.payload);
}

/**
 * How the answer to the operation a request names may be shared (see {@link AnswerSharing}).
 * Only queries are shared; the root rule is Tailcall's (every root field deduplicated or
 * without upstream calls), the constant rule looks at every field the document selects.
 */
export function answerSharing(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  table: SharingTable,
): AnswerSharing {
  const { operations, fragments } = operationsAndFragments(document);
  const operation =
    operationName === undefined
      ? operations.length === 1
        ? operations[0]
        : undefined
      : operations.find((op) => op.name?.value === operationName);
  const root = schema.getQueryType();
  if (operation === undefined || operation.operation !== 'query' || !root) return 'none';

  for (const field of rootFieldNames(fragments, operation.selectionSet)) {
    if (sharingOf(table, root, field) === 'io') return 'none';
  }
  const pure = everySelectedField(schema, fragments, operation.selectionSet, root, (owners, name) =>
    owners.every((owner) => sharingOf(table, owner, name) === 'pure'),
  );
  return pure ? 'constant' : 'in-flight';
}

function sharingOf(table: SharingTable, owner: GraphQLNamedType, field: string): FieldSharing {
  if (field.startsWith('__')) return 'pure';
  const fields = ownEntry(table, owner.name);
  return (fields && ownEntry(fields, field)) ?? 'pure';
}

/** The names of an operation's root fields, through fragments (each fragment once). */
function rootFieldNames(
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  selectionSet: SelectionSetNode,
  seen = new Set<string>(),
): string[] {
  const names: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) names.push(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT)
      names.push(...rootFieldNames(fragments, selection.selectionSet, seen));
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) names.push(...rootFieldNames(fragments, fragment.selectionSet, seen));
    }
  }
  return names;
}
