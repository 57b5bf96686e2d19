import { randomUUID } from 'node:crypto';

import {
  LogController,
  type FastifyBaseLogger,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { getOperationAST, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { MercuriusContext } from 'mercurius';

/** What the GraphQL layer learnt about a request, for its log line. */
interface RequestNotes {
  /**
   * Names of the operations that ran, by position in the request (one, or one per query of a
   * batch); null for anonymous ones. A query refused before it ran leaves a hole.
   */
  operations: (string | null)[];
  errors: number;
}

const notes = new WeakMap<FastifyRequest, RequestNotes>();

function notesOf(request: FastifyRequest): RequestNotes {
  let noted = notes.get(request);
  if (noted === undefined) {
    noted = { operations: [], errors: 0 };
    notes.set(request, noted);
  }

  return noted;
}

/**
 * Request ids unique across worker processes and restarts (fastify's default counter starts
 * again at `req-1` in every process).
 */
export function requestId(): string {
  sequence = (sequence + 1) % 0x1_0000_0000_0000;
  return `${processPart}${sequence.toString(16).padStart(12, '0')}`;
}

/**
 * A random UUID of this process with its last 48 bits replaced by a counter: ids keep the UUID
 * form and stay unique (74 random bits per process, then a count), for the cost of an
 * increment rather than a random draw per request.
 */
const processPart = randomUUID().slice(0, 24);
let sequence = 0;

/**
 * fastify's request logging, one info line per request: fastify writes `incoming request` and
 * `request completed` (and `Route ... not found`, query string included); this writes only the
 * second, when the response has been sent, with the method, the path (never the query string,
 * which may carry variables or tokens), the GraphQL operation, the status, the number of
 * GraphQL errors and the duration. The request id comes from the per-request logger. A response
 * that failed to go out (the client went away) is logged at error level, as fastify does.
 */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override routeNotFound(): void {}

  override defaultErrorLog(error: Error, _request: FastifyRequest, reply: FastifyReply): void {
    // fastify's own line adds the request, whose URL may carry a token in its query string.
    if (reply.statusCode >= 500) reply.log.error({ err: error }, error.message);
    else reply.log.info({ err: error }, error.message);
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (!enabled(reply.log, error ? 'error' : 'info')) return;
    const noted = notes.get(request);
    const operations = noted ? operationsOf(request, noted) : [];
    const batch = Array.isArray(request.body) && operations.length > 0;
    const operation = batch ? operations : operations[0];
    const fields = {
      method: request.method,
      url: pathOf(request.url),
      ...(operation === undefined ? {} : { operation }),
      status: reply.statusCode,
      ...(noted && noted.errors > 0 ? { errors: noted.errors } : {}),
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (error) reply.log.error({ ...fields, err: error }, 'request errored');
    else reply.log.info(fields, 'request completed');
  }
}

/** A mercurius preExecution hook that records the name of the operation about to run. */
export async function noteOperation(
  _schema: GraphQLSchema,
  document: DocumentNode,
  context: MercuriusContext,
): Promise<void> {
  const request = context.reply?.request;
  if (request === undefined) return;

  const position = (context as { operationId?: number }).operationId ?? 0;
  const operation = getOperationAST(document, operationNameOf(queriesOf(request)[position]));
  notesOf(request).operations[position] = operation?.name?.value ?? null;
}

/**
 * The operation of every query of a request the GraphQL layer answered: as noted when it ran,
 * else (refused by validation, `MAX_QUERY_DEPTH` or a syntax error) read from its text, null
 * when it has no name or none can be read. Only refused queries are parsed again here.
 */
function operationsOf(request: FastifyRequest, noted: RequestNotes): (string | null)[] {
  return queriesOf(request).map((query, position) =>
    position in noted.operations ? noted.operations[position]! : operationIn(query),
  );
}

/** The GraphQL requests in a request: its body, each member of a batch, or a GET's parameters. */
function queriesOf(request: FastifyRequest): unknown[] {
  const body = request.method === 'GET' ? request.query : request.body;

  return Array.isArray(body) ? body : [body];
}

function operationNameOf(query: unknown): string | undefined {
  const name = (query as { operationName?: unknown } | undefined)?.operationName;

  return typeof name === 'string' ? name : undefined;
}

function operationIn(query: unknown): string | null {
  const source = (query as { query?: unknown } | undefined)?.query;
  if (typeof source !== 'string') return null;
  try {
    const document = parse(source, { noLocation: true });

    return getOperationAST(document, operationNameOf(query))?.name?.value ?? null;
  } catch {
    return null;
  }
}

/** What was noted of a request, to be noted of another one given the same answer. */
export type NotesSnapshot =
  { readonly operations: readonly (string | null)[]; readonly errors: number } | undefined;

export function notesSnapshot(request: FastifyRequest): NotesSnapshot {
  const noted = notes.get(request);
  return (
    noted &&
    Object.freeze({ operations: Object.freeze([...noted.operations]), errors: noted.errors })
  );
}

/**
 * Notes of a request answered with another one's answer (see `shareAnswers`): the snapshot
 * itself, as nothing is noted of a request that does not run.
 */
export function copyNotes(request: FastifyRequest, snapshot: NotesSnapshot): void {
  // Only for the line `requestCompleted` writes at info level; a served request fails nothing.
  if (snapshot !== undefined && enabled(request.log, 'info'))
    notes.set(request, snapshot as RequestNotes);
}

/** Counts the GraphQL errors of a response, for the request's log line. */
export function noteErrors(request: FastifyRequest | undefined, count: number): void {
  if (request !== undefined) notesOf(request).errors += count;
}

/** Whether a pino logger writes `level` (a logger without the check writes everything). */
function enabled(log: FastifyBaseLogger, level: 'info' | 'error'): boolean {
  const check = (log as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled;
  return check === undefined || check.call(log, level);
}

function pathOf(url: string): string {
  const query = url.indexOf('?');

  return query < 0 ? url : url.slice(0, query);
}
