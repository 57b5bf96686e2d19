import { Kind, type ConstDirectiveNode, type DefinitionNode, type DocumentNode } from 'graphql';

import { DiagnosticCode, type DiagnosticBag } from '../diagnostics.ts';
import { argumentError } from '../load/argument-errors.ts';
import { decodeDirective } from '../load/decode-directive.ts';
import { DIRECTIVES, GRAPHQL_DIRECTIVES, type DirectiveLocation } from '../load/directive-specs.ts';
import type { SourceFile } from '../load/source-file.ts';
import type { DirectiveIndex } from '../model.ts';

/**
 * Finds every directive in the SDL, checks that tc-gen knows it and that it
 * stands where it means something, and decodes its arguments.
 */
export function indexDirectives(
  document: DocumentNode,
  file: SourceFile,
  bag: DiagnosticBag,
): DirectiveIndex {
  const index: DirectiveIndex = { schema: [], types: new Map(), fields: new Map() };
  const linkCount = { value: 0 };

  const visit = (
    nodes: readonly ConstDirectiveNode[] | undefined,
    location: DirectiveLocation,
    coordinate: string,
    into: (decoded: ReturnType<typeof decodeDirective>) => void,
  ): void => {
    for (const node of nodes ?? []) {
      const name = node.name.value;
      if (GRAPHQL_DIRECTIVES.has(name)) continue;

      const spec = DIRECTIVES.get(name);
      const trace = location === 'SCHEMA' ? schemaTrace(name, linkCount) : `${coordinate}.@${name}`;
      if (!spec) {
        bag.error(
          DiagnosticCode.UnknownDirective,
          `unknown directive @${name}`,
          file.spanOf(node),
          trace,
        );
        continue;
      }
      if (spec.unsupported) {
        bag.error(
          DiagnosticCode.Unsupported,
          `@${name} is not supported by this version of tc-gen`,
          file.spanOf(node),
          trace,
        );
        continue;
      }
      // Whether a type is an input depends on how arguments use it, whatever its keyword:
      // `checkProtectedInputs` judges it once the types are read as Tailcall reads them.
      if (
        name === 'protected' &&
        (location === 'INPUT_OBJECT' || location === 'INPUT_FIELD_DEFINITION')
      )
        continue;
      if (!spec.locations.includes(location)) {
        bag.error(
          DiagnosticCode.MisplacedDirective,
          `@${name} cannot be used on ${describeLocation(location)}`,
          file.spanOf(node),
          trace,
        );
        continue;
      }
      const decoded = decodeDirective(node, spec.args, trace, file, bag);
      // `url` is required (`path` is its docs-era alternative): an argument-stage error.
      const given = new Set(node.arguments?.map((a) => a.name.value));
      if (name === 'http' && !given.has('url') && !given.has('path')) {
        argumentError(
          bag,
          DiagnosticCode.MissingArgument,
          'Parsing failed because of missing field `url`',
          file.spanOf(node),
          trace,
        );
      }
      into(decoded);
    }
  };

  const push = (map: Map<string, ReturnType<typeof decodeDirective>[]>, key: string) => {
    return (decoded: ReturnType<typeof decodeDirective>) => {
      const list = map.get(key) ?? [];
      list.push(decoded);
      map.set(key, list);
    };
  };

  for (const definition of document.definitions as readonly DefinitionNode[]) {
    switch (definition.kind) {
      case Kind.SCHEMA_DEFINITION:
      case Kind.SCHEMA_EXTENSION:
        visit(definition.directives, 'SCHEMA', 'schema', (d) => index.schema.push(d));
        break;
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.OBJECT_TYPE_EXTENSION:
      case Kind.INTERFACE_TYPE_DEFINITION:
      case Kind.INTERFACE_TYPE_EXTENSION: {
        const typeName = definition.name.value;
        const isObject =
          definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
          definition.kind === Kind.OBJECT_TYPE_EXTENSION;
        visit(
          definition.directives,
          isObject ? 'OBJECT' : 'INTERFACE',
          typeName,
          push(index.types, typeName),
        );
        for (const field of definition.fields ?? []) {
          const coordinate = `${typeName}.${field.name.value}`;
          visit(field.directives, 'FIELD_DEFINITION', coordinate, push(index.fields, coordinate));
          for (const arg of field.arguments ?? []) {
            visitForeign(arg.directives, `${coordinate}.${arg.name.value}`, file, bag);
          }
        }
        break;
      }
      case Kind.INPUT_OBJECT_TYPE_DEFINITION:
      case Kind.INPUT_OBJECT_TYPE_EXTENSION: {
        const typeName = definition.name.value;
        visit(definition.directives, 'INPUT_OBJECT', typeName, push(index.types, typeName));
        for (const field of definition.fields ?? []) {
          const coordinate = `${typeName}.${field.name.value}`;
          visit(
            field.directives,
            'INPUT_FIELD_DEFINITION',
            coordinate,
            push(index.fields, coordinate),
          );
        }
        break;
      }
      case Kind.ENUM_TYPE_DEFINITION:
      case Kind.ENUM_TYPE_EXTENSION: {
        const typeName = definition.name.value;
        visitForeign(definition.directives, typeName, file, bag);
        for (const value of definition.values ?? []) {
          const coordinate = `${typeName}.${value.name.value}`;
          visit(value.directives, 'ENUM_VALUE', coordinate, push(index.fields, coordinate));
        }
        break;
      }
      case Kind.UNION_TYPE_DEFINITION:
      case Kind.UNION_TYPE_EXTENSION:
      case Kind.SCALAR_TYPE_DEFINITION:
      case Kind.SCALAR_TYPE_EXTENSION:
        visitForeign(definition.directives, definition.name.value, file, bag);
        break;
      default:
        break;
    }
  }

  return index;
}

/** Directives on places where none of ours belongs: anything but GraphQL's own is a mistake. */
function visitForeign(
  nodes: readonly ConstDirectiveNode[] | undefined,
  coordinate: string,
  file: SourceFile,
  bag: DiagnosticBag,
): void {
  for (const node of nodes ?? []) {
    const name = node.name.value;
    if (GRAPHQL_DIRECTIVES.has(name)) continue;
    const trace = `${coordinate}.@${name}`;
    if (DIRECTIVES.has(name)) {
      bag.error(
        DiagnosticCode.MisplacedDirective,
        `@${name} cannot be used here`,
        file.spanOf(node),
        trace,
      );
    } else {
      bag.error(
        DiagnosticCode.UnknownDirective,
        `unknown directive @${name}`,
        file.spanOf(node),
        trace,
      );
    }
  }
}

function schemaTrace(name: string, linkCount: { value: number }): string {
  if (name === 'link') return `schema.@link.${linkCount.value++}`;
  return `@${name}`;
}

function describeLocation(location: DirectiveLocation): string {
  switch (location) {
    case 'SCHEMA':
      return 'the schema definition';
    case 'OBJECT':
      return 'an object type';
    case 'INTERFACE':
      return 'an interface';
    case 'FIELD_DEFINITION':
      return 'a field';
    case 'INPUT_OBJECT':
      return 'an input type';
    case 'INPUT_FIELD_DEFINITION':
      return 'an input field';
    case 'ENUM_VALUE':
      return 'an enum value';
  }
}
