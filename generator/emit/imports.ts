/** One import declaration of a generated module. */
export interface ImportSpec {
  from: string;
  /** Named bindings; prefix with `type ` for a type-only binding. */
  names?: readonly string[];
  /** `import type * as X from ...` */
  namespace?: string;
  /** The whole declaration is type-only. */
  typeOnly?: boolean;
}

/**
 * Writes imports the way the style guide asks: grouped (node: builtins,
 * packages, local files) with a blank line between groups, sorted by module
 * and by name within a declaration.
 */
export function renderImports(imports: readonly ImportSpec[]): string {
  const group = (from: string) => (from.startsWith('node:') ? 0 : from.startsWith('.') ? 2 : 1);
  const sorted = [...imports].sort(
    (a, b) => group(a.from) - group(b.from) || compare(a.from, b.from),
  );

  const lines: string[] = [];
  let previous: number | undefined;
  for (const spec of sorted) {
    if (previous !== undefined && group(spec.from) !== previous) lines.push('');
    previous = group(spec.from);
    const type = spec.typeOnly ? 'type ' : '';
    if (spec.namespace) {
      lines.push(`import ${type}* as ${spec.namespace} from '${spec.from}';`);
      continue;
    }
    const key = (name: string) => name.replace(/^type /, '').toLowerCase();
    const names = [...(spec.names ?? [])].sort((a, b) => compare(key(a), key(b)));
    lines.push(`import ${type}{ ${names.join(', ')} } from '${spec.from}';`);
  }

  return `${lines.join('\n')}\n`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
