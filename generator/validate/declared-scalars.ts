import { Kind, type DocumentNode } from 'graphql';

import type { SourceFile } from '../load/source-file.ts';

/**
 * The scalars a config declares with `scalar X`, built-in names included. Tailcall keeps them
 * with the config's types, so a static `@expr` body for one is checked as an object with no
 * fields (`expected object`), even for a redeclared `String`.
 *
 * Kept per config file because the checks that need it receive the file but not the schema
 * build's results.
 * TODO: pass it in the template scope once the analysis hands the schema build's results on.
 */
const declared = new WeakMap<SourceFile, ReadonlySet<string>>();

export function noteDeclaredScalars(file: SourceFile, document: DocumentNode): void {
  const names = new Set<string>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.SCALAR_TYPE_DEFINITION) names.add(definition.name.value);
  }
  declared.set(file, names);
}

export function declaredScalars(file: SourceFile): ReadonlySet<string> {
  return declared.get(file) ?? new Set();
}
