import { isNonNullType, type GraphQLSchema } from 'graphql';

import { DiagnosticCode, type DiagnosticBag } from '../diagnostics.ts';
import type { DecodedDirective, JsonValue } from '../load/decode-directive.ts';
import type { SourceFile } from '../load/source-file.ts';
import type { UpstreamSettings } from '../model.ts';
import type { CallStepPlan } from '../plan/plan.ts';
import { compileValueTemplate } from './expr.ts';
import type { TemplateScope } from './templates.ts';

interface Step {
  query?: string;
  mutation?: string;
  args?: JsonValue;
}

/**
 * `@call(steps:)`: each step names a field of the root `Query` or `Mutation` type that has a
 * resolver; the generated resolver calls those resolvers one after the other. The first
 * step's `args` are rendered in the caller's context; every later step gets the previous
 * step's result as its `.args` (as its whole argument object when it has no `args`).
 * Reports misuse in Tailcall's words; returns undefined when there was any.
 */
export function compileCall(
  directive: DecodedDirective,
  scope: TemplateScope,
  schema: GraphQLSchema,
  hasResolver: (coordinate: string) => boolean,
  upstream: UpstreamSettings,
  file: SourceFile,
  bag: DiagnosticBag,
): CallStepPlan[] | undefined {
  const span = file.spanOf(directive.node);
  const fail = (message: string, trace = directive.trace) =>
    bag.error(DiagnosticCode.InvalidCall, message, span, trace);
  const steps = (directive.args['steps'] as Step[] | undefined) ?? [];
  if (steps.length === 0) {
    fail("Steps can't be empty");
    return undefined;
  }

  const errorsBefore = bag.items.length;
  const plans: CallStepPlan[] = [];
  steps.forEach((step, i) => {
    const operation =
      step.query !== undefined ? 'query' : step.mutation !== undefined ? 'mutation' : undefined;
    const fieldName = step.query ?? step.mutation;
    if (operation === undefined || fieldName === undefined) {
      fail('call must have query or mutation');
      return;
    }
    const root = operation === 'query' ? schema.getQueryType() : schema.getMutationType();
    if (!root) {
      fail(`Cannot find type ${operation === 'query' ? 'Query' : 'Mutation'} in the config`);
      return;
    }
    const target = root.getFields()[fieldName];
    if (!target) {
      fail(`Cannot find field ${fieldName} in the type`);
      return;
    }
    if (!hasResolver(`${root.name}.${fieldName}`)) {
      fail(`field ${fieldName} has no resolver`);
      return;
    }
    // A later step without `args` takes the previous result whole: its shape is not known here.
    const given =
      step.args !== undefined && step.args !== null && typeof step.args === 'object'
        ? new Set(Object.keys(step.args))
        : i === 0
          ? new Set(scope.field.args.map((a) => a.name))
          : undefined;
    for (const arg of target.args) {
      if (
        given &&
        isNonNullType(arg.type) &&
        arg.defaultValue === undefined &&
        !given.has(arg.name)
      )
        fail(`no argument ''${arg.name}'' found`, `${directive.trace}.${fieldName}`);
    }

    const plan: CallStepPlan = { typeName: root.name, fieldName };
    if (step.args !== undefined) {
      // After the first step, `.args` is the previous step's result, whatever its shape.
      const stepScope = i === 0 ? scope : { ...scope, pipedArgs: true };
      const ctx = { scope: stepScope, directive, file, bag, upstream };
      plan.args = compileValueTemplate(
        step.args,
        directive.argNodes['steps'],
        `${directive.trace}.steps`,
        ctx,
      );
    }
    plans.push(plan);
  });
  return bag.items.length > errorsBefore ? undefined : plans;
}
