import type { FastifyInstance, FastifyReply } from 'fastify';
import type { MercuriusContext } from 'mercurius';

import type { RequestAuth } from '../auth/authenticator.js';
import { operationRequirements, type ProtectionTable } from '../auth/operation-requirements.js';

/** The part of the mercurius context the hooks need; generated code adds `auth` to it. */
export interface ProtectedContext {
  auth: RequestAuth;
  reply: FastifyReply;
}

type Requirements = ReturnType<typeof operationRequirements>;

/** Query texts whose requirements are remembered; longer ones are planned each time. */
const MAX_REMEMBERED_SOURCE = 64 * 1024;
const MAX_REMEMBERED = 1024;

/**
 * Checks every operation against the protection table before it runs: the requirements of the
 * fields it selects are computed from the parsed document (once per document), and
 * `context.auth.require(...)` must pass; an unauthenticated operation never reaches a resolver.
 *
 * A query text seen before is checked in `preParsing`, from its remembered requirements, rather
 * than in `preExecution`. mercurius decides to JIT-compile a query on its second run, before the
 * `preExecution` hooks, and forgets that decision when one throws: a query whose second caller
 * was refused (an expired token, say) ran interpreted from then on, at a third of the speed.
 * Refusing it before mercurius counts the run keeps the compilation for the next caller.
 */
export function protectOperations(app: FastifyInstance, table: ProtectionTable): void {
  /** Requirements by query text (oldest first), then by operation name. */
  const known = new Map<string, Map<string | undefined, Requirements>>();
  /** A request's query text and operation name, until its operation is planned. */
  const unplanned = new WeakMap<object, { source: string; name: string | undefined }>();
  /** Requests already checked in `preParsing`. */
  const checked = new WeakSet<object>();

  app.graphql.addHook('preParsing', async (_schema, source, context: MercuriusContext) => {
    const protectedContext = context as unknown as ProtectedContext;
    if (source.length > MAX_REMEMBERED_SOURCE) return;
    const name = requestedOperationName(protectedContext.reply.request.body);
    const requirements = known.get(source)?.get(name);
    if (requirements === undefined) {
      unplanned.set(context, { source, name });
      return;
    }
    checked.add(context);
    if (requirements.length > 0) await protectedContext.auth.require(requirements);
  });

  app.graphql.addHook('preExecution', async (schema, document, context: MercuriusContext) => {
    if (checked.has(context)) return;
    const protectedContext = context as unknown as ProtectedContext;
    const pending = unplanned.get(context);
    const name = pending
      ? pending.name
      : requestedOperationName(protectedContext.reply.request.body);
    const requirements = operationRequirements(schema, document, name, table);
    if (pending !== undefined) {
      let byName = known.get(pending.source);
      if (byName === undefined) {
        if (known.size >= MAX_REMEMBERED) known.delete(known.keys().next().value as string);
        byName = new Map();
        known.set(pending.source, byName);
      }
      byName.set(pending.name, requirements);
    }
    if (requirements.length > 0) await protectedContext.auth.require(requirements);
  });
}

/**
 * The operation the client asked for. A batch (array) or GET request yields undefined, so
 * every operation of the document is checked.
 */
export function requestedOperationName(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return undefined;
  }
  const name = (body as { operationName?: unknown }).operationName;

  return typeof name === 'string' ? name : undefined;
}
