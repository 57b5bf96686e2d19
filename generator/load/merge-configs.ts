/**
 * Merges linked configs (`@link(type: Config)`) into the root config, with Tailcall's rules:
 * types are unioned; a type declared in both files is merged field by field, as an output
 * type (fields unioned, a field nullable when either side is) or as an input type (fields
 * intersected, a field required when either side requires it), depending on how the files
 * use it; enums and unions are merged alike; a field type conflict is an error. Resolver
 * directives of a field declared in both files add up (identical ones once); for other
 * directives and for descriptions the linked file wins.
 *
 * Only types merge: the schema definition of a linked file (its settings and links) is
 * ignored, as in Tailcall, and reported as a warning when it carries any.
 */
import {
  Kind,
  print,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type EnumTypeDefinitionNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
  type ScalarTypeDefinitionNode,
  type SchemaDefinitionNode,
  type StringValueNode,
  type TypeNode,
  type UnionTypeDefinitionNode,
} from 'graphql';

import { DiagnosticCode, type DiagnosticBag } from '../diagnostics.ts';
import type { SourceFile } from './source-file.ts';
import { typeUsage, type ObjectLike } from './type-usage.ts';

type Named =
  ObjectLike | EnumTypeDefinitionNode | UnionTypeDefinitionNode | ScalarTypeDefinitionNode;

/** Directives that give a field its value: a field declared twice runs all of them. */
const RESOLVERS = new Set(['http', 'expr', 'const', 'call', 'graphQL', 'grpc', 'js']);

/** Merges each linked document into the root, in link order. */
export function mergeConfigs(
  root: DocumentNode,
  linked: readonly DocumentNode[],
  file: SourceFile,
  bag: DiagnosticBag,
): DocumentNode {
  let merged = root;
  for (const document of linked) merged = mergeTwo(merged, document, file, bag);

  return merged;
}

function mergeTwo(
  left: DocumentNode,
  right: DocumentNode,
  file: SourceFile,
  bag: DiagnosticBag,
): DocumentNode {
  const leftUsage = typeUsage(left);
  const rightUsage = typeUsage(right);
  const definitions: DefinitionNode[] = [...left.definitions];
  const byName = new Map<string, number>();
  definitions.forEach((definition, i) => {
    if (isNamed(definition)) byName.set(definition.name.value, i);
  });

  for (const definition of right.definitions) {
    if (definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION) {
      reportIgnoredSettings(definition.directives ?? [], file, bag);
      continue;
    }
    if (!isNamed(definition)) {
      // A directive definition the root has already is kept once.
      const known =
        definition.kind === Kind.DIRECTIVE_DEFINITION &&
        definitions.some(
          (d) => d.kind === definition.kind && d.name.value === definition.name.value,
        );
      if (!known) definitions.push(definition);
      continue;
    }
    const name = definition.name.value;
    const at = byName.get(name);
    if (at === undefined) {
      byName.set(name, definitions.length);
      definitions.push(definition);
      continue;
    }
    const existing = definitions[at] as Named;
    const ctx: MergeContext = { file, bag, name };
    const usedAsInput = [leftUsage.inputs.has(name), rightUsage.inputs.has(name)] as const;
    const usedAsOutput = [leftUsage.outputs.has(name), rightUsage.outputs.has(name)] as const;
    definitions[at] = mergeNamed(existing, definition, usedAsInput, usedAsOutput, ctx) ?? existing;
  }

  return { ...left, definitions };
}

interface MergeContext {
  file: SourceFile;
  bag: DiagnosticBag;
  /** Name of the type being merged, the start of every trace. */
  name: string;
}

function mergeNamed(
  left: Named,
  right: Named,
  usedAsInput: readonly [boolean, boolean],
  usedAsOutput: readonly [boolean, boolean],
  ctx: MergeContext,
): Named | undefined {
  const fail = (message: string): undefined => {
    ctx.bag.error(DiagnosticCode.MergeConflict, message, ctx.file.spanOf(right.name), ctx.name);
    return undefined;
  };
  const leftKind = kindName(left);
  const rightKind = kindName(right);
  if (leftKind !== rightKind) {
    return fail(
      `Type mismatch: ${ctx.name} is ${leftKind} in one config and ${rightKind} in another`,
    );
  }

  const input = usedAsInput[0] || usedAsInput[1];
  const output = usedAsOutput[0] || usedAsOutput[1];
  switch (left.kind) {
    case Kind.ENUM_TYPE_DEFINITION:
      return mergeEnum(left, right as EnumTypeDefinitionNode, input, output, ctx);
    case Kind.UNION_TYPE_DEFINITION: {
      const other = right as UnionTypeDefinitionNode;
      const members = [...(left.types ?? [])];
      for (const member of other.types ?? []) {
        if (!members.some((m) => m.name.value === member.name.value)) members.push(member);
      }
      return {
        ...left,
        ...described(left, other),
        directives: mergeDirectives(left.directives, other.directives),
        types: members,
      };
    }
    case Kind.SCALAR_TYPE_DEFINITION:
      return {
        ...left,
        ...described(left, right),
        directives: mergeDirectives(left.directives, right.directives),
      };
    default: {
      const other = right as ObjectLike;
      if ((usedAsInput[0] && usedAsOutput[0]) || (usedAsInput[1] && usedAsOutput[1])) {
        return fail(
          "Type is used both as input and output type that couldn't be merged for federation",
        );
      }
      if (input && output)
        return fail('Type is used as input type in one subgraph and output type in another');
      if (input) return mergeInputType(left, other, ctx);
      if (output) return mergeOutputType(left, other, ctx);
      return fail('Cannot infer the usage of type and therefore merge it from the subgraph');
    }
  }
}

function mergeEnum(
  left: EnumTypeDefinitionNode,
  right: EnumTypeDefinitionNode,
  input: boolean,
  output: boolean,
  ctx: MergeContext,
): EnumTypeDefinitionNode | undefined {
  const leftValues = left.values ?? [];
  const rightValues = right.values ?? [];
  const rightNames = new Set(rightValues.map((v) => v.name.value));
  const leftNames = new Set(leftValues.map((v) => v.name.value));
  const base = {
    ...left,
    ...described(left, right),
    directives: mergeDirectives(left.directives, right.directives),
  };

  if (input && output) {
    const equal =
      leftNames.size === rightNames.size && [...leftNames].every((n) => rightNames.has(n));
    if (equal) return base;
    ctx.bag.error(
      DiagnosticCode.MergeConflict,
      'Enum is used both as input and output types and in that case the enum content should be equal for every subgraph',
      ctx.file.spanOf(right.name),
      ctx.name,
    );
    return undefined;
  }
  // An input enum keeps only values both files accept; an output enum may return any of them.
  if (input) return { ...base, values: leftValues.filter((v) => rightNames.has(v.name.value)) };
  return {
    ...base,
    values: [...leftValues, ...rightValues.filter((v) => !leftNames.has(v.name.value))],
  };
}

function mergeOutputType(left: ObjectLike, right: ObjectLike, ctx: MergeContext): ObjectLike {
  const rightFields = new Map((right.fields ?? []).map((f) => [f.name.value, f]));
  const fields: (FieldDefinitionNode | InputValueDefinitionNode)[] = [];
  for (const field of left.fields ?? []) {
    const other = rightFields.get(field.name.value);
    rightFields.delete(field.name.value);
    fields.push(other ? mergeField(field, other, 'output', ctx) : field);
  }
  fields.push(...rightFields.values());

  const interfaces = [...('interfaces' in left ? (left.interfaces ?? []) : [])];
  for (const named of 'interfaces' in right ? (right.interfaces ?? []) : []) {
    if (!interfaces.some((i) => i.name.value === named.name.value)) interfaces.push(named);
  }

  return {
    ...left,
    ...described(left, right),
    directives: mergeDirectives(left.directives, right.directives),
    ...(left.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION ? {} : { interfaces }),
    fields,
  } as ObjectLike;
}

function mergeInputType(left: ObjectLike, right: ObjectLike, ctx: MergeContext): ObjectLike {
  const rightFields = new Map((right.fields ?? []).map((f) => [f.name.value, f]));
  const fields = (left.fields ?? []).flatMap((field) => {
    const other = rightFields.get(field.name.value);
    return other ? [mergeField(field, other, 'input', ctx)] : [];
  });

  return {
    ...left,
    ...described(left, right),
    directives: mergeDirectives(left.directives, right.directives),
    fields,
  } as ObjectLike;
}

/** One field declared in both files; `variance` is how the type holding it is used. */
function mergeField<F extends FieldDefinitionNode | InputValueDefinitionNode>(
  left: F,
  right: FieldDefinitionNode | InputValueDefinitionNode,
  variance: 'input' | 'output',
  ctx: MergeContext,
): F {
  const trace = `${ctx.name}.${left.name.value}`;
  const type = unifyType(left.type, right.type, variance, trace, ctx) ?? left.type;
  const merged = {
    ...left,
    ...described(left, right),
    type,
    directives: mergeDirectives(left.directives, right.directives),
  };
  if (left.kind === Kind.INPUT_VALUE_DEFINITION) {
    const defaultValue = (right as InputValueDefinitionNode).defaultValue ?? left.defaultValue;
    return { ...merged, ...(defaultValue ? { defaultValue } : {}) } as F;
  }

  // Arguments are inputs: only those both files declare stay, required when either requires them.
  const rightArgs = new Map(
    ((right as FieldDefinitionNode).arguments ?? []).map((a) => [a.name.value, a]),
  );
  const args = ((left as FieldDefinitionNode).arguments ?? []).flatMap((arg) => {
    const other = rightArgs.get(arg.name.value);
    if (!other) return [];
    const argCtx = { ...ctx, name: trace };
    return [mergeField(arg, other, 'input', argCtx)];
  });

  return { ...merged, arguments: args } as F;
}

/**
 * The type of a field declared in both files: the same named type and list shape; nullable
 * when either side is, for outputs, and required when either side is, for inputs.
 */
function unifyType(
  left: TypeNode,
  right: TypeNode,
  variance: 'input' | 'output',
  trace: string,
  ctx: MergeContext,
): TypeNode | undefined {
  const leftInner = left.kind === Kind.NON_NULL_TYPE ? left.type : left;
  const rightInner = right.kind === Kind.NON_NULL_TYPE ? right.type : right;
  const fail = (message: string): undefined => {
    ctx.bag.error(DiagnosticCode.MergeConflict, message, ctx.file.spanOf(right), trace);
    return undefined;
  };

  let inner: TypeNode | undefined;
  if (leftInner.kind === Kind.LIST_TYPE && rightInner.kind === Kind.LIST_TYPE) {
    const item = unifyType(leftInner.type, rightInner.type, variance, trace, ctx);
    if (!item) return undefined;
    inner = { ...leftInner, type: item };
  } else if (leftInner.kind === Kind.LIST_TYPE || rightInner.kind === Kind.LIST_TYPE) {
    return fail('Type mismatch: expected list, got singular value');
  } else if (leftInner.name.value !== rightInner.name.value) {
    return fail(
      `Type mismatch: expected \`${leftInner.name.value}\`, got \`${rightInner.name.value}\``,
    );
  } else {
    inner = leftInner;
  }

  const leftRequired = left.kind === Kind.NON_NULL_TYPE;
  const rightRequired = right.kind === Kind.NON_NULL_TYPE;
  const required =
    variance === 'output' ? leftRequired && rightRequired : leftRequired || rightRequired;
  if (!required) return inner;
  return {
    kind: Kind.NON_NULL_TYPE,
    type: inner as Exclude<TypeNode, { kind: Kind.NON_NULL_TYPE }>,
    ...(left.loc ? { loc: left.loc } : {}),
  };
}

/**
 * Resolver directives add up (an identical one counts once); any other directive of the
 * linked file replaces the root's of the same name.
 */
function mergeDirectives(
  left: readonly ConstDirectiveNode[] | undefined,
  right: readonly ConstDirectiveNode[] | undefined,
): ConstDirectiveNode[] {
  const out = [...(left ?? [])];
  for (const directive of right ?? []) {
    const name = directive.name.value;
    if (RESOLVERS.has(name)) {
      const text = print(directive);
      if (!out.some((d) => d.name.value === name && print(d) === text)) out.push(directive);
      continue;
    }
    const at = out.findIndex((d) => d.name.value === name);
    if (at >= 0) out[at] = directive;
    else out.push(directive);
  }

  return out;
}

/** The linked file's description wins, as every other setting of a merged type. */
function described(
  left: { readonly description?: StringValueNode | undefined },
  right: { readonly description?: StringValueNode | undefined },
): { description?: StringValueNode } {
  const description = right.description ?? left.description;
  return description === undefined ? {} : { description };
}

function reportIgnoredSettings(
  directives: readonly ConstDirectiveNode[],
  file: SourceFile,
  bag: DiagnosticBag,
): void {
  for (const directive of directives) {
    if ((directive.arguments ?? []).length === 0) continue;
    bag.warning(
      DiagnosticCode.LinkedSettingsIgnored,
      `@${directive.name.value} of a linked config is ignored: only the types of a linked config are merged`,
      file.spanOf(directive),
      `schema.@${directive.name.value}`,
      'move the setting to the root config',
    );
  }
}

function isNamed(definition: DefinitionNode): definition is Named {
  return (
    definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
    definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION ||
    definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
    definition.kind === Kind.ENUM_TYPE_DEFINITION ||
    definition.kind === Kind.UNION_TYPE_DEFINITION ||
    definition.kind === Kind.SCALAR_TYPE_DEFINITION
  );
}

/** Object, input and interface types are all "types" to Tailcall; `type` and `input` merge. */
function kindName(definition: Named): string {
  switch (definition.kind) {
    case Kind.ENUM_TYPE_DEFINITION:
      return 'an enum';
    case Kind.UNION_TYPE_DEFINITION:
      return 'a union';
    case Kind.SCALAR_TYPE_DEFINITION:
      return 'a scalar';
    default:
      return 'an object type';
  }
}

const EXTENDS: Partial<Record<Kind, Kind>> = {
  [Kind.OBJECT_TYPE_EXTENSION]: Kind.OBJECT_TYPE_DEFINITION,
  [Kind.INPUT_OBJECT_TYPE_EXTENSION]: Kind.INPUT_OBJECT_TYPE_DEFINITION,
  [Kind.INTERFACE_TYPE_EXTENSION]: Kind.INTERFACE_TYPE_DEFINITION,
  [Kind.ENUM_TYPE_EXTENSION]: Kind.ENUM_TYPE_DEFINITION,
  [Kind.UNION_TYPE_EXTENSION]: Kind.UNION_TYPE_DEFINITION,
  [Kind.SCALAR_TYPE_EXTENSION]: Kind.SCALAR_TYPE_DEFINITION,
};

/**
 * Folds `extend type X { ... }` into the definition of `X` in the same document, and several
 * schema definitions into one, so every later step sees one declaration of each. An extension of an undeclared type stays, for
 * the schema builder to report.
 */
export function foldExtensions(document: DocumentNode): DocumentNode {
  const definitions: DefinitionNode[] = [];
  const byName = new Map<string, number>();
  for (const definition of document.definitions) {
    if (isNamed(definition)) byName.set(definition.name.value, definitions.length);
    definitions.push(definition);
  }

  const out: (DefinitionNode | undefined)[] = [...definitions];
  definitions.forEach((extension, i) => {
    const target = EXTENDS[extension.kind];
    if (target === undefined || !('name' in extension) || !extension.name) return;
    const at = byName.get(extension.name.value);
    const base = at === undefined ? undefined : out[at];
    if (at === undefined || !base || base.kind !== target) return;
    const add = <T>(a: readonly T[] | undefined, b: readonly T[] | undefined) => [
      ...(a ?? []),
      ...(b ?? []),
    ];
    const ext = extension as unknown as Record<string, readonly never[] | undefined>;
    const def = base as unknown as Record<string, readonly never[] | undefined>;
    const folded: Record<string, unknown> = {
      ...base,
      directives: add(def['directives'], ext['directives']),
    };
    for (const key of ['fields', 'values', 'types', 'interfaces']) {
      if (key in base || key in extension) folded[key] = add(def[key], ext[key]);
    }
    out[at] = folded as unknown as DefinitionNode;
    out[i] = undefined;
  });

  // Several schema definitions (Tailcall accepts them) read as one: directives in order, and
  // each root operation type from the last definition naming it.
  const schemas = out.filter((d): d is SchemaDefinitionNode => d?.kind === Kind.SCHEMA_DEFINITION);
  const [first, ...more] = schemas;
  if (first && more.length > 0) {
    const operations = new Map(
      schemas.flatMap((d) => d.operationTypes.map((o) => [o.operation, o])),
    );
    const merged: SchemaDefinitionNode = {
      ...first,
      directives: schemas.flatMap((d) => d.directives ?? []),
      operationTypes: [...operations.values()],
    };
    out[out.indexOf(first)] = merged;
    for (const extra of more) out[out.indexOf(extra)] = undefined;
  }

  return { ...document, definitions: out.filter((d): d is DefinitionNode => d !== undefined) };
}
