import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  buildQuery,
  encodePathSegment,
  encodeQueryComponent,
  forwardHeaders,
  jsonStringContent,
  toText,
  valueAt,
} from '../src/index.js';

describe('toText', () => {
  it("renders values as Tailcall's templates do", () => {
    assert.equal(toText('a b'), 'a b');
    assert.equal(toText(12.5), '12.5');
    assert.equal(toText(0), '0');
    assert.equal(toText(false), 'false');
    assert.equal(toText(null), '');
    assert.equal(toText(undefined), '');
    assert.equal(toText({ a: [1, 'x'] }), '{"a":[1,"x"]}');
    assert.equal(toText([1, 2]), '[1,2]');
  });
});

describe('valueAt', () => {
  it('walks nested members and stops at anything missing', () => {
    assert.equal(valueAt({ a: { b: 3 } }, ['a', 'b']), 3);
    assert.equal(valueAt({ a: null }, ['a', 'b']), undefined);
    assert.equal(valueAt({ a: 'text' }, ['a', 'length']), undefined);
    assert.equal(valueAt(undefined, ['a']), undefined);
  });
});

describe('URL encoding', () => {
  it('keeps a path value inside its segment', () => {
    assert.equal(encodePathSegment('1'), '1');
    assert.equal(encodePathSegment('../admin'), '..%2Fadmin');
    assert.throws(() => encodePathSegment('..'), /'\.\.' cannot be used as a URL path segment/);
    assert.throws(() => encodePathSegment('.'), /'\.' cannot be used as a URL path segment/);
    assert.equal(encodePathSegment('...'), '...');
    assert.equal(encodePathSegment('..a'), '..a');
    assert.equal(encodePathSegment('a/b?c#d'), 'a%2Fb%3Fc%23d');
    assert.equal(encodePathSegment('100%'), '100%25');
    assert.equal(encodePathSegment('x y'), 'x%20y');
    assert.equal(encodePathSegment('é'), '%C3%A9');
    assert.equal(encodePathSegment('a:b@c,d'), 'a:b@c,d');
    assert.equal(encodePathSegment(42), '42');
    // Numbers: the integer fast path and the general one write them as toText does.
    assert.equal(encodePathSegment(-7), '-7');
    assert.equal(encodePathSegment(-0), '0');
    assert.equal(encodePathSegment(1.5), '1.5');
    assert.equal(encodePathSegment(1e21), '1e%2B21');
    assert.equal(encodePathSegment(2 ** 53), '9007199254740992');
    // A lone surrogate has no UTF-8 form: sent as U+FFFD; a whole pair as itself.
    assert.equal(encodePathSegment('a\ud800b'), 'a%EF%BF%BDb');
    assert.equal(encodePathSegment('\udc00'), '%EF%BF%BD');
    assert.equal(encodePathSegment('\ud83d\ude00'), '%F0%9F%98%80');
    assert.equal(encodeQueryComponent('x\ud800'), 'x%EF%BF%BD');
  });

  it('keeps a query value inside its parameter', () => {
    assert.equal(encodeQueryComponent('x y&z=1'), 'x%20y%26z%3D1');
    assert.equal(encodeQueryComponent('a+b#c'), 'a%2Bb%23c');
    assert.equal(encodeQueryComponent('barId[]'), 'barId[]');
    assert.equal(encodeQueryComponent('a/b?c:d@e'), 'a/b?c:d@e');
  });
});

describe('buildQuery', () => {
  it('writes nothing for no parameters', () => {
    assert.equal(buildQuery([]), '');
  });

  it('gives a bare key for a missing value, and drops it with skipEmpty', () => {
    assert.equal(buildQuery([['id', undefined, 'entry']]), '?id');
    assert.equal(buildQuery([['id', undefined, 'skip-empty']]), '');
    assert.equal(
      buildQuery([
        ['a', 1, 'entry'],
        ['b', undefined, 'skip-empty'],
        ['c', undefined, 'entry'],
      ]),
      '?a=1&c',
    );
  });

  it('keeps explicit null, empty strings, 0 and false as values (skipEmpty reacts only to missing)', () => {
    assert.equal(buildQuery([['a', null, 'skip-empty']]), '?a');
    assert.equal(buildQuery([['a', '', 'skip-empty']]), '?a=');
    assert.equal(
      buildQuery([
        ['a', 0, 'entry'],
        ['b', false, 'entry'],
      ]),
      '?a=0&b=false',
    );
  });

  it('repeats the key for lists, bare for null items and empty lists; objects give a bare key', () => {
    assert.equal(buildQuery([['l', [1, null, 2], 'entry']]), '?l=1&l&l=2');
    assert.equal(buildQuery([['l', [], 'entry']]), '?l');
    assert.equal(buildQuery([['o', { a: 1 }, 'entry']]), '?o');
  });

  it('drops URL parameters whose value renders empty and puts them first as written', () => {
    assert.equal(
      buildQuery([
        ['fixed', '1', 'url'],
        ['empty', '', 'url'],
        ['q', 'x', 'entry'],
      ]),
      '?fixed=1&q=x',
    );
  });

  it('encodes keys and values so a value cannot add parameters', () => {
    assert.equal(buildQuery([['q', 'a&admin=1', 'entry']]), '?q=a%26admin%3D1');
    assert.equal(buildQuery([['a b', 'c', 'entry']]), '?a%20b=c');
  });
});

describe('body and header helpers', () => {
  it('escapes a value placed inside a JSON string', () => {
    assert.equal(jsonStringContent('say "hi"\n'), 'say \\"hi\\"\\n');
    assert.equal(
      JSON.parse(`{"a":"${jsonStringContent('x","admin":true,"y":"')}"}`).a,
      'x","admin":true,"y":"',
    );
    assert.equal(jsonStringContent({ a: 1 }), '{\\"a\\":1}');
  });

  it('forwards only the listed headers, joined when repeated', () => {
    assert.deepEqual(
      forwardHeaders({ 'x-a': '1', 'x-b': ['2', '3'], authorization: 'secret' }, [
        'x-a',
        'x-b',
        'x-missing',
      ]),
      { 'x-a': '1', 'x-b': '2, 3' },
    );
  });
});

describe('select and form helpers', () => {
  it('reads rendered text back as JSON when it parses', async () => {
    const { reparse } = await import('../src/index.js');
    assert.equal(reparse('1'), 1);
    assert.deepEqual(reparse('[1,"a"]'), [1, 'a']);
    assert.equal(reparse('4_'), '4_');
    assert.equal(reparse(''), '');
  });

  it('form-encodes a rendered JSON object and leaves other bodies alone', async () => {
    const { formEncode } = await import('../src/index.js');
    assert.equal(formEncode('{"a":1,"b":"x y&z","c":null}'), 'a=1&b=x+y%26z&c=');
    assert.equal(formEncode('plain text'), 'plain text');
    assert.equal(formEncode('[1,2]'), '[1,2]');
  });
});
