import { Kind, type ConstValueNode } from 'graphql';

import { DiagnosticCode, type DiagnosticBag, type SourceSpan } from '../diagnostics.ts';
import { ENABLE_BATCHING } from '../hints.ts';
import type { DecodedDirective, JsonValue } from '../load/decode-directive.ts';
import type { HttpMethod } from '../load/directive-specs.ts';
import type { SourceFile } from '../load/source-file.ts';
import type { UpstreamSettings } from '../model.ts';
import type { BodyPart, HttpResolverPlan, QueryParam, TextPart, UrlPart } from '../plan/plan.ts';
import { parseTemplate, type Segment } from '../template/mustache.ts';
import { checkReference, type TemplatePosition, type TemplateScope } from './templates.ts';

type ExprSegment = Extract<Segment, { kind: 'expr' }>;

export interface Context {
  scope: TemplateScope;
  directive: DecodedDirective;
  file: SourceFile;
  bag: DiagnosticBag;
  upstream: UpstreamSettings;
}

/**
 * Checks an `@http` directive and compiles it into the parts of its upstream
 * request. Every template reference is resolved here, at build time; the
 * generated resolver only concatenates strings.
 */
export function compileHttp(
  directive: DecodedDirective,
  scope: TemplateScope,
  upstream: UpstreamSettings,
  file: SourceFile,
  bag: DiagnosticBag,
): Omit<HttpResolverPlan, 'functionName' | 'protection'> | undefined {
  const ctx: Context = { scope, directive, file, bag, upstream };
  const { args, trace } = directive;
  const typeName = scope.parentType.name;
  const fieldName = scope.field.name;
  const errorsBefore = errorCount(bag);

  const url = args['url'];
  const path = args['path'];
  if (typeof url === 'string' && typeof path === 'string') {
    bag.error(
      DiagnosticCode.InvalidArgument,
      '@http takes either `url` or `path`, not both',
      file.spanOf(directive.argNodes['path']),
      `${trace}.path`,
    );
    return undefined;
  }
  // Neither given is reported with the other argument errors; a value of the wrong type too.
  if (typeof url !== 'string' && typeof path !== 'string') return undefined;

  const written = (url ?? path) as string;
  const argName = typeof url === 'string' ? 'url' : 'path';
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(written)?.[1];
  if (typeof url === 'string' && scheme !== undefined && !/^https?$/i.test(scheme)) {
    bag.error(
      DiagnosticCode.InvalidUrl,
      `@http(url:) must be an http(s) URL, got '${written}'`,
      file.spanOf(directive.argNodes['url']),
      `${trace}.url`,
    );
    return undefined;
  }
  const relative = typeof path === 'string' || !/^(https?:\/\/|\{\{)/i.test(written);
  // Tailcall 1.6.14 accepts a relative `url` with no base URL; each call then fails with
  // `IOException: relative URL without a base` (TC_UPSTREAM_BASE_URL can still give one).
  if (relative && !upstream.baseUrlWritten && typeof path === 'string') {
    bag.error(
      DiagnosticCode.MissingBaseUrl,
      'No base URL defined',
      file.spanOf(directive.argNodes[argName]),
      `${trace}.${argName}`,
      'add @upstream(baseURL: "https://...") to the schema, or use @http(url:) with an absolute URL',
    );
  }

  const { urlParts, urlQuery } = compileUrl(written, relative, argName, ctx);
  const query = compileQueryEntries(ctx);
  const headers = compileHeaders(ctx);
  const body = args['body'] === undefined ? undefined : compileBody(args['body'], ctx);
  const method = ((args['method'] as string | undefined) ?? 'GET') as HttpMethod;
  checkBatching(method, ctx);

  if (errorCount(bag) > errorsBefore) return undefined;

  return {
    typeName,
    fieldName,
    method,
    fromBaseUrl: relative,
    ...(Array.isArray(args['batchKey']) ? { batchKey: args['batchKey'] as string[] } : {}),
    ...(args['select'] === undefined ? {} : { select: args['select'] }),
    encoding: args['encoding'] === 'ApplicationXWwwFormUrlencoded' ? 'form' : 'json',
    // Tailcall shares in-flight calls for queries only: a mutation must reach the upstream each time.
    dedupe: args['dedupe'] === true && !scope.isMutation,
    url: urlParts,
    query: [...urlQuery, ...query],
    headers,
    ...(body === undefined ? {} : { body }),
    description: `${method} ${relative ? '{baseURL}' : ''}${relative && !written.startsWith('/') ? '/' : ''}${written}`,
  };
}

function errorCount(bag: DiagnosticBag): number {
  return bag.items.filter((d) => d.severity === 'error').length;
}

/**
 * Tailcall's preconditions of `batchKey`: batching enabled in `@upstream(batch:)`, query
 * entries or a body to carry the keys, and, for a method with a body, exactly one template
 * in it (its value is the key of each request).
 */
function checkBatching(method: HttpMethod, ctx: Context): void {
  const { args, argNodes, trace } = ctx.directive;
  const batchKey = args['batchKey'];
  if (!Array.isArray(batchKey) || batchKey.length === 0) return;
  const span = ctx.file.spanOf(argNodes['batchKey']);

  const batch = ctx.upstream.batch;
  if (!batch || batch.delay < 1 || batch.maxSize < 1) {
    ctx.bag.error(
      DiagnosticCode.InvalidBatching,
      'Batching capability was used without enabling it in upstream',
      span,
      trace,
      `add ${ENABLE_BATCHING} to the schema`,
    );
  }
  const query = (args['query'] as unknown[] | undefined) ?? [];
  const body = args['body'];
  if (query.length === 0 && body === undefined) {
    ctx.bag.error(
      DiagnosticCode.InvalidBatching,
      'batchKey requires either body or query parameters',
      span,
      trace,
    );
    return;
  }
  if (method === 'GET') return;
  const expressions =
    body === undefined
      ? 0
      : parseTemplate(JSON.stringify(body)).filter((s) => s.kind === 'expr').length;
  if (expressions !== 1) {
    ctx.bag.error(
      DiagnosticCode.InvalidBatching,
      'Request body batching requires exactly one dynamic value in the body.',
      ctx.file.spanOf(argNodes['body'] ?? ctx.directive.node),
      `${trace}.body`,
    );
  }
}

/** Resolves one template's references, reporting each mistake at its own column. */
export function compileText(
  text: string,
  position: TemplatePosition,
  node: ConstValueNode | undefined,
  trace: string,
  ctx: Context,
): TextPart[] {
  const parts: TextPart[] = [];
  for (const segment of parseTemplate(text)) {
    if (segment.kind === 'literal') {
      parts.push({ kind: 'literal', text: segment.text });
      continue;
    }
    const resolved = resolve(segment, text, position, node, trace, ctx);
    if (resolved) parts.push(resolved);
  }
  return mergeLiterals(parts);
}

function resolve(
  segment: ExprSegment,
  text: string,
  position: TemplatePosition,
  node: ConstValueNode | undefined,
  trace: string,
  ctx: Context,
): TextPart | undefined {
  const checked = checkReference(segment.path, ctx.scope, position);
  const expression = text.slice(segment.offset, segment.offset + segment.length);
  // The same expression may stand several times in one template: point at this occurrence.
  const occurrence = text.slice(0, segment.offset).split(expression).length - 1;
  const span = () => spanOfExpression(ctx.file, node, expression, occurrence);
  if ('error' in checked) {
    const at = checked.argument === undefined ? trace : `${trace}.${checked.argument}`;
    ctx.bag.error(codeFor(checked.error), checked.error, span(), at);
    return undefined;
  }
  if ('literal' in checked) {
    if (checked.warning) {
      ctx.bag.warning(
        DiagnosticCode.HeaderNotAllowed,
        checked.warning,
        span(),
        trace,
        'list the header in @upstream(allowedHeaders:) to read it',
      );
    }
    return { kind: 'literal', text: checked.literal };
  }
  if ('wholeRoot' in checked) {
    if (checked.wholeRoot === 'vars')
      return { kind: 'literal', text: JSON.stringify(Object.fromEntries(ctx.scope.vars)) };
    return { kind: 'ref', ref: { root: checked.wholeRoot, path: [] } };
  }
  return { kind: 'ref', ref: checked.ref };
}

function codeFor(message: string) {
  if (message.startsWith('no argument') || message.startsWith('field '))
    return DiagnosticCode.TemplateUnknownArgument;
  if (message.startsWith('unknown template directive')) return DiagnosticCode.TemplateUnknownRoot;
  if (message.startsWith('no value') || message.startsWith('no type'))
    return DiagnosticCode.TemplateUnknownValue;
  if (message.startsWith('Cannot find type')) return DiagnosticCode.UndeclaredType;
  if (message.startsWith('var ')) return DiagnosticCode.TemplateUnknownVar;
  return DiagnosticCode.TemplateInvalid;
}

function compileUrl(
  written: string,
  relative: boolean,
  argName: string,
  ctx: Context,
): { urlParts: UrlPart[]; urlQuery: QueryParam[] } {
  const node = ctx.directive.argNodes[argName];
  const trace = `${ctx.directive.trace}.path`;
  const parts = compileText(written, 'url', node, trace, ctx);

  // Split at the first '?' written literally: before it is the URL, after it query pairs.
  const before: TextPart[] = [];
  const after: TextPart[] = [];
  let inQuery = false;
  for (const part of parts) {
    if (inQuery) after.push(part);
    else if (part.kind === 'literal' && part.text.includes('?')) {
      const at = part.text.indexOf('?');
      before.push({ kind: 'literal', text: part.text.slice(0, at) });
      after.push({ kind: 'literal', text: part.text.slice(at + 1) });
      inQuery = true;
    } else before.push(part);
  }

  // References before the first '/' after the scheme stand in the host: written raw.
  const urlParts: UrlPart[] = [];
  let inPath = relative;
  let literalSoFar = '';
  for (const part of mergeLiterals(before)) {
    if (part.kind === 'literal') {
      urlParts.push(part);
      literalSoFar += part.text;
      if (!inPath) {
        const afterScheme = literalSoFar.replace(/^[a-z]+:\/\//i, '');
        inPath = afterScheme !== literalSoFar && afterScheme.includes('/');
      }
      continue;
    }
    urlParts.push({ kind: 'ref', ref: part.ref, encode: inPath ? 'path' : 'raw' });
    literalSoFar += 'x';
  }
  if (relative && urlParts[0]?.kind === 'literal' && !urlParts[0].text.startsWith('/')) {
    urlParts[0] = { kind: 'literal', text: `/${urlParts[0].text}` };
  } else if (relative && urlParts[0]?.kind !== 'literal') {
    urlParts.unshift({ kind: 'literal', text: '/' });
  }

  return { urlParts, urlQuery: splitQuery(after, trace, ctx) };
}

/** Splits `a=1&b={{.args.b}}` (already resolved into parts) into parameters. */
function splitQuery(parts: readonly TextPart[], trace: string, ctx: Context): QueryParam[] {
  const params: QueryParam[] = [];
  let key = '';
  let value: TextPart[] | undefined;
  const flush = () => {
    if (key !== '' || value) {
      params.push({ key, value: mergeLiterals(value ?? []), origin: 'url', skipEmpty: false });
    }
    key = '';
    value = undefined;
  };

  for (const part of parts) {
    if (part.kind === 'ref') {
      if (value) value.push(part);
      else {
        ctx.bag.error(
          DiagnosticCode.TemplateInvalid,
          'a template cannot stand in a query parameter name',
          ctx.file.spanOf(ctx.directive.node),
          trace,
        );
      }
      continue;
    }
    const pieces = part.text.split('&');
    pieces.forEach((piece, i) => {
      if (i > 0) flush();
      if (value) {
        if (piece) value.push({ kind: 'literal', text: piece });
        return;
      }
      const eq = piece.indexOf('=');
      if (eq < 0) key += piece;
      else {
        key += piece.slice(0, eq);
        value = piece.slice(eq + 1) ? [{ kind: 'literal', text: piece.slice(eq + 1) }] : [];
      }
    });
  }
  flush();

  return params.map((p) => ({ ...p, key: decodeURIComponentSafe(p.key) }));
}

function compileQueryEntries(ctx: Context): QueryParam[] {
  const entries =
    (ctx.directive.args['query'] as
      { key: string; value: string; skipEmpty?: boolean }[] | undefined) ?? [];
  const list = ctx.directive.argNodes['query'];
  return entries.map((entry, i) => {
    // Point at the entry's own `value`, else at the whole list.
    const item = list?.kind === Kind.LIST ? list.values[i] : undefined;
    const valueNode =
      item?.kind === Kind.OBJECT
        ? item.fields.find((f) => f.name.value === 'value')?.value
        : undefined;
    return {
      key: entry.key,
      value: compileText(
        entry.value,
        'query',
        valueNode ?? list,
        `${ctx.directive.trace}.query`,
        ctx,
      ),
      origin: 'entry',
      skipEmpty: entry.skipEmpty === true,
    };
  });
}

function compileHeaders(ctx: Context): { key: string; value: TextPart[] }[] {
  const entries =
    (ctx.directive.args['headers'] as { key: string; value: string }[] | undefined) ?? [];
  const node = ctx.directive.argNodes['headers'];
  const trace = `${ctx.directive.trace}.headers`;
  return entries.flatMap((entry) => {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(entry.key)) {
      ctx.bag.error(
        DiagnosticCode.InvalidArgument,
        `invalid HTTP header name '${entry.key}'`,
        ctx.file.spanOf(node),
        trace,
      );
      return [];
    }
    return [
      { key: entry.key.toLowerCase(), value: compileText(entry.value, 'header', node, trace, ctx) },
    ];
  });
}

/**
 * Tailcall renders a body by writing the JSON value as compact text and then
 * substituting every `{{...}}` in that text. A `"` left alone between two
 * expressions (or at either end) is dropped, so `"{{.args.input}}"` sends the
 * object itself. Each reference is marked with whether it lands inside a JSON
 * string, where tc-gen escapes it (Tailcall inserts it raw, which lets a
 * caller break out of the string).
 */
function compileBody(body: JsonValue, ctx: Context): BodyPart[] {
  const text = JSON.stringify(body);
  const node = ctx.directive.argNodes['body'];
  const trace = `${ctx.directive.trace}.body`;
  const segments = parseTemplate(text).filter((s) => !(s.kind === 'literal' && s.text === '"'));

  const parts: BodyPart[] = [];
  let quotes = 0;
  for (const segment of segments) {
    if (segment.kind === 'literal') {
      parts.push({ kind: 'literal', text: segment.text });
      quotes += countUnescapedQuotes(segment.text);
      continue;
    }
    const resolved = resolve(segment, text, 'body', node, trace, ctx);
    if (!resolved) continue;
    if (resolved.kind === 'literal') {
      const inString = quotes % 2 === 1;
      parts.push({
        kind: 'literal',
        text: inString ? JSON.stringify(resolved.text).slice(1, -1) : resolved.text,
      });
      continue;
    }
    parts.push({ kind: 'ref', ref: resolved.ref, context: quotes % 2 === 1 ? 'string' : 'value' });
  }

  return parts;
}

function countUnescapedQuotes(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') count++;
  }
  return count;
}

function mergeLiterals<T extends { kind: string }>(parts: readonly T[]): T[] {
  const out: T[] = [];
  for (const part of parts) {
    const previous = out.at(-1);
    if (part.kind === 'literal' && previous?.kind === 'literal') {
      out[out.length - 1] = {
        ...previous,
        text:
          (previous as unknown as { text: string }).text +
          (part as unknown as { text: string }).text,
      };
    } else if (!(part.kind === 'literal' && (part as unknown as { text: string }).text === '')) {
      out.push(part);
    }
  }
  return out;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Points at an expression inside a string argument when it can be found there, else at the argument. */
export function spanOfExpression(
  file: SourceFile,
  node: ConstValueNode | undefined,
  expression: string,
  occurrence = 0,
): SourceSpan | undefined {
  if (!node?.loc) return undefined;
  const raw = file.textOf(node).slice(node.loc.start, node.loc.end);
  let at = raw.indexOf(expression);
  for (let n = 0; n < occurrence && at >= 0; n++) at = raw.indexOf(expression, at + 1);
  if (at < 0) return file.spanOf(node);
  return file.spanWithin(node, node.loc.start + at, expression.length);
}
