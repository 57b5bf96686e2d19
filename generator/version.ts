import { readFileSync } from 'node:fs';

/** tc-gen's version, from its package.json; written into every generated file. */
export const TC_GEN_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
