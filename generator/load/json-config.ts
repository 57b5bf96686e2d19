/**
 * Configs written as JSON or YAML, in Tailcall's layout:
 *
 *     server, upstream, links, telemetry   the schema's @server, @upstream, @link, @telemetry
 *     schema: {query, mutation}           the root operation types
 *     types: {Name: {fields, implements, doc, protected, cache, ...}}
 *     unions: {Name: {types: [...]}}   enums: {Name: {variants: [...]}}
 *
 * A field is `{type, args, doc, <directive>: {...}}` where `type` is `{name, required}` or
 * `{list: <type>, required}` (or the older `type: "Name", list, required, list_type_required`);
 * every other key of a field or type is a directive by its name (`graphql` is `@graphQL`).
 *
 * The file becomes the same GraphQL document the SDL path produces, each node located in the
 * JSON/YAML text, so every later check reports its findings at the line and column they were
 * written at.
 */
import {
  Kind,
  Source,
  type ConstArgumentNode,
  type ConstDirectiveNode,
  type ConstValueNode,
  type DefinitionNode,
  type DocumentNode,
  type EnumValueDefinitionNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
  type Location,
  type NameNode,
  type NamedTypeNode,
  type OperationTypeDefinitionNode,
  type StringValueNode,
  type TypeNode,
} from 'graphql';

import { DiagnosticCode, type DiagnosticBag } from '../diagnostics.ts';
import type { SourceFile } from './source-file.ts';
import {
  StructuredSyntaxError,
  parseJsonTree,
  parseYamlTree,
  type MapEntry,
  type Range,
  type TreeNode,
} from './structured-text.ts';

export type ConfigFormat = 'graphql' | 'json' | 'yaml';

/** The format of a config, by its file extension: `.json`, `.yml`/`.yaml`, else SDL. */
export function configFormat(fileName: string): ConfigFormat {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yml') || lower.endsWith('.yaml')) return 'yaml';
  return 'graphql';
}

const TOP_LEVEL = [
  'server',
  'upstream',
  'telemetry',
  'links',
  'schema',
  'types',
  'unions',
  'enums',
];
const SCHEMA_DIRECTIVES = ['server', 'upstream', 'telemetry'];
const ROOTS = ['query', 'mutation', 'subscription'] as const;

/** Keys of a field that describe it rather than name a directive. */
const FIELD_KEYS = new Set(['type', 'args', 'doc', 'list', 'required', 'list_type_required']);
/** JSON keys whose directive is spelt otherwise in SDL. */
const DIRECTIVE_NAMES: Readonly<Record<string, string>> = { graphql: 'graphQL' };

/**
 * Reads a JSON or YAML config into a GraphQL document. A syntax error, or a shape that is
 * not a config at all, is reported and gives no document.
 */
export function parseStructuredConfig(
  file: SourceFile,
  format: 'json' | 'yaml',
  bag: DiagnosticBag,
): DocumentNode | undefined {
  let tree: TreeNode;
  try {
    tree = format === 'json' ? parseJsonTree(file.text) : parseYamlTree(file.text);
  } catch (error) {
    if (!(error instanceof StructuredSyntaxError)) throw error;
    bag.error(
      DiagnosticCode.SyntaxError,
      `${format === 'json' ? 'JSON' : 'YAML'} syntax error: ${error.message}`,
      file.spanAt(Math.min(error.offset, Math.max(0, file.text.length - 1)), 1),
    );
    return undefined;
  }

  return new Converter(file, bag).document(tree);
}

class Converter {
  readonly #source: Source;

  constructor(
    readonly file: SourceFile,
    readonly bag: DiagnosticBag,
  ) {
    this.#source = new Source(file.text, file.displayName);
  }

  document(tree: TreeNode): DocumentNode | undefined {
    if (tree.kind !== 'map') {
      this.#invalid(tree, `invalid type: ${describe(tree)}, expected a map`, 'config');
      return undefined;
    }
    const definitions: DefinitionNode[] = [];
    const directives: ConstDirectiveNode[] = [];
    const operationTypes: OperationTypeDefinitionNode[] = [];
    const interfaces = this.#interfaceNames(tree);

    for (const entry of tree.entries) {
      const { key, value } = entry;
      if (!TOP_LEVEL.includes(key)) {
        this.#unknownKey(entry, TOP_LEVEL, key);
        continue;
      }
      if (SCHEMA_DIRECTIVES.includes(key)) {
        const directive = this.#directive(entry, key);
        if (directive) directives.push(directive);
      } else if (key === 'links') {
        for (const item of this.#items(value, 'links')) {
          directives.push({
            kind: Kind.DIRECTIVE,
            name: this.#name('link', item.range),
            arguments: this.#arguments(item, 'links'),
            loc: this.#loc(item.range),
          });
        }
      } else if (key === 'schema') {
        for (const root of this.#entries(value, 'schema')) {
          const operation = ROOTS.find((r) => r === root.key);
          if (!operation) {
            this.#unknownKey(root, ROOTS, `schema.${root.key}`);
            continue;
          }
          const typeName = this.#string(root.value, `schema.${root.key}`);
          if (typeName === undefined) continue;
          operationTypes.push({
            kind: Kind.OPERATION_TYPE_DEFINITION,
            operation: operation as OperationTypeDefinitionNode['operation'],
            type: {
              kind: Kind.NAMED_TYPE,
              name: this.#name(typeName, root.value.range),
              loc: this.#loc(root.value.range),
            },
            loc: this.#loc([root.keyRange[0], root.value.range[1]]),
          });
        }
      } else if (key === 'types') {
        for (const type of this.#entries(value, 'types'))
          definitions.push(...this.#type(type, interfaces.has(type.key)));
      } else if (key === 'unions') {
        for (const union of this.#entries(value, 'unions')) {
          const definition = this.#union(union);
          if (definition) definitions.push(definition);
        }
      } else {
        for (const enumEntry of this.#entries(value, 'enums')) {
          const definition = this.#enum(enumEntry);
          if (definition) definitions.push(definition);
        }
      }
    }

    if (directives.length > 0 || operationTypes.length > 0) {
      definitions.unshift({
        kind: Kind.SCHEMA_DEFINITION,
        directives,
        operationTypes,
        loc: this.#loc(tree.range),
      });
    }

    return { kind: Kind.DOCUMENT, definitions, loc: this.#loc(tree.range) };
  }

  /** Tailcall has no interface keyword in JSON: a type some other type implements is one. */
  #interfaceNames(tree: TreeNode & { kind: 'map' }): Set<string> {
    const names = new Set<string>();
    const types = tree.entries.find((e) => e.key === 'types')?.value;
    if (types?.kind !== 'map') return names;
    for (const type of types.entries) {
      if (type.value.kind !== 'map') continue;
      const implemented = type.value.entries.find((e) => e.key === 'implements')?.value;
      if (implemented?.kind !== 'list') continue;
      for (const item of implemented.items)
        if (item.kind === 'scalar' && typeof item.value === 'string') names.add(item.value);
    }

    return names;
  }

  #type(entry: MapEntry, isInterface: boolean): DefinitionNode[] {
    const trace = entry.key;
    const fields: FieldDefinitionNode[] = [];
    const directives: ConstDirectiveNode[] = [];
    const interfaces: NamedTypeNode[] = [];
    let description: StringValueNode | undefined;

    for (const member of this.#entries(entry.value, trace)) {
      if (member.key === 'fields') {
        for (const field of this.#entries(member.value, `${trace}.fields`)) {
          const definition = this.#field(field, `${trace}.${field.key}`);
          if (definition) fields.push(definition);
        }
      } else if (member.key === 'implements') {
        for (const item of this.#items(member.value, `${trace}.implements`)) {
          const name = this.#string(item, `${trace}.implements`);
          if (name !== undefined)
            interfaces.push({
              kind: Kind.NAMED_TYPE,
              name: this.#name(name, item.range),
              loc: this.#loc(item.range),
            });
        }
      } else if (member.key === 'doc') {
        description = this.#description(member.value, `${trace}.doc`);
      } else {
        const directive = this.#directive(member, trace);
        if (directive) directives.push(directive);
      }
    }

    const common = {
      name: this.#name(entry.key, entry.keyRange),
      directives,
      fields,
      interfaces,
      loc: this.#loc([entry.keyRange[0], entry.value.range[1]]),
      ...(description ? { description } : {}),
    };
    return [
      isInterface
        ? { kind: Kind.INTERFACE_TYPE_DEFINITION, ...common }
        : { kind: Kind.OBJECT_TYPE_DEFINITION, ...common },
    ];
  }

  #field(entry: MapEntry, trace: string): FieldDefinitionNode | undefined {
    const members = this.#entries(entry.value, trace);
    const type = this.#fieldType(entry, members, trace);
    const args: InputValueDefinitionNode[] = [];
    const directives: ConstDirectiveNode[] = [];
    let description: StringValueNode | undefined;

    for (const member of members) {
      if (member.key === 'args') {
        for (const arg of this.#entries(member.value, `${trace}.args`)) {
          const definition = this.#argument(arg, `${trace}.${arg.key}`);
          if (definition) args.push(definition);
        }
      } else if (member.key === 'doc') {
        description = this.#description(member.value, `${trace}.doc`);
      } else if (!FIELD_KEYS.has(member.key)) {
        const directive = this.#directive(member, trace);
        if (directive) directives.push(directive);
      }
    }
    if (!type) return undefined;

    return {
      kind: Kind.FIELD_DEFINITION,
      name: this.#name(entry.key, entry.keyRange),
      type,
      arguments: args,
      directives,
      loc: this.#loc([entry.keyRange[0], entry.value.range[1]]),
      ...(description ? { description } : {}),
    };
  }

  #argument(entry: MapEntry, trace: string): InputValueDefinitionNode | undefined {
    const members = this.#entries(entry.value, trace);
    const type = this.#fieldType(entry, members, trace);
    const directives: ConstDirectiveNode[] = [];
    let description: StringValueNode | undefined;
    let defaultValue: ConstValueNode | undefined;
    for (const member of members) {
      if (member.key === 'doc') description = this.#description(member.value, `${trace}.doc`);
      else if (member.key === 'default_value' || member.key === 'defaultValue')
        defaultValue = this.#value(member.value);
      else if (!FIELD_KEYS.has(member.key)) {
        const directive = this.#directive(member, trace);
        if (directive) directives.push(directive);
      }
    }
    if (!type) return undefined;

    return {
      kind: Kind.INPUT_VALUE_DEFINITION,
      name: this.#name(entry.key, entry.keyRange),
      type,
      directives,
      loc: this.#loc([entry.keyRange[0], entry.value.range[1]]),
      ...(description ? { description } : {}),
      ...(defaultValue ? { defaultValue } : {}),
    };
  }

  /** `type: {name, required}` / `{list, required}`, or the older `type: "Name", list, required`. */
  #fieldType(entry: MapEntry, members: MapEntry[], trace: string): TypeNode | undefined {
    const typeEntry = members.find((m) => m.key === 'type');
    if (!typeEntry) {
      this.bag.error(
        DiagnosticCode.MissingArgument,
        'Parsing failed because of missing field `type`',
        this.file.spanAt(entry.keyRange[0], entry.keyRange[1] - entry.keyRange[0]),
        trace,
      );
      return undefined;
    }
    const node = typeEntry.value;
    if (node.kind === 'scalar' && typeof node.value === 'string') {
      const flag = (key: string) =>
        members.some((m) => m.key === key && m.value.kind === 'scalar' && m.value.value === true);
      let type: TypeNode = {
        kind: Kind.NAMED_TYPE,
        name: this.#name(node.value, node.range),
        loc: this.#loc(node.range),
      };
      if (flag('list')) {
        if (flag('list_type_required'))
          type = { kind: Kind.NON_NULL_TYPE, type, loc: this.#loc(node.range) };
        type = { kind: Kind.LIST_TYPE, type, loc: this.#loc(node.range) };
      }
      return flag('required')
        ? { kind: Kind.NON_NULL_TYPE, type, loc: this.#loc(node.range) }
        : type;
    }

    return this.#typeRef(node, `${trace}.type`);
  }

  #typeRef(node: TreeNode, trace: string): TypeNode | undefined {
    if (node.kind !== 'map') {
      this.#invalid(node, `invalid type: ${describe(node)}, expected a map`, trace);
      return undefined;
    }
    const loc = this.#loc(node.range);
    let inner: NamedTypeNode | TypeNode | undefined;
    let required = false;
    for (const member of node.entries) {
      if (member.key === 'name') {
        const name = this.#string(member.value, `${trace}.name`);
        if (name !== undefined)
          inner = {
            kind: Kind.NAMED_TYPE,
            name: this.#name(name, member.value.range),
            loc: this.#loc(member.value.range),
          };
      } else if (member.key === 'list') {
        const of = this.#typeRef(member.value, `${trace}.list`);
        if (of) inner = { kind: Kind.LIST_TYPE, type: of, loc };
      } else if (member.key === 'required') {
        required = member.value.kind === 'scalar' && member.value.value === true;
      } else {
        this.#unknownKey(member, ['name', 'list', 'required'], `${trace}.${member.key}`);
      }
    }
    if (!inner) {
      this.bag.error(
        DiagnosticCode.MissingArgument,
        'Parsing failed because of missing field `name` or `list`',
        this.file.spanAt(node.range[0], node.range[1] - node.range[0]),
        trace,
      );
      return undefined;
    }
    if (inner.kind === Kind.NON_NULL_TYPE || !required) return inner;

    return { kind: Kind.NON_NULL_TYPE, type: inner, loc };
  }

  #union(entry: MapEntry): DefinitionNode | undefined {
    const trace = entry.key;
    const types: NamedTypeNode[] = [];
    let description: StringValueNode | undefined;
    for (const member of this.#entries(entry.value, trace)) {
      if (member.key === 'types') {
        for (const item of this.#items(member.value, `${trace}.types`)) {
          const name = this.#string(item, `${trace}.types`);
          if (name !== undefined)
            types.push({
              kind: Kind.NAMED_TYPE,
              name: this.#name(name, item.range),
              loc: this.#loc(item.range),
            });
        }
      } else if (member.key === 'doc') {
        description = this.#description(member.value, `${trace}.doc`);
      } else {
        this.#unknownKey(member, ['types', 'doc'], `${trace}.${member.key}`);
      }
    }

    return {
      kind: Kind.UNION_TYPE_DEFINITION,
      name: this.#name(entry.key, entry.keyRange),
      types,
      directives: [],
      loc: this.#loc([entry.keyRange[0], entry.value.range[1]]),
      ...(description ? { description } : {}),
    };
  }

  /** `variants: ["A", {name: "B", alias: {options: [...]}}]`. */
  #enum(entry: MapEntry): DefinitionNode | undefined {
    const trace = entry.key;
    const values: EnumValueDefinitionNode[] = [];
    let description: StringValueNode | undefined;
    for (const member of this.#entries(entry.value, trace)) {
      if (member.key === 'variants') {
        for (const item of this.#items(member.value, `${trace}.variants`)) {
          if (item.kind === 'scalar' && typeof item.value === 'string') {
            values.push({
              kind: Kind.ENUM_VALUE_DEFINITION,
              name: this.#name(item.value, item.range),
              directives: [],
              loc: this.#loc(item.range),
            });
            continue;
          }
          const parts = this.#entries(item, `${trace}.variants`);
          const name = parts.find((p) => p.key === 'name');
          const valueName = name && this.#string(name.value, `${trace}.variants.name`);
          if (valueName === undefined) continue;
          const directives: ConstDirectiveNode[] = [];
          for (const part of parts) {
            if (part.key === 'name') continue;
            const directive = this.#directive(part, `${trace}.${valueName}`);
            if (directive) directives.push(directive);
          }
          values.push({
            kind: Kind.ENUM_VALUE_DEFINITION,
            name: this.#name(valueName, name!.value.range),
            directives,
            loc: this.#loc(item.range),
          });
        }
      } else if (member.key === 'doc') {
        description = this.#description(member.value, `${trace}.doc`);
      } else {
        this.#unknownKey(member, ['variants', 'doc'], `${trace}.${member.key}`);
      }
    }

    return {
      kind: Kind.ENUM_TYPE_DEFINITION,
      name: this.#name(entry.key, entry.keyRange),
      values,
      directives: [],
      loc: this.#loc([entry.keyRange[0], entry.value.range[1]]),
      ...(description ? { description } : {}),
    };
  }

  /**
   * A key naming a directive: its value is a map of arguments; `true`, `null` or `{}` mean a
   * directive without arguments and `false` none at all.
   */
  #directive(entry: MapEntry, trace: string): ConstDirectiveNode | undefined {
    const { value } = entry;
    if (value.kind === 'scalar' && value.value === false) return undefined;
    const name = DIRECTIVE_NAMES[entry.key] ?? entry.key;
    const loc = this.#loc([entry.keyRange[0], value.range[1]]);
    if (value.kind === 'scalar' && (value.value === true || value.value === null))
      return { kind: Kind.DIRECTIVE, name: this.#name(name, entry.keyRange), arguments: [], loc };
    if (value.kind !== 'map') {
      this.#invalid(value, `invalid type: ${describe(value)}, expected a map`, `${trace}.@${name}`);
      return undefined;
    }

    return {
      kind: Kind.DIRECTIVE,
      name: this.#name(name, entry.keyRange),
      arguments: this.#arguments(value, `${trace}.@${name}`),
      loc,
    };
  }

  #arguments(node: TreeNode, trace: string): ConstArgumentNode[] {
    return this.#entries(node, trace).map((entry) => ({
      kind: Kind.ARGUMENT,
      name: this.#name(entry.key, entry.keyRange),
      value: this.#value(entry.value),
      loc: this.#loc([entry.keyRange[0], entry.value.range[1]]),
    }));
  }

  #value(node: TreeNode): ConstValueNode {
    const loc = this.#loc(node.range);
    switch (node.kind) {
      case 'map':
        return {
          kind: Kind.OBJECT,
          fields: node.entries.map((entry) => ({
            kind: Kind.OBJECT_FIELD,
            name: this.#name(entry.key, entry.keyRange),
            value: this.#value(entry.value),
            loc: this.#loc([entry.keyRange[0], entry.value.range[1]]),
          })),
          loc,
        };
      case 'list':
        return { kind: Kind.LIST, values: node.items.map((item) => this.#value(item)), loc };
      case 'scalar': {
        const { value } = node;
        if (value === null) return { kind: Kind.NULL, loc };
        if (typeof value === 'boolean') return { kind: Kind.BOOLEAN, value, loc };
        if (typeof value === 'string') return { kind: Kind.STRING, value, loc };
        const written = this.file.text.slice(node.range[0], node.range[1]);
        return Number.isInteger(value) && /^[-+]?\d+$/.test(written.trim())
          ? { kind: Kind.INT, value: String(value), loc }
          : { kind: Kind.FLOAT, value: String(value), loc };
      }
    }
  }

  #description(node: TreeNode, trace: string): StringValueNode | undefined {
    const text = this.#string(node, trace);
    if (text === undefined) return undefined;

    return {
      kind: Kind.STRING,
      value: text,
      block: text.includes('\n'),
      loc: this.#loc(node.range),
    };
  }

  #entries(node: TreeNode, trace: string): MapEntry[] {
    if (node.kind === 'map') return node.entries;
    if (node.kind === 'scalar' && node.value === null) return [];
    this.#invalid(node, `invalid type: ${describe(node)}, expected a map`, trace);
    return [];
  }

  #items(node: TreeNode, trace: string): TreeNode[] {
    if (node.kind === 'list') return node.items;
    if (node.kind === 'scalar' && node.value === null) return [];
    this.#invalid(node, `invalid type: ${describe(node)}, expected a sequence`, trace);
    return [];
  }

  #string(node: TreeNode, trace: string): string | undefined {
    if (node.kind === 'scalar' && typeof node.value === 'string') return node.value;
    this.#invalid(node, `invalid type: ${describe(node)}, expected a string`, trace);
    return undefined;
  }

  #invalid(node: TreeNode, message: string, trace: string): void {
    this.bag.error(
      DiagnosticCode.InvalidArgument,
      `Parsing failed because of ${message}`,
      this.file.spanAt(node.range[0], node.range[1] - node.range[0]),
      trace,
    );
  }

  #unknownKey(entry: MapEntry, expected: readonly string[], trace: string): void {
    this.bag.error(
      DiagnosticCode.UnknownArgument,
      `Parsing failed because of unknown field \`${entry.key}\`, expected one of ${expected.map((k) => `\`${k}\``).join(', ')}`,
      this.file.spanAt(entry.keyRange[0], entry.keyRange[1] - entry.keyRange[0]),
      trace,
    );
  }

  #name(value: string, range: Range): NameNode {
    return { kind: Kind.NAME, value, loc: this.#loc(range) };
  }

  /** A location in the JSON/YAML text, in the shape graphql-js reads (`start`, `end`, `source`). */
  #loc(range: Range): Location {
    return { start: range[0], end: range[1], source: this.#source } as Location;
  }
}

function describe(node: TreeNode): string {
  if (node.kind === 'map') return 'map';
  if (node.kind === 'list') return 'sequence';
  const { value } = node;
  if (value === null) return 'null';
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (typeof value === 'boolean') return `boolean \`${value}\``;
  return Number.isInteger(value) ? `integer \`${value}\`` : `floating point \`${value}\``;
}
