import path from 'node:path';

import { isObjectType, type DocumentNode } from 'graphql';

import { DiagnosticBag, DiagnosticCode, sortDiagnostics, type Diagnostic } from './diagnostics.ts';
import { DIRECTIVES, GRAPHQL_DIRECTIVES } from './load/directive-specs.ts';
import { loadConfig } from './load/load-config.ts';
import type { SourceFile } from './load/source-file.ts';
import { objectTypeFields } from './load/type-usage.ts';
import { directivesOf, type DirectiveIndex } from './model.ts';
import { ResolverNames, TypeNames } from './naming.ts';
import type { DecodedDirective } from './load/decode-directive.ts';
import type {
  CallResolverPlan,
  ExprResolverPlan,
  HttpResolverPlan,
  MergedResolverPlan,
  Plan,
} from './plan/plan.ts';
import { compileCall } from './validate/call.ts';
import { compileExpr } from './validate/expr.ts';
import { compileHttp } from './validate/http.ts';
import { indexDirectives } from './validate/index-directives.ts';
import { lintConfig } from './validate/lint.ts';
import { readLinks } from './validate/links.ts';
import { planDiscriminators } from './validate/discriminators.ts';
import { planProtection, type ProtectionReason } from './validate/protected.ts';
import { checkRootResolvers } from './validate/root-resolvers.ts';
import { buildSchemas } from './validate/schema.ts';
import { shapeSchema } from './validate/shape.ts';
import { holdBackLaterStages } from './validate/stages.ts';
import { readServerSettings, readUpstreamSettings } from './validate/settings.ts';

export interface AnalyzeResult {
  /** Present only when there are no errors. */
  plan?: Plan;
  diagnostics: Diagnostic[];
  /** The config source, for printing excerpts under diagnostics. */
  file?: SourceFile;
}

/**
 * Load → validate → plan. Collects every problem before giving up, so one run
 * reports all of them; returns a plan only for a config without errors.
 */
export async function analyze(configPath: string, cwd = process.cwd()): Promise<AnalyzeResult> {
  const bag = new DiagnosticBag();
  const loaded = await loadConfig(configPath, bag, cwd);
  if (!loaded) return { diagnostics: bag.items };
  const { file, document } = loaded;
  if (!document) return { diagnostics: bag.items, file };

  const index = indexDirectives(document, file, bag);
  const server = readServerSettings(index.schema, file, bag);
  const upstream = readUpstreamSettings(index.schema, file, bag);
  const hasAuthLinks = index.schema.some(
    (d) => d.name === 'link' && (d.args['type'] === 'Jwks' || d.args['type'] === 'Htpasswd'),
  );
  const authLinks = await readLinks(index.schema, file, bag);
  const schemas = buildSchemas(document, file, bag, { incomplete: loaded.incomplete === true });
  if (!schemas) {
    holdBackLaterStages(bag);
    return { diagnostics: sortDiagnostics(bag.items), file };
  }
  const { schema, publicSchema, fieldOrigins } = schemas;
  applyFieldOrigins(index, fieldOrigins);

  const { table: protection, reasons: protectionReasons } = planProtection(
    schema,
    index,
    authLinks,
    hasAuthLinks,
    file,
    bag,
  );

  const resolvers: HttpResolverPlan[] = [];
  const names = new ResolverNames();
  const exprResolvers: ExprResolverPlan[] = [];
  const callResolvers: CallResolverPlan[] = [];
  const mergedResolvers: MergedResolverPlan[] = [];
  /** `Type.field` → what its resolver directives were reported for. */
  const failedResolvers = new Map<string, Diagnostic[]>();
  const resolverKind = (coordinate: string): string | undefined => {
    for (const kind of ['http', 'expr', 'const', 'call'])
      if (directivesOf(index, coordinate, kind).length > 0) return kind === 'const' ? 'expr' : kind;
    return undefined;
  };
  const reportedUndeclaredArguments = new Set<string>();
  const roots = [schema.getQueryType(), schema.getMutationType()];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const isRootType = roots.includes(type);
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const all = (index.fields.get(coordinate) ?? []).filter((d) =>
        ['http', 'expr', 'const', 'call'].includes(d.name),
      );
      if (all.length === 0) continue;
      const scope = {
        parentType: type,
        field,
        isRootType,
        isMutation: type === schema.getMutationType(),
        vars: server.vars,
        allowedHeaders: upstream.allowedHeaders,
        undeclaredTypes: schemas.undeclaredTypes,
        reportedUndeclaredArguments,
      };
      // Types clients cannot reach are checked, but no server code is made for them.
      const served = publicSchema.getType(type.name) === type;
      const merged = all.length > 1;
      // With several resolvers, the field's own name goes to their merge; each part is named
      // after its directive (`resolveQueryProfileViaHttp`).
      const mergedName = merged ? names.next(type.name, field.name) : undefined;
      const nameOf = (directive: DecodedDirective) =>
        merged
          ? names.next(
              type.name,
              `${field.name}Via${directive.name === 'const' ? 'Expr' : directive.name.charAt(0).toUpperCase() + directive.name.slice(1)}`,
            )
          : names.next(type.name, field.name);
      const ownIds = protection.get(type.name)?.get(field.name);

      /** Compiles one resolver directive of the field; returns its function's name. */
      const compileOne = (directive: DecodedDirective): string | undefined => {
        const base = {
          typeName: type.name,
          fieldName: field.name,
          ...(merged ? { part: true } : {}),
        };
        if (directive.name === 'call') {
          const steps = compileCall(
            directive,
            scope,
            schema,
            (c) => resolverKind(c) !== undefined,
            upstream,
            file,
            bag,
          );
          if (!steps || !served) return undefined;
          // What the fields it reaches need is added once every call is known (below).
          const functionName = nameOf(directive);
          callResolvers.push({
            ...base,
            functionName,
            steps,
            ...(ownIds === undefined ? {} : { protection: ownIds }),
          });
          return functionName;
        }
        if (directive.name === 'expr' || directive.name === 'const') {
          const body = compileExpr(directive, scope, upstream, file, bag);
          if (!body || !served) return undefined;
          const functionName = nameOf(directive);
          exprResolvers.push({
            ...base,
            functionName,
            body,
            ...(ownIds === undefined ? {} : { protection: ownIds }),
          });
          return functionName;
        }
        const compiled = compileHttp(directive, scope, upstream, file, bag);
        if (!compiled || !served) return undefined;
        const cached = (
          directivesOf(index, coordinate, 'cache')[0] ?? directivesOf(index, type.name, 'cache')[0]
        )?.args['maxAge'];
        const functionName = nameOf(directive);
        resolvers.push({
          ...compiled,
          ...base,
          ...(typeof cached === 'number' ? { cacheMs: cached } : {}),
          functionName,
          ...(ownIds === undefined ? {} : { protection: ownIds }),
        });
        return functionName;
      };

      const before = bag.items.length;
      const parts = all.map(compileOne);
      const errors = bag.items.slice(before).filter((d) => d.severity === 'error');
      if (errors.length > 0) failedResolvers.set(coordinate, errors);
      if (!merged) continue;
      const compiledParts = parts.filter((p): p is string => p !== undefined);
      if (compiledParts.length !== parts.length) continue;
      mergedResolvers.push({
        typeName: type.name,
        fieldName: field.name,
        functionName: mergedName ?? names.next(type.name, field.name),
        parts: compiledParts,
        sequential: scope.isMutation,
      });
    }
  }
  schemas.reportUndeclaredArguments(reportedUndeclaredArguments);
  reportCallCycles(callResolvers, index, file, bag);

  const discriminators = planDiscriminators(schema, index, file, bag);
  const withResolver = fieldsWithResolverDirectives(document);
  // Without a query root there is no schema to serve (reported already, as Tailcall does,
  // without judging the other roots' fields).
  checkRootResolvers(
    schema.getQueryType() ? roots : [],
    (t, f) => withResolver.has(fieldOrigins.get(`${t}.${f}`) ?? `${t}.${f}`),
    file,
    bag,
  );

  const shape = shapeSchema(
    schemas.document,
    schema,
    index,
    { kindOf: resolverKind, failures: failedResolvers },
    file,
    bag,
  );

  protectCalls(callResolvers, protection, protectionReasons);

  // Cost and tidiness warnings only for a config that is otherwise sound: next to errors they
  // would mostly repeat them (a link "unused" because @protected names a missing id).
  if (!bag.hasErrors)
    lintConfig({ schema: publicSchema, index, resolvers, authLinks, protection }, file, bag);
  // Every check ran; with a directive argument that does not parse, Tailcall reports only
  // those, so the rest is shown as warnings until they are fixed.
  holdBackLaterStages(bag);
  if (bag.hasErrors) return { diagnostics: sortDiagnostics(bag.items), file };

  // Clients name fields as published: the protection table follows `@modify` and `@addField`.
  const published = (typeName: string, fieldName: string) => {
    const coordinate = `${typeName}.${fieldName}`;
    return shape.omitted.has(coordinate) ? undefined : (shape.renamed.get(coordinate) ?? fieldName);
  };
  const clientProtection = new Map<string, Map<string, readonly string[]>>();
  const clientReasons = new Map<string, ProtectionReason>();
  const protect = (typeName: string, fieldName: string, ids: readonly string[]) => {
    if (!shape.clientSchema.getType(typeName)) return;
    const fields = clientProtection.get(typeName) ?? new Map<string, readonly string[]>();
    fields.set(fieldName, ids);
    clientProtection.set(typeName, fields);
  };
  for (const [typeName, fields] of protection) {
    for (const [fieldName, ids] of fields) {
      const name = published(typeName, fieldName);
      if (name === undefined) continue;
      protect(typeName, name, ids);
      const reason = protectionReasons.get(`${typeName}.${fieldName}`);
      if (reason) clientReasons.set(`${typeName}.${name}`, reason);
    }
  }
  // An added field runs (or reads) its first field: it needs what that field needs.
  for (const added of shape.added) {
    const ids = protection.get(added.typeName)?.get(added.first);
    if (ids === undefined) continue;
    protect(added.typeName, added.name, ids);
    const reason = protectionReasons.get(`${added.typeName}.${added.first}`);
    if (reason) clientReasons.set(`${added.typeName}.${added.name}`, reason);
  }

  const isPublic = (coordinate: string) =>
    publicSchema.getType(coordinate.slice(0, coordinate.indexOf('.'))) !== undefined;
  return {
    plan: {
      configName: path.basename(file.path),
      schema: publicSchema,
      clientSchema: shape.clientSchema,
      typeNames: new TypeNames(publicSchema),
      renamed: shape.renamed,
      omitted: shape.omitted,
      addedFields: shape.added,
      server,
      upstream,
      authLinks,
      resolvers,
      exprResolvers,
      callResolvers,
      mergedResolvers,
      enumAliases: enumAliasesOf(index),
      protection: clientProtection,
      protectionReasons: clientReasons,
      discriminators: new Map([...discriminators].filter(([coordinate]) => isPublic(coordinate))),
    },
    diagnostics: sortDiagnostics(bag.items),
    file,
  };
}

/**
 * The fields made for union arguments (`testVar0`, ...) carry the directives of the field
 * they were made from, with their own name in traces, as Tailcall reports them.
 */
function applyFieldOrigins(index: DirectiveIndex, origins: ReadonlyMap<string, string>): void {
  for (const [variant, origin] of origins) {
    const directives = index.fields.get(origin) ?? [];
    index.fields.set(
      variant,
      directives.map((d) => ({
        ...d,
        trace: d.trace.startsWith(`${origin}.`)
          ? `${variant}${d.trace.slice(origin.length)}`
          : d.trace,
      })),
    );
  }
  for (const origin of new Set(origins.values())) index.fields.delete(origin);
}

/** Directives that give a field its value; an unsupported one was reported already. */
const RESOLVER_DIRECTIVES = new Set(['http', 'expr', 'const', 'call', 'graphQL', 'grpc', 'js']);

/**
 * `Type.field` of every field carrying a resolver directive, supported or not, or a directive
 * tc-gen does not know (likely a misspelt resolver, reported already): a missing-resolver error
 * there would only repeat the first one.
 */
function fieldsWithResolverDirectives(document: DocumentNode): Set<string> {
  const out = new Set<string>();
  for (const [typeName, field] of objectTypeFields(document)) {
    const names = field.directives?.map((d) => d.name.value) ?? [];
    if (
      names.some(
        (name) =>
          RESOLVER_DIRECTIVES.has(name) || !(DIRECTIVES.has(name) || GRAPHQL_DIRECTIVES.has(name)),
      )
    ) {
      out.add(`${typeName}.${field.name.value}`);
    }
  }
  return out;
}

/** `@alias(options:)` of every enum value: enum name → alias → value name. */
function enumAliasesOf(index: DirectiveIndex): Map<string, Map<string, string>> {
  const aliases = new Map<string, Map<string, string>>();
  for (const [coordinate, directives] of index.fields) {
    for (const directive of directives) {
      if (directive.name !== 'alias') continue;
      const [enumName, valueName] = coordinate.split('.') as [string, string];
      const byAlias = aliases.get(enumName) ?? new Map<string, string>();
      for (const option of (directive.args['options'] as string[] | undefined) ?? [])
        byAlias.set(option, valueName);
      aliases.set(enumName, byAlias);
    }
  }
  return aliases;
}

/**
 * `@call` chains that come back to where they started (`a` calls `b`, `b` calls `a`): their
 * generated resolvers would call each other until the stack overflows, so they are refused.
 */
function reportCallCycles(
  calls: readonly CallResolverPlan[],
  index: DirectiveIndex,
  file: SourceFile,
  bag: DiagnosticBag,
): void {
  const targets = new Map<string, string[]>();
  for (const call of calls) {
    const from = `${call.typeName}.${call.fieldName}`;
    targets.set(from, [
      ...(targets.get(from) ?? []),
      ...call.steps.map((s) => `${s.typeName}.${s.fieldName}`),
    ]);
  }
  const reported = new Set<string>();
  for (const start of targets.keys()) {
    // Depth-first from each call field; a path that reaches `start` again is a cycle.
    const path: string[] = [start];
    const visit = (at: string, seen: Set<string>): string[] | undefined => {
      for (const next of targets.get(at) ?? []) {
        if (next === start) return [...path, next];
        if (seen.has(next) || !targets.has(next)) continue;
        seen.add(next);
        path.push(next);
        const found = visit(next, seen);
        path.pop();
        if (found) return found;
      }
      return undefined;
    };
    const cycle = visit(start, new Set([start]));
    if (!cycle || cycle.slice(0, -1).some((c) => reported.has(c))) continue;
    for (const member of cycle) reported.add(member);
    const directive = directivesOf(index, start, 'call')[0];
    bag.error(
      DiagnosticCode.InvalidCall,
      `@call steps lead back to this field: ${cycle.join(' → ')}`,
      directive ? file.spanOf(directive.node) : undefined,
      directive?.trace ?? start,
    );
  }
}

/**
 * A call needs what the fields it reaches need, and those may be calls too: each unprotected
 * call takes the protection of the first protected field among its steps, repeated until
 * nothing changes, so the operation is checked before anything runs however deep the chain
 * (and whatever order the fields were declared in). Each step still checks its own at run time.
 */
function protectCalls(
  calls: CallResolverPlan[],
  protection: Map<string, Map<string, readonly string[]>>,
  reasons: Map<string, ProtectionReason>,
): void {
  const idsOf = (typeName: string, fieldName: string) => protection.get(typeName)?.get(fieldName);
  let changed = true;
  while (changed) {
    changed = false;
    for (const call of calls) {
      if (idsOf(call.typeName, call.fieldName) !== undefined) continue;
      const ids = call.steps
        .map((step) => idsOf(step.typeName, step.fieldName))
        .find((found) => found !== undefined);
      if (ids === undefined) continue;
      const table = protection.get(call.typeName) ?? new Map<string, readonly string[]>();
      table.set(call.fieldName, [...ids]);
      protection.set(call.typeName, table);
      reasons.set(`${call.typeName}.${call.fieldName}`, 'call');
      changed = true;
    }
  }
  for (const [i, call] of calls.entries()) {
    const ids = idsOf(call.typeName, call.fieldName);
    if (ids !== undefined && call.protection === undefined) calls[i] = { ...call, protection: ids };
  }
}
