// Golden model of dysta_scheduler: the same fixed-point arithmetic as the RTL, bit for bit, from the
// same formats object (formats.ts), plus the block's cycle-level timing (TIMING) so that decision
// times and latencies can be predicted too. Three layers:
//   1. host-side encoders (what the static scheduler programs): reciprocals, penalty scales;
//   2. the data path: layer ratio, predictor update, score (pure functions on bigint);
//   3. GoldenScheduler: task table + selector + predictor as a state machine driven by events.
// Saturation is by design and reported: `ScoreDetail.saturated` and `PredictorStep.saturated` say
// which clamp fired (a huge gamma, a deadline long past, a very long idle time...).
import type { SchedulerConfig } from '../config/index.ts';
import { TIMING, gammaOne, maxOf, sat, schedulerFormats, type SchedulerFormats } from './formats.ts';
import { clampPred, isLastLayer, predictorStep, regressionStep, type CoefficientBank, type PredictorStep, type Reciprocal } from './predictor.ts';
import { scoreValue } from './score-unit.ts';
import { MHG_RESET, MhgList, mhgDecide, mhgParamsQ, mhgSelectCycles, type MhgOutcome, type MhgParamsQ, type MhgTask } from './mhg-golden.ts';

export { schedulerFormats, type SchedulerFormats } from './formats.ts';
export { clampPred, encodeReciprocal, isLastLayer, predictorStep, regressionStep, type CoefficientBank, type PredictorState, type PredictorStep, type Reciprocal } from './predictor.ts';
export { beats, scoreOf, type ScoreDetail, type ScoreInputs } from './score-unit.ts';
export { MHG_RESET, MHG_VIO, encodeInvIso, encodeMhgParam, mhgDecide, mhgParamsQ, mhgSelectCycles, type MhgOutcome, type MhgParamsQ, type MhgTask } from './mhg-golden.ts';

// ------------------------------------------------------------------ 1. host-side encoders

/** Per-request penalty scale = clock / isolated estimate (cycles), penaltyScaleFrac fraction bits, saturating. */
export function encodePenaltyScale(f: SchedulerFormats, isoEstCycles: bigint): bigint {
  if (isoEstCycles <= 0n) return maxOf(f.penaltyScaleWidth);
  const num = BigInt(Math.round(f.clockHz)) << BigInt(f.penaltyScaleFrac);
  return sat((2n * num + isoEstCycles) / (2n * isoEstCycles), f.penaltyScaleWidth);
}

/** Seconds to cycles at the configured clock, rounded to nearest. */
export function toCycles(f: SchedulerFormats, seconds: number): bigint {
  return BigInt(Math.round(seconds * f.clockHz));
}

// ------------------------------------------------------------------ 2. data path
// The blocks' pure functions live beside their RTL: predictorStep (predictor.ts), scoreOf and beats
// (score-unit.ts). They are re-exported here for the users of the whole scheduler's model.

// ------------------------------------------------------------------ 3. the block as a state machine

export interface VariantTables {
  nlayers: number;
  suffix0: bigint;
  /** Per layer l: 1/expected non-zeros of layer l and the suffix sum after it. */
  layers: { recip: Reciprocal; suffixNext: bigint }[];
  /** Regression builds: the coefficients of each bank (index = the bank a request is admitted with). */
  coeffs?: CoefficientBank[];
  /** MHG builds: the isolated latency estimate (cycles) and 1/iso (encodeInvIso). */
  iso?: bigint;
  invIso?: bigint;
}

export interface Task {
  slot: number;
  variant: number;
  deadline: bigint;
  scale: bigint;
  seq: bigint;
  nextLayer: number;
  lastRun: bigint;
  ratioSum: bigint;
  gamma: bigint;
  pred: bigint;
  /** Regression coefficient bank (0 in gamma builds). */
  bank: number;
}

export interface AdmitRequest {
  variant: number;
  deadline: bigint;
  arrival: bigint;
  scale: bigint;
  /** Regression builds: the coefficient bank (default 0). */
  bank?: number;
}

export interface Decision {
  slot: number;
  variant: number;
  layer: number;
  score: bigint;
  tSel: bigint;
  /** Time the decision event is visible: tSel + largest per-bank valid count + SELECT_FIXED. */
  tEvent: bigint;
  /** Score of every valid slot at this selection (MHG: the status word {late, allowed, key}). */
  scores: Map<number, bigint>;
  /** MHG builds: what the policy saw (slots in EDF order) and decided. */
  mhg?: MhgOutcome & { order: number[] };
}

export interface LayerOutcome {
  slot: number;
  completed: boolean;
  step: PredictorStep;
}

export class GoldenScheduler {
  readonly f: SchedulerFormats;
  /** Task memory: a freed slot keeps its last values until reused (as the RTL's memories do). */
  private readonly mem: (Task | undefined)[];
  private readonly valid: boolean[];
  /** The valid slots in increasing order (a selection scores them in this order). */
  private readonly validList: number[] = [];
  /** Score memory: written at every selection, survives a slot being freed and reused. */
  private readonly scoreMem: bigint[];
  private readonly variantTables: (VariantTables | undefined)[];
  private seqNext = 0n;
  private running: { slot: number; layer: number } | undefined;
  /** MHG builds: the deadline-ordered list and the sigma / lambda / tau registers. */
  private readonly mhgList = new MhgList();
  private mhgParams: MhgParamsQ;

  constructor(cfg: SchedulerConfig | SchedulerFormats) {
    this.f = 'cfg' in cfg ? cfg : schedulerFormats(cfg);
    this.mem = new Array(this.f.tasks).fill(undefined);
    this.valid = new Array(this.f.tasks).fill(false);
    this.scoreMem = new Array(this.f.tasks).fill(0n);
    this.variantTables = new Array(this.f.variants).fill(undefined);
    this.mhgParams = mhgParamsQ(this.f, MHG_RESET);
  }

  /** MHG builds: the host writes sigma, lambda, tau (register values; reset: mhg's). */
  setMhgParams(q: MhgParamsQ): void {
    this.mhgParams = { ...q };
  }

  program(variant: number, tables: VariantTables): void {
    if (variant < 0 || variant >= this.f.variants) throw new RangeError(`variant ${variant} outside 0..${this.f.variants - 1}`);
    this.variantTables[variant] = tables;
  }

  get count(): number {
    return this.validList.length;
  }
  get full(): boolean {
    return this.count === this.f.tasks;
  }
  /** The slot's stored fields (also after completion, until the slot is reused). */
  task(slot: number): Task | undefined {
    return this.mem[slot];
  }
  isValid(slot: number): boolean {
    return this.valid[slot]!;
  }
  lastScore(slot: number): bigint {
    return this.scoreMem[slot]!;
  }
  validSlots(): number[] {
    return [...this.validList];
  }

  /**
   * A test preset (schedulerPresets): the next admission's sequence number, as if that many
   * requests had been admitted before (wrapping at 2^seqWidth as the RTL's counter does).
   */
  presetSequence(next: bigint): void {
    if (next < 0n || next > maxOf(this.f.seqWidth)) throw new RangeError(`sequence number ${next} outside 0..2^${this.f.seqWidth}-1`);
    this.seqNext = next;
  }

  /** Admission: the lowest free slot, or undefined when full (backpressure: the host keeps the request). */
  admit(r: AdmitRequest): number | undefined {
    const slot = this.valid.indexOf(false);
    if (slot < 0) return undefined;
    this.valid[slot] = true;
    let at = this.validList.length;
    while (at > 0 && this.validList[at - 1]! > slot) at--;
    this.validList.splice(at, 0, slot);
    const tables = this.variantTables[r.variant];
    const bank = this.f.regression ? (r.bank ?? 0) : 0;
    const pred0 = this.f.regression ? clampPred(this.f, tables?.coeffs?.[bank]?.a[0] ?? 0n) : sat(tables?.suffix0 ?? 0n, this.f.latencyWidth);
    this.mem[slot] = {
      slot,
      variant: r.variant,
      deadline: r.deadline,
      scale: r.scale,
      seq: this.seqNext,
      nextLayer: 0,
      lastRun: r.arrival,
      ratioSum: 0n,
      gamma: gammaOne(this.f),
      pred: pred0,
      bank,
    };
    this.seqNext = (this.seqNext + 1n) & maxOf(this.f.seqWidth);
    if (this.f.mhg) this.mhgList.admitted(slot);
    return slot;
  }

  /** Selection at time tSel: scores every valid task, picks the minimum (ties: earliest admission). */
  select(tSel: bigint): Decision {
    const valid = this.validList;
    if (valid.length === 0) throw new Error('select() with an empty table');
    if (this.f.mhg) return this.selectMhg(tSel);
    const n = valid.length;
    const scores = new Map<number, bigint>();
    let best: Task | undefined;
    let bestScore = 0n;
    const perBank = new Array<number>(this.f.units).fill(0);
    for (const slot of valid) {
      const t = this.mem[slot]!;
      perBank[slot % this.f.units]!++;
      const s = scoreValue(this.f, t, tSel, n);
      scores.set(slot, s);
      this.scoreMem[slot] = s;
      // beats(): lower score, then earlier admission (written out: no objects per slot).
      if (!best || s < bestScore || (s === bestScore && t.seq < best.seq)) {
        best = t;
        bestScore = s;
      }
    }
    const layer = best!.nextLayer % this.f.maxLayers;
    this.running = { slot: best!.slot, layer };
    return {
      slot: best!.slot,
      variant: best!.variant,
      layer,
      score: bestScore,
      tSel,
      tEvent: tSel + BigInt(Math.max(...perBank) + TIMING.SELECT_FIXED),
      scores,
    };
  }

  /** MHG: list maintenance, the passes, the decision and its cycle count (mhg-golden.ts). */
  private selectMhg(tSel: bigint): Decision {
    const f = this.f;
    const current = (slot: number) => (this.valid[slot] ? this.mem[slot] : undefined);
    const { order, insertions, listBeforeCopy } = this.mhgList.prepare(current);
    const tasks: MhgTask[] = order.map((slot) => {
      const t = this.mem[slot]!;
      const tables = this.variantTables[t.variant];
      return { slot, deadline: t.deadline, seq: t.seq, pred: t.pred, iso: tables?.iso ?? 0n, invIso: tables?.invIso ?? 0n, variant: t.variant, layer: t.nextLayer % f.maxLayers };
    });
    const out = mhgDecide(f, tasks, tSel, this.mhgParams);
    const scores = new Map<number, bigint>();
    tasks.forEach((x, i) => {
      scores.set(x.slot, out.scores[i]!);
      this.scoreMem[x.slot] = out.scores[i]!;
    });
    const chosen = tasks[out.chosen]!;
    this.running = { slot: chosen.slot, layer: chosen.layer };
    const cycles = mhgSelectCycles(insertions, listBeforeCopy, tasks.length, out.victimScans, out.protect);
    return { slot: chosen.slot, variant: chosen.variant, layer: chosen.layer, score: out.scores[out.chosen]!, tSel, tEvent: tSel + BigInt(cycles + 1), scores, mhg: { ...out, order } };
  }

  /** The running layer finished at tDone with `nnz` non-zero outputs: predictor update, maybe completion. */
  layerDone(tDone: bigint, nnz: bigint): LayerOutcome {
    if (!this.running) throw new Error('layerDone() with no running task');
    const { slot, layer } = this.running;
    this.running = undefined;
    const t = this.mem[slot]!;
    const tables = this.variantTables[t.variant];
    const entry = tables?.layers[layer] ?? { recip: { mant: 0n, shift: 0 }, suffixNext: 0n };
    const k = layer + 1;
    const completed = isLastLayer(this.f, k, tables?.nlayers ?? 0);
    const step = this.f.regression
      ? regressionStep(this.f, t.ratioSum, nnz, entry.recip, k, tables?.coeffs?.[t.bank], completed)
      : predictorStep(this.f, t.ratioSum, nnz, entry.recip, k, sat(entry.suffixNext, this.f.latencyWidth));
    t.nextLayer = k;
    t.lastRun = tDone;
    t.ratioSum = step.ratioSum;
    t.gamma = step.gamma;
    t.pred = step.pred;
    if (completed) {
      this.valid[slot] = false;
      this.validList.splice(this.validList.indexOf(slot), 1);
    }
    return { slot, completed, step };
  }
}

/** Layers a request of this variant runs: its layer count, clamped to 1..maxLayers (the RTL's rule). */
export function layersRun(f: SchedulerFormats, nlayers: number): number {
  const n = nlayers & Number(maxOf(f.layerCountWidth));
  return Math.max(1, Math.min(n, f.maxLayers));
}
