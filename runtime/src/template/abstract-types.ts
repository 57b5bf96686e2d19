/**
 * Unions and interfaces: which member an upstream value is.
 *
 * The member is written into the value as `__typename`, where the
 * `resolveType` of the abstract type finds it. An explicit `__typename`
 * sent by the upstream always wins. Otherwise, as in Tailcall:
 * - with `@discriminate(field: "type")`, the value's `type` member names it;
 * - without, the value is keyed, `{"Member": {...}}`, and is unwrapped.
 */

/** What `discriminate` needs to know about the abstract type. */
export interface AbstractType {
  name: string;
  members: readonly string[];
  /** The member named by this field of the value (`@discriminate`); keyed form when absent. */
  field?: string;
}

/** Marks a value (or each item of a list, at any depth) with its member type. */
export function discriminate(value: unknown, type: AbstractType): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((item) => discriminate(item, type));
  if (typeof value !== 'object')
    throw new Error('IOException: Cannot discriminate the type of a non object type.');

  const record = value as Record<string, unknown>;
  if (typeof record['__typename'] === 'string' && type.members.includes(record['__typename']))
    return record;

  if (type.field !== undefined) {
    const member = record[type.field];
    if (typeof member !== 'string' || !type.members.includes(member))
      throw notAMember(member, type);
    return { ...record, __typename: member };
  }

  const keys = Object.keys(record);
  const [member] = keys;
  if (keys.length !== 1 || member === undefined || !type.members.includes(member)) {
    throw notAMember(keys.length === 1 ? member : keys.join(', '), type);
  }
  const inner = record[member];
  if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) {
    throw new Error('IOException: Cannot discriminate the type of a non object type.');
  }
  return { ...(inner as Record<string, unknown>), __typename: member };
}

function notAMember(member: unknown, type: AbstractType): Error {
  const discriminator = type.field === undefined ? 'KeyedDiscriminator' : 'TypeFieldDiscriminator';
  return new Error(
    `IOException: The type \`${String(member)}\` is not in the list of acceptable types ` +
      `[${type.members.map((m) => JSON.stringify(m)).join(', ')}] of ${discriminator}(type="${type.name}")`,
  );
}

/** `resolveType` of a union or interface: the member `discriminate` wrote into the value. */
export function concreteTypeName(
  value: unknown,
  abstractType: string,
  members: readonly string[],
): string {
  const typename = (value as { __typename?: unknown } | null)?.__typename;
  if (typeof typename === 'string' && members.includes(typename)) return typename;

  throw new Error(
    typeof typename === 'string'
      ? `'${typename}' is not a member of ${abstractType}`
      : `cannot tell which member of ${abstractType} the upstream value is: it has no __typename`,
  );
}
