/**
 * A config with 1,000 `@http` fields, to time `tc-gen build` on something large: 100 types,
 * each reached from `Query` by id (100 fields) and linked to 9 others through their parent's
 * id (900 fields), with path, query and header templates.
 */
export function thousandFieldConfig(types = 100, linksPerType = 9): string {
  const lines = [
    'schema @upstream(baseURL: "http://127.0.0.1:3000", batch: {delay: 1}) {',
    '  query: Query',
    '}',
    '',
    'type Query {',
  ];
  for (let t = 0; t < types; t++) {
    lines.push(
      `  item${t}(id: Int!, tag: String): Item${t} @http(path: "/items${t}/{{.args.id}}", ` +
        `query: [{key: "tag", value: "{{.args.tag}}"}])`,
    );
  }
  lines.push('}');
  for (let t = 0; t < types; t++) {
    lines.push('', `type Item${t} {`, '  id: Int!', '  name: String!', '  tags: [String]');
    for (let l = 1; l <= linksPerType; l++) {
      const target = (t + l) % types;
      lines.push(
        `  link${l}: [Item${target}] @http(path: "/items${t}/{{.value.id}}/link${l}", ` +
          `headers: [{key: "x-from", value: "{{.value.name}}"}])`,
      );
    }
    lines.push('}');
  }

  return `${lines.join('\n')}\n`;
}
