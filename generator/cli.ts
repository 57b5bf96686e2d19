import path from 'node:path';

import { isScalarType, specifiedScalarTypes } from 'graphql';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';

import { audit, formatAudit, matchesPattern } from './audit.ts';
import { staleFiles } from './check-output.ts';
import { analyze, build, type BuildResult } from './compiler.ts';
import { formatDiagnostic, toJsonDiagnostic, wantsColor, type Diagnostic } from './diagnostics.ts';
import { init } from './init/init.ts';
import type { SourceFile } from './load/source-file.ts';
import type { Plan } from './plan/plan.ts';
import { TC_GEN_VERSION } from './version.ts';
import { watchBuild } from './watch.ts';
import { OutputError } from './write-output.ts';

/** Exit codes, documented in the README and `--help`. */
export const ExitCode = { Ok: 0, ConfigErrors: 1, Usage: 2, Internal: 3 } as const;

const COMMANDS = 'build, check, audit and init';

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** yargs' wording of the common mistakes, said the way the rest of tc-gen speaks. */
function friendlier(message: string): string {
  const unknown = /^Unknown commands?: ([^,]+)/.exec(message);
  if (unknown) return `unknown command '${unknown[1]}': the commands are ${COMMANDS}`;
  if (/^Not enough non-option arguments/.test(message))
    return 'name a command (build, check, audit or init) and a config';
  if (message === 'Missing required argument: out') return 'build needs an output folder: -o OUT';
  return message;
}

/** A mistake in how tc-gen was called. */
class UsageError extends Error {}

interface OutputOptions {
  format: 'text' | 'json';
  quiet: boolean;
  verbose: boolean;
}

/**
 * Where everything tc-gen prints goes. Diagnostics go to stderr as text, or to stdout as one
 * JSON array under `--format json` (everything else then goes to stderr, so stdout parses).
 * `--quiet` keeps errors only; `--verbose` adds each file and the time of each phase.
 */
class Reporter {
  constructor(readonly options: OutputOptions) {}

  /** Prints diagnostics; returns the number of errors among them. */
  diagnostics(diagnostics: readonly Diagnostic[], file: SourceFile | undefined): number {
    const shown = this.options.quiet
      ? diagnostics.filter((d) => d.severity === 'error')
      : diagnostics;
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    if (this.options.format === 'json') {
      process.stdout.write(`${JSON.stringify(shown.map(toJsonDiagnostic), null, 2)}\n`);
      return errors;
    }
    const color = wantsColor(process.stderr);
    for (const diagnostic of shown) {
      const text = formatDiagnostic(diagnostic, {
        color,
        sourceLine: (name, line) => file?.lineIn(name, line),
      });
      process.stderr.write(`${text}\n`);
    }
    if (errors > 0) process.stderr.write(`\n${plural(errors, 'error')}; nothing was written.\n`);

    return errors;
  }

  /** A result line: stdout, or stderr when stdout carries JSON; nothing under `--quiet`. */
  info(line: string): void {
    if (this.options.quiet) return;
    (this.options.format === 'json' ? process.stderr : process.stdout).write(`${line}\n`);
  }

  detail(line: string): void {
    if (this.options.verbose) this.info(line);
  }

  /** Output that is the answer itself (a diff): printed even under `--quiet`. */
  answer(text: string): void {
    (this.options.format === 'json' ? process.stderr : process.stdout).write(text);
  }
}

function reporterOf(args: { format?: string; quiet?: boolean; verbose?: boolean }): Reporter {
  return new Reporter({
    format: args.format === 'json' ? 'json' : 'text',
    quiet: args.quiet === true,
    verbose: args.verbose === true && args.quiet !== true,
  });
}

/** Named types a client sees, GraphQL's own scalars left out. */
function typeCount(plan: Plan): number {
  const builtIn = new Set(specifiedScalarTypes.map((t) => t.name));
  return Object.values(plan.schema.getTypeMap()).filter(
    (t) => !t.name.startsWith('__') && !(isScalarType(t) && builtIn.has(t.name)),
  ).length;
}

function protectedCount(plan: Plan): number {
  return [...plan.protection.values()].reduce((n, fields) => n + fields.size, 0);
}

function shownPath(target: string): string {
  return path.relative(process.cwd(), target) || '.';
}

/** `target` as one shell word: quoted when it holds anything but plain path characters. */
function shellWord(target: string): string {
  return /^[\w./@%+=:,-]+$/.test(target) ? target : `'${target.replaceAll("'", `'\\''`)}'`;
}

/**
 * What to run after `init`, from the folder the user ran it in: the starter README's steps (build
 * into `server/` inside the project, then serve from there), after a `cd` into the project.
 */
function initNextSteps(dir: string): string {
  const shown = shownPath(dir);
  const enter = shown === '.' ? '' : `cd ${shellWord(shown)} && `;

  return `${enter}tc-gen build config.graphql -o server && cd server && npm install && npm start`;
}

/**
 * Help examples as a `#` comment over the command, each on its own line: yargs' two columns
 * split a long command across both (`"User.*"` landed under the descriptions).
 */
function examples(list: readonly (readonly [command: string, description: string])[]) {
  return list.map(([command, description]): [string, string] => [
    `# ${description}\n$0 ${command}`,
    '',
  ]);
}

interface BuildArgs {
  config: string;
  out: string;
  strict: boolean;
}

/** One build into OUT: diagnostics, then the summary line. Returns the exit code. */
async function buildOnce(args: BuildArgs, reporter: Reporter): Promise<number> {
  const result: BuildResult = await build(args.config, args.out, process.cwd(), {
    strict: args.strict,
    onFile: (relative, action) => {
      if (action !== 'unchanged') reporter.detail(`  ${action} ${relative}`);
    },
  });
  reporter.diagnostics(result.diagnostics, result.file);
  if (!result.plan || !result.written) return ExitCode.ConfigErrors;

  const { written, timings, plan } = result;
  const total = Object.values(timings).reduce((sum, ms) => sum + (ms ?? 0), 0);
  reporter.info(
    `tc-gen: ${plural(typeCount(plan), 'type')}, ` +
      `${plural(plan.resolvers.length + plan.exprResolvers.length, 'resolver')}, ` +
      `${plural(protectedCount(plan), 'protected field')} → ${shownPath(args.out)} ` +
      `(${written.written} written, ${written.unchanged} unchanged, ${written.removed} removed) ` +
      `in ${Math.round(total)} ms`,
  );
  reporter.detail(
    `tc-gen: analyze ${Math.round(timings.analyze)} ms, emit ${Math.round(timings.emit ?? 0)} ms, ` +
      `write ${Math.round(timings.write ?? 0)} ms`,
  );

  return ExitCode.Ok;
}

/** `build --check`: what a build would change in OUT, as a diff; exit 1 when anything would. */
async function checkOutput(args: BuildArgs, reporter: Reporter): Promise<number> {
  const result = await build(args.config, undefined, process.cwd(), { strict: args.strict });
  reporter.diagnostics(result.diagnostics, result.file);
  if (!result.files) return ExitCode.ConfigErrors;

  const stale = await staleFiles(args.out, result.files);
  if (stale.length === 0) {
    reporter.detail(`tc-gen: ${shownPath(args.out)} is up to date`);
    return ExitCode.Ok;
  }
  reporter.answer(stale.map((s) => s.diff).join(''));
  const count = (kind: string) => stale.filter((s) => s.kind === kind).length;
  process.stderr.write(
    `tc-gen: ${shownPath(args.out)} is stale: ${count('changed')} changed, ${count('added')} added, ` +
      `${count('removed')} removed; run 'tc-gen build ${args.config} -o ${args.out}'\n`,
  );

  return ExitCode.ConfigErrors;
}

/** `build --watch`: builds on every change until SIGINT/SIGTERM; never exits on a bad config. */
async function watchAndBuild(args: BuildArgs, reporter: Reporter): Promise<number> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let watched = '';
  try {
    await watchBuild(
      args.config,
      async () => {
        try {
          await buildOnce(args, reporter);
        } catch (error) {
          // The folder refused or a write failed: said, and tried again on the next change.
          if (!(error instanceof OutputError)) throw error;
          process.stderr.write(`tc-gen: ${error.message}\n`);
        }
      },
      {
        signal: controller.signal,
        onWatching: (files) => {
          const list = files.map(shownPath).join(', ');
          if (list === watched) return;
          watched = list;
          reporter.info(`tc-gen: watching ${list} (Ctrl-C to stop)`);
        },
      },
    );
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }

  return ExitCode.Ok;
}

const outputOptions = {
  format: {
    choices: ['text', 'json'] as const,
    default: 'text' as const,
    describe: 'diagnostics as text on stderr, or as one JSON array on stdout',
  },
  strict: {
    type: 'boolean' as const,
    default: false,
    describe: 'treat warnings as errors (exit 1, nothing written)',
  },
  quiet: { type: 'boolean' as const, default: false, describe: 'print errors only' },
  verbose: {
    type: 'boolean' as const,
    default: false,
    describe: 'print each file written and the time of each phase',
  },
};

export async function main(argv: readonly string[]): Promise<number> {
  let exitCode: number = ExitCode.Ok;

  try {
    await yargs(argv as string[])
      .scriptName('tc-gen')
      .version(TC_GEN_VERSION)
      .usage(
        '$0 <command> [options]\n\nCompiles a Tailcall GraphQL config (.graphql, .json, .yaml) into a typed fastify + mercurius server.',
      )
      .command(
        'build <config>',
        'compile CONFIG into a server project in OUT',
        (y) =>
          y
            .positional('config', {
              type: 'string',
              demandOption: true,
              describe: 'the config (.graphql, .json, .yml or .yaml)',
            })
            .option('out', {
              alias: 'o',
              type: 'string',
              demandOption: true,
              describe: 'output folder',
            })
            .option('check', {
              type: 'boolean',
              default: false,
              describe: 'write nothing; print a diff of what is stale in OUT and exit 1 if any',
            })
            .option('watch', {
              alias: 'w',
              type: 'boolean',
              default: false,
              describe: 'rebuild whenever the config or a linked file changes',
            })
            .options(outputOptions)
            .example(
              examples([
                ['build config.graphql -o server', 'generate ./server from config.graphql'],
                ['build config.graphql -o server --check', 'in CI: fail when ./server is stale'],
                ['build config.yaml -o server --watch', 'rebuild on every save'],
                [
                  'build config.graphql -o server --strict --format json',
                  'warnings fail; JSON diagnostics',
                ],
              ]),
            ),
        async (args) => {
          if (args.check && args.watch)
            throw new UsageError('--check and --watch do not go together');
          const reporter = reporterOf(args);
          const buildArgs = { config: args.config, out: args.out, strict: args.strict };
          if (args.check) exitCode = await checkOutput(buildArgs, reporter);
          else if (args.watch) exitCode = await watchAndBuild(buildArgs, reporter);
          else exitCode = await buildOnce(buildArgs, reporter);
        },
      )
      .command(
        'check <config>',
        'validate CONFIG and report every problem; writes nothing',
        (y) =>
          y
            .positional('config', {
              type: 'string',
              demandOption: true,
              describe: 'the config (.graphql, .json, .yml or .yaml)',
            })
            .options(outputOptions)
            .example(
              examples([
                ['check config.graphql', 'list every mistake in config.graphql'],
                ['check config.graphql --format json', 'the same, for a machine'],
              ]),
            ),
        async (args) => {
          const reporter = reporterOf(args);
          const result = await analyze(args.config, process.cwd(), { strict: args.strict });
          reporter.diagnostics(result.diagnostics, result.file);
          if (!result.plan) {
            exitCode = ExitCode.ConfigErrors;
            return;
          }
          const { plan } = result;
          reporter.info(
            `tc-gen: ${args.config} is valid (${plural(plan.resolvers.length + plan.exprResolvers.length, 'resolver')})`,
          );
        },
      )
      .command(
        'audit <config>',
        'list every field of the public schema with its protection',
        (y) =>
          y
            .positional('config', {
              type: 'string',
              demandOption: true,
              describe: 'the config (.graphql, .json, .yml or .yaml)',
            })
            .option('json', {
              type: 'boolean',
              default: false,
              describe: 'print the report as JSON',
            })
            .option('fail-on-public', {
              type: 'string',
              array: true,
              describe: 'exit 1 when a public field matches (e.g. "Query.*", "*.email")',
            })
            .example(
              examples([
                [
                  'audit config.graphql --fail-on-public "User.*"',
                  'fail CI when a User field is public',
                ],
              ]),
            ),
        async (args) => {
          const result = await analyze(args.config);
          // Links nothing uses are in the report itself.
          reporterOf({}).diagnostics(
            result.diagnostics.filter((d) => d.code !== 'TCG_UNUSED_LINK'),
            result.file,
          );
          if (!result.plan) {
            exitCode = ExitCode.ConfigErrors;
            return;
          }
          const report = audit(result.plan);
          process.stdout.write(
            args.json ? `${JSON.stringify(report, null, 2)}\n` : formatAudit(report),
          );
          const patterns = args['fail-on-public'] ?? [];
          const open = report.fields.filter(
            (f) => !f.protected && patterns.some((p) => matchesPattern(f.field, p)),
          );
          if (open.length > 0) {
            process.stderr.write(
              `tc-gen: public fields match --fail-on-public: ${open.map((f) => f.field).join(', ')}\n`,
            );
            exitCode = ExitCode.ConfigErrors;
          }
        },
      )
      .command(
        'init [dir]',
        'start a project in DIR: a config, a README and editor files for the directives',
        (y) =>
          y
            .positional('dir', {
              type: 'string',
              default: '.',
              describe: 'folder (made if missing)',
            })
            .example(examples([['init my-api', 'write my-api/config.graphql and friends']])),
        async (args) => {
          const written = await init(args.dir);
          process.stdout.write(
            `tc-gen: wrote ${written.join(', ')} in ${shownPath(args.dir)}\n` +
              `next: ${initNextSteps(args.dir)}\n`,
          );
        },
      )
      .example(
        examples([
          ['init my-api', 'start a project: config, README, editor files'],
          ['check config.graphql', 'report every mistake, writing nothing'],
          ['build config.graphql -o server', 'compile into ./server'],
          ['build config.graphql -o server --check', 'in CI: exit 1 when ./server is stale'],
          ['audit config.graphql --fail-on-public "User.*"', 'in CI: no public User field'],
        ]),
      )
      .demandCommand(1, 'name a command: build, check, audit or init')
      .strict()
      .strictCommands()
      .epilog(
        'Exit codes: 0 success, 1 the config has errors (or is stale, with build --check), ' +
          '2 usage or output-folder error, 3 internal error.\n' +
          'Colour: on a terminal only; NO_COLOR turns it off, FORCE_COLOR on.',
      )
      .exitProcess(false)
      .fail((message, error) => {
        // Throwing stops yargs here; with exitProcess(false) it would otherwise run the handler.
        throw error ?? new UsageError(friendlier(message));
      })
      .help()
      .wrap(80)
      .parseAsync();
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`tc-gen: ${error.message}\nRun 'tc-gen --help' for usage.\n`);
      return ExitCode.Usage;
    }
    throw error;
  }

  return exitCode;
}

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof OutputError) {
      process.stderr.write(`tc-gen: ${error.message}\n`);
      process.exitCode = ExitCode.Usage;
      return;
    }
    // Parsing, checking and formatting recurse along the config's nesting: only a config
    // nested hundreds of levels deep gets here, which is its shape to fix, not our fault.
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      process.stderr.write(
        'tc-gen: the config nests too deeply to compile (a type, list or value hundreds of ' +
          'levels deep); nothing was written\n',
      );
      process.exitCode = ExitCode.ConfigErrors;
      return;
    }
    process.stderr.write(
      `tc-gen: internal error, please report it:\n${(error as Error).stack ?? String(error)}\n`,
    );
    process.exitCode = ExitCode.Internal;
  },
);
