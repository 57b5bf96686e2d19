/**
 * The directives SDL (`.tailcallrc.graphql`) that tells editors which directives, inputs,
 * enums and scalars a config may use. It is derived from the directive specs the compiler
 * checks configs against, so it cannot drift from what tc-gen accepts: only what tc-gen
 * supports is declared.
 */
import { TC_GEN_VERSION } from '../version.ts';
import {
  DIRECTIVES,
  type ArgSpec,
  type ArgType,
  type DirectiveSpec,
} from '../load/directive-specs.ts';
import { TAILCALL_SCALARS } from '../validate/schema.ts';

/** Names for argument shapes used in several places, as Tailcall's own SDL names them. */
const SHARED_NAMES: readonly { name: string; matches: (type: ArgType) => boolean }[] = [
  {
    name: 'KeyValue',
    matches: (t) => t.kind === 'object' && Object.keys(t.fields).sort().join() === 'key,value',
  },
  {
    name: 'Method',
    matches: (t) => t.kind === 'enum' && t.values.includes('GET') && t.values.includes('POST'),
  },
];

/** Directives that may stand more than once at one place. */
const REPEATABLE = new Set(['link']);

/** `@link(type:)` values tc-gen implements (the others are reported as unsupported). */
const SUPPORTED_LINK_TYPES = new Set(['Config', 'Jwks', 'Htpasswd']);

/** Places a directive's spec names only so that the compiler can refuse it with its own message. */
const REFUSED_LOCATIONS: Readonly<Record<string, readonly string[]>> = {
  protected: ['INPUT_OBJECT', 'INPUT_FIELD_DEFINITION'],
};

export function directivesSdl(): string {
  const declarations = new Map<string, string>();
  const shapeNames = new Map<string, string>();

  const typeName = (type: ArgType, path: string[]): string => {
    switch (type.kind) {
      case 'Int':
      case 'String':
      case 'Boolean':
      case 'JSON':
        return type.kind;
      case 'list':
        return `[${typeName(type.of, path)}]`;
      case 'enum':
      case 'object': {
        if (type.kind === 'enum' && path.join('.') === 'link.type') {
          const values = type.values.filter((v) => SUPPORTED_LINK_TYPES.has(v));
          if (values.length < type.values.length)
            return typeName({ ...type, values }, ['LinkType']);
        }
        const shape = JSON.stringify(type);
        const known = shapeNames.get(shape);
        if (known) return known;
        const name =
          SHARED_NAMES.find((s) => s.matches(type))?.name ??
          path.map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
        shapeNames.set(shape, name);
        declarations.set(
          name,
          type.kind === 'enum'
            ? `enum ${name} {\n${type.values.map((v) => `  ${v}`).join('\n')}\n}`
            : `input ${name} {\n${fieldsOf(type.fields, path).join('\n')}\n}`,
        );
        return name;
      }
    }
  };

  const fieldsOf = (args: Readonly<Record<string, ArgSpec>>, path: string[]): string[] =>
    Object.entries(args)
      .filter(([, spec]) => !spec.unsupported)
      .map(([name, spec]) => {
        const note = spec.ignored ? '  "Accepted and ignored."\n' : '';
        return `${note}  ${name}: ${typeName(spec.type, [...path, name])}${spec.required ? '!' : ''}`;
      });

  const directives = [...DIRECTIVES.values()]
    .filter((spec) => !spec.unsupported)
    .map((spec: DirectiveSpec) => {
      const args = fieldsOf(spec.args, [spec.name]);
      const argList = args.length === 0 ? '' : `(\n${args.join('\n')}\n)`;
      const repeatable = REPEATABLE.has(spec.name) ? ' repeatable' : '';
      const refused = REFUSED_LOCATIONS[spec.name] ?? [];
      const locations = spec.locations.filter((l) => !refused.includes(l));
      return `directive @${spec.name}${argList}${repeatable} on ${locations.join(' | ')}`;
    });

  const scalars = TAILCALL_SCALARS.map((name) => `scalar ${name}`);
  return [
    `# The directives, inputs, enums and scalars of tc-gen ${TC_GEN_VERSION}'s config language,`,
    '# for editors (see .graphqlrc.yml). Made by `tc-gen init`; run it again in an empty folder',
    '# after upgrading tc-gen to refresh this file.',
    '',
    ...directives.flatMap((d) => [d, '']),
    ...[...declarations.keys()].sort().flatMap((name) => [declarations.get(name)!, '']),
    ...scalars,
    '',
  ].join('\n');
}
