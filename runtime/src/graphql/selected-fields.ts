import {
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type OperationDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/** A document's operations, in order, and its fragments by name. */
export function operationsAndFragments(document: DocumentNode): {
  operations: OperationDefinitionNode[];
  fragments: Map<string, FragmentDefinitionNode>;
} {
  const operations: OperationDefinitionNode[] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
    else if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  }
  return { operations, fragments };
}

/**
 * Calls `visit` with every field selected below `parent`, through inline fragments and fragment
 * spreads (each named fragment once: its fields do not depend on where it is spread), until
 * `visit` returns false. A field selected on an interface or union comes with the member types
 * too, as any of them may answer it. Fields and fragments that the schema or the document lack
 * are skipped: they select nothing. Returns false when `visit` stopped the walk.
 */
export function everySelectedField(
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  selectionSet: SelectionSetNode,
  parent: GraphQLNamedType,
  visit: (owners: readonly GraphQLNamedType[], name: string) => boolean,
  walkedFragments = new Set<string>(),
): boolean {
  const walk = (selections: SelectionSetNode, type: GraphQLNamedType) =>
    everySelectedField(schema, fragments, selections, type, visit, walkedFragments);
  for (const selection of selectionSet.selections) {
    switch (selection.kind) {
      case Kind.FIELD: {
        const name = selection.name.value;
        const owners = isAbstractType(parent)
          ? [parent, ...schema.getPossibleTypes(parent)]
          : [parent];
        if (!visit(owners, name)) return false;
        if (selection.selectionSet === undefined) break;
        if (!(isObjectType(parent) || isInterfaceType(parent))) break;
        const definition = ownEntry(parent.getFields(), name);
        if (definition && !walk(selection.selectionSet, getNamedType(definition.type)))
          return false;
        break;
      }
      case Kind.INLINE_FRAGMENT: {
        const condition = selection.typeCondition?.name.value;
        const type = condition === undefined ? parent : schema.getType(condition);
        if (type && !walk(selection.selectionSet, type)) return false;
        break;
      }
      case Kind.FRAGMENT_SPREAD: {
        const name = selection.name.value;
        if (walkedFragments.has(name)) break;
        walkedFragments.add(name);
        const fragment = fragments.get(name);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && type && !walk(fragment.selectionSet, type)) return false;
        break;
      }
    }
  }
  return true;
}

/**
 * A member only when the record itself holds it: a field named `constructor` or `toString`
 * must not find `Object.prototype`'s members.
 */
export function ownEntry<T>(
  record: Readonly<Record<string, T>> | undefined,
  key: string,
): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
