import {
  GraphQLError,
  GraphQLSchema,
  Kind,
  buildASTSchema,
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  validateSchema,
  visit,
  type DocumentNode,
  type GraphQLNamedType,
  type NamedTypeNode,
  type TypeNode,
} from 'graphql';

import { DiagnosticCode, type DiagnosticBag } from '../diagnostics.ts';
import { GRAPHQL_DIRECTIVES } from '../load/directive-specs.ts';
import type { SourceFile } from '../load/source-file.ts';
import { objectTypeFields } from '../load/type-usage.ts';
import { normalizeTypes } from './normalize-types.ts';
import { noteDeclaredScalars } from './declared-scalars.ts';
import { checkProtectedInputs } from './protected.ts';

/** Scalars every Tailcall config may use without declaring them. */
export const TAILCALL_SCALARS = [
  'Email',
  'PhoneNumber',
  'Date',
  'DateTime',
  'Url',
  'JSON',
  'Empty',
  'Bytes',
  'Int8',
  'Int16',
  'Int32',
  'Int64',
  'Int128',
  'UInt8',
  'UInt16',
  'UInt32',
  'UInt64',
  'UInt128',
] as const;

const GRAPHQL_SCALARS = new Set(['Int', 'Float', 'String', 'Boolean', 'ID']);

function namedType(type: TypeNode): string {
  return namedTypeNode(type).name.value;
}

/** The name inside list and non-null wrappers, which is where a JSON or YAML config wrote it. */
function namedTypeNode(type: TypeNode): NamedTypeNode {
  return type.kind === Kind.NAMED_TYPE ? type : namedTypeNode(type.type);
}

export interface Schemas {
  /** Every type of the config, as Tailcall reads it (see `normalizeTypes`): what is checked. */
  schema: GraphQLSchema;
  /**
   * The types the root operation types reach, fields as declared: the shape of the values
   * resolvers see (before `@modify`, `@omit` and `@addField` reshape what clients see).
   */
  publicSchema: GraphQLSchema;
  /** The SDL `schema` was built from. */
  document: DocumentNode;
  /** `Type.fieldVar0` → `Type.field`, for the fields made for union arguments. */
  fieldOrigins: ReadonlyMap<string, string>;
  /** Types referenced but not declared (they stand in as scalars so checking can go on). */
  undeclaredTypes: ReadonlySet<string>;
  /**
   * Arguments of an undeclared type, reported only when no template check names the type
   * already: call with the `Type.field.arg` coordinates reported that way.
   */
  reportUndeclaredArguments: (alreadyReported: ReadonlySet<string>) => void;
}

export interface SchemaOptions {
  /** A linked config could not be loaded: types and roots it may declare are not reported missing. */
  incomplete?: boolean;
}

/**
 * Checks the root operation types and that every referenced type is declared, then builds
 * the schema of the config (directives removed, Tailcall's scalars added where used) and the
 * public schema. Returns undefined when no schema can be built.
 */
export function buildSchemas(
  document: DocumentNode,
  file: SourceFile,
  bag: DiagnosticBag,
  options: SchemaOptions = {},
): Schemas | undefined {
  noteDeclaredScalars(file, document);

  // Built-in scalars cannot be declared again; the declaration is dropped once reported.
  const predefined = (name: string) =>
    GRAPHQL_SCALARS.has(name) || (TAILCALL_SCALARS as readonly string[]).includes(name);
  for (const definition of document.definitions) {
    if (definition.kind === Kind.SCALAR_TYPE_DEFINITION && predefined(definition.name.value)) {
      bag.error(
        DiagnosticCode.InvalidSchema,
        `Scalar type ${definition.name.value} is predefined`,
        file.spanOf(definition),
        definition.name.value,
      );
    }
  }
  document = {
    ...document,
    definitions: document.definitions.filter(
      (d) => !(d.kind === Kind.SCALAR_TYPE_DEFINITION && predefined(d.name.value)),
    ),
  };

  const declared = new Set<string>();
  for (const definition of document.definitions) {
    if ('name' in definition && definition.name && definition.kind !== Kind.DIRECTIVE_DEFINITION) {
      declared.add(definition.name.value);
    }
  }
  const rooted = checkRootTypes(document, declared, file, bag, options);

  const usedBuiltins = new Set<string>();
  const undeclared = new Set<string>();
  const pendingArguments: { coordinate: string; report: () => void }[] = [];
  const reference = (type: TypeNode, trace: string, argument = false) => {
    const name = namedType(type);
    if (declared.has(name) || GRAPHQL_SCALARS.has(name)) return;
    if ((TAILCALL_SCALARS as readonly string[]).includes(name)) {
      usedBuiltins.add(name);
      return;
    }
    undeclared.add(name);
    if (options.incomplete) return;
    const report = () =>
      bag.error(
        DiagnosticCode.UndeclaredType,
        `Undeclared type '${name}' was found`,
        file.spanOf(namedTypeNode(type)),
        trace,
      );
    if (argument) pendingArguments.push({ coordinate: trace, report });
    else report();
  };

  for (const definition of rooted.definitions) {
    switch (definition.kind) {
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.OBJECT_TYPE_EXTENSION:
      case Kind.INTERFACE_TYPE_DEFINITION:
      case Kind.INTERFACE_TYPE_EXTENSION:
        for (const field of definition.fields ?? []) {
          const trace = `${definition.name.value}.${field.name.value}`;
          reference(field.type, trace);
          for (const arg of field.arguments ?? [])
            reference(arg.type, `${trace}.${arg.name.value}`, true);
        }
        break;
      case Kind.INPUT_OBJECT_TYPE_DEFINITION:
      case Kind.INPUT_OBJECT_TYPE_EXTENSION:
        for (const field of definition.fields ?? [])
          reference(field.type, `${definition.name.value}.${field.name.value}`);
        break;
      case Kind.UNION_TYPE_DEFINITION:
      case Kind.UNION_TYPE_EXTENSION:
        for (const member of definition.types ?? []) reference(member, definition.name.value);
        break;
      default:
        break;
    }
  }

  const normalized = normalizeTypes(rooted);
  checkProtectedInputs(rooted, normalized.document, file, bag);
  const stripped = stripConfigDirectives(normalized.document);
  // Undeclared types stand in as scalars, so the rest of the config is still checked in this
  // run; the errors above keep the build from succeeding.
  const scalars = [...usedBuiltins, ...undeclared].map((name) => ({
    kind: Kind.SCALAR_TYPE_DEFINITION,
    name: { kind: Kind.NAME, value: name },
  })) as DocumentNode['definitions'];
  const schemaDocument: DocumentNode = {
    ...stripped,
    definitions: [...stripped.definitions, ...scalars],
  };

  let schema: GraphQLSchema;
  try {
    schema = buildASTSchema(schemaDocument);
  } catch (error) {
    reportSchemaError(error, file, bag);
    return undefined;
  }
  // A missing query root was reported in Tailcall's words already; an interface field a type
  // provides only through `@modify(name:)` is reported in Tailcall's words with the renames.
  const renamedTo = modifiedNames(document);
  const errors = validateSchema(schema).filter((e) => {
    if (e.message === 'Query root type must be provided.') return false;
    const missing = /^Interface field \w+\.(\w+) expected but (\w+) does not provide it\.$/.exec(
      e.message,
    );
    return !(missing && renamedTo.has(`${missing[2]}.${missing[1]}`));
  });
  for (const error of errors) reportSchemaError(error, file, bag);
  if (errors.length > 0) return undefined;

  return {
    schema,
    publicSchema: reachableSchema(schema),
    document: schemaDocument,
    fieldOrigins: normalized.fieldOrigins,
    undeclaredTypes: undeclared,
    reportUndeclaredArguments: (alreadyReported) => {
      for (const pending of pendingArguments) {
        if (!alreadyReported.has(pending.coordinate)) pending.report();
      }
    },
  };
}

/**
 * Reports root operation types that are missing, in Tailcall's words, and returns the
 * document without them so the rest can still be checked.
 */
function checkRootTypes(
  document: DocumentNode,
  declared: ReadonlySet<string>,
  file: SourceFile,
  bag: DiagnosticBag,
  options: SchemaOptions,
): DocumentNode {
  const schemaDefinition = document.definitions.find((d) => d.kind === Kind.SCHEMA_DEFINITION);
  if (!schemaDefinition) {
    if (!declared.has('Query') && !options.incomplete) {
      bag.error(DiagnosticCode.MissingQueryRoot, 'Query root is missing');
    }
    return document;
  }

  if (!schemaDefinition.operationTypes.some((o) => o.operation === 'query')) {
    bag.error(
      DiagnosticCode.MissingQueryRoot,
      'schema definition is missing query root',
      file.spanOf(schemaDefinition),
    );
  }
  const operationTypes = schemaDefinition.operationTypes.filter((operation) => {
    const name = operation.type.name.value;
    if (declared.has(name)) return true;
    if (options.incomplete) return false;
    const kind = operation.operation.charAt(0).toUpperCase() + operation.operation.slice(1);
    bag.error(
      operation.operation === 'query'
        ? DiagnosticCode.MissingQueryRoot
        : DiagnosticCode.UndeclaredType,
      `${kind} type is not defined`,
      file.spanOf(operation.type),
      name,
    );
    return false;
  });
  if (operationTypes.length === schemaDefinition.operationTypes.length) return document;

  return {
    ...document,
    definitions: document.definitions.map((d) =>
      d === schemaDefinition ? { ...schemaDefinition, operationTypes } : d,
    ),
  };
}

/**
 * The schema restricted to what clients can reach from the root types: field, argument and
 * input field types, union members, interfaces and their implementations. Tailcall serves
 * no other type.
 */
export function reachableSchema(schema: GraphQLSchema): GraphQLSchema {
  const keep = new Set<string>();
  const stack: GraphQLNamedType[] = [
    schema.getQueryType(),
    schema.getMutationType(),
    schema.getSubscriptionType(),
  ].filter((t): t is NonNullable<typeof t> => !!t);
  while (stack.length > 0) {
    const type = stack.pop() as GraphQLNamedType;
    if (keep.has(type.name)) continue;
    keep.add(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        stack.push(getNamedType(field.type));
        for (const arg of field.args) stack.push(getNamedType(arg.type));
      }
      stack.push(...type.getInterfaces());
      if (isInterfaceType(type)) stack.push(...schema.getPossibleTypes(type));
    } else if (isUnionType(type)) {
      stack.push(...type.getTypes());
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) stack.push(getNamedType(field.type));
    }
  }

  const config = schema.toConfig();
  if (config.types.every((t) => keep.has(t.name))) return schema;
  return new GraphQLSchema({ ...config, types: config.types.filter((t) => keep.has(t.name)) });
}

/** `Type.name` for every `@modify(name: "name")` on a field of `Type`. */
function modifiedNames(document: DocumentNode): Set<string> {
  const out = new Set<string>();
  for (const [typeName, field] of objectTypeFields(document)) {
    for (const directive of field.directives ?? []) {
      if (directive.name.value !== 'modify') continue;
      const name = directive.arguments?.find((a) => a.name.value === 'name')?.value;
      if (name?.kind === Kind.STRING) out.add(`${typeName}.${name.value}`);
    }
  }
  return out;
}

/** Removes every directive that is not GraphQL's own. */
export function stripConfigDirectives(document: DocumentNode): DocumentNode {
  return visit(document, {
    Directive(node) {
      return GRAPHQL_DIRECTIVES.has(node.name.value) ? undefined : null;
    },
  });
}

function reportSchemaError(error: unknown, file: SourceFile, bag: DiagnosticBag): void {
  if (error instanceof GraphQLError) {
    bag.error(DiagnosticCode.InvalidSchema, error.message, file.spanOf(error.nodes?.[0]));
    return;
  }
  // The SDL checks of buildASTSchema throw one Error holding every message.
  if (!(error instanceof Error)) throw error;
  for (const message of error.message.split('\n\n'))
    bag.error(DiagnosticCode.InvalidSchema, message);
}
