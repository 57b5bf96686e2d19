import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/**
 * Max query depth
 *
 * No operation selects fields nested more than `limit` levels deep. A root field is at depth 1
 * and each sub-selection adds one; fragments (spread or inline) add no level of their own, and
 * introspection fields count like any other. Deeply nested queries cost a resolver call per
 * level and item, so a client cannot make one request fan out without bound.
 *
 * Not part of the GraphQL spec; its validation rules are at
 * https://spec.graphql.org/October2021/#sec-Validation
 */
export function maxQueryDepthRule(limit: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const depth = selectionDepth(context, node.selectionSet, new Set());
      if (depth <= limit) return;

      const subject = node.name ? `Operation '${node.name.value}'` : 'The operation';
      context.reportError(
        new GraphQLError(
          `${subject} is nested ${depth} levels deep; at most ${limit} are allowed.`,
          { nodes: node },
        ),
      );
    },
  });
}

/** The deepest field level under `selectionSet`; fragments already entered count as 0 (cycles). */
function selectionDepth(
  context: ValidationContext,
  selectionSet: SelectionSetNode,
  entered: ReadonlySet<string>,
): number {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    let depth = 0;
    if (selection.kind === Kind.FIELD) {
      depth = selection.selectionSet
        ? 1 + selectionDepth(context, selection.selectionSet, entered)
        : 1;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      depth = selectionDepth(context, selection.selectionSet, entered);
    } else {
      const name = selection.name.value;
      const fragment = context.getFragment(name);
      // Unknown and cyclic fragments are reported by the spec's own rules.
      if (fragment && !entered.has(name)) {
        depth = selectionDepth(context, fragment.selectionSet, new Set([...entered, name]));
      }
    }
    deepest = Math.max(deepest, depth);
  }

  return deepest;
}
