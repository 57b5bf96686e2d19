import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isListType,
  isObjectType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
} from 'graphql';
import {
  Project,
  VariableDeclarationKind,
  type FunctionDeclarationStructure,
  type OptionalKind,
  type ParameterDeclarationStructure,
  type SourceFile,
  type WriterFunction,
} from 'ts-morph';

/**
 * Collects the resolver functions so they are added to the file in one go: ts-morph reparses
 * the file after each insertion, which made one call per function quadratic in their number.
 */
type FunctionSink = { addFunction(structure: OptionalKind<FunctionDeclarationStructure>): void };

import {
  NameRegistry,
  RESOLVERS_MODULE_NAMES,
  jsonExpression,
  propertyKey,
  upperFirst,
} from '../naming.ts';
import type { JsonValue } from '../load/decode-directive.ts';
import type {
  CallResolverPlan,
  DiscriminatorPlan,
  HttpResolverPlan,
  MergedResolverPlan,
  Plan,
  ValueTemplate,
} from '../plan/plan.ts';
import type { AddedField } from '../validate/shape.ts';
import { parseTemplate } from '../template/mustache.ts';
import { sharingTable } from './sharing.ts';
import { ExpressionWriter } from './expressions.ts';
import { lineText } from './comments.ts';
import { renderImports } from './imports.ts';
import { tsType } from './type-mapping.ts';

/** What the resolver map needs of a generated resolver function. */
type FieldResolver = Pick<HttpResolverPlan, 'typeName' | 'fieldName' | 'functionName'>;

/** Names every plain object answers to through Object.prototype. */
const OBJECT_PROTOTYPE_MEMBERS = new Set(Object.getOwnPropertyNames(Object.prototype));

/** The module constant describing a discriminator, e.g. `fooBarKeyed` or `fooBarByType`. */
function discriminatorBase(d: DiscriminatorPlan): string {
  const base = d.typeName.charAt(0).toLowerCase() + d.typeName.slice(1);
  return d.field === undefined
    ? `${base}Keyed`
    : `${base}By${d.field.charAt(0).toUpperCase()}${d.field.slice(1).replace(/\W/g, '_')}`;
}

/** `readUserLat` for `User.lat`. */
function readerBase(added: AddedField): string {
  return `read${upperFirst(added.typeName)}${upperFirst(added.name)}`.replace(
    /[^A-Za-z0-9_$]/g,
    '_',
  );
}

/**
 * The top-level names of resolvers.ts: the resolver functions (named by the plan), the
 * `@addField` readers and the discriminator constants, unique among themselves and apart from
 * the module's imports and own names. Readers and constants that would share a name
 * (`User.lat` and `user.lat`; unions `FooBar` and `fooBar`) get a number, in plan order.
 */
class ResolverModuleNames {
  readonly #registry = new NameRegistry(RESOLVERS_MODULE_NAMES);
  readonly #readers = new Map<AddedField, string>();
  readonly #discriminators = new Map<string, string>();
  /** Discriminator constants by name, one per distinct union or interface and field. */
  readonly constants = new Map<string, DiscriminatorPlan>();

  constructor(plan: Plan) {
    for (const r of [
      ...plan.resolvers,
      ...plan.exprResolvers,
      ...plan.callResolvers,
      ...plan.mergedResolvers,
    ])
      this.#registry.take(r.functionName);
    for (const added of plan.addedFields)
      this.#readers.set(added, this.#registry.claim(readerBase(added), 'number'));
    for (const d of plan.discriminators.values()) {
      const key = discriminatorKey(d);
      if (this.#discriminators.has(key)) continue;
      const name = this.#registry.claim(discriminatorBase(d), 'number');
      this.#discriminators.set(key, name);
      this.constants.set(name, d);
    }
  }

  reader(added: AddedField): string {
    const name = this.#readers.get(added);
    if (name === undefined) throw new Error(`no reader for ${added.typeName}.${added.name}`);
    return name;
  }

  discriminator(d: DiscriminatorPlan): string {
    const name = this.#discriminators.get(discriminatorKey(d));
    if (name === undefined) throw new Error(`no discriminator constant for ${d.typeName}`);
    return name;
  }

  /** Imports must be among the reserved names, or a generated name could shadow them. */
  checkImports(bindings: readonly string[]): void {
    for (const binding of bindings) {
      const name = binding.replace(/^type /, '');
      if (!this.#registry.isReserved(name))
        throw new Error(`resolvers.ts imports ${name}, missing from RESOLVERS_MODULE_NAMES`);
    }
  }
}

function discriminatorKey(d: DiscriminatorPlan): string {
  return JSON.stringify([d.typeName, d.field ?? null]);
}

function discriminatorConstant(
  plan: Plan,
  names: ResolverModuleNames,
  resolver: FieldResolver,
): string | undefined {
  const d = plan.discriminators.get(`${resolver.typeName}.${resolver.fieldName}`);
  return d && names.discriminator(d);
}

/** `src/resolvers.ts`: one function per `@http` field and the resolver map mercurius takes. */
export function emitResolvers(plan: Plan, project: Project): SourceFile {
  const file = project.createSourceFile('resolvers.ts', '', { overwrite: true });
  const functions: OptionalKind<FunctionDeclarationStructure>[] = [];
  const sink: FunctionSink = { addFunction: (structure) => functions.push(structure) };
  const expressions = new ExpressionWriter();
  const names = new ResolverModuleNames(plan);
  const discriminators = names.constants;
  let usesBaseUrl = false;
  let usesForwarding = false;

  for (const resolver of plan.resolvers) {
    const type = plan.schema.getType(resolver.typeName) as GraphQLObjectType;
    const field = type.getFields()[resolver.fieldName];
    if (!field) continue;
    const refs = JSON.stringify(resolver);
    const readsParent = refs.includes('"root":"value"');
    const readsArgs = refs.includes('"root":"args"');
    const returnType = tsType(field.type, plan.typeNames, true);
    usesBaseUrl ||= resolver.fromBaseUrl;
    usesForwarding ||= plan.upstream.allowedHeaders.length > 0;

    sink.addFunction({
      name: resolver.functionName,
      isExported: true,
      isAsync: !answersAsFetched(resolver, plan),
      docs: [`\`${resolver.typeName}.${resolver.fieldName}\`: ${lineText(resolver.description)}`],
      parameters: resolverParameters(plan, type.name, field, {
        parent: readsParent,
        args: readsArgs,
      }),
      returnType: `Promise<${returnType}>`,
      statements: resolverBody(
        resolver,
        plan,
        expressions,
        returnType,
        discriminatorConstant(plan, names, resolver),
      ),
    });
  }

  for (const resolver of plan.exprResolvers) {
    const type = plan.schema.getType(resolver.typeName) as GraphQLObjectType;
    const field = type.getFields()[resolver.fieldName];
    if (!field) continue;
    const refs = JSON.stringify(resolver.body);
    const readsParent = refs.includes('"root":"value"');
    const readsArgs = refs.includes('"root":"args"');
    const readsContext = refs.includes('"root":"headers"') || resolver.protection !== undefined;
    const returnType = tsType(field.type, plan.typeNames, true);
    const discriminator = plan.discriminators.get(`${resolver.typeName}.${resolver.fieldName}`);
    let value = valueExpression(resolver.body, expressions);
    if (discriminator) value = `discriminate(${value}, ${names.discriminator(discriminator)})`;
    value = withEnumAliases(value, field.type, plan, expressions);

    sink.addFunction({
      name: resolver.functionName,
      isExported: true,
      isAsync: resolver.protection !== undefined,
      docs: [`\`${resolver.typeName}.${resolver.fieldName}\`: computed (@expr), no upstream call.`],
      parameters: resolverParameters(plan, type.name, field, {
        parent: readsParent,
        args: readsArgs,
        context: readsContext,
      }),
      returnType: resolver.protection !== undefined ? `Promise<${returnType}>` : returnType,
      statements: (writer) => {
        if (resolver.protection) {
          writer.writeLine(protectedComment(resolver.protection));
          writer.writeLine(`await ctx.auth.require([${JSON.stringify(resolver.protection)}]);`);
        }
        // Built as plain JSON: typed by the schema only at the end, as upstream data is.
        writer.writeLine(`const value: unknown = ${value};`);
        writer.writeLine(`return value as ${returnType};`);
      },
    });
  }

  for (const resolver of plan.callResolvers) emitCallResolver(resolver, plan, sink, expressions);
  for (const resolver of plan.mergedResolvers)
    emitMergedResolver(resolver, plan, sink, expressions);
  for (const added of plan.addedFields) emitAddedField(added, plan, names, sink, expressions);
  file.addFunctions(functions);

  file.insertVariableStatements(
    0,
    [...discriminators]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, d]) => ({
        declarationKind: VariableDeclarationKind.Const,
        docs: [
          d.field === undefined
            ? `Members of \`${d.typeName}\`, sent keyed: \`{"Member": {...}}\`.`
            : `Members of \`${d.typeName}\`, named by each value's \`${d.field}\` (\`@discriminate\`).`,
        ],
        declarations: [
          {
            name,
            type: 'AbstractType',
            initializer: `{ name: ${JSON.stringify(d.typeName)}, members: ${JSON.stringify(d.members)}${d.field === undefined ? '' : `, field: ${JSON.stringify(d.field)}`} }`,
          },
        ],
      })),
  );

  file.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: ['Upstream strings read as enum values (`@alias`), by enum.'],
    declarations: [
      {
        name: 'enumAliases',
        type: 'EnumAliases',
        initializer: JSON.stringify(
          Object.fromEntries(
            [...plan.enumAliases].map(([name, byAlias]) => [name, Object.fromEntries(byAlias)]),
          ),
        ),
      },
    ],
  });

  file.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: ['Resolvers by type and field, as mercurius takes them.'],
    declarations: [
      { name: 'resolvers', type: 'IResolvers', initializer: resolverMap(plan, names) },
    ],
  });

  file.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [
      [
        'What each resolver\'s value depends on: `pure` (the query alone), `request` (and its',
        'headers), `dedupe` (upstream calls shared by identical in-flight calls) or `io`. A query',
        'whose root fields are all but `io` is answered once for identical requests in flight; one',
        'whose fields are all `pure` is answered once for good (`shareAnswers`).',
      ].join('\n'),
    ],
    declarations: [{ name: 'sharing', type: 'SharingTable', initializer: sharingInitializer(plan) }],
  });

  const runtimeImports = [...expressions.used, 'type EnumAliases', 'type SharingTable'];
  if (discriminators.size > 0) runtimeImports.push('discriminate', 'type AbstractType');
  if (Object.values(plan.clientSchema.getTypeMap()).some((t) => isAbstractType(t)))
    runtimeImports.push('concreteTypeName');
  if (plan.resolvers.some((r) => r.query.length > 0)) runtimeImports.push('buildQuery');
  if (usesForwarding) runtimeImports.push('forwardHeaders');

  const upstreamImports = [
    ...(usesBaseUrl ? ['upstreamBaseUrl'] : []),
    ...(usesForwarding ? ['forwardedHeaders'] : []),
  ];
  names.checkImports([...runtimeImports, ...upstreamImports]);
  file.insertText(
    0,
    renderImports([
      { from: 'mercurius', names: ['IResolvers', 'MercuriusContext'], typeOnly: true },
      ...(runtimeImports.length > 0 ? [{ from: '@tc-gen/runtime', names: runtimeImports }] : []),
      // Only when a signature names a schema type: an unused import fails the strict build.
      ...(/\bT\.[A-Za-z_]/.test(file.getFullText())
        ? [{ from: './types.js', namespace: 'T', typeOnly: true }]
        : []),
      ...(upstreamImports.length > 0 ? [{ from: './upstream.js', names: upstreamImports }] : []),
    ]) + '\n',
  );

  return file;
}

/**
 * The comment above a resolver's own auth check: the operation was checked before it ran, and
 * the verdict is kept per request, so this costs a lookup; it covers a resolver reached by
 * another route than an operation (a `@call`).
 */
function protectedComment(ids: readonly string[]): string {
  const who = ids.length === 0 ? 'any linked provider admits' : lineText(ids.join(', '));
  return [
    `// Protected (${who}): checked for the whole operation before it ran;`,
    '// again here, from the verdict kept for this request, for callers such as @call.',
  ].join('\n');
}

function sharingInitializer(plan: Plan): string {
  const types = [...sharingTable(plan)].map(
    ([typeName, fields]) =>
      `${propertyKey(typeName)}: { ${[...fields].map(([field, sharing]) => `${propertyKey(field)}: '${sharing}'`).join(', ')} }`,
  );
  return types.length === 0 ? '{}' : `{ ${types.join(', ')} }`;
}

function resolverBody(
  resolver: HttpResolverPlan,
  plan: Plan,
  expressions: ExpressionWriter,
  returnType: string,
  /** The constant naming the members of the field's union or interface, when it is one. */
  discriminator: string | undefined,
): WriterFunction {
  return (writer) => {
    if (resolver.protection) {
      const ids = resolver.protection;
      writer.writeLine(protectedComment(ids));
      writer.writeLine(`await ctx.auth.require([${JSON.stringify(ids)}]);`);
    }

    const base = resolver.fromBaseUrl ? 'upstreamBaseUrl' : undefined;
    let url = expressions.url(resolver.url, base);
    if (resolver.query.length > 0) {
      const params = resolver.query.map((q) => {
        const value =
          q.origin === 'url' ? expressions.text(q.value) : expressions.firstResolving(q.value);
        const origin = q.origin === 'url' ? 'url' : q.skipEmpty ? 'skip-empty' : 'entry';
        return `[${JSON.stringify(q.key)}, ${value}, '${origin}']`;
      });
      url = `${url.startsWith('`') ? url.slice(0, -1) : `\`\${${url}}`}\${buildQuery([${params.join(', ')}])}\``;
    }
    writer.writeLine(`const url = ${url};`);

    const members = [`method: '${resolver.method}'`, 'url'];
    const headers = resolver.headers.map(
      (h) => `${propertyKey(h.key)}: ${expressions.text(h.value)}`,
    );
    if (resolver.encoding === 'form' && !resolver.headers.some((h) => h.key === 'content-type')) {
      headers.unshift("'content-type': 'application/x-www-form-urlencoded'");
    }
    const forwarding = plan.upstream.allowedHeaders.length > 0;
    // Forwarded request headers come last: they override a template header of the same name.
    if (forwarding && headers.length === 0)
      members.push('headers: forwardHeaders(ctx.headers, forwardedHeaders)');
    else if (headers.length > 0) {
      if (forwarding) headers.push('...forwardHeaders(ctx.headers, forwardedHeaders)');
      members.push(`headers: { ${headers.join(', ')} }`);
    }
    if (resolver.body && resolver.encoding === 'form') {
      expressions.used.add('formEncode');
      members.push(`body: formEncode(${expressions.body(resolver.body)})`);
    } else if (resolver.body) members.push(`body: ${expressions.body(resolver.body)}`);
    if (resolver.dedupe) members.push('dedupe: true');
    if (resolver.cacheMs !== undefined) members.push(`cacheTtlMs: ${resolver.cacheMs}`);
    members.push(`field: '${resolver.typeName}.${resolver.fieldName}'`);

    const batch = batchCall(resolver, plan, expressions);
    const call = batch
      ? `ctx.batches.load(${JSON.stringify(`${resolver.typeName}.${resolver.fieldName}`)}, { request: { ${members.join(', ')} }, ${batch} })`
      : `ctx.upstream.request({ ${members.join(', ')} })`;
    if (answersAsFetched(resolver, plan)) {
      writer.writeLine(`return ${call} as Promise<${returnType}>;`);
      return;
    }
    writer.writeLine(`const data = await ${call};`);
    let result = 'data';
    if (resolver.select !== undefined) {
      writer.writeLine(`const selected = ${selectExpression(resolver.select, expressions)};`);
      result = 'selected';
    }
    if (discriminator) result = `discriminate(${result}, ${discriminator})`;
    const field = (plan.schema.getType(resolver.typeName) as GraphQLObjectType).getFields()[
      resolver.fieldName
    ];
    if (field) result = withEnumAliases(result, field.type, plan, expressions);
    writer.writeLine(`return ${result} as ${returnType};`);
  };
}

/**
 * Whether the resolver answers with the upstream's value as it comes (no auth check, `select`,
 * `@discriminate` or enum alias): then it hands back the call's own promise instead of being an
 * `async` function awaiting it. A field under a list runs once per item, most items wait on a
 * shared call, and each awaiting frame is memory the collector keeps copying until it settles.
 */
function answersAsFetched(resolver: HttpResolverPlan, plan: Plan): boolean {
  const coordinate = `${resolver.typeName}.${resolver.fieldName}`;
  const field = (plan.schema.getType(resolver.typeName) as GraphQLObjectType).getFields()[
    resolver.fieldName
  ];
  return (
    resolver.protection === undefined &&
    resolver.select === undefined &&
    !plan.discriminators.has(coordinate) &&
    (field === undefined || !plan.enumAliases.has(getNamedType(field.type).name))
  );
}

/**
 * The `(parent, args, ctx)` parameters of a resolver, typed; one it does not read is named with
 * a leading underscore (and an unread parent is `unknown`), as the strict build wants.
 */
function resolverParameters(
  plan: Plan,
  typeName: string,
  field: GraphQLField<unknown, unknown>,
  reads: { parent: boolean; args: boolean; context?: boolean },
): OptionalKind<ParameterDeclarationStructure>[] {
  return [
    {
      name: reads.parent ? 'parent' : '_parent',
      type: reads.parent ? `T.${plan.typeNames.type(typeName)}` : 'unknown',
    },
    {
      name: reads.args ? 'args' : '_args',
      type:
        field.args.length > 0
          ? `T.${plan.typeNames.args(typeName, field.name)}`
          : 'Record<string, never>',
    },
    { name: reads.context === false ? '_ctx' : 'ctx', type: 'MercuriusContext' },
  ];
}

function resolverMap(plan: Plan, names: ResolverModuleNames): WriterFunction {
  const byType = new Map<string, FieldResolver[]>();
  for (const resolver of [
    ...plan.resolvers,
    ...plan.exprResolvers,
    ...plan.callResolvers,
    ...plan.mergedResolvers,
  ]) {
    if ('part' in resolver && resolver.part) continue;
    byType.set(resolver.typeName, [...(byType.get(resolver.typeName) ?? []), resolver]);
  }
  const roots = [plan.schema.getQueryType(), plan.schema.getMutationType()].filter(
    (t): t is GraphQLObjectType => t !== null && t !== undefined,
  );

  const hasResolvers = leadsToResolvers(plan);

  return (writer) => {
    writer.block(() => {
      for (const type of Object.values(plan.schema.getTypeMap())) {
        if (!isObjectType(type) || type.name.startsWith('__')) continue;
        if (!plan.clientSchema.getType(type.name)) continue;
        // Registered under the names clients use; hidden fields get no resolver of their own.
        const published = (name: string) => {
          const coordinate = `${type.name}.${name}`;
          return plan.omitted.has(coordinate) ? undefined : (plan.renamed.get(coordinate) ?? name);
        };
        const resolvers = (byType.get(type.name) ?? []).filter(
          (r) => published(r.fieldName) !== undefined,
        );
        const added = plan.addedFields.filter((a) => a.typeName === type.name);
        const renamedPlain = Object.values(type.getFields()).filter(
          (f) =>
            plan.renamed.has(`${type.name}.${f.name}`) &&
            published(f.name) !== undefined &&
            !resolvers.some((r) => r.fieldName === f.name) &&
            !plan.discriminators.has(`${type.name}.${f.name}`),
        );
        const isRoot = roots.includes(type);
        const namespaces = namespaceFields(type, resolvers, hasResolvers).filter(
          (name) => published(name) !== undefined,
        );
        const abstract = Object.values(type.getFields()).filter(
          (f) =>
            !resolvers.some((r) => r.fieldName === f.name) &&
            published(f.name) !== undefined &&
            plan.discriminators.has(`${type.name}.${f.name}`),
        );
        const inherited = Object.values(type.getFields()).filter(
          (f) =>
            OBJECT_PROTOTYPE_MEMBERS.has(published(f.name) ?? '') &&
            !resolvers.some((r) => r.fieldName === f.name) &&
            !abstract.includes(f) &&
            !renamedPlain.includes(f) &&
            !namespaces.includes(f.name),
        );
        if (
          resolvers.length === 0 &&
          namespaces.length === 0 &&
          abstract.length === 0 &&
          inherited.length === 0 &&
          renamedPlain.length === 0 &&
          added.length === 0
        )
          continue;
        const key = (name: string) => propertyKey(published(name) ?? name);
        writer.write(`${propertyKey(type.name)}: `).block(() => {
          for (const r of resolvers) writer.writeLine(`${key(r.fieldName)}: ${r.functionName},`);
          for (const a of added) writer.writeLine(`${propertyKey(a.name)}: ${names.reader(a)},`);
          for (const f of abstract) {
            const d = plan.discriminators.get(`${type.name}.${f.name}`) as DiscriminatorPlan;
            writer.writeLine(
              `${key(f.name)}: (parent: Record<string, unknown>) => discriminate(parent[${JSON.stringify(f.name)}], ${names.discriminator(d)}),`,
            );
          }
          for (const f of [...inherited, ...renamedPlain]) {
            // The value keeps the declared name; an own-property check keeps graphql-js from
            // finding (and calling) an Object.prototype member when the value lacks it.
            writer.writeLine(
              `${key(f.name)}: (parent: Record<string, unknown>) => (Object.hasOwn(parent, ${JSON.stringify(f.name)}) ? parent[${JSON.stringify(f.name)}] : null),`,
            );
          }
          for (const name of namespaces) {
            writer.writeLine(
              isRoot
                ? `${key(name)}: () => ({}),`
                : `${key(name)}: (parent: Record<string, unknown>) => parent[${JSON.stringify(name)}] ?? {},`,
            );
          }
        });
        writer.write(',').newLine();
      }
      for (const type of Object.values(plan.schema.getTypeMap())) {
        if (!isAbstractType(type) || type.name.startsWith('__')) continue;
        if (!plan.clientSchema.getType(type.name)) continue;
        const members = plan.schema.getPossibleTypes(type).map((t) => t.name);
        writer.write(`${propertyKey(type.name)}: `).block(() => {
          writer.writeLine(
            `resolveType: (value: unknown) => concreteTypeName(value, ${JSON.stringify(type.name)}, ${JSON.stringify(members)}),`,
          );
        });
        writer.write(',').newLine();
      }
    });
  };
}

/**
 * Fields without a resolver of their own whose (non-list) object type has
 * resolvers somewhere below: they resolve to the parent's value, or to `{}`
 * when it has none, so the resolvers below still run (Tailcall's rule).
 */
function namespaceFields(
  type: GraphQLObjectType,
  resolvers: readonly FieldResolver[],
  hasResolvers: ReadonlySet<string>,
): string[] {
  return Object.values(type.getFields())
    .filter((f) => !resolvers.some((r) => r.fieldName === f.name))
    .filter(
      (f) => !isListType(getNullableType(f.type)) && hasResolvers.has(getNamedType(f.type).name),
    )
    .map((f) => f.name);
}

/** Object types with a resolver on some field, at any depth below. */
function leadsToResolvers(plan: Plan): Set<string> {
  const direct = new Set(
    [...plan.resolvers, ...plan.exprResolvers, ...plan.callResolvers].map((r) => r.typeName),
  );
  const result = new Set<string>();
  const visit = (type: GraphQLObjectType, seen: Set<string>): boolean => {
    if (result.has(type.name) || direct.has(type.name)) return true;
    if (seen.has(type.name)) return false;
    seen.add(type.name);
    return Object.values(type.getFields()).some((f) => {
      const named = getNamedType(f.type);
      return isObjectType(named) && visit(named, seen);
    });
  };
  for (const type of Object.values(plan.schema.getTypeMap())) {
    if (isObjectType(type) && !type.name.startsWith('__') && visit(type, new Set()))
      result.add(type.name);
  }
  return result;
}

/**
 * The batching part of a `batchKey` field's call (`key`, `groupBy`, `path`, `list`), or
 * undefined when the field is not batched. GET calls are grouped by the first query entry that
 * reads the parent value (else the parameter named by the last `batchKey` element); POST calls
 * by the one expression of their body.
 */
function batchCall(
  resolver: HttpResolverPlan,
  plan: Plan,
  expressions: ExpressionWriter,
): string | undefined {
  const batch = plan.upstream.batch;
  if (!resolver.batchKey || !batch || batch.delay < 1) return undefined;
  const field = (plan.schema.getType(resolver.typeName) as GraphQLObjectType).getFields()[
    resolver.fieldName
  ];
  const list = field !== undefined && isListType(getNullableType(field.type));

  let key: string;
  let groupBy: string | undefined;
  if (resolver.body) {
    const refs = resolver.body.filter((p) => p.kind === 'ref');
    const [only] = refs;
    if (refs.length !== 1 || only?.kind !== 'ref') return undefined;
    key = `toText(${expressions.ref(only.ref)})`;
  } else {
    const entries = resolver.query.filter((q) => q.origin === 'entry');
    const byValue = entries.find((q) =>
      q.value.some((p) => p.kind === 'ref' && p.ref.root === 'value'),
    );
    groupBy = byValue?.key ?? resolver.batchKey.at(-1);
    const param = resolver.query.find((q) => q.key === groupBy);
    if (!param) return undefined;
    key = `toText(${param.origin === 'url' ? expressions.text(param.value) : expressions.firstResolving(param.value)})`;
  }
  expressions.used.add('toText');

  const identity =
    batch.headers.length === 0
      ? ''
      : `, identity: JSON.stringify([${batch.headers.map((h) => `headerValue(ctx.headers, ${JSON.stringify(h)})`).join(', ')}])`;
  if (identity) expressions.used.add('headerValue');

  return (
    [
      `key: ${key}`,
      ...(groupBy === undefined ? [] : [`groupBy: ${JSON.stringify(groupBy)}`]),
      `path: ${JSON.stringify(resolver.batchKey)}`,
      `list: ${list}`,
    ].join(', ') + identity
  );
}

/**
 * `@http(select:)` as an expression over the response `data`: a string that is exactly one
 * `{{.path}}` keeps the JSON value found there; other strings with templates are rendered and
 * read back as JSON; objects and lists are built member by member; everything else is literal.
 */
function selectExpression(value: JsonValue, expressions: ExpressionWriter): string {
  if (Array.isArray(value))
    return `[${value.map((v) => selectExpression(v, expressions)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).map(
      ([k, v]) => `${propertyKey(k)}: ${selectExpression(v, expressions)}`,
    );
    return `{ ${members.join(', ')} }`;
  }
  if (typeof value !== 'string') return JSON.stringify(value);

  const segments = parseTemplate(value);
  const [only] = segments;
  if (segments.length === 1 && only?.kind === 'expr') {
    expressions.used.add('valueAt');
    return `valueAt(data, ${JSON.stringify(only.path)})`;
  }
  if (!segments.some((segment) => segment.kind === 'expr')) return JSON.stringify(value);

  expressions.used.add('reparse');
  expressions.used.add('toText');
  expressions.used.add('valueAt');
  const text = segments
    .map((segment) =>
      segment.kind === 'literal'
        ? JSON.stringify(segment.text)
        : `toText(valueAt(data, ${JSON.stringify(segment.path)}))`,
    )
    .join(' + ');
  return `reparse(${text})`;
}

/** An `@expr` body as an expression: text templates rendered and read back as JSON. */
function valueExpression(template: ValueTemplate, expressions: ExpressionWriter): string {
  switch (template.kind) {
    case 'literal':
      return jsonExpression(template.value);
    case 'list':
      return `[${template.items.map((item) => valueExpression(item, expressions)).join(', ')}]`;
    case 'object':
      return `{ ${template.members.map(([key, member]) => `${propertyKey(key)}: ${valueExpression(member, expressions)}`).join(', ')} }`;
    case 'text':
      expressions.used.add('reparse');
      return `reparse(${expressions.text(template.parts)})`;
  }
}

/** A resolver's result for an aliased enum type: `@alias` options mapped to their value. */
function withEnumAliases(
  value: string,
  type: GraphQLOutputType,
  plan: Plan,
  expressions: ExpressionWriter,
): string {
  const named = getNamedType(type);
  if (!plan.enumAliases.has(named.name)) return value;
  expressions.used.add('enumValue');
  return `enumValue(${value}, enumAliases[${JSON.stringify(named.name)}] ?? {})`;
}

/** Every resolver function of the plan, by `Type.field` as declared. */
function resolverFunctions(plan: Plan): Map<string, FieldResolver & { readsParent: boolean }> {
  const out = new Map<string, FieldResolver & { readsParent: boolean }>();
  const add = (r: FieldResolver, shape: unknown) =>
    out.set(`${r.typeName}.${r.fieldName}`, {
      ...r,
      readsParent: JSON.stringify(shape).includes('"root":"value"'),
    });
  // Another resolver calls a field with several resolvers through their merge.
  for (const r of plan.resolvers) if (!r.part) add(r, r);
  for (const r of plan.exprResolvers) if (!r.part) add(r, r.body);
  for (const r of plan.callResolvers) if (!r.part) add(r, r.steps);
  for (const r of plan.mergedResolvers)
    out.set(`${r.typeName}.${r.fieldName}`, { ...r, readsParent: true });
  return out;
}

/** How one generated resolver calls another: `resolveX(parent, args, ctx)` with fitting types. */
function callOf(plan: Plan, coordinate: string, parent: string, args: string): string {
  const target = resolverFunctions(plan).get(coordinate);
  if (!target) throw new Error(`no resolver function for ${coordinate}`);
  const type = plan.schema.getType(target.typeName) as GraphQLObjectType;
  const field = type.getFields()[target.fieldName];
  const parentValue = target.readsParent
    ? `${parent} as T.${plan.typeNames.type(type.name)}`
    : parent;
  // A target without declared arguments still reads what is piped in (`{{.args}}`).
  const argsValue =
    field && field.args.length > 0
      ? `${args} as T.${plan.typeNames.args(type.name, field.name)}`
      : args === '{}'
        ? '{}'
        : `${args} as Record<string, never>`;
  return `${target.functionName}(${parentValue}, ${argsValue}, ctx)`;
}

/**
 * A `@call` field: the steps' resolvers called in turn, each one's result the next one's
 * arguments. The calls are direct function calls; no lookup happens at request time.
 */
function emitCallResolver(
  resolver: CallResolverPlan,
  plan: Plan,
  file: FunctionSink,
  expressions: ExpressionWriter,
): void {
  const type = plan.schema.getType(resolver.typeName) as GraphQLObjectType;
  const field = type.getFields()[resolver.fieldName];
  if (!field) return;
  const refs = JSON.stringify(resolver.steps);
  const readsParent = refs.includes('"root":"value"');
  const hasArgs = field.args.length > 0;
  const readsArgs =
    hasArgs && (refs.includes('"root":"args"') || resolver.steps[0]?.args === undefined);
  const returnType = tsType(field.type, plan.typeNames, true);
  const targets = resolver.steps.map((s) => `\`${s.typeName}.${s.fieldName}\``).join(', then ');

  file.addFunction({
    name: resolver.functionName,
    isExported: true,
    isAsync: true,
    docs: [`\`${resolver.typeName}.${resolver.fieldName}\`: calls ${targets} (@call).`],
    parameters: resolverParameters(plan, type.name, field, {
      parent: readsParent,
      args: readsArgs,
    }),
    returnType: `Promise<${returnType}>`,
    statements: (writer) => {
      if (resolver.protection) {
        writer.writeLine(protectedComment(resolver.protection));
        writer.writeLine(`await ctx.auth.require([${JSON.stringify(resolver.protection)}]);`);
      }
      let piped = hasArgs ? 'args' : '{}';
      resolver.steps.forEach((step, i) => {
        // The first step reads the caller's arguments; later ones the previous result.
        expressions.pipedArgs = i === 0 ? undefined : piped;
        const args = step.args ? valueExpression(step.args, expressions) : piped;
        expressions.pipedArgs = undefined;
        const name = `step${i + 1}`;
        writer.writeLine(
          `const ${name}: unknown = await ${callOf(plan, `${step.typeName}.${step.fieldName}`, '{}', args)};`,
        );
        piped = name;
      });
      writer.writeLine(`return ${piped} as ${returnType};`);
    },
  });
}

/**
 * An `@addField` field: the value at its path, read from the parent value, or from the result
 * of the first field's resolver when that field has one.
 */
function emitAddedField(
  added: AddedField,
  plan: Plan,
  names: ResolverModuleNames,
  file: FunctionSink,
  expressions: ExpressionWriter,
): void {
  const type = plan.clientSchema.getType(added.typeName) as GraphQLObjectType | undefined;
  const field = type?.getFields()[added.name];
  if (!type || !field) return;
  const returnType = tsType(field.type, plan.typeNames, true);
  const first = `${added.typeName}.${added.first}`;
  const runsResolver = resolverFunctions(plan).has(first);
  const path = [added.first, ...added.rest].join('.');
  if (!runsResolver || added.rest.length > 0) expressions.used.add('valueAt');
  file.addFunction({
    name: names.reader(added),
    isExported: true,
    isAsync: runsResolver,
    docs: [
      runsResolver
        ? `\`${added.typeName}.${added.name}\`: \`${path}\`, read from what \`${first}\` resolves to (@addField).`
        : `\`${added.typeName}.${added.name}\`: \`${path}\` of the value (@addField).`,
    ],
    parameters: [
      { name: 'parent', type: 'unknown' },
      { name: '_args', type: 'Record<string, never>' },
      { name: runsResolver ? 'ctx' : '_ctx', type: 'MercuriusContext' },
    ],
    returnType: runsResolver ? `Promise<${returnType}>` : returnType,
    statements: (writer) => {
      if (runsResolver) {
        writer.writeLine(`const first: unknown = await ${callOf(plan, first, 'parent', '{}')};`);
        const value =
          added.rest.length === 0 ? 'first' : `valueAt(first, ${JSON.stringify(added.rest)})`;
        writer.writeLine(`return (${value} ?? null) as ${returnType};`);
      } else {
        writer.writeLine(
          `return (valueAt(parent, ${JSON.stringify([added.first, ...added.rest])}) ?? null) as ${returnType};`,
        );
      }
    },
  });
}

/**
 * A field with several resolver directives: every one runs (one after the other on a
 * mutation) and their results are merged, later ones winning (`mergeRight`).
 */
function emitMergedResolver(
  resolver: MergedResolverPlan,
  plan: Plan,
  file: FunctionSink,
  expressions: ExpressionWriter,
): void {
  const type = plan.schema.getType(resolver.typeName) as GraphQLObjectType;
  const field = type.getFields()[resolver.fieldName];
  if (!field) return;
  const hasArgs = field.args.length > 0;
  const returnType = tsType(field.type, plan.typeNames, true);
  const call = (name: string) => `${name}(parent, ${hasArgs ? 'args' : '{}'}, ctx)`;
  expressions.used.add('mergeRight');
  file.addFunction({
    name: resolver.functionName,
    isExported: true,
    isAsync: true,
    docs: [
      `\`${resolver.typeName}.${resolver.fieldName}\`: the results of its ${resolver.parts.length} resolvers merged, later ones winning.`,
    ],
    parameters: resolverParameters(plan, type.name, field, { parent: true, args: hasArgs }),
    returnType: `Promise<${returnType}>`,
    statements: (writer) => {
      if (resolver.sequential) {
        // A mutation's resolvers may change upstream state: they run in the order written.
        writer.writeLine('const results: unknown[] = [];');
        for (const part of resolver.parts) writer.writeLine(`results.push(await ${call(part)});`);
      } else {
        writer.writeLine(
          `const results: unknown[] = await Promise.all([${resolver.parts.map(call).join(', ')}]);`,
        );
      }
      writer.writeLine(`return mergeRight(results) as ${returnType};`);
    },
  });
}
