import type { FastifyInstance } from 'fastify';
import {
  GraphQLError,
  getNamedType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isInputType,
  Kind,
  typeFromAST,
  valueFromASTUntyped,
  type ArgumentNode,
  type DirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

import { requestedOperationName } from './protect-operations.js';

/**
 * A required argument that is missing or null. As in Tailcall, the operation fails before any
 * field runs, with this message and no locations (the body is `{"data":null,"errors":[...]}`).
 */
export class ResolveInputError extends Error {
  readonly statusCode = 200 as const;

  constructor(argument: string, field: string) {
    super(`ResolveInputError: Argument \`${argument}\` for field \`${field}\` is required`);
    this.name = 'ResolveInputError';
  }
}

const BUILT_IN_SCALARS = ['Int', 'Float', 'String', 'Boolean', 'ID'];

/**
 * Reads queries the way Tailcall does with `@server(queryValidation: false)`, its default:
 * - a selection of a field the type does not have is skipped, and so are unknown arguments,
 *   unknown input-object members and spreads of fragments the document does not define;
 * - an object field selected without sub-selection answers `{}`, and a sub-selection on a
 *   scalar field is ignored;
 * - argument values are not checked against their scalar types: `int(x: "abc")` hands "abc" to
 *   the resolver;
 * - a required argument that is missing or null fails the operation with a `ResolveInputError`
 *   before anything runs.
 *
 * Everything else (syntax, variables, operation names, directives) is validated as the GraphQL
 * spec says. Call once, after mercurius is registered; it changes the built-in scalar objects,
 * which the generated server's one schema owns.
 */
export function lenientQueries(app: FastifyInstance): void {
  const schema = app.graphql.schema;
  const missing = new WeakMap<FieldNode, ResolveInputError>();
  const incomplete = new WeakSet<DocumentNode>();

  for (const name of BUILT_IN_SCALARS) {
    const scalar = schema.getType(name);
    if (scalar === undefined || !isLeafType(scalar) || isEnumType(scalar)) continue;
    scalar.parseValue = (value: unknown) => value;
    scalar.parseLiteral = (node, variables) => valueFromASTUntyped(node, variables);
  }

  // Runs once per distinct query: mercurius caches the validated document.
  app.graphql.addHook('preValidation', async (hookSchema, document) => {
    const clash = definitionClash(document);
    if (clash) throw clash;
    if (relaxDocument(hookSchema, document, missing)) incomplete.add(document);
  });
  app.graphql.addHook('preExecution', async (hookSchema, document, context, variables) => {
    const operationName = requestedOperationName(context.reply.request.body);
    if (incomplete.has(document)) {
      const problem = firstProblem(document, operationName, missing);
      if (problem) throw problem;
    }
    // graphql-jit checks built-in scalar variables itself, strictly; a request whose variables
    // only the lenient scalars accept runs on graphql-js (a "modified" document skips the JIT).
    if (variables && !strictVariables(hookSchema, document, operationName, variables)) {
      return { document };
    }
    return undefined;
  });
}

/**
 * Tailcall's parser refuses a document that defines an operation or fragment name twice, or an
 * anonymous operation beside any other, before anything is validated: one error for the first
 * clash in document order, located at the later definition, then the earlier one.
 */
export function definitionClash(document: DocumentNode): GraphQLError | undefined {
  const operations = new Map<string, DefinitionNode>();
  const fragments = new Map<string, DefinitionNode>();
  let anonymous: DefinitionNode | undefined;
  let lastNamed: DefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      const first = fragments.get(definition.name.value);
      if (first)
        return clash(`fragment ${definition.name.value} is defined twice`, definition, first);
      fragments.set(definition.name.value, definition);
      continue;
    }
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const name = definition.name?.value;
    // An anonymous operation is named first in the error: the later one when there are two.
    if (name === undefined) {
      // TODO: after several named operations, Tailcall names one of them in an order its hash
      // map decides; the last one defined is what a request showed.
      const earlier = anonymous ?? lastNamed;
      if (earlier) return clash('document contains multiple operations', definition, earlier);
      anonymous = definition;
      continue;
    }
    if (anonymous) return clash('document contains multiple operations', anonymous, definition);
    const first = operations.get(name);
    if (first) return clash(`operation ${name} is defined twice`, definition, first);
    operations.set(name, definition);
    lastNamed = definition;
  }
  return undefined;
}

function clash(message: string, ...nodes: DefinitionNode[]): GraphQLError {
  return new GraphQLError(message, { nodes });
}

/** Whether graphql-jit's own checks of built-in scalar variables accept these values. */
function strictVariables(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Readonly<Record<string, unknown>>,
): boolean {
  const fits = (type: GraphQLInputType | undefined, value: unknown): boolean => {
    if (type === undefined || value === null || value === undefined) return true;
    if (isNonNullType(type)) return fits(type.ofType, value);
    if (isListType(type))
      return Array.isArray(value)
        ? value.every((item) => fits(type.ofType, item))
        : fits(type.ofType, value);
    if (isInputObjectType(type)) {
      if (typeof value !== 'object') return true;
      const fields = type.getFields();
      return Object.entries(value).every(([name, member]) => fits(fields[name]?.type, member));
    }
    const check = STRICT_SCALARS[type.name];
    return check === undefined || check(value);
  };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName !== undefined && definition.name?.value !== operationName) continue;
    for (const variable of definition.variableDefinitions ?? []) {
      const type = typeFromAST(schema, variable.type);
      if (isInputType(type) && !fits(type, variables[variable.variable.name.value])) return false;
    }
  }
  return true;
}

/** What graphql-js's own built-in scalars accept as variable values. */
const STRICT_SCALARS: Readonly<Record<string, (value: unknown) => boolean>> = {
  Int: (v) => Number.isInteger(v) && (v as number) >= -(2 ** 31) && (v as number) < 2 ** 31,
  Float: (v) => typeof v === 'number' && Number.isFinite(v),
  String: (v) => typeof v === 'string',
  Boolean: (v) => typeof v === 'boolean',
  ID: (v) => typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)),
};

/** The first field of the operation that will run (all of them without a name) with a problem. */
function firstProblem(
  document: DocumentNode,
  operationName: string | undefined,
  missing: WeakMap<FieldNode, ResolveInputError>,
): ResolveInputError | undefined {
  const fragments = new Map<string, SelectionSetNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition.selectionSet);
  }
  const seen = new Set<string>();
  const search = (selectionSet: SelectionSetNode | undefined): ResolveInputError | undefined => {
    for (const selection of selectionSet?.selections ?? []) {
      let found: ResolveInputError | undefined;
      if (selection.kind === Kind.FIELD) {
        found = missing.get(selection) ?? search(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        found = search(selection.selectionSet);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        found = search(fragments.get(selection.name.value));
      }
      if (found) return found;
    }
    return undefined;
  };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName !== undefined && definition.name?.value !== operationName) continue;
    const found = search(definition.selectionSet);
    if (found) return found;
  }
  return undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Rewrites `document` in place (mercurius validates the object it handed to the hook) so that
 * what Tailcall tolerates passes spec validation. Fields whose required arguments are missing
 * get a placeholder value and an entry in `missing`; returns whether there is any.
 */
function relaxDocument(
  schema: GraphQLSchema,
  document: DocumentNode,
  missing: WeakMap<FieldNode, ResolveInputError>,
): boolean {
  let incomplete = false;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  }

  const relaxSelections = (
    selectionSet: SelectionSetNode,
    parent: GraphQLNamedType | undefined,
  ): SelectionSetNode => {
    const selections = selectionSet.selections.flatMap((selection): SelectionNode[] => {
      switch (selection.kind) {
        case Kind.FIELD:
          return relaxField(selection, parent);
        case Kind.FRAGMENT_SPREAD:
          return fragments.has(selection.name.value) ? [selection] : [];
        case Kind.INLINE_FRAGMENT: {
          const condition = selection.typeCondition
            ? schema.getType(selection.typeCondition.name.value)
            : parent;
          return [
            { ...selection, selectionSet: relaxSelections(selection.selectionSet, condition) },
          ];
        }
      }
    });
    return {
      ...selectionSet,
      selections: selections.length > 0 ? selections : [skippedTypename()],
    };
  };

  const relaxField = (node: FieldNode, parent: GraphQLNamedType | undefined): FieldNode[] => {
    if (node.name.value.startsWith('__') || !isCompositeType(parent)) return [node];
    if (!isObjectType(parent) && !isInterfaceType(parent)) return [];
    const field = parent.getFields()[node.name.value];
    if (field === undefined) return [];

    const { args, problem } = relaxArguments(node, field);
    const output = getNamedType(field.type);
    let selectionSet: SelectionSetNode | undefined;
    if (isCompositeType(output)) {
      selectionSet = node.selectionSet
        ? relaxSelections(node.selectionSet, output)
        : { kind: Kind.SELECTION_SET, selections: [skippedTypename()] };
    }
    const relaxed: Mutable<FieldNode> = { ...node, arguments: args };
    if (selectionSet) relaxed.selectionSet = selectionSet;
    else delete relaxed.selectionSet;
    if (problem) {
      missing.set(relaxed, problem);
      incomplete = true;
    }
    return [relaxed];
  };

  const definitions = document.definitions.map((definition) => {
    if (definition.kind === Kind.OPERATION_DEFINITION) {
      const root = schema.getRootType(definition.operation) ?? undefined;
      return { ...definition, selectionSet: relaxSelections(definition.selectionSet, root) };
    }
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      const condition = schema.getType(definition.typeCondition.name.value);
      return { ...definition, selectionSet: relaxSelections(definition.selectionSet, condition) };
    }
    return definition;
  });

  // Fragments whose only spreads were dropped are unused now; unused ones are not an error here.
  const used = new Set<string>();
  const collect = (selectionSet: SelectionSetNode | undefined): void => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) used.add(selection.name.value);
      else collect(selection.selectionSet);
    }
  };
  for (const definition of definitions) {
    if (
      definition.kind === Kind.OPERATION_DEFINITION ||
      definition.kind === Kind.FRAGMENT_DEFINITION
    )
      collect(definition.selectionSet);
  }
  (document as Mutable<DocumentNode>).definitions = definitions.filter(
    (definition) => definition.kind !== Kind.FRAGMENT_DEFINITION || used.has(definition.name.value),
  );
  return incomplete;
}

/**
 * The arguments of a field as Tailcall takes them: unknown ones dropped, unknown input-object
 * members dropped, and a required argument that is missing or null replaced by a placeholder
 * that passes validation, with the problem to report when the field runs.
 */
function relaxArguments(
  node: FieldNode,
  field: GraphQLField<unknown, unknown>,
): { args: ArgumentNode[]; problem?: ResolveInputError } {
  const given = new Map((node.arguments ?? []).map((arg) => [arg.name.value, arg]));
  const args: ArgumentNode[] = [];
  let problem: ResolveInputError | undefined;
  // Tailcall names the missing member and the path to its parent: `deep.w.p` for `lat`.
  const report = (definition: GraphQLArgument, path: readonly string[]) => {
    const names = [field.name, definition.name, ...path];
    problem ??= new ResolveInputError(names.at(-1) ?? '', names.slice(0, -1).join('.'));
  };

  for (const definition of field.args) {
    const arg = given.get(definition.name);
    if (arg === undefined) {
      if (isNonNullType(definition.type) && definition.defaultValue === undefined) {
        // A default the schema could not coerce (`= {}` missing required members) lands here.
        const written = definition.astNode?.defaultValue;
        report(definition, (written && firstMissing(written, definition.type)) ?? []);
        args.push(argument(definition, placeholder(definition.type)));
      }
      continue;
    }
    const value = relaxValue(arg.value, definition.type);
    const path = firstMissing(value, definition.type);
    if (path === undefined) {
      args.push({ ...arg, value });
      continue;
    }
    report(definition, path);
    args.push(argument(definition, placeholder(definition.type)));
  }
  return problem ? { args, problem } : { args };
}

function argument(definition: GraphQLArgument, value: ValueNode): ArgumentNode {
  return { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: definition.name }, value };
}

/** Drops object members the input type does not declare, at any depth. */
function relaxValue(value: ValueNode, type: GraphQLInputType): ValueNode {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    return value.kind === Kind.LIST
      ? { ...value, values: value.values.map((item) => relaxValue(item, inner.ofType)) }
      : relaxValue(value, inner.ofType);
  }
  if (isInputObjectType(inner) && value.kind === Kind.OBJECT) {
    const fields = inner.getFields();
    return {
      ...value,
      fields: value.fields.flatMap((member) => {
        const declared = fields[member.name.value];
        return declared ? [{ ...member, value: relaxValue(member.value, declared.type) }] : [];
      }),
    };
  }
  return value;
}

/**
 * The first required member a literal lacks or gives as null, as the path of member names to
 * it (empty for the value itself); undefined when nothing is missing. Variables are checked by
 * graphql-js.
 */
function firstMissing(value: ValueNode, type: GraphQLInputType): string[] | undefined {
  if (value.kind === Kind.VARIABLE) return undefined;
  if (value.kind === Kind.NULL) return isNonNullType(type) ? [] : undefined;
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    const items = value.kind === Kind.LIST ? value.values : [value];
    for (const item of items) {
      const path = firstMissing(item, inner.ofType);
      if (path !== undefined) return path;
    }
    return undefined;
  }
  if (!isInputObjectType(inner) || value.kind !== Kind.OBJECT) return undefined;
  const given = new Map(value.fields.map((member) => [member.name.value, member.value]));
  for (const member of Object.values(inner.getFields())) {
    const written = given.get(member.name);
    if (written === undefined) {
      if (isNonNullType(member.type) && member.defaultValue === undefined) return [member.name];
      continue;
    }
    const path = firstMissing(written, member.type);
    if (path !== undefined) return [member.name, ...path];
  }
  return undefined;
}

/** A literal every input type accepts once the built-in scalars are lenient. */
function placeholder(type: GraphQLInputType): ValueNode {
  if (!isNonNullType(type)) return { kind: Kind.NULL };
  const inner = type.ofType;
  if (isListType(inner)) return { kind: Kind.LIST, values: [] };
  if (isEnumType(inner)) {
    const first = inner.getValues()[0];
    return { kind: Kind.ENUM, value: first?.name ?? '' };
  }
  if (isInputObjectType(inner)) {
    return {
      kind: Kind.OBJECT,
      fields: Object.values(inner.getFields())
        .filter((member) => isNonNullType(member.type) && member.defaultValue === undefined)
        .map((member) => ({
          kind: Kind.OBJECT_FIELD,
          name: { kind: Kind.NAME, value: member.name },
          value: placeholder(member.type),
        })),
    };
  }
  return { kind: Kind.STRING, value: '' };
}

/** `__typename @skip(if: true)`: a selection that selects nothing, so the object answers `{}`. */
function skippedTypename(): FieldNode {
  const skip: DirectiveNode = {
    kind: Kind.DIRECTIVE,
    name: { kind: Kind.NAME, value: 'skip' },
    arguments: [
      {
        kind: Kind.ARGUMENT,
        name: { kind: Kind.NAME, value: 'if' },
        value: { kind: Kind.BOOLEAN, value: true },
      },
    ],
  };
  return { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' }, directives: [skip] };
}
