import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { buildSchema, graphql } from 'graphql';

import { tailcallScalars } from '../src/index.js';

const schema = buildSchema(`
  scalar Email
  scalar PhoneNumber
  scalar Date
  scalar Url
  scalar Bytes
  scalar Int8
  scalar UInt32
  scalar Int64
  scalar Custom
  type Query {
    id: ID
    int: Int
    email: Email
    phone: PhoneNumber
    date: Date
    url: Url
    bytes: Bytes
    int8: Int8
    uint32: UInt32
    int64: Int64
    custom: Custom
    echo(value: Email): String
  }
`);
tailcallScalars(schema);

async function field(name: string, value: unknown): Promise<{ data: unknown; message?: string | undefined }> {
  const result = await graphql({ schema, source: `{ ${name} }`, rootValue: { [name]: value } });
  return {
    data: (result.data as Record<string, unknown> | null)?.[name],
    ...(result.errors ? { message: result.errors[0]?.message } : {}),
  };
}

const invalid = (scalar: string) =>
  `internal: invalid value for scalar "${scalar}", expected "FieldValue::Value"`;

describe('tailcallScalars', () => {
  it('passes built-in scalar values through as the upstream sent them', async () => {
    assert.deepEqual(await field('id', 1), { data: 1 });
    assert.deepEqual(await field('int', '12'), { data: '12' });
  });

  it('accepts valid values of the custom scalars', async () => {
    assert.deepEqual(await field('email', 'hello@valid.com'), { data: 'hello@valid.com' });
    assert.deepEqual(await field('phone', '+1 (614) 1234567'), { data: '+1 (614) 1234567' });
    assert.deepEqual(await field('date', '2023-03-08'), { data: '2023-03-08' });
    assert.deepEqual(await field('date', '2023-03-08T12:45:26-05:00'), {
      data: '2023-03-08T12:45:26-05:00',
    });
    assert.deepEqual(await field('url', 'https://tailcall.run/'), {
      data: 'https://tailcall.run/',
    });
    assert.deepEqual(await field('bytes', 'test'), { data: 'test' });
    assert.deepEqual(await field('int8', -128), { data: -128 });
    assert.deepEqual(await field('uint32', 4294967295), { data: 4294967295 });
    assert.deepEqual(await field('int64', '-9223372036854775808'), {
      data: '-9223372036854775808',
    });
    assert.deepEqual(await field('custom', { any: ['thing'] }), { data: { any: ['thing'] } });
  });

  it("fails the field for invalid values, with Tailcall's message", async () => {
    for (const [name, scalar, value] of [
      ['email', 'Email', 'hello@invalid'],
      ['phone', 'PhoneNumber', '0'],
      ['phone', 'PhoneNumber', '1234567890'],
      ['date', 'Date', '2023-03-08T12:45'],
      ['date', 'Date', '2023-02-30'],
      ['url', 'Url', 'invalid_host'],
      ['bytes', 'Bytes', 44864],
      ['int8', 'Int8', 3214],
      ['uint32', 'UInt32', -1],
      ['int64', 'Int64', 3214],
      ['int64', 'Int64', '92233720368547758090'],
    ] as const) {
      assert.deepEqual(
        await field(name, value),
        { data: null, message: invalid(scalar) },
        `${name} = ${String(value)}`,
      );
    }
  });

  it('does not check inputs', async () => {
    const result = await graphql({
      schema,
      source: '{ echo(value: 123) }',
      rootValue: { echo: ({ value }: { value: unknown }) => String(value) },
    });
    assert.equal(JSON.stringify(result), '{"data":{"echo":"123"}}');
  });
});
