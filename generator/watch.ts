/**
 * `tc-gen build --watch`: builds, then builds again whenever the config or a file it links
 * (`@link` srcs: linked configs, key sets, htpasswd files) changes. The set of watched files
 * is worked out again after every build, so a link added to the config is watched from then on.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { Kind } from 'graphql';

import { DiagnosticBag } from './diagnostics.ts';
import { parseFile } from './load/load-config.ts';
import { SourceFile } from './load/source-file.ts';

export interface WatchOptions {
  /** Milliseconds of quiet after a change before rebuilding: an editor's save is several events. */
  debounceMs?: number;
  /** Stops watching; the returned promise then resolves. */
  signal: AbortSignal;
  /** Told of the files watched after each build. */
  onWatching?: (files: readonly string[]) => void;
}

/** Runs `buildOnce` now and after every change, until `signal` aborts. */
export async function watchBuild(
  configPath: string,
  buildOnce: () => Promise<void>,
  options: WatchOptions,
): Promise<void> {
  const config = path.resolve(configPath);
  const debounceMs = options.debounceMs ?? 100;
  const watchers = new Map<string, FSWatcher>();
  let files = new Set<string>([config]);
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;

  const changed = (dir: string, name: string | null) => {
    if (name !== null && !files.has(path.join(dir, name))) return;
    clearTimeout(timer);
    timer = setTimeout(() => void run(), debounceMs);
  };

  // Directories are watched rather than files: editors often save by writing a new file and
  // renaming it over the old one, which ends a watch on the file itself.
  const resync = async () => {
    const next = new Set([config, ...(await linkedFiles(config))]);
    files = next;
    const dirs = new Set([...next].map((f) => path.dirname(f)));
    for (const [dir, watcher] of watchers) {
      if (dirs.has(dir)) continue;
      watcher.close();
      watchers.delete(dir);
    }
    for (const dir of dirs) {
      if (watchers.has(dir)) continue;
      try {
        const watcher = watch(dir, (_event, name) => changed(dir, name?.toString() ?? null));
        watcher.on('error', () => watchers.delete(dir));
        watchers.set(dir, watcher);
      } catch {
        // A folder that does not exist yet: it is tried again after the next build.
      }
    }
    options.onWatching?.([...next]);
  };

  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    do {
      again = false;
      await buildOnce();
      await resync();
    } while (again && !options.signal.aborted);
    running = false;
  };

  await run();
  await new Promise<void>((resolve) => {
    const stop = () => {
      clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      resolve();
    };
    if (options.signal.aborted) stop();
    else options.signal.addEventListener('abort', stop, { once: true });
  });
}

/**
 * The local files a config links (`@link(src:)` of any type), as absolute paths. A config
 * that cannot be read or parsed links nothing that can be known.
 */
export async function linkedFiles(configPath: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(configPath, 'utf8');
  } catch {
    return [];
  }
  const document = parseFile(
    new SourceFile(configPath, configPath, text.replace(/^\uFEFF/, '')),
    new DiagnosticBag(),
  );
  const out = new Set<string>();
  for (const definition of document?.definitions ?? []) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION)
      continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'link') continue;
      const src = directive.arguments?.find((a) => a.name.value === 'src')?.value;
      if (src?.kind !== Kind.STRING || src.value.trim() === '' || /^https?:\/\//i.test(src.value))
        continue;
      out.add(path.resolve(path.dirname(configPath), src.value));
    }
  }

  return [...out];
}
