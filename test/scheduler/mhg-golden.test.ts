// The MHG golden model (mhgDecide, the fixed-point statement of what mhg_policy computes) on the
// documented cases of BEYOND.md section 2, written out by hand, and against the float model's own
// implementation (sw-scheduler's createMhgSelector) on thousands of random ready sets: with
// parameters that are exact in binary (sigma 0.25, lambda 1, tau 0.5) every decision, every late
// mark and every allowed flag is identical; with mhg_vio's (0.1, 3, 0.1) the few differences sit on
// the rounding of 0.1 to 16 fraction bits.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../hwgen/index.ts';
import { schedulerFormats } from '../../hwgen/scheduler/formats.ts';
import { MHG_RESET, edfBefore, encodeInvIso, mhgDecide, mhgParamsQ, mhgSelectCycles, type MhgTask } from '../../hwgen/scheduler/mhg-golden.ts';
import { createMhgSelector, type TaskTable } from '../../sw-scheduler/index.ts';
import { Rng } from './scenarios.ts';

const f = schedulerFormats(parseConfig({ scheduler: { policy: 'mhg' } }).scheduler);
const q = mhgParamsQ(f, MHG_RESET);
const SCALE = 1000n; // the float tests' units x 1000 cycles, so 1/iso keeps its precision

/** [deadline, P, iso] rows in the float tests' units, as fixed-point tasks in EDF order (+ their row index). */
function tasksOf(rows: [number, number, number][]): { tasks: MhgTask[]; row: number[] } {
  const all = rows.map(([d, p, iso], i) => ({ i, d: BigInt(Math.round(d * 1000)), p: BigInt(p) * SCALE, iso: BigInt(iso) * SCALE }));
  all.sort((a, b) => (edfBefore(a.d, BigInt(a.i), b.d, BigInt(b.i)) ? -1 : 1));
  return {
    tasks: all.map((x) => ({ slot: x.i, deadline: x.d, seq: BigInt(x.i), pred: x.p, iso: x.iso, invIso: encodeInvIso(f, x.iso), variant: 0, layer: 0 })),
    row: all.map((x) => x.i),
  };
}

/** The decision in row terms (late / allowed flags by row, chosen / best / j* as rows). */
function decide(rows: [number, number, number][], t = 0, params = q) {
  const { tasks, row } = tasksOf(rows);
  const out = mhgDecide(f, tasks, BigInt(t) * SCALE, params);
  const byRow = <T>(xs: T[]) => rows.map((_, r) => xs[row.indexOf(r)]!);
  return { ...out, late: byRow(out.late), allowed: byRow(out.allowed), chosen: row[out.chosen]!, best: row[out.best]!, jStar: out.jStar < 0 ? -1 : row[out.jStar]! };
}

describe('MHG golden model: documented cases', () => {
  // The rows of the float model's protection test (test/sw-scheduler/policy-mhg-protection.test.ts).
  const rows: [number, number, number][] = [[10, 4, 4], [6, 5, 5], [12, 6, 6]];

  it('marking, margins, allowed set, best and j* as the float model documents them', () => {
    const d = decide(rows);
    expect(d.late).toEqual([false, false, true]);
    expect(d.allowed).toEqual([false, true, false]);
    expect(d.minMargin).toBe(1n * SCALE);
    expect(d.key).toEqual([25n, 16n, 36n].map((k) => k * SCALE * SCALE)); // EDF order: #1, #0, #2
    expect([d.best, d.jStar]).toEqual([1, 0]);
    expect(d.victimScans).toEqual([2]);
  });

  it('protection: cost 5/4 - 4/5 = 0.45 <= lambda 1 runs best; lambda 0.4 runs j*', () => {
    const d = decide(rows);
    expect(d.protect).toBe(true);
    expect(Number(d.cost) / 2 ** f.invIsoFrac).toBeCloseTo(0.45, 8);
    expect(d.chosen).toBe(1);
    expect(decide(rows, 0, { ...q, lambda: mhgParamsQ(f, { sigma: 0, lambda: 0.4, tau: 0 }).lambda }).chosen).toBe(0);
  });

  it('an overdue task alone is marked late and C restarts at 0; every late task is allowed when none is kept', () => {
    const d = decide([[1, 5, 5], [2, 3, 3]]);
    expect(d.late).toEqual([true, true]);
    expect(d.minMargin).toBeUndefined();
    expect(d.allowed).toEqual([true, true]);
    expect(d.jStar).toBe(-1);
    expect(d.protect).toBe(false);
    expect(d.chosen).toBe(1); // smaller key 9 < 25
  });

  it('none late: the first kept task is always allowed, the others only within the margins before them', () => {
    const d = decide([[100, 10, 10], [105, 2, 2], [200, 50, 50]]);
    expect(d.late).toEqual([false, false, false]);
    // margins: 90, 88, 138: #1 (P 2 <= 90) allowed, #2 (P 50 <= 88) allowed.
    expect(d.allowed).toEqual([true, true, true]);
    expect(d.chosen).toBe(1);
  });

  it('ties: equal deadlines go by admission order, equal keys by EDF order', () => {
    const d = decide([[50, 4, 9], [50, 6, 6], [50, 9, 4]]);
    expect(d.late).toEqual([false, false, false]);
    expect(d.key[0]).toBe(d.key[1]); // 36 = 36 = 36
    expect(d.chosen).toBe(0); // all allowed (margins 46, 40, 31 >= P), equal keys: the first in EDF order
    const e = decide([[60, 3, 3], [50, 3, 3]]);
    expect(e.chosen).toBe(1); // equal keys, #1 first in EDF order
  });

  it('tau boundary: a task exactly at (1 - tau) x Pmax is the victim; one cycle below is not', () => {
    const t = (p: bigint, pmax: bigint): MhgTask[] => [
      { slot: 0, deadline: 1000n, seq: 0n, pred: p, iso: 1000n, invIso: encodeInvIso(f, 1000n), variant: 0, layer: 0 },
      { slot: 1, deadline: 1001n, seq: 1n, pred: pmax, iso: 1000n, invIso: encodeInvIso(f, 1000n), variant: 0, layer: 0 },
    ];
    const half = mhgParamsQ(f, { sigma: 0.25, lambda: 1, tau: 0.5 });
    // P0 + Pmax > 1001: one victim; P0 = Pmax / 2 exactly qualifies (tau 0.5), so the first one goes.
    expect(mhgDecide(f, t(500n, 1000n), 0n, half).late).toEqual([true, false]);
    expect(mhgDecide(f, t(499n, 1000n), 0n, half).late).toEqual([false, true]);
  });

  it('cycle count: insertions, copy, marking with victim searches, passes, protection', () => {
    expect(mhgSelectCycles([], 1, 1, [], false)).toBe(1 + 1 + 4 + 2 + 2 + 2);
    expect(mhgSelectCycles([0], 1, 1, [], false)).toBe(16);
    expect(mhgSelectCycles([5, 6], 7, 7, [2, 2, 6], true)).toBe(1 + 9 + 10 + 1 + 10 + (8 + 3 + 3 + 7) + 16 + 9);
  });
});

/** The float model's MHG on a ready set (seconds), with its explanation. */
function floatMhg(tasks: { deadline: number; pred: number; iso: number }[], t: number, params: { sigma: number; lambda: number; tau: number }) {
  const n = tasks.length;
  const tt = { deadline: new Float64Array(n), predicted: new Float64Array(n), isoEst: new Float64Array(n) } as unknown as TaskTable;
  tasks.forEach((x, i) => {
    tt.deadline[i] = x.deadline;
    tt.predicted[i] = x.pred;
    tt.isoEst[i] = x.iso;
  });
  const select = createMhgSelector(tt, { alpha: 1, beta: 0.01, ...params }, n);
  const ready = Int32Array.from({ length: n }, (_, i) => i);
  const chosen = select(ready, n, t, new Float64Array(n));
  const why = select.explain();
  return { ...why, chosen };
}

describe('MHG golden model vs the float model on random ready sets', () => {
  it.each([
    ['exact parameters (sigma 0.25, lambda 1, tau 0.5)', { sigma: 0.25, lambda: 1, tau: 0.5 }, 0],
    ['mhg_vio (sigma 0.1, lambda 3, tau 0.1)', { sigma: 0.1, lambda: 3, tau: 0.1 }, 0.001],
    ['mhg (sigma 0.25, lambda 1, tau 0.1)', { sigma: 0.25, lambda: 1, tau: 0.1 }, 0.001],
  ] as const)('%s', (name, params, tolerance) => {
    const rng = new Rng(params.tau * 1000 + params.lambda);
    const clock = f.clockHz;
    const pq = mhgParamsQ(f, params);
    let differ = 0;
    let victims = 0;
    let protects = 0;
    let jstarRuns = 0;
    const sets = 4000;
    for (let s = 0; s < sets; s++) {
      const n = rng.int(1, 14);
      const t = rng.int(0, 1e6);
      // Cycles at 200 MHz: P from 10 us to 20 ms, deadlines from far past to 100 ms ahead.
      const cyc = Array.from({ length: n }, () => {
        const iso = rng.int(2_000, 4_000_000);
        return { iso, pred: rng.chance(0.05) ? 0 : rng.int(2_000, iso), deadline: t + rng.int(-200_000, 20_000_000) };
      });
      const float = floatMhg(cyc.map((x) => ({ deadline: x.deadline / clock, pred: x.pred / clock, iso: x.iso / clock })), t / clock, params);
      const order = [...cyc.keys()].sort((a, b) => cyc[a]!.deadline - cyc[b]!.deadline || a - b);
      const tasks: MhgTask[] = order.map((i) => ({ slot: i, deadline: BigInt(cyc[i]!.deadline), seq: BigInt(i), pred: BigInt(cyc[i]!.pred), iso: BigInt(cyc[i]!.iso), invIso: encodeInvIso(f, BigInt(cyc[i]!.iso)), variant: 0, layer: 0 }));
      const fixed = mhgDecide(f, tasks, BigInt(t), pq);
      victims += fixed.victimScans.length;
      if (fixed.protect) protects++;
      if (fixed.protect && fixed.chosen === fixed.jStar) jstarRuns++;
      const same =
        order[fixed.chosen] === float.chosen &&
        order.every((i, p) => fixed.late[p] === float.late[i] && fixed.allowed[p] === float.allowed[i]) &&
        (fixed.jStar < 0 ? float.jStar < 0 : order[fixed.jStar] === float.jStar);
      if (!same) differ++;
    }
    expect(differ).toBeLessThanOrEqual(tolerance * sets);
    expect(victims).toBeGreaterThan(sets / 2);
    expect(protects).toBeGreaterThan(50);
    expect(jstarRuns).toBeGreaterThan(5);
  });
});
