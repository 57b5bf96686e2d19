import {
  GraphQLNonNull,
  Kind,
  buildASTSchema,
  getNamedType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  parseType,
  type DocumentNode,
  type FieldDefinitionNode,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';

import { DiagnosticCode, type Diagnostic, type DiagnosticBag } from '../diagnostics.ts';
import type { SourceFile } from '../load/source-file.ts';
import { directivesOf, type DirectiveIndex } from '../model.ts';
import { reachableSchema } from './schema.ts';

/** A field `@addField` makes: its value is read at `path` from the parent value. */
export interface AddedField {
  typeName: string;
  name: string;
  /** The field of the same type the path starts at (its resolver runs when it has one). */
  first: string;
  /** The rest of the path, applied to the first field's value (digits index lists). */
  rest: readonly string[];
}

/** How clients see the config's types: `@modify`, `@omit` and `@addField` applied. */
export interface Shape {
  /** The schema clients query: reachable types only, fields as published. */
  clientSchema: GraphQLSchema;
  /** `Type.field` → the name clients use (`@modify(name:)`). */
  renamed: ReadonlyMap<string, string>;
  /** `Type.field` hidden from clients (`@omit`, `@modify(omit: true)`). */
  omitted: ReadonlySet<string>;
  added: readonly AddedField[];
}

/** What is known of the fields' resolvers when the schema is shaped. */
export interface ResolverFacts {
  /** Which resolver directive gives `Type.field` its value, if any (`http`, `expr`, `call`). */
  kindOf: (coordinate: string) => string | undefined;
  /** `Type.field` → the errors its resolver directives were reported for. */
  failures: ReadonlyMap<string, readonly Diagnostic[]>;
}

/**
 * Applies `@modify`, `@omit` and `@addField` to the config's schema, reporting their misuse
 * with Tailcall's messages. Templates, `@addField` paths and resolvers keep reading values by
 * the field names as declared; only the published schema changes.
 */
export function shapeSchema(
  document: DocumentNode,
  schema: GraphQLSchema,
  index: DirectiveIndex,
  resolvers: ResolverFacts,
  file: SourceFile,
  bag: DiagnosticBag,
): Shape {
  const renamed = new Map<string, string>();
  const omitted = new Set<string>();
  const added: AddedField[] = [];
  const addedNodes = new Map<string, FieldDefinitionNode[]>();

  for (const type of Object.values(schema.getTypeMap())) {
    if ((!isObjectType(type) && !isInterfaceType(type)) || type.name.startsWith('__')) continue;
    const inherited = new Set(type.getInterfaces().flatMap((i) => Object.keys(i.getFields())));
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      if (directivesOf(index, coordinate, 'omit').length > 0) omitted.add(coordinate);
      for (const modify of directivesOf(index, coordinate, 'modify')) {
        if (modify.args['omit'] === true) omitted.add(coordinate);
        const name = modify.args['name'];
        if (typeof name !== 'string') continue;
        if (inherited.has(name)) {
          bag.error(
            DiagnosticCode.InvalidModify,
            'Field is already implemented from interface',
            file.spanOf(modify.node),
            modify.trace,
          );
          continue;
        }
        renamed.set(coordinate, name);
      }
    }

    if (!isObjectType(type)) continue;
    for (const directive of directivesOf(index, type.name, 'addField')) {
      const name = directive.args['name'];
      const written = directive.args['path'];
      // A malformed argument was reported when the directive was read.
      if (typeof name !== 'string' || !Array.isArray(written)) continue;
      const path = written.map(String);
      const span = file.spanOf(directive.node);
      const fail = (trace: string, description: string) =>
        bag.error(DiagnosticCode.InvalidAddField, 'Cannot add field', span, trace, description);
      const missing = () =>
        fail(`${directive.trace}.${name}`, `Path [${path.join(', ')}] does not exist`);

      const [first, ...rest] = path;
      const start = first === undefined ? undefined : type.getFields()[first];
      if (start === undefined || first === undefined) {
        missing();
        continue;
      }
      // Tailcall compiles the first field's resolver into the added field: its mistakes are
      // reported again there, and the rest of the path is not looked at.
      const failures = resolvers.failures.get(`${type.name}.${first}`);
      if (failures) {
        const prefix = `${type.name}.${first}.`;
        for (const failure of failures) {
          const trace = failure.trace?.startsWith(prefix)
            ? `${type.name}.@addField.${failure.trace.slice(prefix.length)}`
            : directive.trace;
          bag.error(failure.code, failure.message, span, trace, failure.hint);
        }
        continue;
      }
      const found = followPath(start, rest, resolvers.kindOf);
      if (found.kind === 'missing') {
        missing();
        continue;
      }
      if (found.kind === 'resolver') {
        fail(
          directive.trace,
          `Path: [${path.join(', ')}] contains resolver ${found.resolver} at [${found.at}]`,
        );
        continue;
      }
      added.push({ typeName: type.name, name, first, rest });
      const nodes = addedNodes.get(type.name) ?? [];
      nodes.push({
        kind: Kind.FIELD_DEFINITION,
        name: { kind: Kind.NAME, value: name },
        type: parseType(String(found.type)),
      });
      addedNodes.set(type.name, nodes);
    }
  }

  const shaped: DocumentNode = {
    ...document,
    definitions: document.definitions.map((definition) => {
      if (
        definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
        definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
        definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
        definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
      )
        return definition;
      const typeName = definition.name.value;
      const fields = (definition.fields ?? []).flatMap((field): FieldDefinitionNode[] => {
        const coordinate = `${typeName}.${field.name.value}`;
        if (omitted.has(coordinate)) return [];
        const name = renamed.get(coordinate);
        return [name ? { ...field, name: { ...field.name, value: name } } : field];
      });
      const extra =
        definition.kind === Kind.OBJECT_TYPE_DEFINITION ? (addedNodes.get(typeName) ?? []) : [];
      return { ...definition, fields: [...fields, ...extra] };
    }),
  };

  return { clientSchema: reachableSchema(buildASTSchema(shaped)), renamed, omitted, added };
}

type PathEnd =
  | { kind: 'found'; type: GraphQLOutputType }
  | { kind: 'missing' }
  | { kind: 'resolver'; resolver: string; at: string };

/**
 * Follows an `@addField` path past its first field. Digits index lists; every other segment
 * must be a field without a resolver of its own. The added field has the last field's type,
 * made nullable when an index or a nullable field on the way may leave nothing to read.
 */
function followPath(
  start: GraphQLField<unknown, unknown>,
  rest: readonly string[],
  resolverKind: ResolverFacts['kindOf'],
): PathEnd {
  let field = start;
  let nullable = false;
  for (const segment of rest) {
    if (/^\d+$/.test(segment)) {
      nullable = true;
      continue;
    }
    const owner = getNamedType(field.type);
    if (!isObjectType(owner) && !isInterfaceType(owner)) return { kind: 'missing' };
    const next = owner.getFields()[segment];
    if (next === undefined) return { kind: 'missing' };
    const resolver = resolverKind(`${owner.name}.${segment}`);
    if (resolver) return { kind: 'resolver', resolver, at: `${owner.name}.${segment}` };
    nullable ||= !isNonNullType(field.type);
    field = next;
  }
  const type = field.type;
  return { kind: 'found', type: nullable && type instanceof GraphQLNonNull ? type.ofType : type };
}
