import {
  GraphQLError,
  Kind,
  buildASTSchema,
  validateSchema,
  visit,
  type DocumentNode,
  type GraphQLSchema,
  type TypeNode,
} from 'graphql';

import { DiagnosticCode, type DiagnosticBag } from '../diagnostics.ts';
import { GRAPHQL_DIRECTIVES } from '../load/directive-specs.ts';
import type { SourceFile } from '../load/source-file.ts';

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
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

/**
 * Checks that every referenced type is declared, then builds the public
 * schema (the SDL without tc-gen's directives, plus the built-in scalars
 * used). Returns undefined when the schema cannot be built.
 */
export function buildPublicSchema(
  document: DocumentNode,
  file: SourceFile,
  bag: DiagnosticBag,
): GraphQLSchema | undefined {
  const declared = new Set<string>();
  for (const definition of document.definitions) {
    if ('name' in definition && definition.name && definition.kind !== Kind.DIRECTIVE_DEFINITION) {
      declared.add(definition.name.value);
    }
  }

  const usedBuiltins = new Set<string>();
  const undeclared = new Set<string>();
  const reference = (type: TypeNode, trace: string) => {
    const name = namedType(type);
    if (declared.has(name) || GRAPHQL_SCALARS.has(name)) return;
    if ((TAILCALL_SCALARS as readonly string[]).includes(name)) {
      usedBuiltins.add(name);
      return;
    }
    undeclared.add(name);
    bag.error(
      DiagnosticCode.UndeclaredType,
      `Undeclared type '${name}' was found`,
      file.spanOf(type),
      trace,
    );
  };

  for (const definition of document.definitions) {
    switch (definition.kind) {
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.OBJECT_TYPE_EXTENSION:
      case Kind.INTERFACE_TYPE_DEFINITION:
      case Kind.INTERFACE_TYPE_EXTENSION:
        for (const field of definition.fields ?? []) {
          const trace = `${definition.name.value}.${field.name.value}`;
          reference(field.type, trace);
          for (const arg of field.arguments ?? [])
            reference(arg.type, `${trace}.${arg.name.value}`);
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
  const stripped = stripConfigDirectives(document);
  // Undeclared types stand in as scalars, so the rest of the config is still checked in this
  // run; the errors above keep the build from succeeding.
  const scalars = [...usedBuiltins, ...undeclared].map((name) => ({
    kind: Kind.SCALAR_TYPE_DEFINITION,
    name: { kind: Kind.NAME, value: name },
  })) as DocumentNode['definitions'];
  const publicDocument: DocumentNode = {
    ...stripped,
    definitions: [...stripped.definitions, ...scalars],
  };

  let schema: GraphQLSchema;
  try {
    schema = buildASTSchema(publicDocument);
  } catch (error) {
    reportSchemaError(error, file, bag);
    return undefined;
  }
  const errors = validateSchema(schema);
  for (const error of errors) reportSchemaError(error, file, bag);
  if (errors.length > 0) return undefined;

  if (!schema.getQueryType()) {
    const hasSchemaDefinition = document.definitions.some((d) => d.kind === Kind.SCHEMA_DEFINITION);
    bag.error(
      DiagnosticCode.MissingQueryRoot,
      hasSchemaDefinition ? 'schema definition is missing query root' : 'Query type is not defined',
      undefined,
      'schema',
    );
    return undefined;
  }

  return schema;
}

/** Removes every directive that is not GraphQL's own. */
export function stripConfigDirectives(document: DocumentNode): DocumentNode {
  const stripped = visit(document, {
    Directive(node) {
      return GRAPHQL_DIRECTIVES.has(node.name.value) ? undefined : null;
    },
  });
  // A schema definition that only carried settings and names the default
  // roots adds nothing; keeping it would print a redundant `schema {}` block.
  return stripped;
}

function reportSchemaError(error: unknown, file: SourceFile, bag: DiagnosticBag): void {
  if (!(error instanceof GraphQLError)) throw error;
  const node = error.nodes?.[0];
  bag.error(DiagnosticCode.InvalidSchema, error.message, file.spanOf(node));
}
