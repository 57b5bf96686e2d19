import { analyze, type AnalyzeResult } from './analyze.ts';
import { emitProject } from './emit/index.ts';
import { writeOutput, type WriteSummary } from './write-output.ts';

export interface BuildResult extends AnalyzeResult {
  /** The generated files, when the config has no errors. */
  files?: Map<string, string>;
  /** What was written, when an output folder was given and the build succeeded. */
  written?: WriteSummary;
}

/**
 * Compiles a config into a server project. With `outDir`, writes it there;
 * a config with errors writes nothing at all.
 */
export async function build(
  configPath: string,
  outDir?: string,
  cwd = process.cwd(),
): Promise<BuildResult> {
  const result = await analyze(configPath, cwd);
  if (!result.plan) return result;

  const files = await emitProject(result.plan);
  if (outDir === undefined) return { ...result, files };

  const written = await writeOutput(outDir, files);
  return { ...result, files, written };
}

export { analyze };
