import type { FastifyReply } from 'fastify';
import type { DocumentNode, GraphQLSchema } from 'graphql';

import type { RequestAuth } from '../auth/authenticator.js';
import { operationRequirements, type ProtectionTable } from '../auth/operation-requirements.js';

/** The part of the mercurius context the hook needs; generated code adds `auth` to it. */
export interface ProtectedContext {
  auth: RequestAuth;
  reply: FastifyReply;
}

/** A mercurius preExecution hook: computes the operation's requirements from the table and calls
 *  `context.auth.require(...)`; an unauthenticated operation never reaches a resolver. */
export function protectOperations(
  table: ProtectionTable,
): (
  schema: GraphQLSchema,
  document: DocumentNode,
  context: ProtectedContext,
  variables?: unknown,
) => Promise<void> {
  return async (schema, document, context) => {
    const operationName = requestedOperationName(context.reply.request.body);
    const requirements = operationRequirements(schema, document, operationName, table);
    if (requirements.length === 0) {
      return;
    }

    await context.auth.require(requirements);
  };
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
