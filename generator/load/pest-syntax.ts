/**
 * Where Tailcall's SDL parser stops on a syntax error, and what it says it expected there.
 *
 * Tailcall parses configs with async-graphql's parser, a pest grammar. pest reports the
 * furthest position any grammar rule was tried at, and the rules tried there: a rule that
 * fails where it started stands for the rules it tried inside, unless exactly one of them
 * was tried; rules inside `@` (atomic) rules and plain literals are never named. This module
 * runs the same grammar (its service-document half) with the same bookkeeping, so the
 * message is the one Tailcall prints, e.g. `expected enum_value_definition`. It only runs
 * after graphql-js has refused the text.
 */

export interface PestSyntaxError {
  /** Offset of the error in the text (UTF-16 code units). */
  offset: number;
  /** pest's line, e.g. `expected field_definition or const_directive`. */
  reason: string;
}

type Atomicity = 'non' | 'compound' | 'atomic';
type Lookahead = 'none' | 'positive' | 'negative';
type Parse = () => boolean;

/** The rules in the order the grammar declares them: pest lists expected rules in this order. */
const RULE_ORDER = [
  'EOI',
  'service_document',
  'type_system_definition',
  'schema_definition',
  'operation_type_definition',
  'type_definition',
  'scalar_type',
  'object_type',
  'implements_interfaces',
  'interface_type',
  'fields_definition',
  'field_definition',
  'union_type',
  'union_member_types',
  'enum_type',
  'enum_values',
  'enum_value_definition',
  'input_object_type',
  'input_fields_definition',
  'extend',
  'directive_definition',
  'repeatable',
  'directive_locations',
  'directive_location',
  'arguments_definition',
  'input_value_definition',
  'operation_type',
  'default_value',
  'type_',
  'const_value',
  'number',
  'float',
  'fractional',
  'exponent',
  'int',
  'string',
  'block_string_content',
  'block_string_character',
  'string_content',
  'string_character',
  'unicode_scalar_value_hex',
  'boolean',
  'null',
  'enum_value',
  'const_list',
  'const_object',
  'const_object_field',
  'const_directives',
  'const_directive',
  'const_arguments',
  'const_argument',
  'name_start',
  'name',
] as const;

type RuleName = (typeof RULE_ORDER)[number];

/** Runs the grammar over `text`; undefined when Tailcall's parser would accept it. */
export function pestSyntaxError(text: string): PestSyntaxError | undefined {
  const state = {
    pos: 0,
    attemptPos: 0,
    positives: [] as RuleName[],
    negatives: [] as RuleName[],
    atomicity: 'non' as Atomicity,
    lookahead: 'none' as Lookahead,
  };

  const attemptsAt = (pos: number) =>
    state.attemptPos === pos ? state.positives.length + state.negatives.length : 0;

  // pest's bookkeeping of a rule that failed (or matched inside a negative lookahead).
  const track = (rule: RuleName, pos: number, posIndex: number, negIndex: number, prev: number) => {
    if (state.atomicity === 'atomic') return;
    const current = attemptsAt(pos);
    if (current > prev && current - prev === 1) return;
    if (pos === state.attemptPos) {
      state.positives.length = posIndex;
      state.negatives.length = negIndex;
    }
    if (pos > state.attemptPos) {
      state.positives = [];
      state.negatives = [];
      state.attemptPos = pos;
    }
    if (pos === state.attemptPos)
      (state.lookahead === 'negative' ? state.negatives : state.positives).push(rule);
  };

  const rules = new Map<RuleName, Parse>();
  const ref =
    (name: RuleName): Parse =>
    () =>
      rules.get(name)!();
  const define = (name: RuleName, kind: Atomicity | 'normal', body: Parse) => {
    rules.set(name, () => {
      const start = state.pos;
      const [posIndex, negIndex] =
        start === state.attemptPos ? [state.positives.length, state.negatives.length] : [0, 0];
      const prev = attemptsAt(start);
      const outer = state.atomicity;
      if (kind !== 'normal') state.atomicity = kind;
      const matched = body();
      state.atomicity = outer;
      if (!matched) state.pos = start;
      if (matched ? state.lookahead === 'negative' : state.lookahead !== 'negative')
        track(name, start, posIndex, negIndex, prev);
      return matched;
    });
  };

  // Implicit whitespace between the parts of non-atomic rules: never named in errors.
  const skip = () => {
    if (state.atomicity !== 'non') return;
    const match = /^(?:[ ,\t\uFEFF\r\n]|#[^\r\n]*)*/.exec(text.slice(state.pos));
    state.pos += match?.[0].length ?? 0;
  };
  const lit =
    (literal: string): Parse =>
    () => {
      if (!text.startsWith(literal, state.pos)) return false;
      state.pos += literal.length;
      return true;
    };
  const char =
    (pattern: RegExp): Parse =>
    () => {
      const next = text[state.pos];
      if (next === undefined || !pattern.test(next)) return false;
      state.pos++;
      return true;
    };
  const any: Parse = () => {
    if (state.pos >= text.length) return false;
    state.pos += (text.codePointAt(state.pos) ?? 0) > 0xffff ? 2 : 1;
    return true;
  };
  const seq =
    (...parts: Parse[]): Parse =>
    () => {
      const start = state.pos;
      for (const [i, part] of parts.entries()) {
        if (i > 0) skip();
        if (!part()) {
          state.pos = start;
          return false;
        }
      }
      return true;
    };
  const alt =
    (...choices: Parse[]): Parse =>
    () => {
      const start = state.pos;
      for (const choice of choices) {
        if (choice()) return true;
        state.pos = start;
      }
      return false;
    };
  const opt =
    (part: Parse): Parse =>
    () => {
      const start = state.pos;
      if (!part()) state.pos = start;
      return true;
    };
  const many =
    (part: Parse): Parse =>
    () => {
      const start = state.pos;
      if (!part()) {
        state.pos = start;
        return true;
      }
      for (;;) {
        const before = state.pos;
        skip();
        if (!part()) {
          state.pos = before;
          return true;
        }
      }
    };
  const some = (part: Parse): Parse => seq(part, many(part));
  const not =
    (part: Parse): Parse =>
    () => {
      const start = state.pos;
      const outer = state.lookahead;
      state.lookahead = outer === 'negative' ? 'positive' : 'negative';
      const matched = part();
      state.lookahead = outer;
      state.pos = start;
      return !matched;
    };
  const soi: Parse = () => state.pos === 0;

  const r = ref;
  const description = opt(r('string'));
  const constDirectives = opt(r('const_directives'));
  const extendDefinition = (keyword: string, ...rest: Parse[]) =>
    seq(r('extend'), lit(keyword), r('name'), ...rest);

  define('EOI', 'normal', () => state.pos === text.length);
  define('service_document', 'normal', seq(soi, some(r('type_system_definition')), r('EOI')));
  define(
    'type_system_definition',
    'normal',
    alt(r('schema_definition'), r('type_definition'), r('directive_definition')),
  );
  const schemaBody = seq(lit('{'), some(r('operation_type_definition')), lit('}'));
  define(
    'schema_definition',
    'normal',
    alt(
      seq(lit('schema'), constDirectives, schemaBody),
      seq(r('extend'), lit('schema'), alt(seq(constDirectives, schemaBody), r('const_directives'))),
    ),
  );
  define('operation_type_definition', 'normal', seq(r('operation_type'), lit(':'), r('name')));
  define(
    'type_definition',
    'normal',
    alt(
      r('scalar_type'),
      r('object_type'),
      r('interface_type'),
      r('union_type'),
      r('enum_type'),
      r('input_object_type'),
    ),
  );
  define(
    'scalar_type',
    'normal',
    alt(
      seq(description, lit('scalar'), r('name'), constDirectives),
      extendDefinition('scalar', r('const_directives')),
    ),
  );
  const implementsInterfaces = opt(r('implements_interfaces'));
  define(
    'object_type',
    'normal',
    alt(
      seq(
        description,
        lit('type'),
        r('name'),
        implementsInterfaces,
        constDirectives,
        opt(r('fields_definition')),
      ),
      extendDefinition(
        'type',
        alt(
          seq(implementsInterfaces, constDirectives, r('fields_definition')),
          seq(r('implements_interfaces'), constDirectives),
          r('const_directives'),
        ),
      ),
    ),
  );
  define(
    'implements_interfaces',
    'normal',
    seq(lit('implements'), opt(lit('&')), r('name'), many(seq(lit('&'), r('name')))),
  );
  define(
    'interface_type',
    'normal',
    alt(
      seq(
        description,
        lit('interface'),
        r('name'),
        implementsInterfaces,
        constDirectives,
        opt(r('fields_definition')),
      ),
      extendDefinition(
        'interface',
        implementsInterfaces,
        alt(seq(constDirectives, r('fields_definition')), r('const_directives')),
      ),
    ),
  );
  define('fields_definition', 'normal', seq(lit('{'), some(r('field_definition')), lit('}')));
  define(
    'field_definition',
    'normal',
    seq(
      description,
      r('name'),
      opt(r('arguments_definition')),
      lit(':'),
      r('type_'),
      constDirectives,
    ),
  );
  define(
    'union_type',
    'normal',
    alt(
      seq(description, lit('union'), r('name'), constDirectives, opt(r('union_member_types'))),
      extendDefinition(
        'union',
        alt(seq(constDirectives, r('union_member_types')), r('const_directives')),
      ),
    ),
  );
  define(
    'union_member_types',
    'normal',
    seq(lit('='), opt(lit('|')), r('name'), many(seq(lit('|'), r('name')))),
  );
  define(
    'enum_type',
    'normal',
    alt(
      seq(description, lit('enum'), r('name'), constDirectives, opt(r('enum_values'))),
      extendDefinition('enum', alt(seq(constDirectives, r('enum_values')), r('const_directives'))),
    ),
  );
  define('enum_values', 'normal', seq(lit('{'), some(r('enum_value_definition')), lit('}')));
  define('enum_value_definition', 'normal', seq(description, r('enum_value'), constDirectives));
  define(
    'input_object_type',
    'normal',
    alt(
      seq(description, lit('input'), r('name'), constDirectives, opt(r('input_fields_definition'))),
      extendDefinition(
        'input',
        alt(seq(constDirectives, r('input_fields_definition')), r('const_directives')),
      ),
    ),
  );
  define(
    'input_fields_definition',
    'normal',
    seq(lit('{'), some(r('input_value_definition')), lit('}')),
  );
  define('extend', 'normal', lit('extend'));
  define(
    'directive_definition',
    'normal',
    seq(
      description,
      lit('directive'),
      lit('@'),
      r('name'),
      opt(r('arguments_definition')),
      opt(r('repeatable')),
      lit('on'),
      r('directive_locations'),
    ),
  );
  define('repeatable', 'normal', lit('repeatable'));
  define(
    'directive_locations',
    'normal',
    seq(opt(lit('|')), r('directive_location'), many(seq(lit('|'), r('directive_location')))),
  );
  // graphql-js checks the location names themselves.
  define('directive_location', 'normal', r('name'));
  define(
    'arguments_definition',
    'normal',
    seq(lit('('), some(r('input_value_definition')), lit(')')),
  );
  define(
    'input_value_definition',
    'normal',
    seq(description, r('name'), lit(':'), r('type_'), opt(r('default_value')), constDirectives),
  );
  define('operation_type', 'normal', alt(lit('query'), lit('mutation'), lit('subscription')));
  define('default_value', 'normal', seq(lit('='), r('const_value')));
  define(
    'type_',
    'atomic',
    seq(alt(r('name'), seq(lit('['), r('type_'), lit(']'))), opt(lit('!'))),
  );
  define(
    'const_value',
    'normal',
    alt(
      r('number'),
      r('string'),
      r('boolean'),
      r('null'),
      r('enum_value'),
      r('const_list'),
      r('const_object'),
    ),
  );
  define('number', 'atomic', seq(alt(r('float'), r('int')), not(r('name_start'))));
  define(
    'float',
    'normal',
    seq(r('int'), alt(seq(r('fractional'), r('exponent')), r('fractional'), r('exponent'))),
  );
  const digit = char(/[0-9]/);
  define('fractional', 'normal', seq(lit('.'), some(digit)));
  define('exponent', 'normal', seq(char(/[eE]/), opt(char(/[+-]/)), some(digit)));
  define('int', 'normal', seq(opt(lit('-')), alt(lit('0'), seq(char(/[1-9]/), many(digit)))));
  define(
    'string',
    'compound',
    alt(
      seq(lit('"""'), r('block_string_content'), lit('"""')),
      seq(lit('"'), r('string_content'), lit('"')),
    ),
  );
  define('block_string_content', 'atomic', many(r('block_string_character')));
  define(
    'block_string_character',
    'normal',
    alt(seq(not(alt(lit('"""'), lit('\\"""'))), any), lit('\\"""')),
  );
  define('string_content', 'atomic', many(r('string_character')));
  define(
    'string_character',
    'normal',
    alt(
      seq(not(alt(lit('"'), lit('\\'), char(/[\r\n]/))), any),
      seq(lit('\\'), char(/["\\/bfnrt]/)),
      seq(lit('\\u'), r('unicode_scalar_value_hex')),
    ),
  );
  const hex = char(/[0-9a-fA-F]/);
  define(
    'unicode_scalar_value_hex',
    'normal',
    seq(not(seq(char(/[dD]/), char(/[89a-fA-F]/))), hex, hex, hex, hex),
  );
  define('boolean', 'normal', alt(lit('true'), lit('false')));
  define('null', 'normal', lit('null'));
  define('enum_value', 'compound', seq(not(alt(r('boolean'), r('null'))), r('name')));
  define('const_list', 'normal', seq(lit('['), many(r('const_value')), lit(']')));
  define('const_object', 'normal', seq(lit('{'), many(r('const_object_field')), lit('}')));
  define('const_object_field', 'normal', seq(r('name'), lit(':'), r('const_value')));
  define('const_directives', 'normal', some(r('const_directive')));
  define('const_directive', 'normal', seq(lit('@'), r('name'), opt(r('const_arguments'))));
  define('const_arguments', 'normal', seq(lit('('), some(r('const_argument')), lit(')')));
  define('const_argument', 'normal', seq(r('name'), lit(':'), r('const_value')));
  define('name_start', 'atomic', char(/[A-Za-z_]/));
  define('name', 'atomic', seq(r('name_start'), many(char(/[A-Za-z0-9_]/))));

  if (rules.get('service_document')!()) return undefined;

  const order = (a: RuleName, b: RuleName) => RULE_ORDER.indexOf(a) - RULE_ORDER.indexOf(b);
  const positives = [...new Set(state.positives)].sort(order);
  const negatives = [...new Set(state.negatives)].sort(order);
  const reason =
    negatives.length > 0 && positives.length > 0
      ? `unexpected ${enumerate(negatives)}; expected ${enumerate(positives)}`
      : negatives.length > 0
        ? `unexpected ${enumerate(negatives)}`
        : positives.length > 0
          ? `expected ${enumerate(positives)}`
          : 'unknown parsing error';

  return { offset: state.attemptPos, reason };
}

/** pest's list of rule names: `a`, `a or b`, `a, b, or c`. */
function enumerate(rules: readonly string[]): string {
  if (rules.length <= 2) return rules.join(' or ');
  return `${rules.slice(0, -1).join(', ')}, or ${rules.at(-1)}`;
}
