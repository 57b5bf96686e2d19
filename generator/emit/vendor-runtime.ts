import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where generated projects keep their copy of the runtime package. */
export const VENDOR_DIR = 'vendor/tc-gen-runtime';

const RUNTIME_ROOT = fileURLToPath(new URL('../../runtime/', import.meta.url));

/**
 * The runtime package as files to copy into a generated project: its
 * package.json (without development fields) and its compiled `dist/`. The
 * generated project depends on it by a relative `file:` path, so it installs
 * from the registry plus this folder, and keeps working when moved.
 *
 * Its optional peers (GraphiQL and its React) stay declared only in a project that serves
 * GraphiQL, which installs them itself: npm installs the optional peers of a `file:`
 * dependency, and unpinned they pull a React the pinned one conflicts with.
 */
export function vendoredRuntime(options: { graphiql: boolean }): Map<string, string> {
  const files = new Map<string, string>();
  const manifest = JSON.parse(
    readFileSync(path.join(RUNTIME_ROOT, 'package.json'), 'utf8'),
  ) as Record<string, unknown>;
  delete manifest['devDependencies'];
  delete manifest['scripts'];
  if (!options.graphiql) withoutOptionalPeers(manifest);
  files.set(`${VENDOR_DIR}/package.json`, `${JSON.stringify(manifest, null, 2)}\n`);

  const dist = path.join(RUNTIME_ROOT, 'dist');
  let entries: string[];
  try {
    entries = listFiles(dist);
  } catch {
    throw new Error(
      `the runtime package is not built (${dist} is missing): run \`npm run build:runtime\``,
    );
  }
  for (const relative of entries.sort()) {
    files.set(`${VENDOR_DIR}/dist/${relative}`, readFileSync(path.join(dist, relative), 'utf8'));
  }

  return files;
}

function withoutOptionalPeers(manifest: Record<string, unknown>): void {
  const peers = manifest['peerDependencies'] as Record<string, string> | undefined;
  const meta = manifest['peerDependenciesMeta'] as
    | Record<string, { optional?: boolean }>
    | undefined;
  if (!peers || !meta) return;
  for (const [name, settings] of Object.entries(meta)) {
    if (settings.optional) delete peers[name];
  }
  delete manifest['peerDependenciesMeta'];
}

function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const relative = prefix ? `${prefix}/${name}` : name;
    if (statSync(full).isDirectory()) out.push(...listFiles(full, relative));
    else if (/\.(js|d\.ts)$/.test(name)) out.push(relative);
  }
  return out;
}
