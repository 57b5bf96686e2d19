import { getNamedType, isCompositeType, isInterfaceType, isObjectType } from 'graphql';

import type { Plan } from './plan/plan.ts';
import type { ProtectionReason } from './validate/protected.ts';

/** One field of the public schema, as `tc-gen audit` reports it. */
export interface AuditedField {
  /** `Type.field`. */
  field: string;
  protected: boolean;
  /** Provider ids any of which admits; empty: any linked provider. Absent when public. */
  providers?: readonly string[];
  /** Why it is protected: its own `@protected`, its parent type's, its output type's, or a called field's. */
  reason?: ProtectionReason;
}

export interface AuditReport {
  fields: AuditedField[];
  /** Things worth a look: public routes to types only a protected route guards, unused links. */
  warnings: string[];
}

/**
 * What a config leaves open: every field of the public schema with its
 * protection, plus the public fields returning a type that another field
 * protects, and the auth links no `@protected` can use.
 *
 * A field's own `@protected` marks its output type as sensitive only when that type is an object,
 * interface or union (a `String` or an enum is no data of its own) whose fields carry no
 * `@protected` themselves: a type that protects some of its fields has said which of them are
 * sensitive, and those stay protected on every route to it.
 */
export function audit(plan: Plan): AuditReport {
  const fields: AuditedField[] = [];
  const protectedBy = new Map<string, string[]>();
  const protectsOwnFields = new Set<string>();

  for (const type of Object.values(plan.clientSchema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const providers = plan.protection.get(type.name)?.get(field.name);
      const reason = plan.protectionReasons.get(coordinate);
      if (providers === undefined) {
        fields.push({ field: coordinate, protected: false });
        continue;
      }
      fields.push({ field: coordinate, protected: true, providers, ...(reason ? { reason } : {}) });
      if (reason !== 'field') continue;
      protectsOwnFields.add(type.name);
      const output = getNamedType(field.type);
      if (isCompositeType(output))
        protectedBy.set(output.name, [...(protectedBy.get(output.name) ?? []), coordinate]);
    }
  }

  const warnings: string[] = [];
  for (const entry of fields) {
    if (entry.protected) continue;
    const [typeName, fieldName] = entry.field.split('.') as [string, string];
    const type = plan.clientSchema.getType(typeName);
    if (!type || !(isObjectType(type) || isInterfaceType(type))) continue;
    const output = getNamedType(type.getFields()[fieldName]!.type).name;
    const guards = protectedBy.get(output);
    if (guards && !protectsOwnFields.has(output)) {
      warnings.push(
        `${entry.field} returns ${output} without auth, while ${guards.join(', ')} protects it`,
      );
    }
  }

  const anyProvider = [...plan.protection.values()].some((byField) =>
    [...byField.values()].some((ids) => ids.length === 0),
  );
  const named = new Set(
    [...plan.protection.values()].flatMap((byField) => [...byField.values()].flat()),
  );
  for (const link of plan.authLinks) {
    if (!anyProvider && !named.has(link.id))
      warnings.push(`link ${link.id} (${link.src}) is used by no @protected`);
  }

  return { fields, warnings };
}

/** The audit as a table for people. */
export function formatAudit(report: AuditReport): string {
  const rows = report.fields.map((f) => [
    f.field,
    f.protected ? 'protected' : 'public',
    f.protected ? (f.providers?.length ? f.providers.join(' | ') : 'any provider') : '',
    f.reason === 'field'
      ? 'own @protected'
      : f.reason === 'type'
        ? 'parent type'
        : f.reason === 'output'
          ? 'output type'
          : f.reason === 'call'
            ? 'a field it calls'
            : '',
  ]);
  const header = ['field', 'access', 'admitted by', 'because of'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();

  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    ...(report.warnings.length > 0 ? ['', ...report.warnings.map((w) => `warning: ${w}`)] : []),
    '',
  ].join('\n');
}

/** `Query.*`, `*.email`, `User.name`: `*` matches any run of characters. */
export function matchesPattern(coordinate: string, pattern: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return regex.test(coordinate);
}
