import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

import {
  everySelectedField,
  operationsAndFragments,
  ownEntry,
} from '../graphql/selected-fields.js';

/** typeName → fieldName → provider ids any of which may admit ([] = any linked provider).
 *  A field absent from the table is public. */
export type ProtectionTable = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

type Requirements = readonly (readonly string[])[];

/**
 * Results per table, schema and parsed document. mercurius reuses the parsed document of a
 * repeated query, so a steady workload plans each query once.
 */
const cache = new WeakMap<
  ProtectionTable,
  WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string | null, Requirements>>>
>();

/**
 * Collects the protection requirements of every field an operation selects, so they can be
 * checked once before anything executes (as Tailcall's auth planner does).
 *
 * The walk errs on the safe side: without an operation name (or with one the document lacks)
 * every operation counts, and fields under `@skip`/`@include` count whatever the variables.
 */
export function operationRequirements(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  table: ProtectionTable,
): Requirements {
  const byDocument = cachedFor(table, schema);
  let byName = byDocument.get(document);
  if (byName === undefined) {
    byName = new Map();
    byDocument.set(document, byName);
  }
  const name = operationName ?? null;
  const known = byName.get(name);
  if (known !== undefined) {
    return known;
  }

  const computed = new RequirementCollector(schema, document, table).collect(name);
  byName.set(name, computed);

  return computed;
}

function cachedFor(
  table: ProtectionTable,
  schema: GraphQLSchema,
): WeakMap<DocumentNode, Map<string | null, Requirements>> {
  let bySchema = cache.get(table);
  if (bySchema === undefined) {
    bySchema = new WeakMap();
    cache.set(table, bySchema);
  }
  let byDocument = bySchema.get(schema);
  if (byDocument === undefined) {
    byDocument = new WeakMap();
    bySchema.set(schema, byDocument);
  }

  return byDocument;
}

class RequirementCollector {
  readonly #schema: GraphQLSchema;
  readonly #table: ProtectionTable;
  readonly #operations: readonly OperationDefinitionNode[];
  readonly #fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  /** Fragments already walked; a fragment's fields do not depend on where it is spread. */
  readonly #walkedFragments = new Set<string>();
  /** Requirement key → requirement, in first-seen order. */
  readonly #found = new Map<string, readonly string[]>();

  constructor(schema: GraphQLSchema, document: DocumentNode, table: ProtectionTable) {
    this.#schema = schema;
    this.#table = table;
    const { operations, fragments } = operationsAndFragments(document);
    this.#operations = operations;
    this.#fragments = fragments;
  }

  collect(operationName: string | null): Requirements {
    const named = this.#operations.filter((op) => op.name?.value === operationName);
    const selected = operationName !== null && named.length > 0 ? named : this.#operations;
    for (const operation of selected) {
      const root = this.#schema.getRootType(operation.operation);
      if (root !== undefined && root !== null) {
        this.#walk(operation.selectionSet, root);
      }
    }

    return Object.freeze([...this.#found.values()]);
  }

  #walk(selectionSet: SelectionSetNode, parent: GraphQLNamedType): void {
    // Unknown fields fail validation later, or are skipped: they protect nothing.
    everySelectedField(
      this.#schema,
      this.#fragments,
      selectionSet,
      parent,
      (owners, name) => {
        for (const owner of owners) {
          const requirement = ownEntry(ownEntry(this.#table, owner.name), name);
          if (requirement !== undefined) {
            this.#found.set(JSON.stringify(requirement), requirement);
          }
        }
        return true;
      },
      this.#walkedFragments,
    );
  }
}
