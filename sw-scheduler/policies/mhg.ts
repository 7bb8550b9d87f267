// mhg, mhg_vio: Moore-Hodgson-guarded shortest-weighted-remaining-first (BEYOND.md section 2). Not
// a policy of the paper. Each decision, on the ready set R at time t, with P the predicted remaining
// latency (the regression predictor by default), iso = isoEst and key = P * iso:
//   1. EDF order: R by deadline, ties by admission order.
//   2. Moore-Hodgson marking: C = 0; for x in EDF order: C += P_x, x kept; while C > D_x - t: among
//      the kept tasks seen so far mark late the first (EDF order) with P >= (1 - tau) * max P, and
//      C -= its P. (When nothing kept is left the loop stops and C = 0: an overdue task alone.)
//   3. Margins of kept x: m_x = (D_x - t) - (sum of P of kept tasks up to and including x); M = min.
//   4. Allowed: a kept x if P_x <= min{m_y : y kept, before x} (so the first kept always is); a late
//      x if P_x <= sigma * M (every late task when nothing is kept, M infinite).
//   5. best = the allowed task with the smallest key (ties: EDF order).
//   6. j* = the kept task with the smallest key. If j* is not allowed: S = {x != best : key_x <
//      key_best}, cost = P_best * sum_S 1/iso_x - (sum_S P_x) / iso_best (sums in EDF order); if
//      cost > lambda run j* instead: running best would add more normalised waiting to S than it saves.
// Why: sjf-like order for ANTT, but a task is only allowed ahead of kept tasks whose deadlines it
// would not break, and under overload the tasks to sacrifice are chosen by Moore-Hodgson.
// Cost per decision: O(N) to keep the EDF queue (sorted insertion at admission, as hardware would),
// a prefix-sum scan, and a max search over the kept tasks per late marking.
import type { PolicyDefinition, PolicyParams, Selector } from './policy.ts';
import type { TaskTable } from '../tasks.ts';

export interface MhgParams {
  readonly sigma: number;
  readonly lambda: number;
  readonly tau: number;
}

export const MHG_DEFAULTS: MhgParams = { sigma: 0.25, lambda: 1, tau: 0.1 };
export const MHG_VIO_DEFAULTS: MhgParams = { sigma: 0.1, lambda: 3, tau: 0.1 };

/** What the last decision saw, by ready-set position (for tests and debugging; copies, not views). */
export interface MhgExplanation {
  /** Positions in EDF order. */
  readonly edf: number[];
  readonly late: boolean[];
  /** Margin of each kept task (NaN for late ones) and M, the smallest. */
  readonly margin: number[];
  readonly minMargin: number;
  readonly allowed: boolean[];
  readonly key: number[];
  readonly best: number;
  /** The kept task with the smallest key (-1 if none is kept). */
  readonly jStar: number;
  /** The protection cost, NaN when j* was allowed (no test made). */
  readonly cost: number;
  readonly chosen: number;
}

export type MhgSelector = Selector & { explain(): MhgExplanation };

export function createMhgSelector(tasks: TaskTable, params: PolicyParams, capacity: number, defaults: MhgParams = MHG_DEFAULTS): MhgSelector {
  return mhgSelector(defaults)(tasks, params, capacity);
}

function mhgSelector(defaults: MhgParams) {
  return (tasks: TaskTable, params: PolicyParams, capacity: number): MhgSelector => {
    const { deadline, predicted, isoEst } = tasks;
    const sigma = params.sigma ?? defaults.sigma;
    const lambda = params.lambda ?? defaults.lambda;
    const tau = params.tau ?? defaults.tau;
    // Scratch, indexed by ready-set position; `order` holds positions in EDF order.
    const order = new Int32Array(capacity);
    const late = new Uint8Array(capacity);
    const allowed = new Uint8Array(capacity);
    const margin = new Float64Array(capacity);
    const kept = new Int32Array(capacity);
    // The EDF queue of task ids, kept across decisions (deadlines never change): a new task is
    // inserted by binary search, a finished one dropped, so a decision costs O(N), not a sort.
    const queue = new Int32Array(capacity);
    let queued = 0;
    const inQueue = new Uint8Array(capacity);
    const stamp = new Int32Array(capacity);
    const position = new Int32Array(capacity);
    let decision = 0;
    // EDF order: by deadline, then admission order (= request index, as admission follows the trace).
    const before = (x: number, y: number) => deadline[x] < deadline[y] || (deadline[x] === deadline[y] && x < y);
    // The last decision, for explain(); plain variables so that a decision allocates nothing.
    let lastCount = 0;
    let lastMinMargin = Infinity;
    let lastBest = -1;
    let lastJStar = -1;
    let lastCost = NaN;
    let lastChosen = -1;
    let lastScore: Float64Array = new Float64Array(0);
    const select: Selector = (ready, count, t, score) => {
      // 1. EDF order.
      decision++;
      for (let i = 0; i < count; i++) {
        const x = ready[i];
        stamp[x] = decision;
        position[x] = i;
        if (inQueue[x]) continue;
        inQueue[x] = 1;
        let lo = 0;
        let hi = queued;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (before(queue[mid], x)) lo = mid + 1;
          else hi = mid;
        }
        queue.copyWithin(lo + 1, lo, queued);
        queue[lo] = x;
        queued++;
      }
      let kept0 = 0;
      for (let j = 0; j < queued; j++) {
        const x = queue[j];
        if (stamp[x] !== decision) {
          inQueue[x] = 0;
          continue;
        }
        queue[kept0] = x;
        order[kept0++] = position[x];
      }
      queued = kept0;
      const edf = order;

      // 2. Keep/late marking.
      let c = 0;
      let keptCount = 0;
      for (let j = 0; j < count; j++) {
        const p = edf[j];
        const x = ready[p];
        late[p] = 0;
        c += predicted[x];
        kept[keptCount++] = p;
        const slack = deadline[x] - t;
        while (c > slack && keptCount > 0) {
          let pmax = -Infinity;
          for (let m = 0; m < keptCount; m++) pmax = Math.max(pmax, predicted[ready[kept[m]]]);
          const threshold = (1 - tau) * pmax;
          let m = 0;
          while (m < keptCount - 1 && predicted[ready[kept[m]]] < threshold) m++;
          const victim = kept[m];
          late[victim] = 1;
          c -= predicted[ready[victim]];
          kept.copyWithin(m, m + 1, keptCount);
          keptCount--;
          if (keptCount === 0) c = 0;
        }
      }

      // 3. Margins, and 4. allowed kept tasks (kept[] is in EDF order).
      let prefix = 0;
      let minMargin = Infinity;
      let minBefore = Infinity;
      for (let m = 0; m < keptCount; m++) {
        const p = kept[m];
        const x = ready[p];
        prefix += predicted[x];
        margin[p] = deadline[x] - t - prefix;
        allowed[p] = predicted[x] <= minBefore ? 1 : 0;
        if (margin[p] < minBefore) minBefore = margin[p];
        if (margin[p] < minMargin) minMargin = margin[p];
      }
      const lateLimit = sigma * minMargin;

      // 4 (late tasks), 5. best allowed by key, and j*, the kept task with the smallest key.
      let best = -1;
      let bestKey = Infinity;
      let jStar = -1;
      let jStarKey = Infinity;
      for (let j = 0; j < count; j++) {
        const p = edf[j];
        const x = ready[p];
        const key = predicted[x] * isoEst[x];
        score[p] = key;
        if (late[p]) allowed[p] = minMargin === Infinity || predicted[x] <= lateLimit ? 1 : 0;
        else if (jStar < 0 || key < jStarKey) {
          jStar = p;
          jStarKey = key;
        }
        if (allowed[p] && (best < 0 || key < bestKey)) {
          best = p;
          bestKey = key;
        }
      }

      // 6. Cost-aware protection of j*.
      lastCount = count;
      lastMinMargin = minMargin;
      lastBest = best;
      lastJStar = jStar;
      lastCost = NaN;
      lastChosen = best;
      lastScore = score;
      if (jStar >= 0 && !allowed[jStar]) {
        const bestTask = ready[best];
        let inverseIsoSum = 0;
        let predictedSum = 0;
        for (let j = 0; j < count; j++) {
          const p = edf[j];
          if (p === best || score[p] >= bestKey) continue;
          inverseIsoSum += 1 / isoEst[ready[p]];
          predictedSum += predicted[ready[p]];
        }
        const cost = predicted[bestTask] * inverseIsoSum - predictedSum / isoEst[bestTask];
        lastCost = cost;
        if (cost > lambda) {
          lastChosen = jStar;
          return jStar;
        }
      }
      return best;
    };
    const explain = (): MhgExplanation => {
      const n = lastCount;
      const lateFlags = Array.from(late.subarray(0, n), (x) => x === 1);
      return {
        edf: Array.from(order.subarray(0, n)),
        late: lateFlags,
        margin: Array.from(margin.subarray(0, n), (m, p) => (lateFlags[p] ? NaN : m)),
        minMargin: lastMinMargin,
        allowed: Array.from(allowed.subarray(0, n), (x) => x === 1),
        key: Array.from(lastScore.subarray(0, n)),
        best: lastBest,
        jStar: lastJStar,
        cost: lastCost,
        chosen: lastChosen,
      };
    };
    return Object.assign(select, { explain });
  };
}

export const mhg: PolicyDefinition = {
  name: 'mhg',
  description: 'MHG (beyond the paper): Moore-Hodgson-guarded shortest weighted remaining first, sigma 0.25, lambda 1, tau 0.1',
  patternAware: true,
  prediction: 'monitor',
  defaultPredictor: 'regression',
  createSelector: mhgSelector(MHG_DEFAULTS),
};

export const mhgVio: PolicyDefinition = {
  name: 'mhg_vio',
  description: 'MHG tuned for fewest violations (beyond the paper): sigma 0.1, lambda 3, tau 0.1',
  patternAware: true,
  prediction: 'monitor',
  defaultPredictor: 'regression',
  createSelector: mhgSelector(MHG_VIO_DEFAULTS),
};
