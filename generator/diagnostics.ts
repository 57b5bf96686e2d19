/**
 * Diagnostics: every problem the compiler finds in a config is collected as a
 * `Diagnostic` and reported together, so one run shows every mistake.
 */

/** Stable identifiers of everything tc-gen can report. Never reuse a retired code. */
export const DiagnosticCode = {
  /** The SDL does not parse. */
  SyntaxError: 'TCG_SYNTAX',
  /** A config file or linked file cannot be read. */
  FileUnreadable: 'TCG_FILE_UNREADABLE',
  /** A directive tc-gen does not know. */
  UnknownDirective: 'TCG_UNKNOWN_DIRECTIVE',
  /** A directive or argument Tailcall has but this version of tc-gen does not implement. */
  Unsupported: 'TCG_UNSUPPORTED',
  /** A directive argument tc-gen does not know. */
  UnknownArgument: 'TCG_UNKNOWN_ARGUMENT',
  /** A required directive argument is missing. */
  MissingArgument: 'TCG_MISSING_ARGUMENT',
  /** A directive argument has a value of the wrong type. */
  InvalidArgument: 'TCG_INVALID_ARGUMENT',
  /** A directive is used where it has no meaning. */
  MisplacedDirective: 'TCG_MISPLACED_DIRECTIVE',
  /** A `{{...}}` template names an argument the field does not have. */
  TemplateUnknownArgument: 'TCG_TEMPLATE_UNKNOWN_ARG',
  /** A template names a root other than args, value, headers, env and vars. */
  TemplateUnknownRoot: 'TCG_TEMPLATE_UNKNOWN_ROOT',
  /** A template names a parent field that does not exist. */
  TemplateUnknownValue: 'TCG_TEMPLATE_UNKNOWN_VALUE',
  /** A template names a var not declared in `@server(vars)`. */
  TemplateUnknownVar: 'TCG_TEMPLATE_UNKNOWN_VAR',
  /** A template is too short or otherwise unusable where it stands. */
  TemplateInvalid: 'TCG_TEMPLATE_INVALID',
  /** An `@http(path:)` with no `@upstream(baseURL:)` to resolve it against. */
  MissingBaseUrl: 'TCG_MISSING_BASE_URL',
  /** A URL that does not parse. */
  InvalidUrl: 'TCG_INVALID_URL',
  /** `@protected` without any auth link. */
  ProtectedWithoutProvider: 'TCG_PROTECTED_NO_PROVIDER',
  /** `@protected(id:)` naming a provider no link declares. */
  UnknownProvider: 'TCG_UNKNOWN_PROVIDER',
  /** `@protected` on an input type or input field. */
  ProtectedInput: 'TCG_PROTECTED_INPUT',
  /** Two links with the same id. */
  DuplicateLinkId: 'TCG_DUPLICATE_LINK_ID',
  /** A linked JWKS that is not a key set or has no usable signing key. */
  InvalidJwks: 'TCG_INVALID_JWKS',
  /** A linked htpasswd file with no usable entry. */
  InvalidHtpasswd: 'TCG_INVALID_HTPASSWD',
  /** A linked key set carries private key material (stripped, or embedded for HMAC keys). */
  JwksPrivateKey: 'TCG_JWKS_PRIVATE_KEY',
  /** An htpasswd entry in a hash form tc-gen cannot verify. */
  HtpasswdUnsupportedEntry: 'TCG_HTPASSWD_UNSUPPORTED_ENTRY',
  /** A link type tc-gen does not support yet. */
  UnsupportedLink: 'TCG_UNSUPPORTED_LINK',
  /** A root field (Query/Mutation) with no way to produce its value. */
  MissingResolver: 'TCG_MISSING_RESOLVER',
  /** A field type that is not declared. */
  UndeclaredType: 'TCG_UNDECLARED_TYPE',
  /** The schema has no query root. */
  MissingQueryRoot: 'TCG_MISSING_QUERY_ROOT',
  /** The SDL is valid syntax but not a valid GraphQL schema. */
  InvalidSchema: 'TCG_INVALID_SCHEMA',
  /** A type declared in the root config and in a linked one cannot be merged. */
  MergeConflict: 'TCG_MERGE_CONFLICT',
  /** Settings on the schema definition of a linked config, which only contributes types. */
  LinkedSettingsIgnored: 'TCG_LINKED_SETTINGS_IGNORED',
  /** `@http(batchKey:)` where batching cannot work. */
  InvalidBatching: 'TCG_INVALID_BATCHING',
  /** `{{.headers.x}}` for a header not in `@upstream(allowedHeaders:)`: it reads as empty text. */
  HeaderNotAllowed: 'TCG_HEADER_NOT_ALLOWED',
  /** An `@http` field under a list without `batchKey`: one upstream call per item. */
  NPlusOne: 'TCG_N_PLUS_ONE',
  /** An auth link that no `@protected` can use. */
  UnusedLink: 'TCG_UNUSED_LINK',
  /** `@addField` with a path that does not exist or runs through another resolver. */
  InvalidAddField: 'TCG_INVALID_ADD_FIELD',
  /** `@modify(name:)` to a name the type already has from an interface. */
  InvalidModify: 'TCG_INVALID_MODIFY',
  /** `@call` steps naming no root field, one without a resolver, or leaving out its arguments. */
  InvalidCall: 'TCG_INVALID_CALL',
} as const;

export type DiagnosticCode = (typeof DiagnosticCode)[keyof typeof DiagnosticCode];

export type Severity = 'error' | 'warning';

/** A position in a source file; line and column are 1-based. */
export interface SourceSpan {
  file: string;
  line: number;
  column: number;
  /** Number of characters to underline on that line (at least 1). */
  length: number;
}

export interface Diagnostic {
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  /** Tailcall-style trace, e.g. `Query.user.@http.path`. */
  trace?: string;
  span?: SourceSpan;
  hint?: string;
}

/** Collects diagnostics in the order they are found. */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];

  error(
    code: DiagnosticCode,
    message: string,
    span?: SourceSpan,
    trace?: string,
    hint?: string,
  ): void {
    this.items.push({ severity: 'error', code, message, ...opt({ span, trace, hint }) });
  }

  warning(
    code: DiagnosticCode,
    message: string,
    span?: SourceSpan,
    trace?: string,
    hint?: string,
  ): void {
    this.items.push({ severity: 'warning', code, message, ...opt({ span, trace, hint }) });
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}

/** Drops undefined members so objects stay valid under exactOptionalPropertyTypes. */
function opt<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== undefined) out[key] = member;
  }
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** Orders diagnostics by file, line and column; stable for equal positions. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, index) => ({ d, index }))
    .sort((a, b) => {
      const sa = a.d.span;
      const sb = b.d.span;
      if (sa && sb) {
        if (sa.file !== sb.file) return sa.file < sb.file ? -1 : 1;
        if (sa.line !== sb.line) return sa.line - sb.line;
        if (sa.column !== sb.column) return sa.column - sb.column;
      } else if (sa || sb) {
        return sa ? -1 : 1;
      }
      return a.index - b.index;
    })
    .map(({ d }) => d);
}

/** Every warning as an error (`--strict`): a build that warns then writes nothing. */
export function warningsAsErrors(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.map((d) => (d.severity === 'warning' ? { ...d, severity: 'error' } : d));
}

/** A diagnostic as `--format json` prints it; positions are 1-based, `endColumn` exclusive. */
export interface JsonDiagnostic {
  file: string | null;
  line: number | null;
  column: number | null;
  endLine: number | null;
  endColumn: number | null;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  trace: string | null;
  hint: string | null;
}

export function toJsonDiagnostic(d: Diagnostic): JsonDiagnostic {
  const located = d.span !== undefined && d.span.line > 0;
  return {
    file: d.span?.file ?? null,
    line: located ? d.span!.line : null,
    column: located ? d.span!.column : null,
    endLine: located ? d.span!.line : null,
    endColumn: located ? d.span!.column + d.span!.length : null,
    severity: d.severity,
    code: d.code,
    message: d.message,
    trace: d.trace ?? null,
    hint: d.hint ?? null,
  };
}

/**
 * Whether to colour output written to a stream: `FORCE_COLOR` (anything but `0`) forces it,
 * `NO_COLOR` (any value) turns it off, otherwise only a terminal gets colour.
 */
export function wantsColor(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '0' && force !== 'false') return true;
  if (force === '0' || force === 'false') return false;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return stream.isTTY === true;
}

export interface FormatOptions {
  /** Reads a line of a source file, for the excerpt under each message. */
  sourceLine?: (file: string, line: number) => string | undefined;
  color?: boolean;
}

/**
 * Renders one diagnostic the way compilers people know print them:
 *
 *     config.graphql:7:40 error TCG_TEMPLATE_UNKNOWN_ARG no argument 'nope' found [at Query.user.@http.path]
 *        7 |   user(id: Int!): User @http(path: "/users/{{.args.nope}}")
 *          |                                          ^^^^^^^^^^^^^^
 */
export function formatDiagnostic(d: Diagnostic, options: FormatOptions = {}): string {
  const paint = options.color ? colors : noColors;
  // A span on line 0 names a whole file (one that could not be read, say).
  const where = !d.span
    ? '<config>'
    : d.span.line === 0
      ? d.span.file
      : `${d.span.file}:${d.span.line}:${d.span.column}`;
  const severity = d.severity === 'error' ? paint.red('error') : paint.yellow('warning');
  const trace = d.trace ? ` [at ${d.trace}]` : '';
  // A message of several lines (Tailcall's syntax error block) shows the source line itself.
  const block = d.message.includes('\n');
  const lines = block
    ? [`${paint.bold(where)} ${severity} ${paint.dim(d.code)}${trace}`, d.message]
    : [`${paint.bold(where)} ${severity} ${paint.dim(d.code)} ${d.message}${trace}`];

  const text =
    d.span && d.span.line > 0 && !block
      ? options.sourceLine?.(d.span.file, d.span.line)
      : undefined;
  if (d.span && text !== undefined) {
    const gutter = String(d.span.line);
    const pad = ' '.repeat(gutter.length);
    const caretStart = Math.max(0, Math.min(d.span.column - 1, text.length));
    const caretLength = Math.max(1, Math.min(d.span.length, text.length - caretStart || 1));
    // Tabs before the caret are kept as tabs, so it lines up however wide the terminal shows them.
    const indent = text.slice(0, caretStart).replace(/[^\t]/g, ' ');
    lines.push(`  ${gutter} | ${text}`);
    lines.push(`  ${pad} | ${indent}${paint.red('^'.repeat(caretLength))}`);
  }
  if (d.hint) lines.push(`  ${paint.dim('hint:')} ${d.hint}`);

  return lines.join('\n');
}

const noColors = {
  red: (s: string) => s,
  yellow: (s: string) => s,
  bold: (s: string) => s,
  dim: (s: string) => s,
};

const colors = {
  red: (s: string) => `\u001b[31m${s}\u001b[39m`,
  yellow: (s: string) => `\u001b[33m${s}\u001b[39m`,
  bold: (s: string) => `\u001b[1m${s}\u001b[22m`,
  dim: (s: string) => `\u001b[2m${s}\u001b[22m`,
};
