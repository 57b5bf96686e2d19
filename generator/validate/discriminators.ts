import { getNamedType, isAbstractType, isObjectType, type GraphQLSchema } from 'graphql';

import { DiagnosticCode, type DiagnosticBag } from '../diagnostics.ts';
import type { SourceFile } from '../load/source-file.ts';
import { directivesOf, type DirectiveIndex } from '../model.ts';
import type { DiscriminatorPlan } from '../plan/plan.ts';

/**
 * For every field whose type is a union or an interface, how its values
 * name their member: `@discriminate(field:)` (default `type`), or
 * Tailcall's keyed form `{"Member": {...}}` without it.
 */
export function planDiscriminators(
  schema: GraphQLSchema,
  index: DirectiveIndex,
  file: SourceFile,
  bag: DiagnosticBag,
): Map<string, DiscriminatorPlan> {
  const plans = new Map<string, DiscriminatorPlan>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const named = getNamedType(field.type);
      const directive = directivesOf(index, coordinate, 'discriminate')[0];

      if (!isAbstractType(named)) {
        if (directive) {
          bag.error(
            DiagnosticCode.MisplacedDirective,
            `@discriminate needs a field whose type is a union or an interface, and ${named.name} is neither`,
            file.spanOf(directive.node),
            directive.trace,
          );
        }
        continue;
      }

      const members = schema.getPossibleTypes(named).map((t) => t.name);
      const plan: DiscriminatorPlan = { typeName: named.name, members };
      if (directive) {
        const discriminatorField = (directive.args['field'] as string | undefined) ?? 'type';
        if (discriminatorField === '') {
          bag.error(
            DiagnosticCode.InvalidArgument,
            `The \`field\` cannot be an empty string for the \`@discriminate\` of type ${named.name}`,
            file.spanOf(directive.argNodes['field']),
            coordinate,
          );
          continue;
        }
        plan.field = discriminatorField;
      }
      plans.set(coordinate, plan);
    }
  }
  return plans;
}
