// Golden model of the MHG policy block (mhg_policy, mhg-policy.ts): BEYOND.md section 2 in the
// block's fixed point, decision by decision, with the block's cycle count. Every comparison is on
// integers: P and iso in cycles, key = P x iso exact, sigma / lambda / tau in mhgParamFrac fraction
// bits, 1/iso in invIsoFrac fraction bits from a per-variant table (no divider):
//   EDF order     (deadline, admission sequence number), kept sorted across decisions;
//   marking       C += P; while C > D - t (and something is kept): the victim is the first kept task
//                 (EDF order) with P x 2^q >= (2^q - tau) x Pmax over the kept tasks so far;
//   margins       m = D - t - (P of the kept tasks up to and including this one); M = min m;
//   allowed       kept: P <= min m of the kept tasks before it; late: P x 2^q <= sigma x M (M >= 0),
//                 every late task when none is kept;
//   best          smallest key among the allowed, ties to the EDF order;
//   protection    j* = the kept task with the smallest key; if j* is not allowed:
//                 cost = P_best x sum(1/iso) - sum(P) x 1/iso_best over S = {x != best: key < key_best}
//                 (2^invIsoFrac units); run j* if cost > lambda x 2^(invIsoFrac - q).
import { maxOf, roundDiv, sat, type SchedulerFormats } from './formats.ts';

/** The parameters of `mhg` (BEYOND.md): the registers' reset values. `mhg_vio` is 0.1, 3, 0.1. */
export const MHG_RESET = { sigma: 0.25, lambda: 1, tau: 0.1 } as const;
export const MHG_VIO = { sigma: 0.1, lambda: 3, tau: 0.1 } as const;

export interface MhgParamsQ {
  sigma: bigint;
  lambda: bigint;
  tau: bigint;
}

/** A parameter as its register value: round(x x 2^mhgParamFrac), saturated to 32 bits. */
export function encodeMhgParam(f: SchedulerFormats, x: number): bigint {
  if (!(Number.isFinite(x) && x >= 0)) throw new RangeError(`MHG parameter ${x} must be a non-negative number`);
  return sat(BigInt(Math.round(x * 2 ** f.mhgParamFrac)), f.mhgParamWidth);
}

export function mhgParamsQ(f: SchedulerFormats, p: { sigma: number; lambda: number; tau: number }): MhgParamsQ {
  return { sigma: encodeMhgParam(f, p.sigma), lambda: encodeMhgParam(f, p.lambda), tau: encodeMhgParam(f, p.tau) };
}

/** 1/iso in the block's format: round(2^invIsoFrac / iso), saturated; iso in cycles (>= 1). */
export function encodeInvIso(f: SchedulerFormats, isoCycles: bigint): bigint {
  if (isoCycles <= 0n) return maxOf(f.invIsoWidth);
  return sat(roundDiv(1n << BigInt(f.invIsoFrac), isoCycles), f.invIsoWidth);
}

/** One task of the deadline-ordered list, with what the passes read. */
export interface MhgTask {
  slot: number;
  deadline: bigint;
  seq: bigint;
  pred: bigint;
  iso: bigint;
  invIso: bigint;
  variant: number;
  layer: number;
}

export interface MhgOutcome {
  /** Position (EDF order) of the task to run. */
  chosen: number;
  best: number;
  /** The kept task with the smallest key, -1 when nothing is kept. */
  jStar: number;
  late: boolean[];
  allowed: boolean[];
  key: bigint[];
  /** M, the smallest margin of the kept tasks (undefined when none is kept). */
  minMargin: bigint | undefined;
  /** The protection test ran (j* not allowed), its cost and threshold (2^invIsoFrac units). */
  protect: boolean;
  cost: bigint;
  threshold: bigint;
  /** Forward position at which each victim search ran (its cost is position + 1 cycles). */
  victimScans: number[];
  /** The word written to each task's score memory: {late, allowed, sat(key >> latencyWidth)}. */
  scores: bigint[];
}

/** True if (d1, s1) comes before (d2, s2) in EDF order. */
export function edfBefore(d1: bigint, s1: bigint, d2: bigint, s2: bigint): boolean {
  return d1 < d2 || (d1 === d2 && s1 < s2);
}

/** The score word of a task: late in the top bit, allowed below it, then key >> latencyWidth saturated. */
export function mhgScoreWord(f: SchedulerFormats, late: boolean, allowed: boolean, key: bigint): bigint {
  const SW = f.scoreWidth;
  return ((late ? 1n : 0n) << BigInt(SW - 1)) | ((allowed ? 1n : 0n) << BigInt(SW - 2)) | sat(key >> BigInt(f.latencyWidth), SW - 2);
}

/** One MHG decision over tasks in EDF order at time t (n >= 1). */
export function mhgDecide(f: SchedulerFormats, tasks: readonly MhgTask[], t: bigint, q: MhgParamsQ): MhgOutcome {
  const n = tasks.length;
  const one = 1n << BigInt(f.mhgParamFrac);
  const tauFactor = q.tau >= one ? 0n : one - q.tau;
  const key = tasks.map((x) => x.pred * x.iso);
  // Marking.
  const kept = new Array<boolean>(n).fill(false);
  const victimScans: number[] = [];
  let c = 0n;
  let count = 0;
  for (let i = 0; i < n; i++) {
    c += tasks[i]!.pred;
    kept[i] = true;
    count++;
    while (count > 0 && c + t > tasks[i]!.deadline) {
      victimScans.push(i);
      // Right to left: the leftmost kept task whose P qualifies against the largest P seen so far
      // (a new largest always qualifies itself), which is the leftmost against the overall largest.
      let curMax = 0n;
      let cand = -1;
      for (let j = i; j >= 0; j--) {
        if (!kept[j]) continue;
        const p = tasks[j]!.pred;
        const m = p > curMax ? p : curMax;
        if (p * one >= tauFactor * m) cand = j;
        curMax = m;
      }
      kept[cand] = false;
      c -= tasks[cand]!.pred;
      count--;
      if (count === 0) c = 0n;
    }
  }
  // Margins, allowed kept tasks, j*, the best allowed kept task.
  const allowed = new Array<boolean>(n).fill(false);
  let prefix = 0n;
  let minMargin: bigint | undefined;
  let jStar = -1;
  let best = -1;
  for (let i = 0; i < n; i++) {
    if (!kept[i]) continue;
    const x = tasks[i]!;
    prefix += x.pred;
    const m = x.deadline - t - prefix;
    allowed[i] = minMargin === undefined || x.pred <= minMargin;
    minMargin = minMargin === undefined || m < minMargin ? m : minMargin;
    if (jStar < 0 || key[i]! < key[jStar]!) jStar = i;
    if (allowed[i] && (best < 0 || key[i]! < key[best]!)) best = i;
  }
  // Late tasks, the best over everything allowed (ties to the EDF order), score words.
  const scores: bigint[] = [];
  for (let i = 0; i < n; i++) {
    if (!kept[i]) {
      allowed[i] = minMargin === undefined || (minMargin >= 0n && tasks[i]!.pred * one <= q.sigma * minMargin);
      if (allowed[i] && (best < 0 || key[i]! < key[best]! || (key[i] === key[best] && i < best))) best = i;
    }
    scores.push(mhgScoreWord(f, !kept[i], allowed[i]!, key[i]!));
  }
  // Protection of j*.
  const protect = jStar >= 0 && !allowed[jStar];
  let cost = 0n;
  const threshold = q.lambda << BigInt(f.invIsoFrac - f.mhgParamFrac);
  let chosen = best;
  if (protect) {
    let sumInv = 0n;
    let sumPred = 0n;
    for (let i = 0; i < n; i++) {
      if (i === best || !(key[i]! < key[best]!)) continue;
      sumInv += tasks[i]!.invIso;
      sumPred += tasks[i]!.pred;
    }
    cost = tasks[best]!.pred * sumInv - sumPred * tasks[best]!.invIso;
    if (cost > threshold) chosen = jStar;
  }
  return { chosen, best, jStar, late: kept.map((k) => !k), allowed, key, minMargin, protect, cost, threshold, victimScans, scores };
}

/**
 * Cycles of one MHG selection, from the selection's first cycle (SEL_INIT, t_sel) to the cycle its
 * decision is made (`done`): the start cycle, each insertion of a task admitted since the last
 * selection (list length n_k before it: n_k + 4), the pick that finds none pending (1), the copy pass
 * over the list with its stale entries (n + 3), the marking pass (N + 1, plus position + 1 per victim
 * search), the margin and late passes (N + 1 each), and the protection pass and cost (N + 2) when it
 * runs. The decision event is visible one cycle later.
 */
export function mhgSelectCycles(insertions: readonly number[], listBeforeCopy: number, n: number, victimScans: readonly number[], protect: boolean): number {
  let cycles = 1;
  for (const k of insertions) cycles += k + 4;
  cycles += 1;
  cycles += listBeforeCopy + 3;
  cycles += n + 1 + victimScans.reduce((a, i) => a + i + 1, 0);
  cycles += 2 * (n + 1);
  if (protect) cycles += n + 2;
  return cycles;
}

/**
 * The block's deadline-ordered list across decisions: tasks admitted since the last selection are
 * inserted (lowest slot first) at the next selection, and the copy pass drops the entries of tasks
 * that completed (their slot is free, or holds a later admission: another sequence number).
 */
export class MhgList {
  private entries: { slot: number; deadline: bigint; seq: bigint }[] = [];
  private readonly pending = new Set<number>();

  admitted(slot: number): void {
    this.pending.add(slot);
  }

  /**
   * Runs the list maintenance of one selection; `current(slot)` is the slot's task (undefined when
   * free). Returns the tasks in EDF order and the cycle terms of mhgSelectCycles.
   */
  prepare(current: (slot: number) => { deadline: bigint; seq: bigint } | undefined): { order: number[]; insertions: number[]; listBeforeCopy: number } {
    const insertions: number[] = [];
    for (const slot of [...this.pending].sort((a, b) => a - b)) {
      const t = current(slot);
      if (!t) continue;
      insertions.push(this.entries.length);
      let at = this.entries.findIndex((e) => edfBefore(t.deadline, t.seq, e.deadline, e.seq));
      if (at < 0) at = this.entries.length;
      this.entries.splice(at, 0, { slot, deadline: t.deadline, seq: t.seq });
    }
    this.pending.clear();
    const listBeforeCopy = this.entries.length;
    this.entries = this.entries.filter((e) => current(e.slot)?.seq === e.seq);
    return { order: this.entries.map((e) => e.slot), insertions, listBeforeCopy };
  }
}
