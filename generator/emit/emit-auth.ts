import type { Plan } from '../plan/plan.ts';
import { propertyKey } from '../naming.ts';
import { lineText } from './comments.ts';

/**
 * `src/auth.ts`: the linked credentials, embedded (a key set or htpasswd
 * change needs a rebuild), and the table of protected fields the operation
 * check reads.
 */
export function emitAuth(plan: Plan): string {
  const lines: string[] = [];
  const providers: string[] = [];
  const imports = new Set(['Authenticator', 'type ProtectionTable']);

  plan.authLinks.forEach((link, index) => {
    const name = `${link.kind === 'Jwks' ? 'keySet' : 'htpasswd'}${index + 1}`;
    if (link.kind === 'Jwks') {
      imports.add('JwksProvider');
      const claims = [
        ...(link.issuer === undefined ? [] : [`issuer: ${JSON.stringify(link.issuer)}`]),
        ...(link.audience === undefined ? [] : [`audience: ${JSON.stringify(link.audience)}`]),
      ];
      const options = claims.length > 0 ? `, { ${claims.join(', ')} }` : '';
      if (link.jwks) {
        lines.push(
          `/** Public keys of provider \`${lineText(link.id)}\`, from ${lineText(link.src)}. */`,
        );
        lines.push(`const ${name} = ${JSON.stringify(link.jwks, null, 2)};`, '');
        providers.push(
          `await JwksProvider.fromKeySet(${JSON.stringify(link.id)}, ${name}${options})`,
        );
      } else {
        const variable = jwksUrlVariable(link.id);
        lines.push(
          `/** Key set URL of provider \`${lineText(link.id)}\`; ${variable} overrides it. */`,
          `const ${name}Url = process.env[${JSON.stringify(variable)}] || ${JSON.stringify(link.src)};`,
          '',
        );
        // Fetched before the server listens (no usable set, no server), refreshed in the
        // background, and re-fetched once when a token names a key the set does not have.
        imports.add('remoteKeySetTimings');
        const remote = ['...remoteKeySetTimings()', ...claims].join(', ');
        providers.push(
          `await JwksProvider.fromUrl(${JSON.stringify(link.id)}, ${name}Url, { ${remote} })`,
        );
      }
    } else {
      imports.add('HtpasswdProvider');
      lines.push(`/** Users of provider \`${lineText(link.id)}\`, from ${lineText(link.src)}. */`);
      lines.push(`const ${name} = ${JSON.stringify(link.htpasswd)};`, '');
      providers.push(`new HtpasswdProvider(${JSON.stringify(link.id)}, ${name})`);
    }
  });

  const table: string[] = [];
  for (const [typeName, fields] of plan.protection) {
    const entries = [...fields].map(
      ([field, ids]) => `${propertyKey(field)}: ${JSON.stringify(ids)}`,
    );
    table.push(`${propertyKey(typeName)}: { ${entries.join(', ')} },`);
  }

  return [
    `import { ${[...imports].sort((a, b) => a.replace('type ', '').localeCompare(b.replace('type ', ''))).join(', ')} } from '@tc-gen/runtime';`,
    '',
    ...lines,
    '/** Builds the providers once at start-up; a key set without a usable key stops the server. */',
    'export async function createAuthenticator(): Promise<Authenticator> {',
    `  return new Authenticator([${providers.join(', ')}]);`,
    '}',
    '',
    '/**',
    ' * Fields that need a credential: type → field → the providers any of which',
    ' * admits the caller (an empty list: any linked provider). An operation that',
    ' * selects any of them is refused as a whole, before any upstream call, when',
    ' * the credential does not satisfy every one.',
    ' */',
    'export const protection: ProtectionTable = {',
    ...table,
    '};',
    '',
  ].join('\n');
}

/** The environment variable that overrides a remote key set's URL: `TC_JWKS_URL_<ID>`. */
export function jwksUrlVariable(id: string): string {
  return `TC_JWKS_URL_${id.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}
