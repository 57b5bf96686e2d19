/**
 * `tc-gen init [DIR]`: a starter config that builds and runs, a README, and the editor files
 * (`.graphqlrc.yml`, `.tailcallrc.graphql`) that teach IDEs tc-gen's directives.
 */
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { OutputError } from '../write-output.ts';
import { directivesSdl } from './directives-sdl.ts';

const TEMPLATES = new URL('../../templates/init/', import.meta.url);
const FROM_TEMPLATES = ['config.graphql', 'README.md', '.graphqlrc.yml'] as const;
export const DIRECTIVES_FILE = '.tailcallrc.graphql';

/** The files `init` writes, by name. */
export async function initFiles(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const name of FROM_TEMPLATES)
    files.set(name, await readFile(new URL(name, TEMPLATES), 'utf8'));
  files.set(DIRECTIVES_FILE, directivesSdl());

  return files;
}

/**
 * Writes the starter files into `dir` (made if missing). Refuses, writing nothing, when any
 * of them exists already.
 */
export async function init(dir: string): Promise<string[]> {
  const files = await initFiles();
  const existing: string[] = [];
  for (const name of files.keys()) {
    const exists = await access(path.join(dir, name)).then(
      () => true,
      () => false,
    );
    if (exists) existing.push(name);
  }
  if (existing.length > 0) {
    throw new OutputError(
      `refusing to overwrite ${existing.join(', ')} in ${dir}; nothing was written`,
    );
  }

  await mkdir(dir, { recursive: true });
  for (const [name, text] of files) await writeFile(path.join(dir, name), text, { flag: 'wx' });

  return [...files.keys()];
}
