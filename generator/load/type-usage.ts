/**
 * How a config uses its types. Tailcall does not tell `type` from `input`: a type is an
 * input type when an argument reaches it and an output type when a root operation type
 * reaches it, and the same declaration may be both.
 */
import {
  Kind,
  type DocumentNode,
  type FieldDefinitionNode,
  type InputObjectTypeDefinitionNode,
  type InterfaceTypeDefinitionNode,
  type ObjectTypeDefinitionNode,
  type TypeNode,
  type UnionTypeDefinitionNode,
} from 'graphql';

/** The definitions Tailcall calls types: objects, inputs and interfaces. */
export type ObjectLike =
  ObjectTypeDefinitionNode | InputObjectTypeDefinitionNode | InterfaceTypeDefinitionNode;

export interface TypeUsage {
  /** Types reachable from some field argument. */
  inputs: Set<string>;
  /** Types reachable from the root operation types. */
  outputs: Set<string>;
}

export interface RootTypeNames {
  query?: string;
  mutation?: string;
  subscription?: string;
}

/** Each field of the document's object types and object type extensions, with its type's name. */
export function* objectTypeFields(
  document: DocumentNode,
): Generator<[typeName: string, field: FieldDefinitionNode]> {
  for (const definition of document.definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION
    )
      continue;
    for (const field of definition.fields ?? []) yield [definition.name.value, field];
  }
}

export function namedTypeOf(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type);
}

/**
 * The root operation types: those the schema definition names, else the types named
 * `Query`, `Mutation` and `Subscription` when declared.
 */
export function rootTypeNames(document: DocumentNode): RootTypeNames {
  const schema = document.definitions.find((d) => d.kind === Kind.SCHEMA_DEFINITION);
  if (schema) {
    const roots: RootTypeNames = {};
    for (const operation of schema.operationTypes) {
      roots[operation.operation] = operation.type.name.value;
    }
    return roots;
  }

  const declared = new Set(
    document.definitions.flatMap((d) => ('name' in d && d.name ? [d.name.value] : [])),
  );
  const roots: RootTypeNames = {};
  if (declared.has('Query')) roots.query = 'Query';
  if (declared.has('Mutation')) roots.mutation = 'Mutation';
  if (declared.has('Subscription')) roots.subscription = 'Subscription';
  return roots;
}

export interface UsageOptions {
  /**
   * An output interface makes its implementations outputs and an output object its
   * interfaces (Tailcall's merge does not look at those).
   */
  implementations?: boolean;
  /** More types to start outputs from, besides the root operation types. */
  outputSeeds?: readonly string[];
}

/**
 * Which types are used as inputs and which as outputs. Union members count as outputs when
 * the union does.
 */
/** The object, input and interface definitions of a document, and its unions, by name. */
export function typeDefinitions(document: DocumentNode): {
  objects: Map<string, ObjectLike>;
  unions: Map<string, UnionTypeDefinitionNode>;
} {
  const objects = new Map<string, ObjectLike>();
  const unions = new Map<string, UnionTypeDefinitionNode>();
  for (const definition of document.definitions) {
    if (
      definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
      definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION ||
      definition.kind === Kind.INTERFACE_TYPE_DEFINITION
    ) {
      objects.set(definition.name.value, definition);
    } else if (definition.kind === Kind.UNION_TYPE_DEFINITION) {
      unions.set(definition.name.value, definition);
    }
  }
  return { objects, unions };
}

export function typeUsage(document: DocumentNode, options: UsageOptions = {}): TypeUsage {
  const { objects, unions } = typeDefinitions(document);

  const implementers = new Map<string, string[]>();
  if (options.implementations) {
    for (const [name, definition] of objects) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
      for (const named of definition.interfaces ?? []) {
        implementers.set(named.name.value, [...(implementers.get(named.name.value) ?? []), name]);
      }
    }
  }

  const reach = (start: readonly string[], withImplementations: boolean): Set<string> => {
    const seen = new Set<string>();
    const stack = [...start];
    while (stack.length > 0) {
      const name = stack.pop() as string;
      if (seen.has(name)) continue;
      seen.add(name);
      const object = objects.get(name);
      if (object) {
        for (const field of object.fields ?? []) stack.push(namedTypeOf(field.type));
        if (withImplementations && object.kind !== Kind.INPUT_OBJECT_TYPE_DEFINITION) {
          for (const named of object.interfaces ?? []) stack.push(named.name.value);
          stack.push(...(implementers.get(name) ?? []));
        }
      }
      for (const member of unions.get(name)?.types ?? []) stack.push(member.name.value);
    }
    return seen;
  };

  const roots = rootTypeNames(document);
  const outputs = reach(
    [
      ...[roots.query, roots.mutation, roots.subscription].filter((r): r is string => !!r),
      ...(options.outputSeeds ?? []),
    ],
    options.implementations === true,
  );
  const argumentTypes: string[] = [];
  for (const object of objects.values()) {
    for (const field of object.fields ?? []) {
      if (field.kind !== Kind.FIELD_DEFINITION) continue;
      for (const arg of field.arguments ?? []) argumentTypes.push(namedTypeOf(arg.type));
    }
  }
  const inputs = reach(argumentTypes, false);

  return { inputs, outputs };
}
