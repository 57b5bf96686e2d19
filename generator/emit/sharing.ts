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
  const byFunction = new Map<string, FieldSharing>();
  const byField = new Map<string, FieldSharing>();
  const note = (
    typeName: string,
    fieldName: string,
    fn: string,
    sharing: FieldSharing,
    part?: boolean,
  ) => {
    byFunction.set(fn, sharing);
    if (!part) byField.set(`${typeName}.${fieldName}`, sharing);
  };

  for (const r of plan.resolvers)
    note(r.typeName, r.fieldName, r.functionName, r.dedupe ? 'dedupe' : 'io', r.part);
  for (const r of plan.exprResolvers)
    note(
      r.typeName,
      r.fieldName,
      r.functionName,
      readsHeaders(r.body) ? 'request' : 'pure',
      r.part,
    );

  // A call's targets are root fields, possibly calls themselves (cycles are refused earlier).
  const calls = new Map(plan.callResolvers.map((c) => [`${c.typeName}.${c.fieldName}`, c]));
  const callSharing = (coordinate: string, seen: Set<string>): FieldSharing => {
    const call = calls.get(coordinate);
    if (call === undefined) return byField.get(coordinate) ?? 'pure';
    if (seen.has(coordinate)) return 'io';
    seen.add(coordinate);
    let sharing: FieldSharing = 'pure';
    for (const step of call.steps) {
      sharing = worst(sharing, callSharing(`${step.typeName}.${step.fieldName}`, seen));
      if (step.args !== undefined && readsHeaders(step.args)) sharing = worst(sharing, 'request');
    }
    return sharing;
  };
  for (const c of plan.callResolvers)
    note(
      c.typeName,
      c.fieldName,
      c.functionName,
      callSharing(`${c.typeName}.${c.fieldName}`, new Set()),
      c.part,
    );
  for (const m of plan.mergedResolvers) {
    const sharing = m.parts.reduce<FieldSharing>(
      (s, fn) => worst(s, byFunction.get(fn) ?? 'io'),
      'pure',
    );
    note(m.typeName, m.fieldName, m.functionName, sharing);
  }

  // An added field runs the resolver of the field its path starts at, hidden or not.
  const added = new Map(
    plan.addedFields.map((a) => [
      `${a.typeName}.${a.name}`,
      byField.get(`${a.typeName}.${a.first}`) ?? 'pure',
    ]),
  );

  const table = new Map<string, Map<string, FieldSharing>>();
  for (const type of Object.values(plan.schema.getTypeMap())) {
    if (type.name.startsWith('__') || !('getFields' in type)) continue;
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const sharing = byField.get(coordinate);
      if (sharing === undefined || plan.omitted.has(coordinate)) continue;
      const fields = table.get(type.name) ?? new Map<string, FieldSharing>();
      fields.set(plan.renamed.get(coordinate) ?? field.name, sharing);
      table.set(type.name, fields);
    }
  }
  for (const a of plan.addedFields) {
    const sharing = added.get(`${a.typeName}.${a.name}`) as FieldSharing;
    if (sharing === 'pure') continue;
    const fields = table.get(a.typeName) ?? new Map<string, FieldSharing>();
    fields.set(a.name, sharing);
    table.set(a.typeName, fields);
  }
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
