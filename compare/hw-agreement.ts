// Agreement between the fixed-point golden model (= the RTL, bit for bit) and the float `dysta`
// policy of ALGORITHMS.md, on the same trace. Works on plain arrays (no dependency on the float
// model's code); hw-agreement-command.ts feeds it from sw-scheduler.
//
// Host encoding (what the static scheduler would program), all at the configured clock f:
//   suffix sums, layer latencies, arrivals, deadlines -> round(seconds * f) cycles;
//   a layer's expected non-zeros = avgDensity[l] * OUTPUTS, measured = round((1 - S) * OUTPUTS), so
//   the hardware ratio nnz * (1/expected) tracks the float (1 - S) / avgDensity;
//   penalty scale = f / isoEst_cycles (encodePenaltyScale).
// Two comparisons:
//   lockstep  - at every float decision, the fixed-point selector sees the same ready set, the same
//               time and a predictor state that followed the same history: are the choices equal?
//   free run  - the fixed-point scheduler runs the trace on its own (task table of 2^D entries,
//               optional RTL decision latency); its violation rate and ANTT against the float run.
import {
  GoldenScheduler,
  SCHEDULER_TIMING as TIMING,
  beats,
  clampPred,
  encodeCoefficient,
  encodeInvIso,
  type MhgParamsQ,
  regressionStep,
  type CoefficientBank,
  encodePenaltyScale,
  encodeReciprocal,
  predictorStep,
  schedulerFormats,
  scoreOf,
  type Reciprocal,
  type SchedulerConfig,
  type SchedulerFormats,
  type VariantTables,
} from '../hwgen/index.ts';

/** Nominal output count of every layer for the non-zero counts (large, so rounding is ~1e-6). */
export const NOMINAL_OUTPUTS = 1 << 20;

export interface PlainVariant {
  layers: number;
  /** Left-to-right suffix sums of the pattern profile (seconds), length layers + 1. */
  suffix: ArrayLike<number>;
  /** 1 - Savg per layer. */
  avgDensity: ArrayLike<number>;
  /** latency[sample * layers + layer] (seconds). */
  latency: ArrayLike<number>;
  /** sparsity[sample * layers + layer]. */
  sparsity: ArrayLike<number>;
  /**
   * The regression predictor's fits (seconds, BEYOND.md section 1), one per coefficient bank: a[k],
   * b[k] for k = 0 .. layers - 1, or null where the float model falls back to gamma x sum(E).
   */
  regression?: readonly ({ a: ArrayLike<number>; b: ArrayLike<number> } | null)[];
}

export interface PlainRequests {
  count: number;
  arrival: ArrayLike<number>;
  variant: ArrayLike<number>;
  sample: ArrayLike<number>;
  deadline: ArrayLike<number>;
  /** Regression builds: the coefficient bank (= the fit) each request uses; default 0. */
  bank?: ArrayLike<number>;
}

export interface FloatDecision {
  time: number;
  /** Request indices in admission order. */
  ready: readonly number[];
  chosen: number;
  layer: number;
  /** Float scores, same order as ready. */
  score: readonly number[];
  /** Float P (seconds), same order as ready. */
  predicted: readonly number[];
}

/** A trace in the host's encoding: tables and per-request values in cycles and fixed point. */
export interface EncodedTrace {
  f: SchedulerFormats;
  tables: VariantTables[];
  recip: Reciprocal[][];
  suffixNext: bigint[][];
  /** Per variant, per bank: the regression coefficients in cycles (regression builds). */
  coeffs: CoefficientBank[][];
  /** Per request. */
  bank: number[];
  arrival: bigint[];
  deadline: bigint[];
  scale: bigint[];
  /** Per request, per layer. */
  latency: bigint[][];
  nnz: bigint[][];
}

export function encodeTrace(cfg: SchedulerConfig, variants: readonly PlainVariant[], req: PlainRequests): EncodedTrace {
  const f = schedulerFormats(cfg);
  const cyc = (s: number) => BigInt(Math.round(s * f.clockHz));
  const tables: VariantTables[] = [];
  const coeffs: CoefficientBank[][] = [];
  const recip: Reciprocal[][] = [];
  const suffixNext: bigint[][] = [];
  for (const v of variants) {
    if (v.layers > f.maxLayers) throw new RangeError(`a variant has ${v.layers} layers; raise scheduler.log2MaxLayers`);
    const r = Array.from({ length: v.layers }, (_, l) => encodeReciprocal(f, v.avgDensity[l]! * NOMINAL_OUTPUTS));
    const s = Array.from({ length: v.layers }, (_, l) => cyc(v.suffix[l + 1]!));
    recip.push(r);
    suffixNext.push(s);
    tables.push({ nlayers: v.layers, suffix0: cyc(v.suffix[0]!), layers: r.map((rr, l) => ({ recip: rr, suffixNext: s[l]! })) });
    coeffs.push(f.regression ? hostCoefficients(f, v) : []);
    if (f.regression) tables[tables.length - 1]!.coeffs = coeffs[coeffs.length - 1];
    // MHG: iso = the pattern profile's isolated latency (the float model's isoEst), and 1/iso.
    if (f.mhg) Object.assign(tables[tables.length - 1]!, { iso: cyc(v.suffix[0]!), invIso: encodeInvIso(f, cyc(v.suffix[0]!)) });
  }
  if (variants.length > f.variants) throw new RangeError(`${variants.length} variants; raise scheduler.log2Variants`);
  const arrival: bigint[] = [];
  const deadline: bigint[] = [];
  const scale: bigint[] = [];
  const bank: number[] = [];
  const latency: bigint[][] = [];
  const nnz: bigint[][] = [];
  for (let i = 0; i < req.count; i++) {
    const v = variants[req.variant[i]!]!;
    const s = req.sample[i]!;
    arrival.push(cyc(req.arrival[i]!));
    bank.push(f.regression ? (req.bank?.[i] ?? 0) : 0);
    deadline.push(cyc(req.deadline[i]!));
    scale.push(encodePenaltyScale(f, tables[req.variant[i]!]!.suffix0));
    latency.push(Array.from({ length: v.layers }, (_, l) => cyc(v.latency[s * v.layers + l]!)));
    nnz.push(Array.from({ length: v.layers }, (_, l) => BigInt(Math.round((1 - v.sparsity[s * v.layers + l]!) * NOMINAL_OUTPUTS))));
  }
  return { f, tables, coeffs, bank, recip, suffixNext, arrival, deadline, scale, latency, nnz };
}

/**
 * What the host programs for the regression predictor, per bank: a and b in cycles (round(x f),
 * saturated to coeffWidth); a bank whose fit is missing (too few samples) gets the gamma x sum(E)
 * fallback exactly: a[0] = sum(E), b[0] = 0; a[k] = 0, b[k] = sum of the layers from k on.
 */
export function hostCoefficients(f: SchedulerFormats, v: PlainVariant): CoefficientBank[] {
  const cyc = (s: number) => encodeCoefficient(f, s * f.clockHz);
  const banks = v.regression ?? [null];
  return Array.from({ length: f.coeffBanks }, (_, bank) => {
    const fit = banks[bank] ?? (bank < banks.length ? null : banks[0] ?? null);
    const a: bigint[] = [];
    const b: bigint[] = [];
    for (let k = 0; k < v.layers; k++) {
      if (fit) {
        a.push(cyc(fit.a[k]!));
        b.push(k === 0 ? 0n : cyc(fit.b[k]!));
      } else {
        a.push(k === 0 ? cyc(v.suffix[0]!) : 0n);
        b.push(k === 0 ? 0n : cyc(v.suffix[k]!));
      }
    }
    return { a, b };
  });
}

export interface Flip {
  index: number;
  time: number;
  floatChoice: number;
  fixedChoice: number;
  /** Float scores (seconds) of the two tasks; the float chose the smaller (or the earlier on a tie). */
  floatScores: [number, number];
  /** Fixed-point scores (cycles) of the two tasks. */
  fixedScores: [bigint, bigint];
  /** Float score gap in cycles: (score(fixed's choice) - score(float's choice)) * f. */
  floatGapCycles: number;
  /** Fixed-point score minus float score x f (cycles), for the float's and the fixed choice. */
  deviationCycles: [number, number];
  /** Clamps that fired in either task's score (ScoreDetail.saturated keys), empty for pure rounding. */
  saturated: string[];
  readyCount: number;
}

export interface LockstepResult {
  decisions: number;
  identical: number;
  flips: Flip[];
}

/**
 * The fixed-point predictor state of every request, following the float run's history: after each
 * float decision the chosen request's layer runs (its measured non-zeros, its float latency).
 */
export function followFloatHistory(e: EncodedTrace, variants: readonly PlainVariant[], req: PlainRequests): { pred: bigint[]; lastRun: bigint[]; ran(d: FloatDecision): void } {
  const f = e.f;
  const n = req.count;
  const ratioSum = new Array<bigint>(n).fill(0n);
  const pred = e.tables.length
    ? Array.from({ length: n }, (_, i) => (f.regression ? clampPred(f, e.coeffs[req.variant[i]!]![e.bank[i]!]!.a[0]!) : e.tables[req.variant[i]!]!.suffix0))
    : [];
  const lastRun = [...e.arrival];
  const cyc = (s: number) => BigInt(Math.round(s * f.clockHz));
  return {
    pred,
    lastRun,
    ran(d) {
      const x = d.chosen;
      const v = req.variant[x]!;
      const l = d.layer;
      const step = f.regression
        ? regressionStep(f, ratioSum[x]!, e.nnz[x]![l]!, e.recip[v]![l]!, l + 1, e.coeffs[v]![e.bank[x]!], l + 1 >= variants[v]!.layers)
        : predictorStep(f, ratioSum[x]!, e.nnz[x]![l]!, e.recip[v]![l]!, l + 1, e.suffixNext[v]![l]!);
      ratioSum[x] = step.ratioSum;
      pred[x] = step.pred;
      const floatLatency = variants[v]!.latency[req.sample[x]! * variants[v]!.layers + l]!;
      lastRun[x] = cyc(d.time + floatLatency);
    },
  };
}

/** Lockstep comparison along the float run's decision log. */
export function lockstep(cfg: SchedulerConfig, variants: readonly PlainVariant[], req: PlainRequests, log: readonly FloatDecision[]): LockstepResult {
  const e = encodeTrace(cfg, variants, req);
  const f = e.f;
  const { pred, lastRun, ran } = followFloatHistory(e, variants, req);
  const cyc = (s: number) => BigInt(Math.round(s * f.clockHz));
  let identical = 0;
  const flips: Flip[] = [];
  for (let k = 0; k < log.length; k++) {
    const d = log[k]!;
    const t = cyc(d.time);
    let best = -1;
    let bestScore = 0n;
    const fixedScores = new Map<number, bigint>();
    const detail = (x: number) => scoreOf(f, { deadline: e.deadline[x]!, lastRun: lastRun[x]!, pred: pred[x]!, scale: e.scale[x]! }, t, d.ready.length);
    for (const x of d.ready) {
      const s = detail(x).score;
      fixedScores.set(x, s);
      if (best < 0 || beats({ score: s, seq: BigInt(x) }, { score: bestScore, seq: BigInt(best) })) {
        best = x;
        bestScore = s;
      }
    }
    if (best === d.chosen) identical++;
    else {
      const fi = d.ready.indexOf(d.chosen);
      const xi = d.ready.indexOf(best);
      flips.push({
        index: k,
        time: d.time,
        floatChoice: d.chosen,
        fixedChoice: best,
        floatScores: [d.score[fi]!, d.score[xi]!],
        fixedScores: [fixedScores.get(d.chosen)!, bestScore],
        floatGapCycles: (d.score[xi]! - d.score[fi]!) * f.clockHz,
        deviationCycles: [
          Number(fixedScores.get(d.chosen)! << BigInt(f.scoreShift)) - d.score[fi]! * f.clockHz,
          Number(bestScore << BigInt(f.scoreShift)) - d.score[xi]! * f.clockHz,
        ],
        readyCount: d.ready.length,
        saturated: [...new Set([d.chosen, best].flatMap((x) => Object.entries(detail(x).saturated).filter(([, v]) => v).map(([k]) => `${k} (request ${x})`)))],
      });
    }
    // The float's choice runs its layer; the fixed-point state follows the same history.
    ran(d);
  }
  return { decisions: log.length, identical, flips };
}

export interface FreeRunResult {
  /** Chosen request per decision. */
  choices: number[];
  finish: bigint[];
  /** Admissions refused because the table was full (the request waited). */
  refusals: number;
  violationRate: number;
  antt: number;
}

/**
 * The fixed-point scheduler runs the trace itself: admission as ALGORITHMS.md section 3 (in cycles),
 * a 2^D task table (a full table defers admissions), and with `rtlLatency` the block's own cycles
 * (UPDATE_TO_SELECT after each layer, N + SELECT_FIXED per decision) added to the timeline.
 */
export function freeRun(cfg: SchedulerConfig, variants: readonly PlainVariant[], req: PlainRequests, options: { rtlLatency?: boolean; mhgParams?: MhgParamsQ } = {}): FreeRunResult {
  const e = encodeTrace(cfg, variants, req);
  const g = new GoldenScheduler(e.f);
  if (options.mhgParams) g.setMhgParams(options.mhgParams);
  e.tables.forEach((tb, v) => g.program(v, tb));
  const n = req.count;
  const slotReq = new Map<number, number>();
  const layerOf = new Array<number>(n).fill(0);
  const finish = new Array<bigint>(n).fill(0n);
  const choices: number[] = [];
  let t = 0n;
  let next = 0;
  let finished = 0;
  let refusals = 0;
  const admit = (i: number): boolean => {
    const slot = g.admit({ variant: req.variant[i]!, deadline: e.deadline[i]!, arrival: e.arrival[i]!, scale: e.scale[i]!, bank: e.bank[i] });
    if (slot === undefined) return false;
    slotReq.set(slot, i);
    return true;
  };
  while (finished < n) {
    if (g.count === 0) {
      admit(next);
      if (e.arrival[next]! > t) t = e.arrival[next]!;
      next++;
    }
    while (next < n && e.arrival[next]! < t) {
      if (!admit(next)) {
        refusals++;
        break;
      }
      next++;
    }
    const d = g.select(t);
    const x = slotReq.get(d.slot)!;
    choices.push(x);
    if (options.rtlLatency) t = d.tEvent;
    const l = layerOf[x]!;
    t += e.latency[x]![l]!;
    const out = g.layerDone(t, e.nnz[x]![l]!);
    layerOf[x] = l + 1;
    if (out.completed) {
      finish[x] = t;
      slotReq.delete(d.slot);
      finished++;
    }
    if (options.rtlLatency) t += BigInt(TIMING.UPDATE_TO_SELECT);
  }
  let violations = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    if (finish[i]! > e.deadline[i]!) violations++;
    const iso = e.latency[i]!.reduce((a, b) => a + b, 0n);
    norm += Number(finish[i]! - e.arrival[i]!) / Number(iso);
  }
  return { choices, finish, refusals, violationRate: violations / n, antt: norm / n };
}
