import { analyze as analyzeConfig, type AnalyzeResult } from './analyze.ts';
import { warningsAsErrors } from './diagnostics.ts';
import { emitProject } from './emit/index.ts';
import { addHints } from './hints.ts';
import { writeOutput, type FileAction, type WriteSummary } from './write-output.ts';

export interface CompileOptions {
  /** Treat warnings as errors (`--strict`): a config that warns gives no plan. */
  strict?: boolean;
  /** Told of each file as it is written, left unchanged or removed (`--verbose`). */
  onFile?: (relative: string, action: FileAction) => void;
}

/** Milliseconds spent in each phase of a build. */
export interface BuildTimings {
  analyze: number;
  emit?: number;
  write?: number;
}

/**
 * Load → validate → plan, with hints added to the diagnostics; under `strict`, warnings are
 * errors and no plan is returned when there is one.
 */
export async function analyze(
  configPath: string,
  cwd = process.cwd(),
  options: CompileOptions = {},
): Promise<AnalyzeResult> {
  const result = await analyzeConfig(configPath, cwd);
  const hinted = addHints(result.diagnostics);
  if (!options.strict) return { ...result, diagnostics: hinted };
  const diagnostics = warningsAsErrors(hinted);
  const { plan, ...rest } = result;
  return diagnostics.some((d) => d.severity === 'error')
    ? { ...rest, diagnostics }
    : { ...rest, diagnostics, ...(plan ? { plan } : {}) };
}

export interface BuildResult extends AnalyzeResult {
  /** The generated files, when the config has no errors. */
  files?: Map<string, string>;
  /** What was written, when an output folder was given and the build succeeded. */
  written?: WriteSummary;
  timings: BuildTimings;
}

/**
 * Compiles a config into a server project. With `outDir`, writes it there;
 * a config with errors writes nothing at all.
 */
export async function build(
  configPath: string,
  outDir?: string,
  cwd = process.cwd(),
  options: CompileOptions = {},
): Promise<BuildResult> {
  let started = performance.now();
  const lap = () => {
    const now = performance.now();
    const ms = now - started;
    started = now;
    return ms;
  };
  const result = await analyze(configPath, cwd, options);
  const timings: BuildTimings = { analyze: lap() };
  if (!result.plan) return { ...result, timings };

  const files = await emitProject(result.plan);
  timings.emit = lap();
  if (outDir === undefined) return { ...result, files, timings };

  const written = await writeOutput(
    outDir,
    files,
    options.onFile ? { onFile: options.onFile } : {},
  );
  timings.write = lap();
  return { ...result, files, written, timings };
}
