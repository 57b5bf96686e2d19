import { getNamedType, isObjectType, type GraphQLNamedType, type GraphQLObjectType } from 'graphql';

import { DiagnosticCode, type DiagnosticBag } from '../diagnostics.ts';
import type { SourceFile } from '../load/source-file.ts';

/**
 * Every field of a root type must produce its value: it has a resolver, or it
 * returns an object type whose fields (at some depth) have resolvers, so the
 * field itself can resolve to an empty object.
 */
export function checkRootResolvers(
  roots: readonly (GraphQLObjectType | null | undefined)[],
  hasResolver: (typeName: string, fieldName: string) => boolean,
  file: SourceFile,
  bag: DiagnosticBag,
): void {
  const leadsToResolvers = (type: GraphQLNamedType, seen: Set<string>): boolean => {
    if (!isObjectType(type) || seen.has(type.name)) return false;
    seen.add(type.name);
    return Object.values(type.getFields()).some(
      (field) =>
        hasResolver(type.name, field.name) || leadsToResolvers(getNamedType(field.type), seen),
    );
  };

  for (const root of roots) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      if (hasResolver(root.name, field.name)) continue;
      if (leadsToResolvers(getNamedType(field.type), new Set())) continue;
      bag.error(
        DiagnosticCode.MissingResolver,
        'No resolver has been found in the schema',
        file.spanOf(field.astNode ?? undefined),
        `${root.name}.${field.name}`,
        'add @http(...) to the field, or make it return a type whose fields have resolvers',
      );
    }
  }
}
