import { isEnumType, isScalarType, valueFromASTUntyped, type GraphQLSchema } from 'graphql';

const BUILT_IN = ['Int', 'Float', 'String', 'Boolean', 'ID'];

/** Output checks of Tailcall's built-in custom scalars: a value failing one is a field error. */
const CHECKS: Readonly<Record<string, (value: unknown) => boolean>> = {
  Email: (v) => typeof v === 'string' && /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(v),
  // International format: a leading +, then 7 to 15 digits with the usual separators.
  PhoneNumber: (v) =>
    typeof v === 'string' && /^\+[\d\s().-]+$/.test(v) && /^\d{7,15}$/.test(v.replace(/\D/g, '')),
  Date: (v) =>
    typeof v === 'string' && (/^\d{4}-\d{2}-\d{2}$/.test(v) ? validDate(v) : isDateTime(v)),
  DateTime: (v) => typeof v === 'string' && isDateTime(v),
  Url: (v) => typeof v === 'string' && isUrl(v),
  Bytes: (v) => typeof v === 'string',
  JSON: () => true,
  Empty: (v) => v === null || v === undefined,
  Int8: (v) => isIntIn(v, -(2 ** 7), 2 ** 7 - 1),
  Int16: (v) => isIntIn(v, -(2 ** 15), 2 ** 15 - 1),
  Int32: (v) => isIntIn(v, -(2 ** 31), 2 ** 31 - 1),
  UInt8: (v) => isIntIn(v, 0, 2 ** 8 - 1),
  UInt16: (v) => isIntIn(v, 0, 2 ** 16 - 1),
  UInt32: (v) => isIntIn(v, 0, 2 ** 32 - 1),
  // Wider than a double holds exactly: written as strings of digits, as Tailcall expects them.
  Int64: (v) => isBigIntIn(v, -(2n ** 63n), 2n ** 63n - 1n),
  UInt64: (v) => isBigIntIn(v, 0n, 2n ** 64n - 1n),
  Int128: (v) => isBigIntIn(v, -(2n ** 127n), 2n ** 127n - 1n),
  UInt128: (v) => isBigIntIn(v, 0n, 2n ** 128n - 1n),
};

function isIntIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function isBigIntIn(value: unknown, min: bigint, max: bigint): boolean {
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) return false;
  const n = BigInt(value);
  return n >= min && n <= max;
}

function validDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

function isDateTime(text: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(text) &&
    !Number.isNaN(Date.parse(text))
  );
}

function isUrl(text: string): boolean {
  try {
    return new URL(text).host !== '' || /^[a-z][a-z0-9+.-]*:/i.test(text);
  } catch {
    return false;
  }
}

/**
 * Scalars behave as in Tailcall:
 * - the built-in ones (`Int`, `String`, `ID`, ...) return upstream values as they are: an `ID`
 *   sent as 1 stays 1 (graphql-js would coerce or reject it);
 * - Tailcall's custom scalars (`Email`, `Date`, `Int64`, ...) are checked on output, and a value
 *   failing the check is an error on its field;
 * - inputs are never checked, and scalars the config declares itself pass through.
 *
 * The built-in scalar objects are shared by every schema of the process; the generated server
 * has exactly one.
 */
export function tailcallScalars(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isScalarType(type) || type.name.startsWith('__')) continue;
    const check = CHECKS[type.name];
    if (BUILT_IN.includes(type.name)) {
      type.serialize = (value: unknown) => value;
    } else if (check) {
      type.serialize = (value: unknown) => {
        if (!check(value))
          throw new Error(
            `internal: invalid value for scalar "${type.name}", expected "FieldValue::Value"`,
          );
        return value;
      };
      type.parseValue = (value: unknown) => value;
      type.parseLiteral = (node, variables) => valueFromASTUntyped(node, variables);
    } else if (type.astNode) {
      type.serialize = (value: unknown) => value;
      type.parseValue = (value: unknown) => value;
      type.parseLiteral = (node, variables) => valueFromASTUntyped(node, variables);
    }
  }
}

/** Enum name → upstream alias → enum value (`@alias(options:)`). */
export type EnumAliases = Readonly<Record<string, Readonly<Record<string, string>>>>;

/**
 * Enums behave as in Tailcall: an output value must be one of the enum's values (or one of
 * their `@alias` options), else the field fails with Tailcall's message.
 */
export function tailcallEnums(schema: GraphQLSchema, aliases: EnumAliases): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isEnumType(type) || type.name.startsWith('__')) continue;
    const names = new Set(type.getValues().map((v) => v.name));
    const known = aliases[type.name] ?? {};
    type.serialize = (value: unknown) => {
      if (typeof value === 'string' && (names.has(value) || Object.hasOwn(known, value)))
        return value;
      throw new Error(`internal: invalid item for enum "${type.name}"`);
    };
  }
}

/**
 * The value a field with a resolver returns for an aliased enum: `@alias` options become the
 * enum value they stand for (lists item by item). Values nested in objects pass unchanged.
 */
export function enumValue(value: unknown, aliases: Readonly<Record<string, string>>): unknown {
  if (Array.isArray(value)) return value.map((item) => enumValue(item, aliases));
  return typeof value === 'string' && Object.hasOwn(aliases, value) ? aliases[value] : value;
}
