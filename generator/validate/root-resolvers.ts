import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  type GraphQLNamedType,
  type GraphQLObjectType,
} from 'graphql';

import { DiagnosticCode, type DiagnosticBag } from '../diagnostics.ts';
import type { SourceFile } from '../load/source-file.ts';

/**
 * Every field of a root type must produce its value (Tailcall's rule): it has a resolver, or
 * it returns an object type every field of which produces its value in turn, so the field
 * itself can resolve to an empty object. A type met again on the way counts as resolved.
 */
export function checkRootResolvers(
  roots: readonly (GraphQLObjectType | null | undefined)[],
  hasResolver: (typeName: string, fieldName: string) => boolean,
  file: SourceFile,
  bag: DiagnosticBag,
): void {
  const resolvable = (type: GraphQLNamedType, seen: Set<string>): boolean => {
    if (!isObjectType(type) && !isInterfaceType(type)) return false;
    if (seen.has(type.name)) return true;
    seen.add(type.name);
    return Object.values(type.getFields()).every(
      (field) => hasResolver(type.name, field.name) || resolvable(getNamedType(field.type), seen),
    );
  };

  for (const root of roots) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      if (hasResolver(root.name, field.name)) continue;
      if (resolvable(getNamedType(field.type), new Set())) continue;
      bag.error(
        DiagnosticCode.MissingResolver,
        'No resolver has been found in the schema',
        file.spanOf(field.astNode ?? undefined),
        `${root.name}.${field.name}`,
        'add @http(...) to the field, or make it return a type whose fields all have resolvers',
      );
    }
  }
}
