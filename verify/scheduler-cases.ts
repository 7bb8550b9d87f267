// The cases of `dysta cosim --suite scheduler`: seeded random scenarios and the corner cases, each a
// `sched_run` script built for the configured table size, layer counts and widths. Every case is
// compared with the golden model line for line (verify/scheduler.ts); the checks here are
// independent of the golden model: they say the case exercised what it is named after (a full
// table, refusals, a tie decided by admission order...) and that every decision took the minimum
// of the scores the RTL reported, ties to the earliest admission.
import type { SchedScript, SchedulerSim, ScriptRequest, ScriptVariant } from '../cosim/scheduler/driver.ts';
import { encodeReciprocal, layersRun, schedulerFormats, type SchedulerConfig } from '../hwgen/index.ts';
import { maxOf } from '../hwgen/scheduler/formats.ts';
import type { LoggedDecision } from '../compare/scheduler-harness-model.ts';
import { Rng, minLayerCycles, randomScenario, type ScenarioOptions } from './scheduler-scenarios.ts';
import { taskFieldsCase } from './scheduler-fields.ts';
import { deepCases } from './scheduler-deep.ts';

export interface SchedulerCase {
  name: string;
  /** What it exercises (the JUnit testcase's description). */
  about: string;
  /** Why it cannot run on this configuration (the case is reported as skipped). */
  skip?: string;
  script?: SchedScript;
  /** Cycles the host holds ev_ready low after every event. */
  evStall?: number;
  /**
   * Independent checks of the RTL's log; returns what is wrong, or undefined. `lines` are the log's
   * lines other than its S lines (the scores read back): parseDecisions(lines) has those.
   */
  check?: (lines: readonly string[]) => string | undefined;
  /** Checks of documented numbers on the RTL's log (verify/scheduler-literal.ts), `lines` as for check; throws Mismatch. */
  verify?: (lines: readonly string[]) => void;
  /** The log must also show the README's decision timing, as literals (no event stalls). */
  timed?: boolean;
  /** A cycle-level case of its own instead of a script (verify/scheduler-contract.ts). */
  run?: (sim: SchedulerSim) => Promise<{ checked: number; simCycles: number }>;
}

/** A decision of a `sched_run` log: its D line, the scores read back, who held each slot. */
export type ParsedDecision = LoggedDecision;

// The last log parsed: the checks of one log (the selection rule, the timing, a case's own) read
// its decisions one after another, and it is parsed once for them all.
let lastParsed: { lines: readonly string[]; decisions: readonly ParsedDecision[] } | undefined;

/** Decisions of a `sched_run` log, with the scores read back and who held each slot (read-only: shared by the callers). */
export function parseDecisions(lines: readonly string[]): readonly ParsedDecision[] {
  if (lastParsed?.lines !== lines) lastParsed = { lines, decisions: parseDecisionsOnce(lines) };
  return lastParsed.decisions;
}

/**
 * Hands parseDecisions the decisions of `lines` from the model that wrote them (playHarness's
 * onLogged), so the checks of a golden log need not parse its text back: 19,000 decisions and
 * 400,000 score lines per regression pass.
 */
export function rememberDecisions(lines: readonly string[], decisions: readonly ParsedDecision[]): void {
  lastParsed = { lines, decisions };
}

function parseDecisionsOnce(lines: readonly string[]): ParsedDecision[] {
  const occ = new Map<number, number>();
  // The occupants are copied at a decision only if an admission or completion changed them since the last one.
  let snapshot = new Map<number, number>();
  let changed = false;
  const out: ParsedDecision[] = [];
  let scores: Map<number, bigint> | undefined;
  for (const line of lines) {
    switch (line[0]) {
      case 'A': {
        const p = line.split(' ');
        occ.set(Number(p[2]), Number(p[1]));
        changed = true;
        break;
      }
      case 'C':
        occ.delete(Number(line.split(' ')[1]));
        changed = true;
        break;
      case 'D': {
        const p = line.split(' ');
        if (changed) snapshot = new Map(occ);
        changed = false;
        scores = new Map();
        out.push({ tSel: BigInt(p[1]!), tEvent: BigInt(p[2]!), slot: Number(p[3]), req: Number(p[4]), layer: Number(p[5]), score: BigInt(p[6]!), scores, occupants: snapshot });
        break;
      }
      case 'S': {
        // `S slot score`: the most frequent line, cut without splitting.
        const space = line.indexOf(' ', 2);
        // Up to 15 decimal digits are exact in a double, and BigInt of a number is cheaper than of a string.
        const score = line.length - space - 1 <= 15 ? BigInt(Number(line.slice(space + 1))) : BigInt(line.slice(space + 1));
        scores?.set(Number(line.slice(2, space)), score);
        break;
      }
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
    // The minimum score, and the earliest admitted request among the slots holding it (one pass).
    let min: bigint | undefined;
    let earliest = Infinity;
    // forEach, not for-of: no [slot, score] pair per score (a pass reads back 355,000 of them).
    d.scores.forEach((s, slot) => {
      if (min === undefined || s < min) {
        min = s;
        earliest = d.occupants.get(slot)!;
      } else if (s === min) earliest = Math.min(earliest, d.occupants.get(slot)!);
    });
    if (d.score !== min || d.scores.get(d.slot) !== d.score) return `decision ${k}: chose slot ${d.slot} with score ${d.score}, but the smallest score read back is ${min}`;
    if (d.req !== earliest) {
      const tied = [...d.scores.entries()].filter(([, s]) => s === min).map(([slot]) => d.occupants.get(slot)!);
      return `decision ${k}: equal scores ${min} for requests ${tied.join(', ')}; chose ${d.req}, not the earliest admitted`;
    }
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

/** The layers a request of variant `v` runs (its layer count, clamped as the hardware does). */
function layersOf(v: ScriptVariant, f: ReturnType<typeof schedulerFormats>, layer: (l: number) => { cycles: bigint; nnz: bigint; rows?: number }) {
  return Array.from({ length: layersRun(f, v.nlayers) }, (_, l) => layer(l));
}

/** A request of `variant` arriving at `arrival`, its layers' cycles and non-zero counts by layer. */
export function request(arrival: bigint, variant: ScriptVariant, f: ReturnType<typeof schedulerFormats>, o: { deadline: bigint; scale: bigint; cycles: (l: number) => bigint; nnz: (l: number) => bigint }): ScriptRequest {
  return { arrival, variant: variant.variant, deadline: o.deadline, scale: o.scale, layers: Array.from({ length: layersRun(f, variant.nlayers) }, (_, l) => ({ cycles: o.cycles(l), nnz: o.nnz(l) })) };
}

export interface SchedulerCaseOptions {
  seed: number;
  /** The sparsity monitor's lanes (real-NPU rows). */
  lanes: number;
  /** The PE array's largest layer in rows (the monitor's counter holds maxRows x lanes). */
  maxRows?: number;
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
  if (f.timeSkip) {
    // Late in time and long: the random scenario with every latency, layer and gap 2^14 times
    // longer (layers of ~10^8 cycles, idle stretches of ~10^10, each one time-skip step), starting
    // at a random time with the top two bits of the 48-bit minimum time width set (the other bits
    // random; time-skips covers times near 2^40), so every bit of the times, idle times, slack, P
    // and the products behind them is exercised, not only the low 32.
    const late = new Rng(seed(7)).big(3n << 46n, (1n << 48n) - (1n << 44n));
    cases.push({
      name: 'random-long',
      about: `random scenario from cycle ${late} with layers, latencies and gaps 2^14 times longer (time skips): the high bits of times, slack, idle and P`,
      script: random(7, { requests: 150, start: late, timeScale: 1n << 14n }),
      timed: true,
    });
    // Idle times at the top of the idle register and last-run times through 2^39..2^46: 24 requests
    // from 2^39 with layers, latencies and gaps 2^26 times longer (layers of ~2^39 cycles), so a
    // waiting task's idle time crosses 2^39 and the clamp, and idle x penalty scale reaches bit 39+.
    cases.push({
      name: 'long-idle',
      about: 'random scenario from 2^39 with layers and gaps 2^26 times longer (time skips): idle times at 2^39 and beyond, last-run times up to 2^46',
      // The shortest layer grows with the table (2^(D+1) + 24 cycles): the scale shrinks with it, so
      // the run ends below 2^47 (the time counter does not wrap) on every table size.
      script: random(8, { requests: 24, start: (1n << 39n) + new Rng(seed(8)).big(0n, 1n << 38n), timeScale: ((1n << 26n) * 152n) / (min > 152n ? min : 152n) }),
    });
    {
      // Idle times bit by bit at the top: one blocker layer of 2^43 + 2^20 cycles from a multiple of
      // 2^25, while requests wait from its start (idle 2^43 + ~2^20: bit 43 alone above the idle
      // register's 40 bits, the clamp) and from later points (idle 2^39 + ~2^20 without a borrow
      // from the low 25 bits, 2^40 - ~2^20 with one). Deadlines in the past (urgency 0) and small
      // penalty scales keep the scores below their clamp, so every idle bit reaches the scores read back.
      const s0 = 1n << 40n;
      const blockerEnd = s0 + (1n << 43n) + (1n << 20n);
      const v = uniformVariant(cfg, 0, 1, min * 2n);
      const waiter = (arrival: bigint, scale: bigint) => request(arrival, v, f, { deadline: 0n, scale, cycles: () => min + 7n, nnz: () => 900n });
      const requests = [
        request(s0, v, f, { deadline: 0n, scale: 1n, cycles: () => blockerEnd - s0, nnz: () => 900n }),
        waiter(s0 + 1000n, 1n),
        waiter(s0 + 1001n, 3n),
        waiter(s0 + (1n << 43n) - (1n << 40n) + (1n << 21n), 5n),
        waiter(s0 + (1n << 43n) - (1n << 40n) + (1n << 21n) + 1n, 1n << 12n),
        waiter(s0 + (1n << 43n) - (1n << 39n) + 100n, 1n),
        waiter(s0 + (1n << 43n) - (1n << 39n) + 101n, 1n << 9n),
      ];
      cases.push({
        name: 'idle-bits',
        about: 'requests waiting 2^43, 2^39 and 2^40 - 2^20 cycles behind one long layer, small penalty scales: the top idle bits in the scores',
        script: { start: s0, variants: [v], requests },
      });
    }
    {
      // The cycle counter's carry while it counts: requests arriving 8 cycles below 2^24, 2^25 and
      // 3 x 2^24, each into an empty table, so the time skip to the arrival stops short of the
      // boundary and the admission and selection count across it (the carry compare
      // now_lo == 24'hfffffe), not a time-skip step.
      const v = uniformVariant(cfg, 0, 2, min * 2n);
      const requests = [1n, 2n, 3n].map((m) => request((m << 24n) - 8n, v, f, { deadline: (m << 24n) + min * 10n, scale: 1n << 16n, cycles: (l) => min + BigInt(l * 5), nnz: (l) => BigInt(900 + l * 100) }));
      cases.push({
        name: 'now-carry',
        about: 'arrivals 8 cycles below 2^24, 2^25 and 3 x 2^24: the cycle counter carries into its high word while counting, not in a time skip',
        script: { start: (1n << 24n) - 64n, variants: [v], requests },
      });
    }
  } else {
    cases.push({
      name: 'random-long',
      about: 'random scenario late in time with layers and gaps 2^14 times longer',
      skip: 'scheduler.timeSkip = 0: the design has no time-skip ports, and layers of 10^8 cycles one at a time would take hours',
    });
    cases.push({ name: 'long-idle', about: 'idle times at 2^39 and beyond', skip: 'scheduler.timeSkip = 0: the design has no time-skip ports, and layers of 2^39 cycles one at a time would take days' });
    cases.push({ name: 'idle-bits', about: 'idle times of 2^39-2^43 cycles', skip: 'scheduler.timeSkip = 0: the design has no time-skip ports, and a layer of 2^43 cycles one at a time would take days' });
    cases.push({ name: 'now-carry', about: 'the cycle counter carrying into its high word at 2^24', skip: 'scheduler.timeSkip = 0: the design has no time-skip ports, and reaching 3 x 2^24 cycle by cycle is 5 x 10^7 cycles for three carries' });
  }

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
    // Four arrivals per layer fill a table of up to 64 slots before the burst ends; a larger table
    // (decisions of N + 15 cycles) needs them proportionally closer (one per 32 cycles at D = 10).
    const v = uniformVariant(cfg, 0, 2, min * 2n);
    const n = slots + 32;
    const gap = min / 4n / BigInt(Math.max(1, slots / 64));
    const requests = Array.from({ length: n }, (_, i) =>
      request(start + BigInt(i) * gap, v, f, { deadline: start + BigInt(i) * min * 3n, scale: 1n << 16n, cycles: (l) => min + BigInt((i * 13 + l * 7) % 97), nnz: (l) => BigInt(700 + ((i + l) % 5) * 150) }),
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
    // Every layer leaves room for the two stalled events around it, whatever the table size.
    script: random(5, { requests: 60, layerFloor: min + 2n * 26n }),
    evStall: 25,
    check: (lines) => (parseDecisions(lines).some((d) => d.tEvent - d.tSel > BigInt(d.scores.size + 7)) ? undefined : 'no decision event was delayed by the stalled stream'),
  });

  {
    // Layer counts 0 (runs one layer), 1, 2, the largest (2^log2MaxLayers) and an over-large field,
    // in the highest variant numbers (the random cases use the lowest: every bit of the variant
    // index into the tables is then used).
    const counts = [0, 1, 2, f.maxLayers, Number(maxOf(f.layerCountWidth))].slice(0, f.variants);
    const variants = counts.map((c, i) => uniformVariant(cfg, f.variants - 1 - i, c, min * 2n));
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

  {
    // Ties across many sequence numbers: 9,000 admissions (fewer than 2^seqWidth) in groups of a
    // leader and four equal requests (same arrival, variant, deadline and scale: equal scores) that
    // arrive while the leader runs, so the earliest admission must win every tie among them. A group
    // of five is odd: tied neighbours straddle every multiple of 2^k (k >= 1) somewhere, up to
    // 2^13 + 808, so every bit of the tie-break compare below 2^14 decides some tie (the other cases
    // admit a few hundred requests).
    const twins = Math.max(1, Math.min(4, slots - 1));
    const group = twins + 1;
    const n = Math.min(9000, Number(maxOf(f.seqWidth)) + 1);
    const v = uniformVariant(cfg, 0, 1, min * 2n);
    const leaderCycles = min + BigInt(10 * twins);
    const spacing = BigInt(group) * (min + BigInt(slots) + 40n) + leaderCycles;
    const requests = Array.from({ length: n }, (_, i) => {
      const g = Math.floor(i / group);
      const leader = i % group === 0;
      const arrival = start + BigInt(g) * spacing + (leader ? 0n : 1n);
      return request(arrival, v, f, { deadline: arrival + 50n * min, scale: 3n << 14n, cycles: () => (leader ? leaderCycles : min), nnz: () => 900n });
    });
    cases.push({
      name: 'sequence-ties',
      about: `${n} admissions in groups of a leader and ${twins} equal requests: ties decided by sequence numbers up to ${n - 1}`,
      script: { start, variants: [v], requests },
      check: (lines) => {
        const ds = parseDecisions(lines);
        if (ds.length !== n) return `${ds.length} decisions for ${n} requests`;
        const wrong = ds.findIndex((d, k) => d.req !== k);
        if (wrong >= 0) return `decision ${wrong} ran request ${ds[wrong]!.req}, not the earliest admitted (${wrong})`;
        const ties = ds.filter((d) => d.scores.size > 1 && new Set(d.scores.values()).size === 1).length;
        return ties >= Math.floor(n / group) * Math.min(twins - 1, 1) ? undefined : `only ${ties} decisions among equal scores`;
      },
    });
  }

  if (!f.timeSkip) {
    // Simulating 2^40 cycles one by one is out of reach (days); the random cases' idle gaps of up to
    // 800,000 cycles run cycle by cycle on such a design instead.
    cases.push({
      name: 'time-skips',
      about: 'idle gaps of 2^36 cycles and 10^8-cycle layers in single time-skip steps',
      skip: 'scheduler.timeSkip = 0: the design has no time-skip ports, and 2^40 cycles one at a time would take days; the random cases run their idle gaps cycle by cycle',
    });
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

  {
    // Large monitor counts: layers of thousands of output rows through the sparsity monitor, up to
    // the most non-zeros one layer holds (maxRows x lanes, the counter's range, within nnzWidth),
    // so every bit of the monitor's count reaches the predictor (the random layers stay below 2^11).
    const most = Math.min((o.maxRows ?? 65_535) * o.lanes, Number(maxOf(f.nnzWidth)));
    const counts = [...new Set([2 ** 11 - 1, 2 ** 11 + o.lanes + 1, 2 ** 15 + 3, 2 ** 18 - 1, most].filter((n) => n <= most))];
    const v = uniformVariant(cfg, 0, 2, min * 4n, Math.max(1, most >> 1));
    const requests = counts.map((nnz, i): ScriptRequest => {
      const rows = Math.ceil(nnz / o.lanes);
      const layers = layersOf(v, f, (l) => ({ cycles: min + BigInt(rows + 50 + l), nnz: BigInt(nnz), rows }));
      return { arrival: start + BigInt(i) * 4n * min, variant: v.variant, deadline: start + 100_000_000n, scale: 1n << 16n, layers };
    });
    cases.push({
      name: 'monitor-counts',
      about: `layers of up to ${Math.ceil(most / o.lanes)} output rows through the monitor: non-zero counts ${counts.join(', ')}`,
      script: { start, variants: [v], requests },
    });
  }

  {
    // The ratio clamp bit by bit: layers that expect the fewest non-zeros the reciprocal encodes
    // and measure 2^j of them (j = 0, 1, 2, ...), so (nnz x mant) >> shift has a single set bit
    // that climbs through and above the ratio's range, which must saturate it wherever it is; the
    // last layers use the largest mantissa with shift 0 (the product's top bits). The ratio sum
    // then climbs to about the layer count x the clamp, every bit of it read back.
    const runs = layersRun(f, f.maxLayers);
    const least = Math.floor(2 ** f.gammaFrac / Number(maxOf(f.recipWidth))) + 1; // 1 at the default widths
    const r = encodeReciprocal(f, least);
    const avg = min * 2n;
    const v: ScriptVariant = {
      variant: f.variants - 1,
      nlayers: f.maxLayers,
      suffix0: avg * BigInt(runs),
      layers: Array.from({ length: runs }, (_, l) => ({
        ...(l < runs - 4 ? { mant: r.mant, shift: r.shift } : { mant: maxOf(f.recipWidth), shift: l - (runs - 4) }),
        suffixNext: avg * BigInt(runs - l - 1),
      })),
    };
    const nnz = (l: number) => (l < runs - 4 ? 1n << BigInt(l % f.nnzWidth) : maxOf(f.nnzWidth));
    const requests = [0, 1].map((i) => request(start + BigInt(i), v, f, { deadline: start + 1_000_000_000n, scale: 1n << 12n, cycles: (l) => min + BigInt(l % 13), nnz }));
    cases.push({
      name: 'ratio-clamps',
      about: `${runs} layers measuring 2^j times the expected non-zeros: the ratio clamp at every bit, the ratio sum and gamma at their tops`,
      script: { start, variants: [v], requests },
      check: (lines) => {
        // G slot valid next-layer gamma P ratio-sum ...: the sum must reach half the layers x the clamp.
        const top = lines.filter((l) => l.startsWith('G ')).reduce((m, l) => (BigInt(l.split(' ')[6]!) > m ? BigInt(l.split(' ')[6]!) : m), 0n);
        return top >= BigInt(runs >> 1) * maxOf(f.gammaWidth) ? undefined : `the ratio sum reached only ${top}`;
      },
    });
  }
  cases.push(...deepCases(cfg));
  cases.push(taskFieldsCase(cfg, o.seed, uniformVariant(cfg, 0, 2, min * 2n)));
  return cases.map((c) => (c.script ? { ...c, script: fitScript(cfg, c.script) } : c));
}
