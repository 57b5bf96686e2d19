/**
 * Syntax errors in Tailcall's words: every expected message below is what `tailcall check`
 * (v1.6.14) printed for the config, its pest parser's frame and rule names.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';

import { analyze } from '../generator/compiler.ts';
import { pestSyntaxError } from '../generator/load/pest-syntax.ts';

const work = path.resolve(import.meta.dirname, '..', '.work');

const TAILCALL_ANSWERS: [string, string][] = [
  [
    'schema { query: Query }\ntype Query { a: String @expr(body: 1) }\nenum Foo {}\n',
    ' --> 3:11\n  |\n3 | enum Foo {}\n  |           ^---\n  |\n  = expected enum_value_definition',
  ],
  [
    'schema { query: Query }\ntype Query { a: String @expr(body: 1) }\ntype Foo {}\n',
    ' --> 3:11\n  |\n3 | type Foo {}\n  |           ^---\n  |\n  = expected field_definition',
  ],
  [
    'schema { query: Query }\ntype Query { a: String @expr(body: 1) }\ninput Foo {}\n',
    ' --> 3:12\n  |\n3 | input Foo {}\n  |            ^---\n  |\n  = expected input_value_definition',
  ],
  [
    'schema { query: Query }\ntype Query {\n  a String @expr(body: 1)\n}\n',
    ' --> 3:5\n  |\n3 |   a String @expr(body: 1)\n  |     ^---\n  |\n  = expected arguments_definition',
  ],
  [
    'schema { query: Query }\ntype Query {\n  a: @expr(body: 1)\n}\n',
    ' --> 3:6\n  |\n3 |   a: @expr(body: 1)\n  |      ^---\n  |\n  = expected type_',
  ],
  [
    'schema { query: Query }\ntype Query {\n  a: String @expr(body: "abc)\n}\n',
    ' --> 3:25\n  |\n3 |   a: String @expr(body: "abc)\n  |                         ^---\n  |\n  = expected const_value',
  ],
  [
    'schema { query: Query }\ntype Query {\n  a: String @expr(body: 1)\n',
    ' --> 4:1\n  |\n4 | \n  | ^---\n  |\n  = expected field_definition or const_directive',
  ],
  [
    'schema { query: Query }\ntype Query { a: String @expr(body: 1) }\n}\n',
    ' --> 3:1\n  |\n3 | }\n  | ^---\n  |\n  = expected EOI or type_system_definition',
  ],
  [
    'schema { query: Query }\ntype Query {\n  a: String @expr(body: 1) ;\n}\n',
    ' --> 3:28\n  |\n3 |   a: String @expr(body: 1) ;\n  |                            ^---\n  |\n  = expected field_definition or const_directive',
  ],
  [
    'schema { query: Query }\ntype Query {\n  a: String @expr(body 1)\n}\n',
    ' --> 3:19\n  |\n3 |   a: String @expr(body 1)\n  |                   ^---\n  |\n  = expected const_argument',
  ],
  [
    'schema { query: Query }\ntype Query {\n  a: String @expr(body: )\n}\n',
    ' --> 3:25\n  |\n3 |   a: String @expr(body: )\n  |                         ^---\n  |\n  = expected const_value',
  ],
  [
    'schema { query: Query }\ntype Query {\n  a(): String @expr(body: 1)\n}\n',
    ' --> 3:5\n  |\n3 |   a(): String @expr(body: 1)\n  |     ^---\n  |\n  = expected input_value_definition',
  ],
  [
    'schema {}\ntype Query { a: String @expr(body: 1) }\n',
    ' --> 1:9\n  |\n1 | schema {}\n  |         ^---\n  |\n  = expected operation_type',
  ],
  [
    'schema { query: Query }\ntype Query { a: String @expr(body: 1) }\nunion U =\n',
    ' --> 4:1\n  |\n4 | \n  | ^---\n  |\n  = expected name',
  ],
  [
    'schema { query: Query }\ntype Query { a: String @expr(body: 1) }\nfoo\n',
    ' --> 3:1\n  |\n3 | foo\n  | ^---\n  |\n  = expected EOI or type_system_definition',
  ],
  [
    'schema { query: Query }\ntype Query {\n  a: [String @expr(body: 1)\n}\n',
    ' --> 3:6\n  |\n3 |   a: [String @expr(body: 1)\n  |      ^---\n  |\n  = expected type_',
  ],
  [
    'schema { query: Query }\ntype Query {\n  a: String @expr(body: {x: 1, y: })\n}\n',
    ' --> 3:35\n  |\n3 |   a: String @expr(body: {x: 1, y: })\n  |                                   ^---\n  |\n  = expected const_value',
  ],
  [
    'schema { query: Query }\ntype Query {\n  a: String @expr(body: [1, 2)\n}\n',
    ' --> 3:30\n  |\n3 |   a: String @expr(body: [1, 2)\n  |                              ^---\n  |\n  = expected const_value',
  ],
  [
    'schema @server(port: 8000 { query: Query }\ntype Query { a: String @expr(body: 1) }\n',
    ' --> 1:27\n  |\n1 | schema @server(port: 8000 { query: Query }\n  |                           ^---\n  |\n  = expected name',
  ],
  [
    'schema { query: Query }\ntype Query {\n  a(x: Int = ): String @expr(body: 1)\n}\n',
    ' --> 3:14\n  |\n3 |   a(x: Int = ): String @expr(body: 1)\n  |              ^---\n  |\n  = expected const_value',
  ],
  [
    'schema { query: Query }\ntype Query {\n  a: String @expr(body: 1) @\n}\n',
    ' --> 4:1\n  |\n4 | }\n  | ^---\n  |\n  = expected name',
  ],
  [
    'schema { query: Query }\ntype Query implements {\n  a: String @expr(body: 1)\n}\n',
    ' --> 2:23\n  |\n2 | type Query implements {\n  |                       ^---\n  |\n  = expected name',
  ],
  [
    'schema { query: Query }\ntype Query { a: String @expr(body: 1) }\nenum E { A B true }\n',
    ' --> 3:14\n  |\n3 | enum E { A B true }\n  |              ^---\n  |\n  = expected enum_value_definition or const_directive',
  ],
  [
    'schema { query: Query }\ntype Query {\n  "desc"\n}\n',
    ' --> 4:1\n  |\n4 | }\n  | ^---\n  |\n  = expected name',
  ],
  [
    'schema { query: Query }\ntype Query {\n  a: String! @expr(body: 1.)\n}\n',
    ' --> 3:27\n  |\n3 |   a: String! @expr(body: 1.)\n  |                           ^---\n  |\n  = expected name',
  ],
  [
    'schema { query: Query }\ntype Query {\n  # comment\n  a: String @http(url: "http://x", query: [{key: "a", value: "b"}, {key: }])\n}\n',
    ' --> 4:74\n  |\n4 |   a: String @http(url: "http://x", query: [{key: "a", value: "b"}, {key: }])\n  |                                                                          ^---\n  |\n  = expected const_value',
  ],
  [
    'schema { query: Query }\ntype Query { a: String @expr(body: 1) }\nscalar\n',
    ' --> 4:1\n  |\n4 | \n  | ^---\n  |\n  = expected name',
  ],
  [
    'schema { query: Query }\ntype Query { a: String @expr(body: 1) }\ntype Foo { a: Int } extra\n',
    ' --> 3:21\n  |\n3 | type Foo { a: Int } extra\n  |                     ^---\n  |\n  = expected EOI or type_system_definition',
  ],
  [
    'schema { query: Query }\ntype Query { a: String @expr(body: 1) }\nenum E { A @alias(options: ["x"]) , }\nenum F { null }\n',
    ' --> 4:10\n  |\n4 | enum F { null }\n  |          ^---\n  |\n  = expected enum_value_definition',
  ],
  [
    'schema { query: Query }\ntype Query {\n\ta: String\t@expr(body:\t)\n}\n',
    ' --> 3:24\n  |\n3 | \ta: String\t@expr(body:\t)\n  | \t         \t           \t^---\n  |\n  = expected const_value',
  ],
  [
    'schema { query: Query }\ntype Query {\n  a: String @expr(body: "é \\u12")\n}\n',
    ' --> 3:25\n  |\n3 |   a: String @expr(body: "é \\u12")\n  |                         ^---\n  |\n  = expected const_value',
  ],
];

describe('syntax errors: the frame and rule Tailcall reports', () => {
  for (const [config, message] of TAILCALL_ANSWERS) {
    it(message.split('\n').at(-1)!.trim() + ' at ' + message.split('\n')[0]!.trim(), async () => {
      await mkdir(work, { recursive: true });
      const dir = await mkdtemp(path.join(work, 'syntax-'));
      await writeFile(path.join(dir, 'config.graphql'), config);
      const result = await analyze(path.join(dir, 'config.graphql'), dir);
      const [line, column] = message.split('\n')[0]!.replace(' --> ', '').split(':').map(Number);
      assert.deepEqual(
        result.diagnostics.map((d) => [d.code, d.message, d.trace, d.span?.line, d.span?.column]),
        [['TCG_SYNTAX', message, undefined, line, column]],
      );
    });
  }

  it('accepts what the grammar accepts', () => {
    const valid = [
      'schema @server(port: 8000) { query: Query }\ntype Query { a: [Int!]! @expr(body: [1, -2.5e3]) }',
      '"""doc"""\ntype Query implements & A & B @x { "d" a(x: Int = 1 @y): String }\nextend type Query @z',
      'union U = | A | B\nenum E { A @alias(options: ["a"]) B }\ninput I { a: Int = null }',
      'directive @x(a: Int) repeatable on FIELD_DEFINITION | OBJECT\n# comment\nscalar S',
    ];
    for (const text of valid) assert.equal(pestSyntaxError(text), undefined, text);
  });
});
