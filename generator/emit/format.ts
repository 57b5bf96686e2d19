import { format, type Options } from 'prettier';

/** Fixed formatting for every generated file, so rebuilds are byte-identical whatever the user's setup. */
const OPTIONS: Options = {
  printWidth: 100,
  tabWidth: 2,
  useTabs: false,
  semi: true,
  singleQuote: true,
  trailingComma: 'all',
  bracketSpacing: true,
  arrowParens: 'always',
  endOfLine: 'lf',
};

export async function formatTypeScript(text: string): Promise<string> {
  return format(text, { ...OPTIONS, parser: 'typescript' });
}

export async function formatGraphQL(text: string): Promise<string> {
  return format(text, { ...OPTIONS, parser: 'graphql' });
}

export async function formatMarkdown(text: string): Promise<string> {
  return format(text, { ...OPTIONS, parser: 'markdown', proseWrap: 'preserve' });
}
