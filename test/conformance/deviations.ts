/**
 * Where tc-gen deliberately answers differently from Tailcall, case by case.
 * Each entry holds OUR expected value and the reason, so the case still
 * tests something. Reasons are limited to the deviations the project
 * documents (README, "Where tc-gen deliberately differs from Tailcall").
 */
export type DeviationReason =
  | 'spec-null-propagation'
  | 'percent-encoded-templates'
  | 'authorization-not-forwarded'
  | 'auth-any-of';

export interface Deviation {
  reason: DeviationReason;
  /** Why, in words, for this case. */
  note: string;
  /** Our expected response bodies, by request index. */
  bodies?: Record<number, unknown>;
  /** Our expected hit counts, by mock index. */
  hits?: Record<number, number>;
}

export const DEVIATIONS: Readonly<Record<string, Deviation>> = {
  'test-required-fields': {
    reason: 'spec-null-propagation',
    note: 'A null in a non-null position propagates to the nearest nullable parent and the rest of data stays (GraphQL spec); Tailcall nulls the whole data.',
    bodies: {
      4: {
        data: { relaxedFieldMissing: null },
        errors: [
          {
            locations: [{ column: 34, line: 1 }],
            message: 'Cannot return null for non-nullable field Foo.bar.',
            path: ['relaxedFieldMissing', 'bar'],
          },
        ],
      },
      12: {
        data: { innerFieldMissing: null },
        errors: [
          {
            locations: [{ column: 32, line: 1 }],
            message: 'Cannot return null for non-nullable field Foo.bar.',
            path: ['innerFieldMissing', '1', 'bar'],
          },
        ],
      },
      13: {
        data: { innerEntryMissing: null },
        errors: [
          {
            locations: [{ column: 9, line: 1 }],
            message: 'Cannot return null for non-nullable field Query.innerEntryMissing.',
            path: ['innerEntryMissing', '1'],
          },
        ],
      },
      16: {
        data: { outerFieldMissing: [{ bar: 'bar_1', id: 1 }, null] },
        errors: [
          {
            locations: [{ column: 32, line: 1 }],
            message: 'Cannot return null for non-nullable field Foo.bar.',
            path: ['outerFieldMissing', '1', 'bar'],
          },
        ],
      },
      20: {
        data: { noneFieldMissing: [{ bar: 'bar_1', id: 1 }, null] },
        errors: [
          {
            locations: [{ column: 31, line: 1 }],
            message: 'Cannot return null for non-nullable field Foo.bar.',
            path: ['noneFieldMissing', '1', 'bar'],
          },
        ],
      },
    },
  },
  'test-union-ambiguous': {
    reason: 'spec-null-propagation',
    note: 'A string where the union expects an object is an error on the field `string`, which is nullable: data keeps `string: null` (GraphQL spec); Tailcall nulls the whole data.',
    bodies: {
      6: {
        data: { string: null },
        errors: [
          {
            locations: [{ column: 3, line: 2 }],
            message: 'IOException: Cannot discriminate the type of a non object type.',
            path: ['string'],
          },
        ],
      },
    },
  },
  'test-union': {
    reason: 'spec-null-propagation',
    note: 'The discriminator error is an error on the field `unknown`, which is nullable: data keeps `unknown: null` (GraphQL spec); Tailcall nulls the whole data.',
    bodies: {
      4: {
        data: { unknown: null },
        errors: [
          {
            locations: [{ column: 3, line: 2 }],
            message:
              'IOException: The type `Unknown` is not in the list of acceptable types ["Bar", "Foo"] of KeyedDiscriminator(type="FooBar")',
            path: ['unknown'],
          },
        ],
      },
    },
  },
  'test-union-fieldtype': {
    reason: 'spec-null-propagation',
    note: 'The discriminator error is an error on the nullable field `unknown`: data keeps `unknown: null` (GraphQL spec); Tailcall nulls the whole data.',
    bodies: {
      4: {
        data: { unknown: null },
        errors: [
          {
            locations: [{ column: 3, line: 2 }],
            message:
              'IOException: The type `Unknown` is not in the list of acceptable types ["Bar", "Foo"] of TypeFieldDiscriminator(type="FooBar")',
            path: ['unknown'],
          },
        ],
      },
    },
  },
  'upstream-fail-request': {
    reason: 'spec-null-propagation',
    note: 'The upstream 503 is an error on the nullable field `user`, with the status in extensions: data keeps `user: null` (GraphQL spec); Tailcall nulls the whole data.',
    bodies: {
      0: {
        data: { user: null },
        errors: [
          {
            extensions: { status: 503 },
            locations: [{ column: 9, line: 1 }],
            message: 'HTTP Error: HTTP status server error (503 Service Unavailable)',
            path: ['user'],
          },
        ],
      },
    },
  },
  'upstream-fail-request-with-body': {
    reason: 'spec-null-propagation',
    note: 'The upstream 429 is an error on the nullable field `user`, with the status and the JSON body members in extensions: data keeps `user: null`; Tailcall nulls the whole data.',
    bodies: {
      0: {
        data: { user: null },
        errors: [
          {
            extensions: {
              cause: 'exceeded the maximum allowed number of name changes',
              code: 'UM0018',
              message: 'change limit exceeded',
              status: 429,
            },
            locations: [{ column: 9, line: 1 }],
            message: 'HTTP Error: HTTP status client error (429 Too Many Requests)',
            path: ['user'],
          },
        ],
      },
    },
  },
  'graphql-datasource-with-mandatory-enum': {
    reason: 'spec-null-propagation',
    note: 'The null in the non-null field `type` propagates to the nearest nullable parent, `post` (GraphQL spec); Tailcall nulls the whole data.',
    bodies: {
      0: {
        data: { post: null },
        errors: [
          {
            locations: [{ column: 27, line: 1 }],
            message: 'Cannot return null for non-nullable field WithMandatoryEnum.type.',
            path: ['post', 'severity', 'type'],
          },
        ],
      },
    },
  },
  'test-enum-description': {
    reason: 'spec-null-propagation',
    note: 'The invalid enum value is an error on the nullable field `foo`: data keeps `foo: null` (GraphQL spec); Tailcall nulls the whole data.',
    bodies: {
      2: {
        data: { foo: null },
        errors: [
          {
            locations: [{ column: 9, line: 1 }],
            message: 'internal: invalid item for enum "Foo"',
            path: ['foo'],
          },
        ],
      },
    },
  },
  'auth-multiple': {
    reason: 'auth-any-of',
    note: '@protected(id: [a, b]) admits a credential any listed provider accepts (and a bare @protected one any linked provider accepts); Tailcall requires all of them, which one Authorization header cannot satisfy.',
    bodies: {
      0: { data: { a_and_b: 'data' } },
      2: { data: { a_and_b: 'data' } },
      3: { data: { b_and_c: 'data' } },
      4: { data: { b_and_c: 'data' } },
      7: { data: { c_and_a: 'data' } },
      8: { data: { c_and_a: 'data' } },
      9: { data: { default: 'data' } },
      10: { data: { default: 'data' } },
      11: { data: { default: 'data' } },
      12: { data: { c_and_a: 'data', default: 'data' } },
      13: { data: { a_and_b: 'data', default: 'data' } },
      14: { data: { b_and_c: 'data', default: 'data' } },
    },
  },
  'test-enum': {
    reason: 'spec-null-propagation',
    note: 'The invalid enum value is an error on the nullable field `foo`: data keeps `foo: null` (GraphQL spec); Tailcall nulls the whole data.',
    bodies: {
      2: {
        data: { foo: null },
        errors: [
          {
            locations: [{ column: 9, line: 1 }],
            message: 'internal: invalid item for enum "Foo"',
            path: ['foo'],
          },
        ],
      },
    },
  },
  'test-scalars-integers': {
    reason: 'spec-null-propagation',
    note: 'A custom scalar value failing its check is an error on its own nullable field: the other fields keep their values or nulls (GraphQL spec); Tailcall nulls the whole data at the first error.',
    bodies: {
      3: {
        data: { a: null, b: null },
        errors: [
          {
            locations: [{ column: 3, line: 1 }],
            message: 'internal: invalid value for scalar "Int64", expected "FieldValue::Value"',
            path: ['a'],
          },
          {
            locations: [{ column: 23, line: 1 }],
            message: 'internal: invalid value for scalar "Int64", expected "FieldValue::Value"',
            path: ['b'],
          },
        ],
      },
      4: {
        data: { a: null, b: null },
        errors: [
          {
            locations: [{ column: 3, line: 1 }],
            message: 'internal: invalid value for scalar "Int128", expected "FieldValue::Value"',
            path: ['a'],
          },
          {
            locations: [{ column: 24, line: 1 }],
            message: 'internal: invalid value for scalar "Int128", expected "FieldValue::Value"',
            path: ['b'],
          },
        ],
      },
      8: {
        data: { a: null, b: null },
        errors: [
          {
            locations: [{ column: 3, line: 1 }],
            message: 'internal: invalid value for scalar "UInt64", expected "FieldValue::Value"',
            path: ['a'],
          },
          {
            locations: [{ column: 21, line: 1 }],
            message: 'internal: invalid value for scalar "UInt64", expected "FieldValue::Value"',
            path: ['b'],
          },
        ],
      },
      9: {
        data: { a: null, b: null },
        errors: [
          {
            locations: [{ column: 3, line: 1 }],
            message: 'internal: invalid value for scalar "Int128", expected "FieldValue::Value"',
            path: ['a'],
          },
          {
            locations: [{ column: 24, line: 1 }],
            message: 'internal: invalid value for scalar "Int128", expected "FieldValue::Value"',
            path: ['b'],
          },
        ],
      },
      10: {
        data: { a: null, b: 48 },
        errors: [
          {
            locations: [{ column: 3, line: 1 }],
            message: 'internal: invalid value for scalar "Int8", expected "FieldValue::Value"',
            path: ['a'],
          },
        ],
      },
      11: {
        data: { a: null, b: 48 },
        errors: [
          {
            locations: [{ column: 3, line: 1 }],
            message: 'internal: invalid value for scalar "Int16", expected "FieldValue::Value"',
            path: ['a'],
          },
        ],
      },
      12: {
        data: { a: null, b: 48 },
        errors: [
          {
            locations: [{ column: 3, line: 1 }],
            message: 'internal: invalid value for scalar "Int32", expected "FieldValue::Value"',
            path: ['a'],
          },
        ],
      },
      13: {
        data: { a: null, b: null },
        errors: [
          {
            locations: [{ column: 3, line: 1 }],
            message: 'internal: invalid value for scalar "Int64", expected "FieldValue::Value"',
            path: ['a'],
          },
          {
            locations: [{ column: 21, line: 1 }],
            message: 'internal: invalid value for scalar "Int64", expected "FieldValue::Value"',
            path: ['b'],
          },
        ],
      },
      14: {
        data: { a: null, b: null },
        errors: [
          {
            locations: [{ column: 3, line: 1 }],
            message: 'internal: invalid value for scalar "Int128", expected "FieldValue::Value"',
            path: ['a'],
          },
          {
            locations: [{ column: 22, line: 1 }],
            message: 'internal: invalid value for scalar "Int128", expected "FieldValue::Value"',
            path: ['b'],
          },
        ],
      },
      15: {
        data: { a: null, b: 48 },
        errors: [
          {
            locations: [{ column: 3, line: 1 }],
            message: 'internal: invalid value for scalar "UInt8", expected "FieldValue::Value"',
            path: ['a'],
          },
        ],
      },
      16: {
        data: { a: null, b: 48 },
        errors: [
          {
            locations: [{ column: 3, line: 1 }],
            message: 'internal: invalid value for scalar "UInt16", expected "FieldValue::Value"',
            path: ['a'],
          },
        ],
      },
      17: {
        data: { a: null, b: 48 },
        errors: [
          {
            locations: [{ column: 3, line: 1 }],
            message: 'internal: invalid value for scalar "UInt32", expected "FieldValue::Value"',
            path: ['a'],
          },
        ],
      },
      18: {
        data: { a: null, b: null },
        errors: [
          {
            locations: [{ column: 3, line: 1 }],
            message: 'internal: invalid value for scalar "UInt64", expected "FieldValue::Value"',
            path: ['a'],
          },
          {
            locations: [{ column: 22, line: 1 }],
            message: 'internal: invalid value for scalar "UInt64", expected "FieldValue::Value"',
            path: ['b'],
          },
        ],
      },
      19: {
        data: { a: null, b: null },
        errors: [
          {
            locations: [{ column: 3, line: 1 }],
            message: 'internal: invalid value for scalar "UInt128", expected "FieldValue::Value"',
            path: ['a'],
          },
          {
            locations: [{ column: 21, line: 1 }],
            message: 'internal: invalid value for scalar "UInt128", expected "FieldValue::Value"',
            path: ['b'],
          },
        ],
      },
    },
  },
  'test-scalars': {
    reason: 'spec-null-propagation',
    note: 'A custom scalar value failing its check is an error on its own nullable field: the other fields keep their values or nulls (GraphQL spec); Tailcall nulls the whole data at the first error.',
    bodies: {
      11: {
        data: { bytes: null },
        errors: [
          {
            locations: [{ column: 3, line: 1 }],
            message: 'internal: invalid value for scalar "Bytes", expected "FieldValue::Value"',
            path: ['bytes'],
          },
        ],
      },
    },
  },
};
