// MHG in RTL (scheduler.policy = "mhg"): the scheduler with mhg_policy against the golden model line
// for line (decisions with their cycle, score words, read-backs, counters) on more than 10^4 random
// decisions across four configurations, with the paths counted (victim searches, several victims in
// one decision, protection both ways, decisions with every task late and with none, a full table),
// and on hand-built corners whose outcome is stated literally: all late, none late, ties of deadline
// and of key, the tau boundary, protection both ways, a full table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchedScript, SchedulerSim, ScriptVariant } from '../../cosim/scheduler/driver.ts';
import { parseConfig, type HwConfig } from '../../hwgen/index.ts';
import { schedulerFormats, type SchedulerFormats } from '../../hwgen/scheduler/formats.ts';
import { encodeInvIso, encodeReciprocal, mhgParamsQ, type Decision } from '../../hwgen/scheduler/golden.ts';
import { expectedLog } from '../../compare/scheduler-harness-model.ts';
import { openScheduler, parseDecisions, runAndCompare } from './helpers.ts';
import { randomScenario } from './scenarios.ts';

interface Coverage {
  decisions: number;
  victims: number;
  multiVictim: number;
  protectBest: number;
  protectJstar: number;
  allLate: number;
  noneLate: number;
  maxN: number;
}

function collect(cov: Coverage): (d: Decision) => void {
  return (d) => {
    const o = d.mhg!;
    cov.decisions++;
    cov.victims += o.victimScans.length;
    if (o.victimScans.length > 1) cov.multiVictim++;
    if (o.protect) {
      if (o.chosen === o.jStar) cov.protectJstar++;
      else cov.protectBest++;
    }
    if (o.late.length > 1 && o.late.every(Boolean)) cov.allLate++;
    if (o.late.length > 1 && o.late.every((l) => !l)) cov.noneLate++;
    cov.maxN = Math.max(cov.maxN, o.late.length);
  };
}

const total: Coverage = { decisions: 0, victims: 0, multiVictim: 0, protectBest: 0, protectJstar: 0, allLate: 0, noneLate: 0, maxN: 0 };
let refusals = 0;

describe.each([
  ['D = 3 (the table fills)', { log2Tasks: 3, policy: 'mhg' }, 3, 900],
  ['D = 4, regression predictor', { log2Tasks: 4, policy: 'mhg', predictor: 'regression' }, 4, 700],
  ['D = 5, 16-bit score word, 8-bit sequence numbers', { log2Tasks: 5, policy: 'mhg', scoreWidth: 16, scoreShift: 2, seqWidth: 8 }, 5, 500],
  ['D = 6, coarse parameters (8 fraction bits), 24-bit 1/iso', { log2Tasks: 6, policy: 'mhg', mhgParamFracBits: 8, mhgInvIsoFracBits: 32, mhgInvIsoWidth: 24 }, 6, 500],
] as const)('mhg_policy RTL vs golden, %s', (name, scheduler, seed, requests) => {
  let sim: SchedulerSim;
  let config: HwConfig;
  beforeAll(async () => {
    ({ sim, config } = await openScheduler(scheduler, `mhg${seed}`));
  });
  afterAll(async () => sim?.close());

  it('random decisions are identical line for line, decision cycles included', async () => {
    const cov: Coverage = { decisions: 0, victims: 0, multiVictim: 0, protectBest: 0, protectJstar: 0, allLate: 0, noneLate: 0, maxN: 0 };
    for (const s of [0, 1]) {
      const script = randomScenario(config.scheduler, { seed: 1000 * seed + s, requests, meanGap: 2500 });
      const run = await runAndCompare(sim, config, script, 0, collect(cov));
      refusals += run.lines.filter((l) => l.startsWith('B ')).length;
    }
    for (const k of Object.keys(total) as (keyof Coverage)[]) total[k] = k === 'maxN' ? Math.max(total.maxN, cov.maxN) : total[k] + cov[k];
    expect(cov.decisions).toBeGreaterThan(2000);
    expect(cov.victims).toBeGreaterThan(50);
  });
});

describe('mhg_policy RTL coverage over the random runs', () => {
  it('>= 10^4 decisions; victims, several per decision, protection both ways, all late, none late, full tables', () => {
    expect(total.decisions).toBeGreaterThanOrEqual(10_000);
    expect(total.multiVictim).toBeGreaterThan(10);
    expect(total.protectBest).toBeGreaterThan(10);
    expect(total.protectJstar).toBeGreaterThan(10);
    expect(total.allLate).toBeGreaterThan(10);
    expect(total.noneLate).toBeGreaterThan(10);
    expect(total.maxN).toBe(64);
    expect(refusals).toBeGreaterThan(0);
  });
});

/** A variant of one layer with P = iso = `p` cycles (nnz = expected: gamma stays 1). */
function variant(f: SchedulerFormats, index: number, p: bigint, iso = p, layers = 1): ScriptVariant {
  const r = encodeReciprocal(f, 1024);
  return {
    variant: index,
    nlayers: layers,
    suffix0: p,
    layers: Array.from({ length: layers }, (_, l) => ({ mant: r.mant, shift: r.shift, suffixNext: (p * BigInt(layers - l - 1)) / BigInt(layers) })),
    iso,
    invIso: encodeInvIso(f, iso),
  };
}

describe('mhg_policy RTL corners (D = 3)', () => {
  let sim: SchedulerSim;
  let config: HwConfig;
  let f: SchedulerFormats;
  beforeAll(async () => {
    ({ sim, config } = await openScheduler({ log2Tasks: 3, policy: 'mhg' }, 'mhgcorner'));
    f = schedulerFormats(config.scheduler);
  });
  afterAll(async () => sim?.close());

  /**
   * r0 (variant 0, one short layer) runs alone first; r1..r3 arrive during it with deadlines set
   * relative to the second selection's time (found by a dry run of the golden model), so the second
   * decision sees exactly the rows [deadline offset, P, iso] (cycles). Returns that decision.
   */
  async function second(rows: [bigint, bigint, bigint][], params?: { sigma: number; lambda: number; tau: number }): Promise<{ d: Decision; req: number[] }> {
    const build = (t2: bigint): SchedScript => ({
      start: 1000n,
      variants: [variant(f, 0, 400n), ...rows.map(([, p, iso], i) => variant(f, i + 1, p, iso))],
      requests: [
        { arrival: 1000n, variant: 0, deadline: 1n << 40n, scale: 0n, layers: [{ cycles: 600n, nnz: 1024n }] },
        ...rows.map(([dl], i) => ({ arrival: 1001n, variant: i + 1, deadline: t2 + dl, scale: 0n, layers: [{ cycles: 2000n, nnz: 1024n }] })),
      ],
      ...(params ? { mhgParams: mhgParamsQ(f, params) } : {}),
    });
    const dry: Decision[] = [];
    expectedLog(config.scheduler, build(0n), 0, { onDecision: (d) => dry.push(d) });
    const script = build(dry[1]!.tSel);
    const seen: Decision[] = [];
    const run = await runAndCompare(sim, config, script, 0, (d) => seen.push(d));
    return { d: seen[1]!, req: parseDecisions(run.lines).map((x) => x.req) };
  }

  it('all late (deadlines already past): every late task is allowed, the smallest key runs', async () => {
    const { d, req } = await second([[-1_000n, 3000n, 3000n], [-1_500n, 2000n, 2000n], [-500n, 2500n, 2500n]]);
    expect(d.mhg!.late).toEqual([true, true, true]);
    expect(d.mhg!.minMargin).toBeUndefined();
    expect(req.slice(1)).toEqual([2, 3, 1]); // keys 4e6 < 6.25e6 < 9e6
  });

  it('none late: margins allow every task, the smallest key runs first', async () => {
    const { d, req } = await second([[100_000n, 3000n, 3000n], [200_000n, 2000n, 2000n], [300_000n, 2500n, 2500n]]);
    expect(d.mhg!.late).toEqual([false, false, false]);
    expect(d.mhg!.allowed).toEqual([true, true, true]);
    expect(req[1]).toBe(2);
  });

  it('ties of deadline and of key: admission order decides', async () => {
    const { d, req } = await second([[50_000n, 2000n, 3000n], [50_000n, 3000n, 2000n], [50_000n, 1500n, 4000n]]);
    expect(new Set(d.mhg!.key).size).toBe(1); // 6e6 each
    expect(d.mhg!.order).toEqual([...d.mhg!.order].sort((a, b) => a - b)); // slots 1, 2, 3 in admission order
    expect(req.slice(1)).toEqual([1, 2, 3]);
  });

  it('tau boundary: P exactly (1 - tau) x Pmax is the victim, one cycle less is kept', async () => {
    const tau = { sigma: 0.25, lambda: 1, tau: 0.5 };
    // EDF: r1 (P 1000), r2 (P 2000); C = 3000 > 2500: one victim. r1 qualifies at exactly 1000 = 0.5 x 2000.
    const exact = await second([[2_400n, 1000n, 1000n], [2_500n, 2000n, 2000n]], tau);
    expect(exact.d.mhg!.late).toEqual([true, false]);
    const below = await second([[2_400n, 999n, 999n], [2_500n, 2000n, 2000n]], tau);
    expect(below.d.mhg!.late).toEqual([false, true]);
  });

  it('protection both ways: cost 0.45 <= lambda 1 runs best, lambda 0.4 runs j*', async () => {
    // The documented rows [D, P, iso] = [10, 4, 4], [6, 5, 5], [12, 6, 6] x 1000 cycles.
    const rows: [bigint, bigint, bigint][] = [[10_000n, 4000n, 4000n], [6_000n, 5000n, 5000n], [12_000n, 6000n, 6000n]];
    const keep = await second(rows, { sigma: 0.25, lambda: 1, tau: 0.1 });
    expect(keep.d.mhg!.protect).toBe(true);
    expect(keep.req[1]).toBe(2); // best = r2 (D 6000)
    const run = await second(rows, { sigma: 0.25, lambda: 0.4, tau: 0.1 });
    expect(run.req[1]).toBe(1); // j* = r1 (key 16e6)
  });

  it('a full table: refusals, and every request still completes in deadline order when all fit', async () => {
    const script: SchedScript = {
      start: 100n,
      variants: [variant(f, 0, 3000n, 3000n, 2)],
      requests: Array.from({ length: 20 }, (_, i) => ({ arrival: 100n + BigInt(i), variant: 0, deadline: 10_000_000n - BigInt(i) * 1000n, scale: 0n, layers: [{ cycles: 1500n, nnz: 1024n }, { cycles: 1500n, nnz: 1024n }] })),
    };
    const run = await runAndCompare(sim, config, script);
    expect(run.lines.filter((l) => l.startsWith('B ')).length).toBeGreaterThan(0);
    expect(run.lines.filter((l) => l.startsWith('C ')).length).toBe(20);
    expect(parseConfig({ scheduler: { policy: 'mhg' } }).scheduler.selectorUnits).toBe(1);
  });
});
