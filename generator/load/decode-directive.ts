import { Kind, type ConstDirectiveNode, type ConstValueNode } from 'graphql';

import { DiagnosticCode, type DiagnosticBag } from '../diagnostics.ts';
import { argumentError } from './argument-errors.ts';
import type { ArgSpec, ArgType } from './directive-specs.ts';
import type { SourceFile } from './source-file.ts';

/** A decoded directive argument value: plain JSON. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A directive with its arguments decoded and the AST kept for locations. */
export interface DecodedDirective {
  name: string;
  node: ConstDirectiveNode;
  args: Record<string, JsonValue>;
  /** The AST value of each top-level argument, for pointing diagnostics at it. */
  argNodes: Record<string, ConstValueNode>;
  /** Tailcall-style trace prefix, e.g. `Query.user.@http`. */
  trace: string;
}

/** Turns a GraphQL literal into JSON; enum values become strings, as Tailcall reads them. */
export function valueToJson(node: ConstValueNode): JsonValue {
  switch (node.kind) {
    case Kind.NULL:
      return null;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.BOOLEAN:
      return node.value;
    case Kind.LIST:
      return node.values.map(valueToJson);
    case Kind.OBJECT:
      // Defined, not assigned: a `__proto__` key stays a member, as in Tailcall's JSON.
      return Object.fromEntries(node.fields.map((f) => [f.name.value, valueToJson(f.value)]));
  }
}

/**
 * Decodes and checks a directive's arguments against their spec, reporting
 * unknown, missing and ill-typed arguments with Tailcall's wording. Arguments
 * that fail are left out of the result; the caller sees what is usable.
 */
export function decodeDirective(
  node: ConstDirectiveNode,
  specArgs: Readonly<Record<string, ArgSpec>>,
  trace: string,
  file: SourceFile,
  bag: DiagnosticBag,
): DecodedDirective {
  const decoded: DecodedDirective = { name: node.name.value, node, args: {}, argNodes: {}, trace };
  const expected = Object.keys(specArgs);

  for (const arg of node.arguments ?? []) {
    const name = arg.name.value;
    const spec = specArgs[name];
    const argTrace = `${trace}.${name}`;
    if (!spec) {
      argumentError(
        bag,
        DiagnosticCode.UnknownArgument,
        `Parsing failed because of unknown field \`${name}\`, expected one of ${expected.map((n) => `\`${n}\``).join(', ')}`,
        file.spanOf(arg.name),
        argTrace,
      );
      continue;
    }
    if (spec.unsupported) {
      bag.error(
        DiagnosticCode.Unsupported,
        `@${node.name.value}(${name}:) is not supported by this version of tc-gen`,
        file.spanOf(arg.name),
        argTrace,
      );
      continue;
    }
    const value = checkValue(arg.value, spec.type, argTrace, file, bag);
    if (value !== undefined && !spec.ignored) {
      decoded.args[name] = value;
      decoded.argNodes[name] = arg.value;
    }
  }

  for (const [name, spec] of Object.entries(specArgs)) {
    if (spec.required && !(node.arguments ?? []).some((a) => a.name.value === name)) {
      argumentError(
        bag,
        DiagnosticCode.MissingArgument,
        `Parsing failed because of missing field \`${name}\``,
        file.spanOf(node),
        trace,
      );
    }
  }

  return decoded;
}

function checkValue(
  node: ConstValueNode,
  type: ArgType,
  trace: string,
  file: SourceFile,
  bag: DiagnosticBag,
): JsonValue | undefined {
  const fail = (message: string): undefined => {
    argumentError(
      bag,
      DiagnosticCode.InvalidArgument,
      `Parsing failed because of ${message}`,
      file.spanOf(node),
      trace,
    );
    return undefined;
  };

  switch (type.kind) {
    case 'JSON':
      return valueToJson(node);
    case 'String':
      if (node.kind === Kind.STRING || node.kind === Kind.ENUM) return node.value;
      return fail(`invalid type: ${describe(node)}, expected a string`);
    case 'Boolean':
      if (node.kind === Kind.BOOLEAN) return node.value;
      return fail(`invalid type: ${describe(node)}, expected a boolean`);
    case 'Int': {
      const expectedName = type.rust ?? 'i64';
      if (node.kind !== Kind.INT)
        return fail(`invalid type: ${describe(node)}, expected ${expectedName}`);
      const value = Number(node.value);
      if (
        (type.min !== undefined && value < type.min) ||
        (type.max !== undefined && value > type.max)
      ) {
        return fail(`invalid value: integer \`${node.value}\`, expected ${expectedName}`);
      }
      return value;
    }
    case 'enum': {
      if (node.kind !== Kind.ENUM && node.kind !== Kind.STRING) {
        return fail(`invalid type: ${describe(node)}, expected a variant name`);
      }
      if (!type.values.includes(node.value)) {
        return fail(
          `unknown variant \`${node.value}\`, expected one of ${type.values.map((v) => `\`${v}\``).join(', ')}`,
        );
      }
      return node.value;
    }
    case 'list': {
      if (node.kind !== Kind.LIST)
        return fail(`invalid type: ${describe(node)}, expected a sequence`);
      const items: JsonValue[] = [];
      let ok = true;
      node.values.forEach((item, index) => {
        const value = checkValue(item, type.of, `${trace}.${index}`, file, bag);
        if (value === undefined) ok = false;
        else items.push(value);
      });
      return ok ? items : undefined;
    }
    case 'object': {
      if (node.kind !== Kind.OBJECT) return fail(`invalid type: ${describe(node)}, expected a map`);
      const out: Record<string, JsonValue> = {};
      let ok = true;
      for (const field of node.fields) {
        const name = field.name.value;
        const spec = type.fields[name];
        if (!spec) {
          const expected = Object.keys(type.fields).map((n) => `\`${n}\``);
          argumentError(
            bag,
            DiagnosticCode.UnknownArgument,
            `Parsing failed because of unknown field \`${name}\`, expected one of ${expected.join(', ')}`,
            file.spanOf(field.name),
            `${trace}.${name}`,
          );
          ok = false;
          continue;
        }
        const value = checkValue(field.value, spec.type, `${trace}.${name}`, file, bag);
        if (value === undefined) ok = false;
        else out[name] = value;
      }
      // A misspelt key already reported as unknown would also show up here as missing.
      const misspelt = node.fields.some((f) => !type.fields[f.name.value]);
      for (const [name, spec] of Object.entries(type.fields)) {
        if (misspelt) break;
        if (spec.required && !(name in out) && !node.fields.some((f) => f.name.value === name)) {
          fail(`missing field \`${name}\``);
          ok = false;
        }
      }
      return ok ? out : undefined;
    }
  }
}

/** Describes a literal the way serde's "invalid type" errors do. */
function describe(node: ConstValueNode): string {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.ENUM:
      return `string ${JSON.stringify(node.value)}`;
    case Kind.INT:
      return `integer \`${node.value}\``;
    case Kind.FLOAT:
      return `floating point \`${node.value}\``;
    case Kind.BOOLEAN:
      return `boolean \`${node.value}\``;
    case Kind.NULL:
      return 'null';
    case Kind.LIST:
      return 'sequence';
    case Kind.OBJECT:
      return 'map';
  }
}
