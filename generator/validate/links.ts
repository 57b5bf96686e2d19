import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { JwksProvider } from '@tc-gen/runtime';

import { DiagnosticCode, type DiagnosticBag, type SourceSpan } from '../diagnostics.ts';
import type { DecodedDirective, JsonValue } from '../load/decode-directive.ts';
import { describeIoError } from '../load/load-config.ts';
import type { SourceFile } from '../load/source-file.ts';
import type { AuthLink } from '../model.ts';

/**
 * Reads every `@link`: checks ids, loads the linked JWKS and htpasswd files
 * relative to the config, and makes sure each is usable. A JWKS is checked
 * with the very code the generated server runs at start-up, so a build that
 * passes cannot fail there for a key problem.
 */
export async function readLinks(
  directives: readonly DecodedDirective[],
  file: SourceFile,
  bag: DiagnosticBag,
): Promise<AuthLink[]> {
  const links = directives.filter((d) => d.name === 'link');
  reportDuplicateIds(links, file, bag);

  const authLinks: AuthLink[] = [];
  const counters = { Jwks: 0, Htpasswd: 0 };
  for (const link of links) {
    // A `type` that did not decode was reported already; guessing `Config` would add noise.
    if (
      link.args['type'] === undefined &&
      link.node.arguments?.some((a) => a.name.value === 'type')
    )
      continue;
    const type = (link.args['type'] as string | undefined) ?? 'Config';
    const written = link.node.arguments?.some((a) => a.name.value === 'src') === true;
    // A `src` of the wrong type was reported already; a missing one is an empty one.
    if (written && typeof link.args['src'] !== 'string') continue;
    const src = typeof link.args['src'] === 'string' ? link.args['src'] : '';
    const srcSpan = file.spanOf(link.argNodes['src'] ?? link.node);

    if (src.trim() === '') {
      bag.error(DiagnosticCode.InvalidArgument, 'Link src cannot be empty', srcSpan, link.trace);
      continue;
    }
    const remote = /^https?:\/\//i.test(src);
    if (type !== 'Jwks' && type !== 'Htpasswd' && type !== 'Config') {
      bag.error(
        DiagnosticCode.UnsupportedLink,
        `@link(type: ${type}) is not supported by this version of tc-gen`,
        file.spanOf(link.argNodes['type'] ?? link.node),
        link.trace,
      );
      continue;
    }
    if (remote && type !== 'Jwks') {
      // TODO: remote configs and htpasswd files would be fetched at build time, which makes a
      // build depend on the network; only key sets (fetched by the server) take a URL for now.
      bag.error(
        DiagnosticCode.UnsupportedLink,
        `@link(type: ${type}, src:) must be a file path in this version of tc-gen, got the URL '${src}'`,
        srcSpan,
        link.trace,
      );
      continue;
    }
    const claims = {
      ...(typeof link.args['issuer'] === 'string' ? { issuer: link.args['issuer'] } : {}),
      ...(Array.isArray(link.args['audience'])
        ? { audience: link.args['audience'] as string[] }
        : {}),
    };
    if (type !== 'Jwks' && Object.keys(claims).length > 0) {
      bag.error(
        DiagnosticCode.InvalidArgument,
        'issuer and audience apply to Jwks links only',
        file.spanOf(link.argNodes['issuer'] ?? link.argNodes['audience']),
        link.trace,
      );
    }
    // Linked configs were read and merged with the root config when it was loaded.
    if (type === 'Config') continue;

    const id =
      typeof link.args['id'] === 'string'
        ? link.args['id']
        : `${type.toLowerCase()}-${counters[type]}`;
    counters[type]++;

    if (remote) {
      // Fetched by the server at start-up and kept fresh there; the build stays offline.
      authLinks.push({ kind: 'Jwks', id, src, ...claims });
      continue;
    }

    const absolute = path.resolve(path.dirname(file.path), src);
    let text: string;
    try {
      text = await readFile(absolute, 'utf8');
    } catch (error) {
      bag.error(
        DiagnosticCode.FileUnreadable,
        `Failed to read file: ${src}: ${describeIoError(error)}`,
        srcSpan,
        link.trace,
      );
      continue;
    }

    if (type === 'Htpasswd') {
      const entries = text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => /^[^#:\s][^:]*:\S/.test(line));
      const usable = entries.filter((line) =>
        SUPPORTED_HASH.test(line.slice(line.indexOf(':') + 1)),
      );
      for (const line of entries.filter((entry) => !usable.includes(entry))) {
        bag.warning(
          DiagnosticCode.HtpasswdUnsupportedEntry,
          `htpasswd user '${line.slice(0, line.indexOf(':'))}' in ${src} uses a hash form tc-gen cannot verify; it can never log in`,
          srcSpan,
          link.trace,
          'use bcrypt (htpasswd -B), $apr1$ (htpasswd -m) or {SHA} (htpasswd -s)',
        );
      }
      if (usable.length === 0) {
        bag.error(
          DiagnosticCode.InvalidHtpasswd,
          `htpasswd file ${src} has no usable 'user:hash' entry`,
          srcSpan,
          link.trace,
        );
        continue;
      }
      authLinks.push({ kind: 'Htpasswd', id, src, htpasswd: text });
      continue;
    }

    const jwks = await readJwks(text, src, id);
    if (typeof jwks === 'string') {
      bag.error(DiagnosticCode.InvalidJwks, jwks, srcSpan, link.trace);
      continue;
    }
    authLinks.push({
      kind: 'Jwks',
      id,
      src,
      jwks: publicKeySet(jwks, src, srcSpan, link.trace, bag),
      ...claims,
    });
  }

  return authLinks;
}

/** The hash forms the runtime verifies: bcrypt, Apache MD5 and SHA-1. */
const SUPPORTED_HASH = /^(\$2[aby]\$|\$apr1\$|\{SHA\})/;

/** Members of asymmetric JWKs that belong to the private key. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'];

/**
 * The key set as it is embedded in the generated code, which users commit: private members of
 * RSA, EC and OKP keys are dropped (verification never needs them). An HMAC (`oct`) key is a
 * shared secret and must stay; both cases are reported.
 */
function publicKeySet(
  jwks: { keys: Record<string, JsonValue>[] },
  src: string,
  span: SourceSpan | undefined,
  trace: string,
  bag: DiagnosticBag,
): { keys: Record<string, JsonValue>[] } {
  const keys = jwks.keys.map((key) => {
    if (key['kty'] === 'oct') {
      bag.warning(
        DiagnosticCode.JwksPrivateKey,
        `the HMAC key${typeof key['kid'] === 'string' ? ` '${key['kid']}'` : ''} of ${src} is a shared secret; it is compiled into src/auth.ts`,
        span,
        trace,
        'keep the generated folder as private as the key itself',
      );
      return key;
    }
    const leaked = PRIVATE_MEMBERS.filter((member) => member in key);
    if (leaked.length === 0) return key;
    bag.warning(
      DiagnosticCode.JwksPrivateKey,
      `a key of ${src} carries private members (${leaked.join(', ')}); only its public part is compiled in`,
      span,
      trace,
      'publish and link the public key set only',
    );
    return Object.fromEntries(
      Object.entries(key).filter(([member]) => !PRIVATE_MEMBERS.includes(member)),
    );
  });
  return { keys };
}

/** Parses and checks a key set; returns the reason as a string when it is unusable. */
async function readJwks(
  text: string,
  src: string,
  id: string,
): Promise<{ keys: Record<string, JsonValue>[] } | string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `JWKS file ${src} is not valid JSON: ${(error as Error).message}`;
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray(keys)) {
    return `JWKS file ${src}: missing field \`keys\``;
  }
  try {
    await JwksProvider.fromKeySet(id, { keys: keys as Record<string, unknown>[] });
  } catch (error) {
    return `JWKS file ${src} has no usable signing key: ${(error as Error).message}`;
  }
  return { keys: keys as Record<string, JsonValue>[] };
}

function reportDuplicateIds(
  links: readonly DecodedDirective[],
  file: SourceFile,
  bag: DiagnosticBag,
): void {
  const byId = new Map<string, DecodedDirective[]>();
  for (const link of links) {
    const id = link.args['id'];
    if (typeof id !== 'string') continue;
    byId.set(id, [...(byId.get(id) ?? []), link]);
  }
  for (const [id, group] of byId) {
    if (group.length < 2) continue;
    for (const link of group) {
      bag.error(
        DiagnosticCode.DuplicateLinkId,
        `Duplicated id: ${id}`,
        file.spanOf(link.argNodes['id']),
        link.trace,
      );
    }
  }
}
