/**
 * The value of a field with several resolvers, as Tailcall combines them: objects are merged
 * key by key at every depth and lists item by item, a later value winning over an earlier one
 * everywhere else. An `undefined` result (a resolver that produced nothing) leaves the rest.
 */
export function mergeRight(values: readonly unknown[]): unknown {
  let result: unknown = undefined;
  for (const value of values) result = result === undefined ? value : mergeTwo(result, value);
  return result;
}

function mergeTwo(left: unknown, right: unknown): unknown {
  if (right === undefined) return left;
  if (Array.isArray(left) && Array.isArray(right)) {
    const length = Math.max(left.length, right.length);
    return Array.from({ length }, (_, i) =>
      i < right.length ? (i < left.length ? mergeTwo(left[i], right[i]) : right[i]) : left[i],
    );
  }
  if (isRecord(left) && isRecord(right)) {
    const merged: Record<string, unknown> = { ...left };
    for (const [key, value] of Object.entries(right)) {
      // Defined, not assigned: an upstream's "__proto__" key stays a plain member.
      Object.defineProperty(merged, key, {
        value: Object.hasOwn(merged, key) ? mergeTwo(merged[key], value) : value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return merged;
  }
  return right;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
