// A slow, literal transcription of BEYOND.md section 2 (MHG), written here independently of
// sw-scheduler/policies/mhg.ts (no incremental EDF queue, no scratch arrays: sort, filter, min), and
// compared with the engine decision by decision on random traces of both zoos. The predicted remaining
// latency P of each ready task is taken from the engine's decision record (the regression predictor
// has its own tests); deadlines and isoEst are recomputed here from the workload tables.
// Details the spec leaves open follow sw-scheduler/README.md ("mhg, mhg_vio"): EDF ties by admission
// order; a marking loop that has marked every kept task late stops with C = 0; with nothing kept, M is
// infinite and every late task is allowed; the sums of step 6 run in EDF order.
import { describe, expect, it } from 'vitest';
import { simulateWithDecisionLog } from '../../sw-scheduler/engine.ts';
import { getPolicy, MHG_DEFAULTS, MHG_VIO_DEFAULTS, type MhgParams } from '../../sw-scheduler/policies/index.ts';
import { predictorFor } from '../../sw-scheduler/predictors.ts';
import { compileTrace, generatePoissonTrace } from '../../sw-scheduler/requests.ts';
import { workloadCapacity } from '../../sw-scheduler/sweep.ts';
import type { Workload } from '../../sw-scheduler/workload.ts';
import { zooWorkload } from '../../sw-scheduler/zoo/zoo.ts';

interface RefTask {
  /** Request index. */
  readonly id: number;
  /** Position in the ready set = admission order. */
  readonly admission: number;
  readonly D: number;
  readonly P: number;
  readonly iso: number;
}

interface RefDecision {
  readonly chosen: number;
  readonly lateCount: number;
  /** Whether step 6 computed a cost (j* not allowed), and whether it then ran j*. */
  readonly costTested: boolean;
  readonly ranJStar: boolean;
  readonly ranLate: boolean;
}

/** BEYOND.md section 2, steps 1-6, for one decision at time t on ready set R. Returns the chosen request. */
function referenceMhg(R: readonly RefTask[], t: number, { sigma, lambda, tau }: MhgParams): RefDecision {
  const key = (x: RefTask) => x.P * x.iso;

  // 1. EDF order: R by deadline, ties by admission order.
  const edf = [...R].sort((x, y) => (x.D !== y.D ? x.D - y.D : x.admission - y.admission));

  // 2. Keep/late marking (Moore-Hodgson on the current queue).
  let C = 0;
  const kept: RefTask[] = [];
  const late = new Set<RefTask>();
  for (const x of edf) {
    C += x.P;
    kept.push(x); // x is kept
    while (C > x.D - t) {
      if (kept.length === 0) break; // (README: nothing kept is left; C was set to 0 below)
      // Among the kept tasks seen so far, Pmax = the largest P; mark late the first of them (EDF order)
      // with P >= (1 - tau) * Pmax; C -= its P.
      const Pmax = Math.max(...kept.map((y) => y.P));
      const victim = kept.find((y) => y.P >= (1 - tau) * Pmax)!;
      late.add(victim);
      kept.splice(kept.indexOf(victim), 1);
      C -= victim.P;
      if (kept.length === 0) C = 0;
    }
  }

  // 3. Margins: for kept x, m_x = D_x - t - (sum of P of kept tasks up to and including x); M = min.
  const margin = new Map<RefTask, number>();
  for (const x of kept) {
    let sum = 0;
    for (const y of kept.slice(0, kept.indexOf(x) + 1)) sum += y.P;
    margin.set(x, x.D - t - sum);
  }
  const M = kept.length === 0 ? Infinity : Math.min(...kept.map((x) => margin.get(x)!));

  // 4. Allowed to run: a kept x if P_x <= min{m_y : y kept and before x} (the first kept task always
  // is); a late x if P_x <= sigma * M (every late task when M is infinite).
  const allowed = (x: RefTask): boolean => {
    if (late.has(x)) return M === Infinity || x.P <= sigma * M;
    const before = kept.slice(0, kept.indexOf(x)).map((y) => margin.get(y)!);
    return x.P <= Math.min(Infinity, ...before);
  };

  // 5. best = the allowed task with the smallest key (ties: EDF order).
  let best: RefTask | undefined;
  for (const x of edf) if (allowed(x) && (best === undefined || key(x) < key(best))) best = x;
  if (best === undefined) throw new Error('no task allowed');

  // 6. Cost-aware protection: j* = the kept task with the smallest key. If j* is not allowed:
  // S = {x != best : key_x < key_best}; cost = P_best * sum_S 1/iso_x - (sum_S P_x) / iso_best;
  // if cost > lambda, run j* instead.
  let jStar: RefTask | undefined;
  for (const x of kept) if (jStar === undefined || key(x) < key(jStar)) jStar = x;
  let chosen = best;
  let costTested = false;
  if (jStar !== undefined && !allowed(jStar)) {
    costTested = true;
    const S = edf.filter((x) => x !== best && key(x) < key(best!));
    let inverseIsoSum = 0;
    let PSum = 0;
    for (const x of S) inverseIsoSum += 1 / x.iso;
    for (const x of S) PSum += x.P;
    const cost = best.P * inverseIsoSum - PSum / best.iso;
    if (cost > lambda) chosen = jStar;
  }
  return { chosen: chosen.id, lateCount: late.size, costTested, ranJStar: chosen === jStar && chosen !== best, ranLate: late.has(chosen) };
}

/** isoEst of each variant: sum(E) at admission = the pattern profile summed left to right. */
function isoEstimates(workload: Workload): number[] {
  return workload.variants.map((v) => {
    let sum = 0;
    for (let l = 0; l < v.layers; l++) sum += v.Lpat[l];
    return sum;
  });
}

const zoos = [zooWorkload('cnn'), zooWorkload('attention')];
// Light and heavy load, tight and loose SLOs; 300 requests per trace: about a second for the whole file.
const traces = zoos.flatMap((w) =>
  [
    { load: 0.9, sloMult: 4, seed: 31 },
    { load: 1.3, sloMult: 2, seed: 32 },
    { load: 1.2, sloMult: 8, seed: 33 },
  ].map((c) => ({ w, ...c })),
);
const variants: { policy: string; params: Partial<MhgParams>; effective: MhgParams }[] = [
  { policy: 'mhg', params: {}, effective: MHG_DEFAULTS },
  { policy: 'mhg_vio', params: {}, effective: MHG_VIO_DEFAULTS },
  // Overrides that stress other branches: no slack stealing, an eager cost test, a wide tau.
  { policy: 'mhg', params: { sigma: 0, lambda: 0, tau: 0.5 }, effective: { sigma: 0, lambda: 0, tau: 0.5 } },
];

describe('mhg against a literal reference of BEYOND.md section 2', () => {
  const coverage = new Map<string, { decisions: number; withLate: number; costTested: number; ranJStar: number; ranLate: number }>();

  describe.each(traces)('$w.name load $load SLO x$sloMult seed $seed', ({ w, load, sloMult, seed }) => {
    const trace = generatePoissonTrace(w, { rate: load * workloadCapacity(w), count: 300, seed, sloMult });
    const compiled = compileTrace(w, trace);
    const iso = isoEstimates(w);
    const deadline = trace.requests.map((r) => r.arrival + w.variantByName.get(r.variant)!.Tarch * sloMult);
    const isoOf = trace.requests.map((r) => iso[w.variantByName.get(r.variant)!.index]);

    it.each(variants)('$policy $params', ({ policy, params, effective }) => {
      const definition = getPolicy(policy);
      const { decisions } = simulateWithDecisionLog(compiled, definition, { params, predictor: predictorFor(definition, undefined) });
      const stats = coverage.get(w.name) ?? { decisions: 0, withLate: 0, costTested: 0, ranJStar: 0, ranLate: 0 };
      const mismatches: string[] = [];
      for (const d of decisions) {
        const R = d.ready.map((id, admission) => ({ id, admission, D: deadline[id], P: d.predicted[admission], iso: isoOf[id] }));
        const ref = referenceMhg(R, d.time, effective);
        if (ref.chosen !== d.chosen && mismatches.length < 5) mismatches.push(`decision ${d.index} at t=${d.time}: reference ${ref.chosen}, engine ${d.chosen}`);
        // The decision log's score is the key P * isoEst.
        d.ready.forEach((id, i) => {
          if (d.score[i] !== d.predicted[i] * isoOf[id] && mismatches.length < 5) mismatches.push(`decision ${d.index}: key of ${id} is ${d.score[i]}`);
        });
        stats.decisions++;
        if (ref.lateCount > 0) stats.withLate++;
        if (ref.costTested) stats.costTested++;
        if (ref.ranJStar) stats.ranJStar++;
        if (ref.ranLate) stats.ranLate++;
      }
      coverage.set(w.name, stats);
      expect(mismatches).toEqual([]);
      expect(decisions.length).toBeGreaterThan(1000);
    });
  });

  it('the traces exercise every step: late markings, slack stealing, the cost test both ways', () => {
    for (const w of zoos) {
      const c = coverage.get(w.name)!;
      expect(c.decisions).toBeGreaterThan(0);
      expect(c.withLate).toBeGreaterThan(0);
      expect(c.ranLate).toBeGreaterThan(0);
      expect(c.costTested).toBeGreaterThan(c.ranJStar);
      expect(c.ranJStar).toBeGreaterThan(0);
    }
  });
});
