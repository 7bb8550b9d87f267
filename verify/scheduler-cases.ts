// The cases of `dysta cosim --suite scheduler`: seeded random scenarios and the corner cases, each a
// `sched_run` script built for the configured table size, layer counts and widths. Every case is
// compared with the golden model line for line (verify/scheduler.ts); the checks here are
// independent of the golden model: they say the case exercised what it is named after (a full
// table, refusals, a tie decided by admission order...) and that every decision took the minimum
// of the scores the RTL reported, ties to the earliest admission.
import type { SchedScript, SchedulerSim, ScriptRequest, ScriptVariant } from '../cosim/scheduler/driver.ts';
import { encodeReciprocal, layersRun, schedulerFormats, type SchedulerConfig } from '../hwgen/index.ts';
import { maxOf } from '../hwgen/scheduler/formats.ts';
import { minLayerCycles, randomScenario, type ScenarioOptions } from './scheduler-scenarios.ts';

export interface SchedulerCase {
  name: string;
  /** What it exercises (the JUnit testcase's description). */
  about: string;
  /** Why it cannot run on this configuration (the case is reported as skipped). */
  skip?: string;
  script?: SchedScript;
  /** Cycles the host holds ev_ready low after every event. */
  evStall?: number;
  /** Independent checks of the RTL's log; returns what is wrong, or undefined. */
  check?: (lines: readonly string[]) => string | undefined;
  /** Checks of documented numbers on the RTL's log (verify/scheduler-literal.ts); throws Mismatch. */
  verify?: (lines: readonly string[]) => void;
  /** The log must also show the README's decision timing, as literals (no event stalls). */
  timed?: boolean;
  /** A cycle-level case of its own instead of a script (verify/scheduler-contract.ts). */
  run?: (sim: SchedulerSim) => Promise<{ checked: number; simCycles: number }>;
}

export interface ParsedDecision {
  tSel: bigint;
  tEvent: bigint;
  slot: number;
  req: number;
  layer: number;
  score: bigint;
  /** slot -> score read back at this decision. */
  scores: Map<number, bigint>;
  /** slot -> request (admission order) holding it at this decision. */
  occupants: Map<number, number>;
}

/** Decisions of a `sched_run` log, with the scores read back and who held each slot. */
export function parseDecisions(lines: readonly string[]): ParsedDecision[] {
  const occ = new Map<number, number>();
  const out: ParsedDecision[] = [];
  let cur: ParsedDecision | undefined;
  for (const line of lines) {
    const p = line.split(' ');
    switch (p[0]) {
      case 'A':
        occ.set(Number(p[2]), Number(p[1]));
        break;
      case 'C':
        occ.delete(Number(p[1]));
        break;
      case 'D':
        cur = { tSel: BigInt(p[1]!), tEvent: BigInt(p[2]!), slot: Number(p[3]), req: Number(p[4]), layer: Number(p[5]), score: BigInt(p[6]!), scores: new Map(), occupants: new Map(occ) };
        out.push(cur);
        break;
      case 'S':
        cur?.scores.set(Number(p[1]), BigInt(p[2]!));
        break;
    }
  }
  return out;
}

/**
 * The selector's contract, stated without the golden model: the decision's score is the minimum of
 * the scores read back, and among equal scores the earliest admitted request (lowest request
 * index: requests are admitted in order) wins. Returns the first violation.
 */
export function checkSelectionRule(decisions: readonly ParsedDecision[]): string | undefined {
  for (const [k, d] of decisions.entries()) {
    if (d.scores.size === 0) return `decision ${k}: no scores read back`;
    const min = [...d.scores.values()].reduce((a, b) => (b < a ? b : a));
    if (d.score !== min || d.scores.get(d.slot) !== d.score) return `decision ${k}: chose slot ${d.slot} with score ${d.score}, but the smallest score read back is ${min}`;
    const tied = [...d.scores.entries()].filter(([, s]) => s === min).map(([slot]) => d.occupants.get(slot)!);
    if (d.req !== Math.min(...tied)) return `decision ${k}: equal scores ${min} for requests ${tied.join(', ')}; chose ${d.req}, not the earliest admitted`;
  }
  return undefined;
}

const count = (lines: readonly string[], kind: string) => lines.reduce((n, l) => (l.startsWith(kind + ' ') ? n + 1 : n), 0);

/** A variant whose layers each expect `expected` non-zeros and last `avg` cycles on average. */
export function uniformVariant(cfg: SchedulerConfig, index: number, layers: number, avg: bigint, expected = 1024): ScriptVariant {
  const f = schedulerFormats(cfg);
  const r = encodeReciprocal(f, expected);
  const runs = layersRun(f, layers);
  // Suffix sums stay representable in latencyWidth bits (a narrow configuration).
  const most = maxOf(f.latencyWidth) / BigInt(runs);
  if (avg > most) avg = most;
  return {
    variant: index,
    nlayers: layers,
    suffix0: avg * BigInt(runs),
    layers: Array.from({ length: runs }, (_, l) => ({ mant: r.mant, shift: r.shift, suffixNext: avg * BigInt(runs - l - 1) })),
  };
}

/**
 * Clamps a script's values to the configured widths (suffix sums to latencyWidth, penalty scales,
 * non-zero counts), so that a case stays a valid host program on a narrow configuration. The
 * default widths hold them unchanged.
 */
export function fitScript(cfg: SchedulerConfig, script: SchedScript): SchedScript {
  const f = schedulerFormats(cfg);
  const fit = (x: bigint, width: number) => (x > maxOf(width) ? maxOf(width) : x);
  return {
    ...script,
    variants: script.variants.map((v) => ({ ...v, suffix0: fit(v.suffix0, f.latencyWidth), layers: v.layers.map((l) => ({ ...l, suffixNext: fit(l.suffixNext, f.latencyWidth) })) })),
    requests: script.requests.map((r) => ({ ...r, scale: fit(r.scale, f.penaltyScaleWidth), deadline: fit(r.deadline, f.timeWidth), layers: r.layers.map((l) => ({ ...l, nnz: fit(l.nnz, f.nnzWidth) })) })),
  };
}

function request(arrival: bigint, variant: ScriptVariant, f: ReturnType<typeof schedulerFormats>, o: { deadline: bigint; scale: bigint; cycles: (l: number) => bigint; nnz: (l: number) => bigint }): ScriptRequest {
  return { arrival, variant: variant.variant, deadline: o.deadline, scale: o.scale, layers: Array.from({ length: layersRun(f, variant.nlayers) }, (_, l) => ({ cycles: o.cycles(l), nnz: o.nnz(l) })) };
}

export interface SchedulerCaseOptions {
  seed: number;
  /** The sparsity monitor's lanes (real-NPU rows). */
  lanes: number;
}

export function schedulerCases(cfg: SchedulerConfig, o: SchedulerCaseOptions): SchedulerCase[] {
  const f = schedulerFormats(cfg);
  const slots = f.tasks;
  const min = minLayerCycles(cfg);
  const start = 10_000n;
  const seed = (k: number) => (o.seed * 7919 + k * 104729) % 2_147_483_647;
  const cases: SchedulerCase[] = [];

  const random = (k: number, options: Omit<ScenarioOptions, 'seed'>) => fitScript(cfg, randomScenario(cfg, { seed: seed(k), lanes: o.lanes, ...options }));
  for (let k = 1; k <= 3; k++) {
    cases.push({ name: `random-${k}`, about: 'random arrivals (bursts, idle gaps), deadlines, penalty scales and non-zero counts', script: random(k, { requests: 250 }), timed: true });
  }
  cases.push({ name: 'random-busy', about: 'random scenario at a high arrival rate: the queue stays long', script: random(4, { requests: 250, meanGap: Number(min) / 2 }), timed: true });

  {
    // Request 0 has two layers; during its first all other slots fill, so its second decision
    // scores 2^D tasks; the burst is larger than the table, so admissions are refused.
    const one = uniformVariant(cfg, 0, 1, 3000n);
    const two = uniformVariant(cfg, 1, 2, 3000n);
    const n = slots + Math.max(4, slots >> 3);
    const requests = Array.from({ length: n }, (_, i) =>
      request(start + BigInt(i >> 4), i === 0 ? two : one, f, { deadline: start + 10_000_000n, scale: 1n << 16n, cycles: () => min + BigInt(i % 7), nnz: () => 500n }),
    );
    cases.push({
      name: 'table-full',
      about: `all ${slots} slots valid at one decision (decision latency at N = 2^D); admissions beyond them refused`,
      script: { start, variants: [one, two], requests },
      check: (lines) => {
        const most = parseDecisions(lines).reduce((a, d) => Math.max(a, d.scores.size), 0);
        if (most !== slots) return `no decision saw all ${slots} slots valid (at most ${most})`;
        return count(lines, 'B') > 0 ? undefined : 'no admission was refused';
      },
    });
  }

  {
    // Arrivals faster than service for a while: the table fills, admissions are refused and retried.
    const v = uniformVariant(cfg, 0, 2, min * 2n);
    const n = slots + 32;
    const requests = Array.from({ length: n }, (_, i) =>
      request(start + BigInt(i) * (min / 4n), v, f, { deadline: start + BigInt(i) * min * 3n, scale: 1n << 16n, cycles: (l) => min + BigInt((i * 13 + l * 7) % 97), nnz: (l) => BigInt(700 + ((i + l) % 5) * 150) }),
    );
    cases.push({
      name: 'refusals',
      about: 'sustained overload: the full table refuses admissions (backpressure), the host retries, nothing is lost',
      script: { start, variants: [v], requests },
      check: (lines) => {
        const refused = count(lines, 'B');
        if (refused === 0) return 'no admission was refused';
        if (count(lines, 'C') !== n) return `${count(lines, 'C')} of ${n} requests completed`;
        const k = lines.at(-1)!.split(' ');
        return Number(k[4]) === refused ? undefined : `admission stall counter ${k[4]}, but ${refused} refusals`;
      },
    });
  }

  cases.push({
    name: 'event-backpressure',
    about: 'the host holds ev_ready low 25 cycles after every event: events wait, nothing is lost',
    script: random(5, { requests: 60 }),
    evStall: 25,
    check: (lines) => (parseDecisions(lines).some((d) => d.tEvent - d.tSel > BigInt(d.scores.size + 7)) ? undefined : 'no decision event was delayed by the stalled stream'),
  });

  {
    // Layer counts 0 (runs one layer), 1, 2, the largest (2^log2MaxLayers) and an over-large field.
    const counts = [0, 1, 2, f.maxLayers, Number(maxOf(f.layerCountWidth))].slice(0, f.variants);
    const variants = counts.map((c, i) => uniformVariant(cfg, i, c, min * 2n));
    const requests = variants.flatMap((v, i) =>
      [0, 1].map((r) => request(start + BigInt(i * 4 + r) * min, v, f, { deadline: start + BigInt(40 + i) * min, scale: 3n << 15n, cycles: (l) => min + BigInt((l * 31 + r) % 50), nnz: (l) => BigInt(900 + ((l + r) % 9) * 40) })),
    );
    cases.push({
      name: 'layer-counts',
      about: `variants of ${counts.join(', ')} layers (0 runs one layer; above 2^log2MaxLayers runs 2^log2MaxLayers)`,
      script: { start, variants, requests },
      check: (lines) => {
        const want = requests.reduce((a, r) => a + r.layers.length, 0);
        return count(lines, 'D') === want ? undefined : `${count(lines, 'D')} decisions, expected ${want} layers`;
      },
    });
  }

  {
    // Equal scores (deadline 0, no penalty, one variant): request 0 runs a long layer while the
    // twins 1..k wait in slots 1..k; twin k+1 arrives after request 0 finished and takes slot 0.
    // The lowest slot then holds the latest admission: the earliest admitted must still win.
    const k = Math.min(slots - 1, 7);
    const v = uniformVariant(cfg, 0, 1, 4000n);
    const long = min * 4n;
    const twin = (arrival: bigint, cycles: bigint) => request(arrival, v, f, { deadline: 0n, scale: 0n, cycles: () => cycles, nnz: () => 7n });
    const requests = [twin(start, long), ...Array.from({ length: k }, () => twin(start + 1n, min + 5n)), twin(start + long + 100n, min + 5n)];
    cases.push({
      name: 'equal-scores',
      about: 'all scores equal: the earliest admission wins, not the lowest slot',
      script: { start, variants: [v], requests },
      check: (lines) => {
        const ds = parseDecisions(lines);
        const order = ds.map((d) => d.req).join(',');
        if (order !== requests.map((_, i) => i).join(',')) return `requests ran in the order ${order}, not in admission order`;
        if (k < 2) return undefined; // a 2-entry table cannot hold two waiting twins and the latecomer
        const reused = ds.find((d) => d.occupants.get(0) === k + 1 && d.req !== k + 1);
        if (!reused) return 'slot 0 was never held by the last admission while earlier ones waited';
        return new Set(reused.scores.values()).size === 1 ? undefined : 'the waiting scores were not all equal';
      },
    });
  }

  if (!f.timeSkip) {
    cases.push({ name: 'time-skips', about: 'idle gaps of 2^36 cycles and 10^8-cycle layers in single time-skip steps', skip: 'scheduler.timeSkip = 0: the design has no time-skip ports' });
  } else {
    const far = 1n << 40n;
    const v = uniformVariant(cfg, 0, 3, 50_000_000n);
    const requests = [0n, 1n, 2n, 3n].map((g) =>
      request(far + g * (1n << 36n), v, f, { deadline: far + g * (1n << 36n) + 400_000_000n, scale: 1n << 10n, cycles: (l) => 100_000_000n + BigInt(l) * 12_345n, nnz: (l) => BigInt(800 + l * 100) }),
    );
    cases.push({
      name: 'time-skips',
      about: 'start at 2^40, idle gaps of 2^36 cycles and 10^8-cycle layers, each in one time-skip step',
      script: { start: far, variants: [v], requests },
      check: (lines) => (BigInt(lines.at(-1)!.split(' ').at(-1)!) > far + (3n << 36n) ? undefined : 'the run did not reach the last gap'),
    });
  }

  {
    // Clamps: a non-zero count far above the expectation (ratio and gamma saturate), deadlines at
    // the end of time (urgency saturates) and in the past, the largest penalty scale, and, with
    // time skips, a wait longer than the idle register holds.
    const v = uniformVariant(cfg, 0, 3, min * 3n, 3);
    const big = uniformVariant(cfg, 1, 1, maxOf(f.latencyWidth));
    const wait = f.timeSkip && f.idleWidth < f.timeWidth - 1 ? (1n << BigInt(f.idleWidth)) + 1000n : min * 50n;
    const requests = [
      request(start, big, f, { deadline: maxOf(f.timeWidth), scale: maxOf(f.penaltyScaleWidth), cycles: () => wait, nnz: () => maxOf(f.nnzWidth) }),
      request(start + 1n, v, f, { deadline: maxOf(f.timeWidth), scale: maxOf(f.penaltyScaleWidth), cycles: () => min + 3n, nnz: () => maxOf(f.nnzWidth) }),
      request(start + 2n, v, f, { deadline: 0n, scale: 1n, cycles: () => min + 9n, nnz: (l) => (l === 0 ? 0n : 3n) }),
      request(start + 3n, big, f, { deadline: start, scale: 0n, cycles: () => min, nnz: () => 1n }),
    ];
    cases.push({
      name: 'saturation',
      about: 'gamma, urgency, idle time, penalty and score at their clamps (deadlines at the end of time and in the past)',
      script: { start, variants: [v, big], requests },
      check: (lines) => (lines.some((l) => l.startsWith('G ') && BigInt(l.split(' ')[4]!) === maxOf(f.gammaWidth)) ? undefined : 'gamma never saturated'),
    });
  }

  cases.push({
    name: 'monitor-rows',
    about: 'real-NPU mode: every layer streams its output rows through the sparsity monitor',
    script: random(6, { requests: 40, monitorFraction: 1 }),
  });
  return cases.map((c) => (c.script ? { ...c, script: fitScript(cfg, c.script) } : c));
}
