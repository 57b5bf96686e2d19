import type { FastifyInstance } from 'fastify';
import {
  Kind,
  type DocumentNode,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
} from 'graphql';
import mercurius, { type MercuriusContext } from 'mercurius';

import { noteErrors } from './request-log.js';
import { emptyBodyProblem } from './request-shape.js';

/**
 * mercurius's error formatter with Tailcall's status rule: every GraphQL
 * response is HTTP 200, errors included (a syntax error, an invalid query, a
 * body that is not a GraphQL request).
 */
export function alwaysOkErrorFormatter(
  execution: ExecutionResult & Required<Pick<ExecutionResult, 'errors'>>,
  context: MercuriusContext,
): {
  statusCode: number;
  response: ReturnType<typeof mercurius.defaultErrorFormatter>['response'];
} {
  // mercurius logs every error at info level, stack included; they go to debug here, so that
  // info keeps one line per request (which counts them).
  const log = context.reply?.log ?? context.app.log;
  const quiet = { info: (fields: object, msg: string) => log.debug(fields, msg) };
  const { response } = mercurius.defaultErrorFormatter(execution, {
    ...context,
    reply: { log: quiet },
  } as unknown as MercuriusContext);
  noteErrors(context.reply?.request, response.errors?.length ?? 0);
  if (execution.errors.length === 1 && isMissingQuery(execution.errors[0])) {
    // A POST without a body never reaches the body parser (which answers whitespace alike).
    const request = context.reply?.request;
    const message =
      request?.method === 'POST' && request.body === undefined
        ? `Unexpected GraphQL Request: ${emptyBodyProblem('')}`
        : MISSING_QUERY;
    return { statusCode: 200, response: { data: null, errors: [{ message }] } };
  }
  return { statusCode: 200, response };
}

/**
 * The answer to `{}` or `{"query": ""}`, instead of mercurius's `Unknown query`, which is about
 * persisted queries.
 */
const MISSING_QUERY = 'The request has no query: send {"query": "..."}';

function isMissingQuery(error: unknown): boolean {
  const original = (error as { originalError?: { code?: unknown } } | undefined)?.originalError;
  return original?.code === 'MER_ERR_GQL_PERSISTED_QUERY_NOT_FOUND';
}

/** The health route Tailcall serves (`@server(routes: {status})`). */
export function statusRoute(app: FastifyInstance, path: string): void {
  app.route({
    method: ['GET', 'POST', 'HEAD'],
    url: path,
    handler: async () => ({ message: 'ready' }),
  });
}

const INTROSPECTION = new Set(['__schema', '__type']);

/**
 * `@server(introspection: false)`, the way Tailcall does it: `__schema` and
 * `__type` selections are dropped from the operation (`{ __type(...) { name } }`
 * answers `{"data":{}}`), the rest runs as usual.
 */
export function hideIntrospection(): (
  schema: unknown,
  document: DocumentNode,
) => Promise<{ document: DocumentNode } | undefined> {
  return async (_schema, document) => {
    let changed = false;
    const strip = (selections: readonly SelectionNode[]): SelectionNode[] =>
      selections.flatMap((selection): SelectionNode[] => {
        if (selection.kind === Kind.FIELD && INTROSPECTION.has(selection.name.value)) {
          changed = true;
          return [];
        }
        if (selection.kind === Kind.INLINE_FRAGMENT) {
          return [
            {
              ...selection,
              selectionSet: {
                ...selection.selectionSet,
                selections: strip(selection.selectionSet.selections),
              },
            },
          ];
        }
        return [selection];
      });
    // A named fragment on the root type can select them too (`{ ...F } fragment F on Query`).
    const definitions = document.definitions.map((definition) =>
      definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION
        ? ({
            ...definition,
            selectionSet: {
              ...definition.selectionSet,
              selections: strip(definition.selectionSet.selections),
            },
          } satisfies OperationDefinitionNode | FragmentDefinitionNode)
        : definition,
    );
    return changed ? { document: { ...document, definitions } } : undefined;
  };
}
