import { readFileSync } from 'node:fs';

const ROOT = new URL('../../templates/', import.meta.url);

/**
 * A file of `templates/` with its `%%NAME%%` placeholders filled. Every
 * placeholder must get a value, and every value must be used.
 */
export function fillTemplate(name: string, values: Readonly<Record<string, string>> = {}): string {
  const text = readFileSync(new URL(name, ROOT), 'utf8');
  const used = new Set<string>();
  const filled = text.replace(/%%([A-Z_]+)%%/g, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template ${name} has no value for %%${key}%%`);
    used.add(key);
    return value;
  });
  const unused = Object.keys(values).filter((key) => !used.has(key));
  if (unused.length > 0) throw new Error(`template ${name} does not use ${unused.join(', ')}`);
  return filled;
}
