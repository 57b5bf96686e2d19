/**
 * Warnings about configs that work but cost more than they should:
 *
 * - N+1: an `@http` field of a type that a list brings many times into one response, without
 *   `batchKey`, makes one upstream call per item of that list.
 * - An auth link that no `@protected` can use: a provider nobody asks for.
 *
 * Neither stops a build; `--strict` makes them errors.
 */
import {
  getNamedType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';

import { DiagnosticCode, type DiagnosticBag } from '../diagnostics.ts';
import { ENABLE_BATCHING } from '../hints.ts';
import type { SourceFile } from '../load/source-file.ts';
import { directivesOf, type AuthLink, type DirectiveIndex } from '../model.ts';
import type { HttpResolverPlan } from '../plan/plan.ts';

export interface LintInput {
  /** The public schema: only what clients can reach is worth a warning. */
  schema: GraphQLSchema;
  index: DirectiveIndex;
  resolvers: readonly HttpResolverPlan[];
  authLinks: readonly AuthLink[];
  /** typeName → fieldName → provider ids (empty: any provider). */
  protection: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
}

export function lintConfig(input: LintInput, file: SourceFile, bag: DiagnosticBag): void {
  reportNPlusOne(input, file, bag);
  reportUnusedLinks(input, file, bag);
}

function reportNPlusOne(input: LintInput, file: SourceFile, bag: DiagnosticBag): void {
  const many = typesServedMany(input.schema);
  for (const resolver of input.resolvers) {
    if (resolver.batchKey) continue;
    const through = many.get(resolver.typeName);
    if (through === undefined) continue;
    const coordinate = `${resolver.typeName}.${resolver.fieldName}`;
    const http = directivesOf(input.index, coordinate, 'http')[0];
    bag.warning(
      DiagnosticCode.NPlusOne,
      `${coordinate} makes one upstream call per ${resolver.typeName}: the list ${through} can hold many, and @http has no batchKey`,
      file.spanOf(http?.node),
      http?.trace ?? `${coordinate}.@http`,
      `give the upstream a way to answer many keys at once: @http(batchKey: [...]) with a query parameter, and ${ENABLE_BATCHING}`,
    );
  }
}

/**
 * Types a response can hold many of: the item type of every list field, and every type under
 * one of those. Each maps to the first list field that brings it in, for the message.
 */
function typesServedMany(schema: GraphQLSchema): Map<string, string> {
  const many = new Map<string, string>();
  const queue: string[] = [];
  const add = (typeName: string, through: string) => {
    if (many.has(typeName)) return;
    many.set(typeName, through);
    queue.push(typeName);
  };

  const types = Object.values(schema.getTypeMap()).filter((t) => !t.name.startsWith('__'));
  for (const type of types) {
    if (!(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) {
      if (isList(field.type)) add(getNamedType(field.type).name, `${type.name}.${field.name}`);
    }
  }
  while (queue.length > 0) {
    const type = schema.getType(queue.shift()!);
    const through = many.get(type?.name ?? '') ?? '';
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields()))
        add(getNamedType(field.type).name, through);
    }
    if (isUnionType(type)) for (const member of type.getTypes()) add(member.name, through);
    if (isInterfaceType(type))
      for (const member of schema.getPossibleTypes(type)) add(member.name, through);
  }

  return many;
}

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

function reportUnusedLinks(input: LintInput, file: SourceFile, bag: DiagnosticBag): void {
  const lists = [...input.protection.values()].flatMap((byField) => [...byField.values()]);
  // A bare @protected admits any provider: every link is of use then.
  if (lists.some((ids) => ids.length === 0)) return;
  const named = new Set(lists.flat());
  for (const link of input.authLinks) {
    if (named.has(link.id)) continue;
    const directive = input.index.schema.find(
      (d) => d.name === 'link' && d.args['src'] === link.src && d.args['type'] === link.kind,
    );
    bag.warning(
      DiagnosticCode.UnusedLink,
      `link ${link.id} (${link.src}) is used by no @protected`,
      file.spanOf(directive?.node),
      directive?.trace,
      lists.length === 0
        ? 'add @protected to the types or fields that need a credential, or remove the link'
        : `name it in @protected(id: ["${link.id}"]) where it should admit, or remove the link`,
    );
  }
}
