import { isScalarType, type GraphQLSchema } from 'graphql';

const BUILT_IN = ['Int', 'Float', 'String', 'Boolean', 'ID'];

/**
 * Makes the built-in scalars return upstream values as they are, as Tailcall
 * does: an `ID` the upstream sends as the number 1 stays `1`, not `"1"`.
 * graphql-js would coerce (or reject) them; configs moved from Tailcall, and
 * their clients, rely on the values passing through.
 *
 * The built-in scalar objects are shared by every schema of the process; the
 * generated server has exactly one.
 */
export function passThroughBuiltInScalars(schema: GraphQLSchema): void {
  for (const name of BUILT_IN) {
    const type = schema.getType(name);
    if (isScalarType(type)) type.serialize = (value: unknown) => value;
  }
}
