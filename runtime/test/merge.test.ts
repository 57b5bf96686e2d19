import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { mergeRight } from '../src/index.js';

describe('mergeRight: the value of a field with several resolvers', () => {
  it('merges objects at every depth, the later value winning on scalars', () => {
    assert.deepEqual(
      mergeRight([
        { a: 1, b: { c: 1, d: 1 } },
        { b: { d: 2, e: 2 }, f: 2 },
      ]),
      { a: 1, b: { c: 1, d: 2, e: 2 }, f: 2 },
    );
  });

  it('merges lists item by item and keeps the longer tail', () => {
    assert.deepEqual(mergeRight([[{ a: 1 }, { a: 2 }, 3], [{ b: 1 }]]), [
      { a: 1, b: 1 },
      { a: 2 },
      3,
    ]);
    assert.deepEqual(mergeRight([[1], [{ x: 1 }, 2]]), [{ x: 1 }, 2]);
  });

  it('lets a later null or scalar replace, and an undefined result leave the rest', () => {
    assert.deepEqual(mergeRight([{ a: 1 }, null]), null);
    assert.deepEqual(mergeRight([{ a: 1 }, undefined]), { a: 1 });
    assert.deepEqual(mergeRight([undefined, 'x']), 'x');
    assert.equal(mergeRight([]), undefined);
  });

  it('never touches the inputs or Object.prototype', () => {
    const left = { a: { b: 1 } };
    const right = JSON.parse('{"a": {"c": 2}, "__proto__": {"polluted": true}}') as unknown;
    const merged = mergeRight([left, right]) as Record<string, unknown>;
    assert.deepEqual(left, { a: { b: 1 } });
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.deepEqual(merged['a'], { b: 1, c: 2 });
    assert.equal(Object.getPrototypeOf(merged), Object.prototype);
    assert.equal(merged['polluted'], undefined);
    assert.deepEqual(Object.getOwnPropertyDescriptor(merged, '__proto__')?.value, { polluted: true });
  });
});
