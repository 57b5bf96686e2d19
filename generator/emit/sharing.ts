/**
 * What each field's value depends on, for the runtime's `shareAnswers`: whether identical
 * queries may share an answer is decided per operation from this table.
 */
import type { Plan, TextPart, ValueTemplate } from '../plan/plan.ts';

/** The runtime's `FieldSharing`, from the least to the most dependent. */
export type FieldSharing = 'pure' | 'request' | 'dedupe' | 'io';

const ORDER: readonly FieldSharing[] = ['pure', 'request', 'dedupe', 'io'];

const worst = (a: FieldSharing, b: FieldSharing): FieldSharing =>
  ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;

/**
 * Type name → field name (as clients name it) → what its value depends on, for every field
 * with a resolver, in the order the types and fields are declared:
 * - `@http`: `dedupe` with `dedupe: true`, else `io` (`@cache` does not change it: a cached
 *   value is not the answer of this request);
 * - `@expr`/`@const`: `request` when a template reads a header, else `pure`;
 * - `@call`: the worst of the fields it calls, at least `request` when its arguments read a
 *   header; several resolvers on one field: the worst of them;
 * - `@addField`: that of the field its path starts at (whose resolver it runs).
 */
export function sharingTable(plan: Plan): Map<string, Map<string, FieldSharing>> {
  type Resolver =
    | { kind: 'http'; dedupe: boolean }
    | { kind: 'expr'; body: ValueTemplate }
    | { kind: 'call'; steps: Plan['callResolvers'][number]['steps'] }
    | { kind: 'merged'; parts: readonly string[] };
  const byFunction = new Map<string, Resolver>();
  /** `Type.field` → the function that resolves it (the merging one for several resolvers). */
  const fieldFunction = new Map<string, string>();
  const add = (
    r: { typeName: string; fieldName: string; functionName: string; part?: boolean },
    resolver: Resolver,
  ) => {
    byFunction.set(r.functionName, resolver);
    if (!r.part) fieldFunction.set(`${r.typeName}.${r.fieldName}`, r.functionName);
  };
  for (const r of plan.resolvers) add(r, { kind: 'http', dedupe: r.dedupe });
  for (const r of plan.exprResolvers) add(r, { kind: 'expr', body: r.body });
  for (const r of plan.callResolvers) add(r, { kind: 'call', steps: r.steps });
  for (const r of plan.mergedResolvers) add(r, { kind: 'merged', parts: r.parts });

  // Calls lead to other fields (and merged fields to their parts): followed on demand, so the
  // order of the plan's lists does not matter; cycles are refused earlier, and count as `io`.
  const ofFunction = (name: string, path: Set<string>): FieldSharing => {
    const resolver = byFunction.get(name);
    if (resolver === undefined || path.has(name)) return 'io';
    path.add(name);
    const sharing = ofResolver(resolver, path);
    path.delete(name);
    return sharing;
  };
  const ofResolver = (resolver: Resolver, path: Set<string>): FieldSharing => {
    switch (resolver.kind) {
      case 'http':
        return resolver.dedupe ? 'dedupe' : 'io';
      case 'expr':
        return readsHeaders(resolver.body) ? 'request' : 'pure';
      case 'merged':
        return resolver.parts.reduce<FieldSharing>(
          (s, part) => worst(s, ofFunction(part, path)),
          'pure',
        );
      case 'call':
        return resolver.steps.reduce<FieldSharing>((s, step) => {
          const target = worst(s, ofField(`${step.typeName}.${step.fieldName}`, path));
          return step.args !== undefined && readsHeaders(step.args)
            ? worst(target, 'request')
            : target;
        }, 'pure');
    }
  };
  const ofField = (coordinate: string, seen: Set<string>): FieldSharing => {
    const name = fieldFunction.get(coordinate);
    return name === undefined ? 'pure' : ofFunction(name, seen);
  };

  const table = new Map<string, Map<string, FieldSharing>>();
  const list = (typeName: string, fieldName: string, sharing: FieldSharing) => {
    const fields = table.get(typeName) ?? new Map<string, FieldSharing>();
    fields.set(fieldName, sharing);
    table.set(typeName, fields);
  };
  for (const type of Object.values(plan.schema.getTypeMap())) {
    if (type.name.startsWith('__') || !('getFields' in type)) continue;
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      if (!fieldFunction.has(coordinate) || plan.omitted.has(coordinate)) continue;
      list(type.name, plan.renamed.get(coordinate) ?? field.name, ofField(coordinate, new Set()));
    }
  }
  // An added field runs the resolver of the field its path starts at, hidden or not.
  for (const a of plan.addedFields)
    list(a.typeName, a.name, ofField(`${a.typeName}.${a.first}`, new Set()));
  return table;
}

function readsHeaders(template: ValueTemplate): boolean {
  switch (template.kind) {
    case 'literal':
      return false;
    case 'text':
      return template.parts.some(
        (part: TextPart) => part.kind === 'ref' && part.ref.root === 'headers',
      );
    case 'object':
      return template.members.some(([, member]) => readsHeaders(member));
    case 'list':
      return template.items.some(readsHeaders);
  }
}
