import path from 'node:path';

import { Kind, isObjectType, type DocumentNode } from 'graphql';

import { DiagnosticBag, DiagnosticCode, sortDiagnostics, type Diagnostic } from './diagnostics.ts';
import { DIRECTIVES, GRAPHQL_DIRECTIVES } from './load/directive-specs.ts';
import { loadConfig } from './load/load-config.ts';
import type { SourceFile } from './load/source-file.ts';
import { directivesOf, type DirectiveIndex } from './model.ts';
import { ResolverNames } from './naming.ts';
import type { ExprResolverPlan, HttpResolverPlan, Plan } from './plan/plan.ts';
import { compileExpr } from './validate/expr.ts';
import { compileHttp } from './validate/http.ts';
import { indexDirectives } from './validate/index-directives.ts';
import { lintConfig } from './validate/lint.ts';
import { readLinks } from './validate/links.ts';
import { planDiscriminators } from './validate/discriminators.ts';
import { planProtection } from './validate/protected.ts';
import { checkRootResolvers } from './validate/root-resolvers.ts';
import { buildSchemas } from './validate/schema.ts';
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
  if (!schemas) return { diagnostics: sortDiagnostics(bag.items), file };
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
  const reportedUndeclaredArguments = new Set<string>();
  const roots = [schema.getQueryType(), schema.getMutationType()];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const isRootType = roots.includes(type);
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const https = directivesOf(index, coordinate, 'http');
      const [http, second] = https;
      if (second) {
        bag.error(
          DiagnosticCode.Unsupported,
          'several @http directives on one field are not supported by this version of tc-gen',
          file.spanOf(second.node),
          second.trace,
        );
      }
      const exprs = [
        ...directivesOf(index, coordinate, 'expr'),
        ...directivesOf(index, coordinate, 'const'),
      ];
      if (exprs.length > (http ? 0 : 1)) {
        const extra = exprs[http ? 0 : 1]!;
        bag.error(
          DiagnosticCode.Unsupported,
          'several resolver directives on one field are not supported by this version of tc-gen',
          file.spanOf(extra.node),
          extra.trace,
        );
        continue;
      }
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
      const [expr] = exprs;
      if (expr) {
        const body = compileExpr(expr, scope, upstream, file, bag);
        if (!body || publicSchema.getType(type.name) !== type) continue;
        const ids = protection.get(type.name)?.get(field.name);
        exprResolvers.push({
          typeName: type.name,
          fieldName: field.name,
          functionName: names.next(type.name, field.name),
          body,
          ...(ids === undefined ? {} : { protection: ids }),
        });
        continue;
      }
      if (!http) continue;
      const compiled = compileHttp(http, scope, upstream, file, bag);
      // Types clients cannot reach are checked, but no server code is made for them.
      if (!compiled || publicSchema.getType(type.name) !== type) continue;
      const ids = protection.get(type.name)?.get(field.name);
      const cached = (
        directivesOf(index, coordinate, 'cache')[0] ?? directivesOf(index, type.name, 'cache')[0]
      )?.args['maxAge'];
      resolvers.push({
        ...compiled,
        ...(typeof cached === 'number' ? { cacheMs: cached } : {}),
        functionName: names.next(type.name, field.name),
        ...(ids === undefined ? {} : { protection: ids }),
      });
    }
  }
  schemas.reportUndeclaredArguments(reportedUndeclaredArguments);

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

  lintConfig({ schema: publicSchema, index, resolvers, authLinks, protection }, file, bag);
  if (bag.hasErrors) return { diagnostics: sortDiagnostics(bag.items), file };

  const isPublic = (coordinate: string) =>
    publicSchema.getType(coordinate.slice(0, coordinate.indexOf('.'))) !== undefined;
  return {
    plan: {
      configName: path.basename(file.path),
      schema: publicSchema,
      server,
      upstream,
      authLinks,
      resolvers,
      exprResolvers,
      enumAliases: enumAliasesOf(index),
      protection: new Map([...protection].filter(([typeName]) => publicSchema.getType(typeName))),
      protectionReasons: new Map(
        [...protectionReasons].filter(([coordinate]) => isPublic(coordinate)),
      ),
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
  for (const definition of document.definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION
    )
      continue;
    for (const field of definition.fields ?? []) {
      const names = field.directives?.map((d) => d.name.value) ?? [];
      if (
        names.some(
          (name) =>
            RESOLVER_DIRECTIVES.has(name) ||
            !(DIRECTIVES.has(name) || GRAPHQL_DIRECTIVES.has(name)),
        )
      ) {
        out.add(`${definition.name.value}.${field.name.value}`);
      }
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
