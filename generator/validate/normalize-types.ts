/**
 * Turns a config's types into a valid GraphQL type system the way Tailcall does, since
 * Tailcall does not tell `type` from `input`:
 *
 * - a type reached only from arguments is an input type, whichever keyword declares it;
 * - a type used both as input and as output stays an object type under its name, and an
 *   input copy named `<Name>Input` takes its place in every input position;
 * - a union whose members are unions is flattened into one union of object types;
 * - a union in an input position, which GraphQL forbids, is replaced by each of its members
 *   in turn: a field with such an argument becomes one field per member (`testVar0`,
 *   `testVar1`, ...), an input type holding one becomes one input type per member
 *   (`Filter__kind0`, ...). Members are taken in name order, as Tailcall does.
 *
 * Configs written for graphql-js (inputs declared with `input`, no unions of unions or union
 * arguments) come out unchanged.
 */
import {
  Kind,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type InputObjectTypeDefinitionNode,
  type InputValueDefinitionNode,
  type NamedTypeNode,
  type ObjectTypeDefinitionNode,
  type TypeNode,
  type UnionTypeDefinitionNode,
} from 'graphql';

import { namedTypeOf, typeDefinitions, typeUsage, type ObjectLike } from '../load/type-usage.ts';

export interface NormalizedTypes {
  document: DocumentNode;
  /** `Type.fieldVar0` of every field made for a union argument → `Type.field` it was made from. */
  fieldOrigins: Map<string, string>;
}

interface Variant {
  name: string;
  /** Field name → the named type it takes in this variant. */
  choices: Map<string, string>;
}

export function normalizeTypes(document: DocumentNode): NormalizedTypes {
  const { objects, unions } = typeDefinitions(document);
  const declared = new Set<string>();
  for (const definition of document.definitions) {
    if ('name' in definition && definition.name && definition.kind !== Kind.DIRECTIVE_DEFINITION)
      declared.add(definition.name.value);
  }

  const { inputs, outputs } = usage(document, objects);
  const isInput = (name: string) =>
    inputs.has(name) && objects.get(name)?.kind !== Kind.INTERFACE_TYPE_DEFINITION;
  const isOutput = (name: string) =>
    outputs.has(name) || objects.get(name)?.kind === Kind.INTERFACE_TYPE_DEFINITION;

  // The name each input-used type has in input positions.
  const inputNames = new Map<string, string>();
  for (const name of objects.keys()) {
    if (!isInput(name)) continue;
    if (!isOutput(name)) {
      inputNames.set(name, name);
      continue;
    }
    let candidate = `${name}Input`;
    for (let n = 2; declared.has(candidate); n++) candidate = `${name}Input${n}`;
    declared.add(candidate);
    inputNames.set(name, candidate);
  }
  const inputName = (name: string) => inputNames.get(name) ?? name;

  const members = memberResolver(unions);

  // The input types that hold a union (directly or through another such type), by variant.
  const variantCache = new Map<string, Variant[] | null>();
  const choicesFor = (named: string): string[] | undefined => {
    if (unions.has(named)) return members(named).map(inputName);
    const variants = isInput(named) ? variantsOf(named) : null;
    return variants ? variants.map((v) => v.name) : undefined;
  };
  const variantsOf = (name: string): Variant[] | null => {
    if (variantCache.has(name)) return variantCache.get(name) ?? null;
    variantCache.set(name, null); // a recursive input type holding a union is left alone
    const fields = [...(objects.get(name)?.fields ?? [])].sort((a, b) =>
      a.name.value < b.name.value ? -1 : a.name.value > b.name.value ? 1 : 0,
    );
    const axes = fields.flatMap((field) => {
      const choices = choicesFor(namedTypeOf(field.type));
      return choices ? [{ key: field.name.value, choices }] : [];
    });
    const variants =
      axes.length === 0
        ? null
        : product(axes).map((combination) => ({
            name: `${name}${combination.map((c) => `__${c.key}${c.index}`).join('')}`,
            choices: new Map(combination.map((c) => [c.key, c.choice])),
          }));
    variantCache.set(name, variants);
    return variants;
  };

  const inputType = (type: TypeNode): TypeNode => {
    const named = namedTypeOf(type);
    return isInput(named) ? renamed(type, inputName(named)) : type;
  };

  const fieldOrigins = new Map<string, string>();
  const outputFields = (
    owner: string,
    fields: readonly (FieldDefinitionNode | InputValueDefinitionNode)[],
  ) =>
    fields.flatMap((field): FieldDefinitionNode[] => {
      const written = field.kind === Kind.FIELD_DEFINITION ? (field.arguments ?? []) : [];
      const args = written.map((arg) => ({ ...arg, type: inputType(arg.type) }));
      const base: FieldDefinitionNode = {
        kind: Kind.FIELD_DEFINITION,
        name: field.name,
        type: field.type,
        ...(field.description ? { description: field.description } : {}),
        ...(field.directives ? { directives: field.directives } : {}),
        ...(field.loc ? { loc: field.loc } : {}),
        arguments: args,
      };
      const axes = written.flatMap((arg) => {
        const choices = choicesFor(namedTypeOf(arg.type));
        return choices ? [{ key: arg.name.value, choices }] : [];
      });
      if (axes.length === 0) return [base];

      return product(axes).map((combination) => {
        const name = `${field.name.value}${combination.map((c) => `Var${c.index}`).join('')}`;
        fieldOrigins.set(`${owner}.${name}`, `${owner}.${field.name.value}`);
        const chosen = new Map(combination.map((c) => [c.key, c.choice]));
        return {
          ...base,
          name: { ...field.name, value: name },
          arguments: args.map((arg) => {
            const choice = chosen.get(arg.name.value);
            return choice === undefined ? arg : { ...arg, type: renamed(arg.type, choice) };
          }),
        };
      });
    });

  const inputFields = (
    fields: readonly (FieldDefinitionNode | InputValueDefinitionNode)[],
    choices?: Map<string, string>,
  ): InputValueDefinitionNode[] =>
    fields.map((field) => {
      const choice = choices?.get(field.name.value);
      return {
        kind: Kind.INPUT_VALUE_DEFINITION,
        name: field.name,
        type: choice === undefined ? inputType(field.type) : renamed(field.type, choice),
        ...(field.description ? { description: field.description } : {}),
        ...(field.directives ? { directives: field.directives } : {}),
        ...(field.kind === Kind.INPUT_VALUE_DEFINITION && field.defaultValue
          ? { defaultValue: field.defaultValue }
          : {}),
        ...(field.loc ? { loc: field.loc } : {}),
      };
    });

  const definitions: DefinitionNode[] = [];
  for (const definition of document.definitions) {
    switch (definition.kind) {
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.INPUT_OBJECT_TYPE_DEFINITION: {
        const name = definition.name.value;
        const fields = definition.fields ?? [];
        // Neither input nor output (unused): it stays what its keyword says.
        const asObject =
          isOutput(name) || (!isInput(name) && definition.kind === Kind.OBJECT_TYPE_DEFINITION);
        if (asObject) {
          const object: ObjectTypeDefinitionNode = {
            kind: Kind.OBJECT_TYPE_DEFINITION,
            name: definition.name,
            ...(definition.description ? { description: definition.description } : {}),
            ...(definition.directives ? { directives: definition.directives } : {}),
            interfaces:
              definition.kind === Kind.OBJECT_TYPE_DEFINITION ? (definition.interfaces ?? []) : [],
            fields: outputFields(name, fields),
            ...(definition.loc ? { loc: definition.loc } : {}),
          };
          definitions.push(object);
        }
        if (asObject && !isInput(name)) break;

        const variants = isInput(name) ? variantsOf(name) : null;
        const inputs = variants ?? [{ name: inputName(name), choices: undefined }];
        for (const variant of inputs) {
          const input: InputObjectTypeDefinitionNode = {
            kind: Kind.INPUT_OBJECT_TYPE_DEFINITION,
            name: { ...definition.name, value: variant.name },
            ...(definition.description ? { description: definition.description } : {}),
            ...(definition.directives ? { directives: definition.directives } : {}),
            fields: inputFields(fields, variant.choices),
            ...(definition.loc ? { loc: definition.loc } : {}),
          };
          definitions.push(input);
        }
        break;
      }
      case Kind.INTERFACE_TYPE_DEFINITION:
        definitions.push({
          ...definition,
          fields: outputFields(definition.name.value, definition.fields ?? []),
        });
        break;
      case Kind.UNION_TYPE_DEFINITION: {
        const name = definition.name.value;
        // A union only in input positions was replaced by its members.
        if (!outputs.has(name)) break;
        const nested = (definition.types ?? []).some((t) => unions.has(t.name.value));
        if (!nested) {
          definitions.push(definition);
          break;
        }
        const flattened: NamedTypeNode[] = members(name).map((member) => ({
          kind: Kind.NAMED_TYPE,
          name: { kind: Kind.NAME, value: member },
        }));
        definitions.push({ ...definition, types: flattened });
        break;
      }
      default:
        definitions.push(definition);
    }
  }

  return { document: { ...document, definitions }, fieldOrigins };
}

/**
 * Inputs are the types arguments reach. Outputs are those the root types reach, and every
 * object type no argument reaches (so an unused `type` stays an object type and is checked
 * like one), with what those reach in turn.
 */
function usage(
  document: DocumentNode,
  objects: ReadonlyMap<string, ObjectLike>,
): { inputs: Set<string>; outputs: Set<string> } {
  const { inputs } = typeUsage(document);
  const outputSeeds = [...objects.values()]
    .filter((o) => o.kind === Kind.OBJECT_TYPE_DEFINITION && !inputs.has(o.name.value))
    .map((o) => o.name.value);
  const { outputs } = typeUsage(document, { implementations: true, outputSeeds });

  return { inputs, outputs };
}

/** The object members of a union, through unions of unions, in name order. */
function memberResolver(
  unions: ReadonlyMap<string, UnionTypeDefinitionNode>,
): (name: string) => string[] {
  const cache = new Map<string, string[]>();
  const resolve = (name: string, seen: Set<string>): string[] => {
    const cached = cache.get(name);
    if (cached) return cached;
    const out = new Set<string>();
    for (const member of unions.get(name)?.types ?? []) {
      const memberName = member.name.value;
      if (!unions.has(memberName)) out.add(memberName);
      else if (!seen.has(memberName)) {
        for (const m of resolve(memberName, new Set([...seen, memberName]))) out.add(m);
      }
    }
    const sorted = [...out].sort();
    cache.set(name, sorted);
    return sorted;
  };

  return (name) => resolve(name, new Set([name]));
}

/** Every combination of one choice per axis, the first axis varying slowest. */
function product(
  axes: readonly { key: string; choices: readonly string[] }[],
): { key: string; choice: string; index: number }[][] {
  let combinations: { key: string; choice: string; index: number }[][] = [[]];
  for (const axis of axes) {
    combinations = combinations.flatMap((combination) =>
      axis.choices.map((choice, index) => [...combination, { key: axis.key, choice, index }]),
    );
  }

  return combinations;
}

/** The same list/non-null shape around another named type. */
function renamed(type: TypeNode, name: string): TypeNode {
  switch (type.kind) {
    case Kind.NAMED_TYPE:
      return { ...type, name: { ...type.name, value: name } };
    case Kind.LIST_TYPE:
      return { ...type, type: renamed(type.type, name) };
    case Kind.NON_NULL_TYPE:
      return {
        ...type,
        type: renamed(type.type, name) as Exclude<TypeNode, { kind: Kind.NON_NULL_TYPE }>,
      };
  }
}
