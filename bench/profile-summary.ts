/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and prints where the time went: the
 * functions with the most self time, the same summed by package or file, and the total time
 * under chosen functions (self plus everything they call).
 *
 *     node --import tsx bench/profile-summary.ts FILE.cpuprofile [--top 25] [--under name,name]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, under: { type: 'string', default: '' } },
});
const top = Number(values.top);
const profile = JSON.parse(readFileSync(positionals[0] ?? '', 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Self time per node, in µs, from the sample ticks.
const self = new Map<number, number>();
profile.samples.forEach((id, i) =>
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
);
const total = [...self.values()].reduce((a, b) => a + b, 0);

/** `fastify`, `graphql`, `undici`, ... for node_modules; the file name otherwise. */
function owner(url: string): string {
  if (url === '') return '(native/V8)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1] as string;
  if (url.startsWith('node:')) return url;
  return url
    .replace(/^file:\/\//, '')
    .split('/')
    .slice(-2)
    .join('/');
}

const label = (n: ProfileNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${owner(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

function tally(key: (n: ProfileNode) => string): Array<[string, number]> {
  const sums = new Map<string, number>();
  for (const [id, us] of self) {
    const k = key(byId.get(id) as ProfileNode);
    sums.set(k, (sums.get(k) ?? 0) + us);
  }
  return [...sums].sort((a, b) => b[1] - a[1]).slice(0, top);
}

const share = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
const out: string[] = [
  `total sampled ${(total / 1000).toFixed(0)} ms`,
  '',
  'self time by function:',
];
for (const [k, us] of tally(label)) out.push(`  ${share(us)}  ${k}`);
out.push('', 'self time by package or file:');
for (const [k, us] of tally((n) => owner(n.callFrame.url))) out.push(`  ${share(us)}  ${k}`);

const names = values.under.split(',').filter(Boolean);
if (names.length > 0) {
  out.push('', 'time under (inclusive, counted once per sample):');
  for (const name of names) {
    let us = 0;
    for (const [id, t] of self) {
      // Walk up the stack once; count the sample if any frame matches.
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        if ((byId.get(cur) as ProfileNode).callFrame.functionName === name) {
          us += t;
          break;
        }
      }
    }
    out.push(`  ${share(us)}  ${name}`);
  }
}
process.stdout.write(`${out.join('\n')}\n`);
