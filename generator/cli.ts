import path from 'node:path';

import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';

import { audit, formatAudit, matchesPattern } from './audit.ts';
import { analyze, build } from './compiler.ts';
import { formatDiagnostic, type Diagnostic } from './diagnostics.ts';
import type { SourceFile } from './load/source-file.ts';
import type { Plan } from './plan/plan.ts';
import { TC_GEN_VERSION } from './version.ts';
import { OutputError } from './write-output.ts';

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Analyzes a config and prints its diagnostics; the plan when it has no errors. */
async function planOf(config: string): Promise<Plan | undefined> {
  const result = await analyze(config);
  printDiagnostics(result.diagnostics, result.file);
  return result.plan;
}

/** yargs' wording of the common mistakes, said the way the rest of tc-gen speaks. */
function friendlier(message: string): string {
  const unknown = /^Unknown commands?: ([^,]+)/.exec(message);
  if (unknown) return `unknown command '${unknown[1]}': the commands are build, check and audit`;
  if (/^Not enough non-option arguments/.test(message))
    return 'name a command (build, check or audit) and a config';
  if (message === 'Missing required argument: out') return 'build needs an output folder: -o OUT';
  return message;
}

/** A mistake in how tc-gen was called. */
class UsageError extends Error {}

/** Exit codes, documented in the README and `--help`. */
export const ExitCode = { Ok: 0, ConfigErrors: 1, Usage: 2, Internal: 3 } as const;

function printDiagnostics(diagnostics: readonly Diagnostic[], file: SourceFile | undefined): void {
  const color = process.stderr.isTTY === true && !process.env['NO_COLOR'];
  for (const diagnostic of diagnostics) {
    const text = formatDiagnostic(diagnostic, {
      color,
      sourceLine: (name, line) => file?.lineIn(name, line),
    });
    process.stderr.write(`${text}\n`);
  }
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (errors > 0)
    process.stderr.write(`\n${errors} error${errors === 1 ? '' : 's'}; nothing was written.\n`);
}

export async function main(argv: readonly string[]): Promise<number> {
  let exitCode: number = ExitCode.Ok;

  try {
    await yargs(argv as string[])
      .scriptName('tc-gen')
      .version(TC_GEN_VERSION)
      .usage(
        '$0 <command> [options]\n\nCompiles a Tailcall GraphQL config into a typed fastify + mercurius server.',
      )
      .command(
        'build <config>',
        'compile CONFIG into a server project in OUT',
        (y) =>
          y
            .positional('config', {
              type: 'string',
              demandOption: true,
              describe: 'the config (.graphql)',
            })
            .option('out', {
              alias: 'o',
              type: 'string',
              demandOption: true,
              describe: 'output folder',
            })
            .example('$0 build config.graphql -o server', 'generate ./server from config.graphql'),
        async (args) => {
          const started = performance.now();
          const result = await build(args.config, args.out);
          printDiagnostics(result.diagnostics, result.file);
          if (!result.plan || !result.written) {
            exitCode = ExitCode.ConfigErrors;
            return;
          }
          const { written } = result;
          const ms = Math.round(performance.now() - started);
          const protectedCount = [...result.plan.protection.values()].reduce(
            (n, fields) => n + fields.size,
            0,
          );
          process.stdout.write(
            `tc-gen: ${plural(result.plan.resolvers.length, 'resolver')}, ${plural(protectedCount, 'protected field')} → ` +
              `${path.relative(process.cwd(), args.out) || '.'} (${written.written} written, ` +
              `${written.unchanged} unchanged, ${written.removed} removed) in ${ms} ms\n`,
          );
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
              describe: 'the config (.graphql)',
            })
            .example('$0 check config.graphql', 'list every mistake in config.graphql'),
        async (args) => {
          const plan = await planOf(args.config);
          if (!plan) {
            exitCode = ExitCode.ConfigErrors;
            return;
          }
          process.stdout.write(
            `tc-gen: ${args.config} is valid (${plural(plan.resolvers.length, 'resolver')})\n`,
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
              describe: 'the config (.graphql)',
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
              '$0 audit config.graphql --fail-on-public "User.*"',
              'fail CI when a User field is public',
            ),
        async (args) => {
          const plan = await planOf(args.config);
          if (!plan) {
            exitCode = ExitCode.ConfigErrors;
            return;
          }
          const report = audit(plan);
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
      .demandCommand(1, 'name a command: build, check or audit')
      .strict()
      .strictCommands()
      .epilog(
        'Exit codes: 0 success, 1 the config has errors, 2 usage or output-folder error, 3 internal error.',
      )
      .exitProcess(false)
      .fail((message, error) => {
        // Throwing stops yargs here; with exitProcess(false) it would otherwise run the handler.
        throw error ?? new UsageError(friendlier(message));
      })
      .help()
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
    process.stderr.write(
      `tc-gen: internal error, please report it:\n${(error as Error).stack ?? String(error)}\n`,
    );
    process.exitCode = ExitCode.Internal;
  },
);
