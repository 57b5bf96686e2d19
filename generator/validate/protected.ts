import { getNamedType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';

import { DiagnosticCode, type DiagnosticBag } from '../diagnostics.ts';
import type { DecodedDirective } from '../load/decode-directive.ts';
import type { SourceFile } from '../load/source-file.ts';
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
export type ProtectionReason = 'field' | 'type' | 'output';
