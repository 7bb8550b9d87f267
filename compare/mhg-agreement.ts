// Agreement between the fixed-point MHG (mhg_policy's golden model, bit-exact with the RTL) and the
// float `mhg` / `mhg_vio` policies, decision by decision in lockstep: at every float decision the
// fixed-point policy sees the same ready set at the same time, with its own P following the same
// history (gamma or regression predictor, in fixed point). A flipped decision is named by the first
// stage where the two differ (EDF order, marking, allowed set, best key, protection) with the float
// quantities that put it on a boundary. Plain arrays only; mhg-agreement is fed by
// hw-agreement-command.ts, which knows the float model.
import { edfBefore } from '../hwgen/scheduler/mhg-golden.ts';
import { mhgDecide, type MhgParamsQ, type MhgTask, type SchedulerConfig } from '../hwgen/index.ts';
import { encodeTrace, followFloatHistory, type FloatDecision, type PlainRequests, type PlainVariant } from './hw-agreement.ts';

/** What the float policy saw at a decision, by position in the ready set (admission order). */
export interface FloatMhgView {
  /** Positions in EDF order. */
  edf: readonly number[];
  late: readonly boolean[];
  allowed: readonly boolean[];
  /** Margin of each kept task (NaN for late ones) and M. */
  margin: readonly number[];
  minMargin: number;
  key: readonly number[];
  best: number;
  jStar: number;
  /** NaN when the protection test did not run. */
  cost: number;
}

export type MhgStage = 'EDF order' | 'marking' | 'allowed set' | 'best key' | 'protection';

export interface MhgFlip {
  index: number;
  time: number;
  floatChoice: number;
  fixedChoice: number;
  readyCount: number;
  stage: MhgStage;
  explanation: string;
}

export interface MhgLockstepResult {
  decisions: number;
  identical: number;
  flips: MhgFlip[];
}

export function lockstepMhg(
  cfg: SchedulerConfig,
  variants: readonly PlainVariant[],
  req: PlainRequests,
  log: readonly FloatDecision[],
  q: MhgParamsQ,
  params: { sigma: number; lambda: number; tau: number },
  floatView: (k: number) => FloatMhgView,
): MhgLockstepResult {
  const e = encodeTrace(cfg, variants, req);
  const f = e.f;
  const { pred, ran } = followFloatHistory(e, variants, req);
  const cyc = (s: number) => BigInt(Math.round(s * f.clockHz));
  let identical = 0;
  const flips: MhgFlip[] = [];
  for (let k = 0; k < log.length; k++) {
    const d = log[k]!;
    const t = cyc(d.time);
    const tasks: MhgTask[] = d.ready.map((x) => {
      const tb = e.tables[req.variant[x]!]!;
      return { slot: x, deadline: e.deadline[x]!, seq: BigInt(x), pred: pred[x]!, iso: tb.iso!, invIso: tb.invIso!, variant: req.variant[x]!, layer: 0 };
    });
    // EDF order by (deadline in cycles, admission order): what the block's list holds.
    const order = [...tasks.keys()].sort((a, b) => (edfBefore(tasks[a]!.deadline, tasks[a]!.seq, tasks[b]!.deadline, tasks[b]!.seq) ? -1 : 1));
    const out = mhgDecide(f, order.map((p) => tasks[p]!), t, q);
    const chosen = d.ready[order[out.chosen]!]!;
    if (chosen === d.chosen) identical++;
    else {
      const view = floatView(k);
      const byPos = <T>(xs: readonly T[]) => {
        const r = new Array<T>(tasks.length);
        order.forEach((p, i) => (r[p] = xs[i]!));
        return r;
      };
      const fixed = { late: byPos(out.late), allowed: byPos(out.allowed), best: order[out.best]!, jStar: out.jStar < 0 ? -1 : order[out.jStar]! };
      const { stage, explanation } = explainMhgFlip(d, view, order, fixed, out.cost, out.protect, f.invIsoFrac, params, e.f.clockHz);
      flips.push({ index: k, time: d.time, floatChoice: d.chosen, fixedChoice: chosen, readyCount: d.ready.length, stage, explanation });
    }
    ran(d);
  }
  return { decisions: log.length, identical, flips };
}

/** The first stage where fixed point and float differ, with the float numbers that sit on its boundary. */
function explainMhgFlip(
  d: FloatDecision,
  view: FloatMhgView,
  order: readonly number[],
  fixed: { late: boolean[]; allowed: boolean[]; best: number; jStar: number },
  cost: bigint,
  protect: boolean,
  invIsoFrac: number,
  params: { sigma: number; lambda: number; tau: number },
  clockHz: number,
): { stage: MhgStage; explanation: string } {
  const r = (p: number) => `request ${d.ready[p]}`;
  const ms = (s: number) => `${(s * 1e3).toFixed(6)} ms`;
  if (order.some((p, i) => view.edf[i] !== p)) {
    const i = order.findIndex((p, j) => view.edf[j] !== p);
    return { stage: 'EDF order', explanation: `EDF order: ${r(order[i]!)} and ${r(view.edf[i]!)} have deadlines within one cycle (1/${clockHz} s); rounded to cycles they tie and the earlier admission goes first` };
  }
  const lateAt = view.edf.find((p) => view.late[p] !== fixed.late[p]);
  if (lateAt !== undefined) {
    const keptBefore = view.edf.slice(0, view.edf.indexOf(lateAt) + 1).filter((p) => !view.late[p] || p === lateAt);
    const pmax = Math.max(...keptBefore.map((p) => d.predicted[p]!));
    return {
      stage: 'marking',
      explanation: `marking: ${r(lateAt)} is ${fixed.late[lateAt] ? 'late' : 'kept'} in fixed point, ${view.late[lateAt] ? 'late' : 'kept'} in float; its P / Pmax = ${(d.predicted[lateAt]! / pmax).toFixed(6)} against 1 - tau = ${(1 - params.tau).toFixed(6)}, or the running sum C meets D - t within the rounding of P and D to cycles`,
    };
  }
  const allowAt = view.edf.find((p) => view.allowed[p] !== fixed.allowed[p]);
  if (allowAt !== undefined) {
    const limit = view.late[allowAt] ? params.sigma * view.minMargin : Math.min(...view.edf.slice(0, view.edf.indexOf(allowAt)).filter((p) => !view.late[p]).map((p) => view.margin[p]!));
    return {
      stage: 'allowed set',
      explanation: `allowed set: ${r(allowAt)} (${view.late[allowAt] ? 'late, P <= sigma x M' : 'kept, P <= the margins before it'}): float P = ${ms(d.predicted[allowAt]!)} against ${ms(limit)}, a gap of ${((limit - d.predicted[allowAt]!) * clockHz).toFixed(1)} cycles, within the rounding to cycles${view.late[allowAt] && params.sigma % 2 ** -16 ? ' and of sigma to 16 fraction bits' : ''}`,
    };
  }
  if (fixed.best !== view.best) {
    const a = view.key[view.best]!;
    const b = view.key[fixed.best]!;
    return { stage: 'best key', explanation: `best key: ${r(view.best)} (float) and ${r(fixed.best)} (fixed) have keys P x iso within ${((Math.abs(b - a) / Math.max(a, b)) * 100).toExponential(2)}%, reordered by the rounding of P and iso to cycles` };
  }
  const fixedCost = Number(cost) / 2 ** invIsoFrac;
  return {
    stage: 'protection',
    explanation: `protection of ${r(view.jStar)}: float cost ${Number.isNaN(view.cost) ? 'not tested' : view.cost.toFixed(6)}, fixed cost ${protect ? fixedCost.toFixed(6) : 'not tested'} against lambda = ${params.lambda} (1/iso rounded to 2^-${invIsoFrac})`,
  };
}
