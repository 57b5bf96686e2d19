/**
 * The concrete type of a union or interface value: its `__typename` when
 * the upstream sent one naming a member.
 */
// TODO: Tailcall's keyed form (`{"User": {...}}`) and `@discriminate(field:)`
// are not implemented yet; until they are, a value without `__typename` is a
// field error saying so, rather than a guess.
export function concreteTypeName(value: unknown, abstractType: string, members: readonly string[]): string {
  const typename = (value as { __typename?: unknown } | null)?.__typename;
  if (typeof typename === 'string' && members.includes(typename)) return typename;

  throw new Error(
    typeof typename === 'string'
      ? `'${typename}' is not a member of ${abstractType}`
      : `cannot tell which member of ${abstractType} the upstream value is: it has no __typename`,
  );
}
