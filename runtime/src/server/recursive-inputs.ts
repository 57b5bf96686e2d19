import type { FastifyInstance } from 'fastify';
import {
  getNamedType,
  isInputObjectType,
  Kind,
  typeFromAST,
  type DocumentNode,
  type GraphQLInputObjectType,
  type GraphQLSchema,
} from 'graphql';

/**
 * Runs operations that take a variable of a recursive input type (`input In { next: In }`, or
 * one leading to such a type) on graphql-js rather than graphql-jit: graphql-jit writes the code
 * that reads a variable by walking its type, and on a recursive one it never stops, so the
 * second such request (when mercurius compiles the query) froze the whole process. Literal
 * arguments are not affected. Install after mercurius; does nothing without such types.
 */
export function interpretRecursiveInputs(app: FastifyInstance): void {
  const recursive = recursiveInputTypes(app.graphql.schema);
  if (recursive.size === 0) return;
  const verdicts = new WeakMap<DocumentNode, boolean>();

  app.graphql.addHook('preExecution', async (schema, document) => {
    let takesRecursive = verdicts.get(document);
    if (takesRecursive === undefined) {
      takesRecursive = document.definitions.some(
        (definition) =>
          definition.kind === Kind.OPERATION_DEFINITION &&
          (definition.variableDefinitions ?? []).some((variable) => {
            const type = typeFromAST(schema, variable.type);
            return type !== undefined && recursive.has(getNamedType(type).name);
          }),
      );
      verdicts.set(document, takesRecursive);
    }
    // A document handed back counts as modified, which keeps mercurius from compiling it.
    return takesRecursive ? { document } : undefined;
  });
}

/** Names of the input object types from which a chain of fields leads back to a type. */
export function recursiveInputTypes(schema: GraphQLSchema): Set<string> {
  const recursive = new Set<string>();
  const done = new Set<string>();
  const path = new Set<string>();
  const visit = (type: GraphQLInputObjectType): boolean => {
    if (path.has(type.name)) return true;
    if (done.has(type.name)) return recursive.has(type.name);
    path.add(type.name);
    let leadsBack = false;
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      // Every field is visited, so that each type on the way is judged.
      if (isInputObjectType(named) && visit(named)) leadsBack = true;
    }
    path.delete(type.name);
    done.add(type.name);
    if (leadsBack) recursive.add(type.name);
    return leadsBack;
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isInputObjectType(type)) visit(type);
  }
  return recursive;
}
