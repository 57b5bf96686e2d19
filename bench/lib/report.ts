/**
 * From runs to the summary table, the median per-round ratios and the goals of issue 6; the
 * same as text for the terminal and as Markdown for the README.
 */
import { CONTENDER_LABELS, type ContenderId } from './contenders.ts';

export type ScenarioId = 'q1' | 'q2' | 'q3' | 'q4-reused' | 'q4-distinct';

export interface Run {
  round: number;
  scenario: ScenarioId;
  contender: ContenderId;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
  wrongBodies: number;
  peakRssBytes: number | undefined;
  upstreamCallsPerRequest: number | undefined;
  /** CPU the server process used, as a share of one core over the run. */
  serverCpuShare: number | undefined;
  /** Whole-core busy shares (our processes and anything else running on the machine). */
  serverCoreBusy: number | undefined;
  loadCoreBusy: number | undefined;
  /** wrk plus the stub, as a share of their one core. */
  loadCpuShare: number | undefined;
  wrkCpuShare: number | undefined;
  /** The load side used 90% or more of its core: the server may have had more to give. */
  loadBound: boolean;
}

export interface SummaryRow {
  scenario: ScenarioId;
  contender: ContenderId;
  rounds: number;
  rps: number;
  /**
   * Requests per second of CPU the server used (rps / server CPU share): its cost per request,
   * which holds up better than req/s when other work takes part of the server's core.
   */
  rpsPerCpuSecond: number | undefined;
  p50Ms: number;
  p99Ms: number;
  peakRssMb: number | undefined;
  upstreamCallsPerRequest: number | undefined;
  serverCpuShare: number | undefined;
  loadCpuShare: number | undefined;
  serverCoreBusy: number | undefined;
  loadCoreBusy: number | undefined;
  loadBoundRounds: number;
  /** Rounds where the load core was 95% busy or more, counting other work on the machine. */
  loadCoreSaturatedRounds: number;
  errors: number;
  wrongBodies: number;
}

export interface Ratio {
  name: string;
  numerator: { scenario: ScenarioId; contender: ContenderId };
  denominator: { scenario: ScenarioId; contender: ContenderId };
  perRound: number[];
  median: number | undefined;
  /** The same ratio taken on requests per CPU-second (see SummaryRow.rpsPerCpuSecond). */
  perRoundPerCpu: number[];
  medianPerCpu: number | undefined;
  /** Either side was load-bound in some round: the ratio is a bound, not a measurement. */
  loadBound: boolean;
}

export interface Goal {
  goal: string;
  measured: string;
  met: boolean | undefined;
}

export function median(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1
    ? (s[mid] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** req/s divided by the share of a core the server process used in that run. */
export function perCpuSecond(run: Run): number | undefined {
  return run.serverCpuShare ? run.rps / run.serverCpuShare : undefined;
}

const definedOnly = (xs: Array<number | undefined>) =>
  xs.filter((x): x is number => x !== undefined);

export function summarize(runs: readonly Run[]): SummaryRow[] {
  const groups = new Map<string, Run[]>();
  for (const run of runs) {
    const key = `${run.scenario}\u0000${run.contender}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }

  return [...groups.values()].map((rs) => {
    const first = rs[0] as Run;
    const peaks = definedOnly(rs.map((r) => r.peakRssBytes));
    return {
      scenario: first.scenario,
      contender: first.contender,
      rounds: rs.length,
      rps: median(rs.map((r) => r.rps)) as number,
      rpsPerCpuSecond: median(definedOnly(rs.map(perCpuSecond))),
      p50Ms: median(rs.map((r) => r.p50Ms)) as number,
      p99Ms: median(rs.map((r) => r.p99Ms)) as number,
      peakRssMb: peaks.length ? Math.max(...peaks) / 2 ** 20 : undefined,
      upstreamCallsPerRequest: median(definedOnly(rs.map((r) => r.upstreamCallsPerRequest))),
      serverCpuShare: median(definedOnly(rs.map((r) => r.serverCpuShare))),
      loadCpuShare: median(definedOnly(rs.map((r) => r.loadCpuShare))),
      serverCoreBusy: median(definedOnly(rs.map((r) => r.serverCoreBusy))),
      loadCoreBusy: median(definedOnly(rs.map((r) => r.loadCoreBusy))),
      loadBoundRounds: rs.filter((r) => r.loadBound).length,
      loadCoreSaturatedRounds: rs.filter((r) => (r.loadCoreBusy ?? 0) >= 0.95).length,
      errors: rs.reduce((a, r) => a + r.errors, 0),
      wrongBodies: rs.reduce((a, r) => a + Math.max(0, r.wrongBodies), 0),
    };
  });
}

type Side = readonly [ScenarioId, ContenderId];

const RATIO_DEFINITIONS: ReadonlyArray<readonly [string, Side, Side]> = [
  ['Q1 tc-gen / hand-written', ['q1', 'tcgen'], ['q1', 'hand']],
  ['Q1 tc-gen / Tailcall', ['q1', 'tcgen'], ['q1', 'tailcall']],
  ['Q1 tc-gen / ceiling', ['q1', 'tcgen'], ['q1', 'ceiling']],
  ['Q2 tc-gen / hand-written', ['q2', 'tcgen'], ['q2', 'hand']],
  ['Q2 tc-gen / Tailcall', ['q2', 'tcgen'], ['q2', 'tailcall']],
  ['Q2 tc-gen / ceiling', ['q2', 'tcgen'], ['q2', 'ceiling']],
  ['Q3 tc-gen / ceiling', ['q3', 'tcgen'], ['q3', 'ceiling']],
  ['Q3 tc-gen / Tailcall', ['q3', 'tcgen'], ['q3', 'tailcall']],
  ['Q3 hand-written / ceiling', ['q3', 'hand'], ['q3', 'ceiling']],
  ['Q4 reused / Q2 (tc-gen)', ['q4-reused', 'tcgen'], ['q2', 'tcgen']],
  ['Q4 1,000 tokens / Q2 (tc-gen)', ['q4-distinct', 'tcgen'], ['q2', 'tcgen']],
  ['Q4 reused / Q2 (hand-written)', ['q4-reused', 'hand'], ['q2', 'hand']],
  ['Q4 reused / Q2 (Tailcall)', ['q4-reused', 'tailcall'], ['q2', 'tailcall']],
  ['Q4 1,000 tokens / Q2 (Tailcall)', ['q4-distinct', 'tailcall'], ['q2', 'tailcall']],
  ['Q4 reused tc-gen / Tailcall', ['q4-reused', 'tcgen'], ['q4-reused', 'tailcall']],
  // Levers, when the variants run (--contenders ...,tcgen-nodedupe,tcgen-batch,tcgen-loginfo).
  ['Q1 tc-gen / tc-gen without dedupe', ['q1', 'tcgen'], ['q1', 'tcgen-nodedupe']],
  ['Q2 tc-gen / tc-gen without dedupe', ['q2', 'tcgen'], ['q2', 'tcgen-nodedupe']],
  ['Q1 tc-gen batchKey / tc-gen dedupe', ['q1', 'tcgen-batch'], ['q1', 'tcgen']],
  ['Q1 LOG_LEVEL=info / warn (tc-gen)', ['q1', 'tcgen-loginfo'], ['q1', 'tcgen']],
  ['Q2 LOG_LEVEL=info / warn (tc-gen)', ['q2', 'tcgen-loginfo'], ['q2', 'tcgen']],
  ['Q3 LOG_LEVEL=info / warn (tc-gen)', ['q3', 'tcgen-loginfo'], ['q3', 'tcgen']],
];

/** Median of the per-round ratios (both sides measured in the same round). */
export function ratios(runs: readonly Run[]): Ratio[] {
  const find = (round: number, [scenario, contender]: Side) =>
    runs.find((r) => r.round === round && r.scenario === scenario && r.contender === contender);
  const rounds = [...new Set(runs.map((r) => r.round))].sort((a, b) => a - b);
  const out: Ratio[] = [];
  for (const [name, num, den] of RATIO_DEFINITIONS) {
    const perRound: number[] = [];
    const perRoundPerCpu: number[] = [];
    let loadBound = false;
    for (const round of rounds) {
      const a = find(round, num);
      const b = find(round, den);
      if (!a || !b || b.rps === 0) continue;
      perRound.push(a.rps / b.rps);
      const [ca, cb] = [perCpuSecond(a), perCpuSecond(b)];
      if (ca !== undefined && cb !== undefined) perRoundPerCpu.push(ca / cb);
      loadBound ||= a.loadBound || b.loadBound;
    }
    if (perRound.length === 0) continue;
    out.push({
      name,
      numerator: { scenario: num[0], contender: num[1] },
      denominator: { scenario: den[0], contender: den[1] },
      perRound,
      median: median(perRound),
      perRoundPerCpu,
      medianPerCpu: median(perRoundPerCpu),
      loadBound,
    });
  }

  return out;
}

export interface GoalInputs {
  ratios: readonly Ratio[];
  summary: readonly SummaryRow[];
  readyMedianMs: number | undefined;
  thousandFieldBuild: { ms: number; timedOut: boolean; capMs: number } | undefined;
}

/** The goals of issue 6, each met, not met, or not measured (undefined). */
export function goals({
  ratios: rs,
  summary,
  readyMedianMs,
  thousandFieldBuild: big,
}: GoalInputs): Goal[] {
  const ratio = (name: string) => rs.find((r) => r.name === name)?.median;
  const atLeast = (goal: string, name: string, target: number): Goal => {
    const value = ratio(name);
    return {
      goal,
      measured: value === undefined ? 'not measured' : `${value.toFixed(2)}x`,
      met: value === undefined ? undefined : value >= target,
    };
  };
  const peaks = definedOnly(summary.filter((s) => s.contender === 'tcgen').map((s) => s.peakRssMb));
  const peak = peaks.length ? Math.max(...peaks) : undefined;

  return [
    atLeast('Q1 >= 10x hand-written mercurius', 'Q1 tc-gen / hand-written', 10),
    atLeast('Q1 >= 0.5x Tailcall', 'Q1 tc-gen / Tailcall', 0.5),
    atLeast('Q2 >= 0.5x Tailcall', 'Q2 tc-gen / Tailcall', 0.5),
    atLeast('Q3 >= 0.85x fastify ceiling', 'Q3 tc-gen / ceiling', 0.85),
    atLeast('Q4 reused token within 10% of Q2 unprotected', 'Q4 reused / Q2 (tc-gen)', 0.9),
    {
      goal: 'peak RSS under load < 150 MB',
      measured: peak === undefined ? 'not measured' : `${peak.toFixed(0)} MB`,
      met: peak === undefined ? undefined : peak < 150,
    },
    {
      goal: 'spawn-to-ready < 300 ms',
      measured:
        readyMedianMs === undefined ? 'not measured' : `${readyMedianMs.toFixed(0)} ms (median)`,
      met: readyMedianMs === undefined ? undefined : readyMedianMs < 300,
    },
    {
      goal: 'build of the 1,000-field config < 10 s',
      measured:
        big === undefined
          ? 'not measured'
          : big.timedOut
            ? `over ${(big.capMs / 1000).toFixed(0)} s (stopped there)`
            : `${(big.ms / 1000).toFixed(1)} s`,
      // A build stopped at a cap of 10 s or more has missed the goal already.
      met:
        big === undefined || (big.timedOut && big.capMs < 10_000)
          ? undefined
          : !big.timedOut && big.ms < 10_000,
    },
  ];
}

const SCENARIO_LABELS: Record<ScenarioId, string> = {
  q1: 'Q1 posts+user (N+1)',
  q2: 'Q2 posts{title}',
  q3: 'Q3 greet',
  'q4-reused': 'Q4 protected, 1 token',
  'q4-distinct': 'Q4 protected, 1,000 tokens',
};

const num = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (n: number | undefined) => (n === undefined ? '-' : `${Math.round(n * 100)}%`);
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));

/** The summary as a Markdown table (also readable in a terminal). */
export function summaryTable(summary: readonly SummaryRow[]): string {
  const lines = [
    '| scenario | contender | req/s | req/CPU-s | p50 ms | p99 ms | peak RSS MB | upstream calls/req | server CPU | load CPU |',
    '| --- | --- | --: | --: | --: | --: | --: | --: | --: | --: |',
  ];
  for (const s of summary) {
    const flags = [
      s.loadBoundRounds > 0 ? ' (load-bound)' : '',
      s.loadBoundRounds === 0 && s.loadCoreSaturatedRounds > 0 ? ' *' : '',
      s.errors > 0 ? ` (${s.errors} errors)` : '',
      s.wrongBodies > 0 ? ` (${s.wrongBodies} wrong bodies)` : '',
    ].join('');
    lines.push(
      `| ${SCENARIO_LABELS[s.scenario]} | ${CONTENDER_LABELS[s.contender]} | ${num(s.rps)}${flags} | ` +
        `${s.rpsPerCpuSecond === undefined ? '-' : num(s.rpsPerCpuSecond)} | ` +
        `${ms(s.p50Ms)} | ${ms(s.p99Ms)} | ${s.peakRssMb === undefined ? '-' : s.peakRssMb.toFixed(0)} | ` +
        `${s.upstreamCallsPerRequest === undefined ? '-' : s.upstreamCallsPerRequest.toFixed(2)} | ` +
        `${pct(s.serverCpuShare)} | ${pct(s.loadCpuShare)} |`,
    );
  }

  return lines.join('\n');
}

/** The footnote of the `*` the summary table puts on runs whose load core was saturated. */
export function saturationNote(summary: readonly SummaryRow[]): string | undefined {
  const marked = summary.filter((s) => s.loadBoundRounds === 0 && s.loadCoreSaturatedRounds > 0);
  if (marked.length === 0) return undefined;

  return (
    '`*` the load core was 95-100% busy in some rounds, mostly with work that is not the ' +
    "benchmark's (see `load CPU` for wrk and the stub): the load may have come too slowly, so " +
    'those figures are lower bounds, most of all for the fastest servers.'
  );
}

export function ratioTable(rs: readonly Ratio[]): string {
  const lines = [
    '| ratio | req/s: median | per round | req/CPU-s: median | per round |',
    '| --- | --: | --- | --: | --- |',
  ];
  const list = (xs: readonly number[]) => xs.map((x) => x.toFixed(2)).join(', ');
  for (const r of rs) {
    lines.push(
      `| ${r.name}${r.loadBound ? ' (load-bound: a bound)' : ''} | ${(r.median as number).toFixed(2)}x | ` +
        `${list(r.perRound)} | ` +
        `${r.medianPerCpu === undefined ? '-' : `${r.medianPerCpu.toFixed(2)}x`} | ${list(r.perRoundPerCpu)} |`,
    );
  }

  return lines.join('\n');
}

export function goalTable(gs: readonly Goal[]): string {
  const lines = ['| goal (issue 6) | measured | |', '| --- | --: | --- |'];
  for (const g of gs) {
    lines.push(
      `| ${g.goal} | ${g.measured} | ${g.met === undefined ? 'not measured' : g.met ? 'met' : 'not met'} |`,
    );
  }

  return lines.join('\n');
}
