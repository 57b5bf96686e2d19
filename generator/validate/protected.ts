import {
  Kind,
  getNamedType,
  isInterfaceType,
  isObjectType,
  type ASTNode,
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';

import { DiagnosticCode, type DiagnosticBag } from '../diagnostics.ts';
import type { DecodedDirective } from '../load/decode-directive.ts';
import type { SourceFile } from '../load/source-file.ts';
import { typeUsage } from '../load/type-usage.ts';
import { directivesOf, type AuthLink, type DirectiveIndex } from '../model.ts';

/**
 * Decides which fields need a credential and which providers may give it.
 *
 * A field is protected by its own `@protected`, by its parent type's, or by
 * its output type's. The most specific directive decides which providers
 * admit: the field's own ids, else the parent type's, else the output type's;
 * no ids means any linked provider. (Tailcall ANDs the lists instead, which a
 * single Authorization header can never satisfy when they differ.)
 */
export function planProtection(
  schema: GraphQLSchema,
  index: DirectiveIndex,
  authLinks: readonly AuthLink[],
  hasAuthLinks: boolean,
  file: SourceFile,
  bag: DiagnosticBag,
): { table: Map<string, Map<string, readonly string[]>>; reasons: Map<string, ProtectionReason> } {
  const known = new Set(authLinks.map((l) => l.id));
  const check = (directive: DecodedDirective): readonly string[] => {
    if (!hasAuthLinks) {
      bag.error(
        DiagnosticCode.ProtectedWithoutProvider,
        '@protected operator is used but there is no @link definitions for auth providers',
        file.spanOf(directive.node),
        directive.trace,
        'link a key set or an htpasswd file: @link(id: "auth", type: Jwks, src: "jwks.json")',
      );
      return [];
    }
    const ids = (directive.args['id'] as string[] | undefined) ?? [];
    for (const id of ids) {
      if (!known.has(id)) {
        bag.error(
          DiagnosticCode.UnknownProvider,
          `Auth provider ${id} not found`,
          file.spanOf(directive.argNodes['id']),
          directive.trace,
        );
      }
    }
    return [...new Set(ids)];
  };

  const typeIds = new Map<string, readonly string[]>();
  for (const [typeName] of index.types) {
    // A type only arguments use is an input type (see `checkProtectedInputs`).
    const type = schema.getType(typeName);
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    const directive = directivesOf(index, typeName, 'protected')[0];
    if (directive) typeIds.set(typeName, check(directive));
  }

  const table = new Map<string, Map<string, readonly string[]>>();
  const reasons = new Map<string, ProtectionReason>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    const fields = new Map<string, readonly string[]>();
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const own = directivesOf(index, coordinate, 'protected')[0];
      const output = getNamedType(field.type).name;
      const parentIds = typeIds.get(type.name);
      if (own && parentIds && hasAuthLinks) {
        // Tailcall checks a field against its type's providers and its own, so an unknown id
        // on the type is reported at each of the type's own @protected fields too.
        for (const id of parentIds.filter((i) => !known.has(i))) {
          bag.error(
            DiagnosticCode.UnknownProvider,
            `Auth provider ${id} not found`,
            file.spanOf(own.node),
            own.trace,
          );
        }
      }
      const [ids, reason]: [readonly string[] | undefined, ProtectionReason] = own
        ? [check(own), 'field']
        : typeIds.has(type.name)
          ? [typeIds.get(type.name), 'type']
          : [typeIds.get(output), 'output'];
      if (ids === undefined) continue;
      fields.set(field.name, ids);
      reasons.set(coordinate, reason);
    }
    if (fields.size > 0) table.set(type.name, fields);
  }

  return { table, reasons };
}

/** Why a field is protected: its own directive, its parent type's, or its output type's. */
export type ProtectionReason = 'field' | 'type' | 'output' | 'call';

/**
 * `@protected` on a type that arguments use, or on one of its fields: Tailcall reports it at
 * each field of the input type, the input copy (`<Type>Input`) of a type used both ways
 * included. A type no argument reaches is not an input, whatever its keyword.
 *
 * `document` is the config as written; `normalized` the same read as Tailcall reads it,
 * whose input types keep the location of the definition they were made from.
 */
export function checkProtectedInputs(
  document: DocumentNode,
  normalized: DocumentNode,
  file: SourceFile,
  bag: DiagnosticBag,
): void {
  const { inputs } = typeUsage(document);
  const sources = new Map<unknown, string>();
  for (const definition of document.definitions) {
    if (definition.loc && 'name' in definition && definition.name)
      sources.set(definition.loc, definition.name.value);
  }
  const protectedBy = (node: { directives?: readonly ConstDirectiveNode[] | undefined }) =>
    node.directives?.find((d) => d.name.value === 'protected');

  for (const definition of normalized.definitions) {
    if (definition.kind !== Kind.INPUT_OBJECT_TYPE_DEFINITION) continue;
    const source = sources.get(definition.loc);
    if (source === undefined || !inputs.has(source)) continue;
    const onType = protectedBy(definition);
    for (const field of definition.fields ?? []) {
      const directive: ASTNode | undefined = protectedBy(field) ?? onType;
      if (!directive) continue;
      bag.error(
        DiagnosticCode.ProtectedInput,
        'Input types can not be protected',
        file.spanOf(directive),
        `${definition.name.value}.${field.name.value}.@protected`,
      );
    }
  }
}
