/**
 * What the verified-token cache buys: the same Bearer token verified again
 * and again (a client reusing its token), with the cache on and off, run side
 * by side in alternating rounds. Prints verifications per second and the
 * median ratio of the per-round ratios. Not a test: nothing here asserts.
 *
 *     npm run bench:token-cache [-- --rounds 5 --count 5000]
 */
import { parseArgs } from 'node:util';

import { SignJWT, exportJWK, generateKeyPair } from 'jose';

import { JwksProvider } from '@tc-gen/runtime';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, count: { type: 'string', default: '5000' } },
});
const rounds = Number(values.rounds);
const count = Number(values.count);

const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' }] };
const token = await new SignJWT({ sub: 'bench' })
  .setProtectedHeader({ alg: 'RS256', kid: 'bench' })
  .setExpirationTime('1h')
  .sign(privateKey);
const header = `Bearer ${token}`;

const cached = await JwksProvider.fromKeySet('cached', jwks);
const uncached = await JwksProvider.fromKeySet('uncached', jwks, { maxCachedTokens: 0 });

async function perSecond(provider: JwksProvider): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const verdict = await provider.verify(header);
    if (!verdict.ok) throw new Error(`the token was refused: ${verdict.reason}`);
  }
  return (count / (performance.now() - started)) * 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const results = { cached: [] as number[], uncached: [] as number[], ratios: [] as number[] };
await perSecond(cached);
await perSecond(uncached);
for (let round = 0; round < rounds; round++) {
  // Alternate the order so neither side always runs on a warmer machine.
  const [a, b] = round % 2 === 0 ? [cached, uncached] : [uncached, cached];
  const first = await perSecond(a);
  const second = await perSecond(b);
  const withCache = a === cached ? first : second;
  const without = a === cached ? second : first;
  results.cached.push(withCache);
  results.uncached.push(without);
  results.ratios.push(withCache / without);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
process.stdout.write(
  [
    `RS256 2048, one token reused, ${count} verifications x ${rounds} rounds (Node ${process.version})`,
    `cache on : median ${fmt(median(results.cached))}/s  (rounds: ${results.cached.map(fmt).join(', ')})`,
    `cache off: median ${fmt(median(results.uncached))}/s  (rounds: ${results.uncached.map(fmt).join(', ')})`,
    `ratio (median of per-round ratios): ${median(results.ratios).toFixed(1)}x`,
    '',
  ].join('\n'),
);
