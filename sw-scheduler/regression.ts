// The regression predictor of remaining latency (BEYOND.md section 1). Per variant v and layer
// boundary k (k layers executed): P = max(0, a[v][k] + b[v][k] * gamma_k), where gamma_k is dysta's
// running mean of measured/average density ratios and (a, b) is the ordinary least-squares line of
// the true remaining latency R_k on gamma_k over training samples; at k = 0, a = the training samples'
// mean isolated latency and b = 0. Why: dysta's gamma * sum(E) scales the whole remainder, including
// the part of each layer's latency that does not depend on density; a fitted intercept absorbs it.
//
// Training samples come from a *split* (`--fit-split`), so predictions can be held out:
//   parity (default)  cross-fitted: a request on an even sample id (the CSV's batch-indx) uses the fit
//                     on the odd ids and vice versa (BEYOND.md: "a request on an even sample")
//   halves            cross-fitted: the first half of the samples (positions 0 .. ceil(n/2)-1 in
//                     ascending id order) uses a fit on the second half, and back
//   even | odd        one fit on the even (odd) sample ids, used for every request
//   all               one fit on every sample (in-sample; what a hardware table programmed once holds)
// Parity, even and odd go by the id, not the position: they differ when the ids do not start at 0 or
// have gaps (on the zoo, ids = positions). A fit with fewer than MIN_TRAINING_SAMPLES samples falls
// back to gamma * sum(E) for the requests that use it.
// Cost: fitting is O(samples x layers) per variant, once per (workload, split) (cached); a prediction
// is one multiply-add.
import { SchedulerInputError } from './errors.ts';
import type { PredictorContext, PredictorDefinition } from './predictors.ts';
import type { Variant, Workload } from './workload.ts';

export const MIN_TRAINING_SAMPLES = 4;

export interface FitSplit {
  readonly name: string;
  readonly description: string;
  /** Number of separate fits per variant. */
  readonly fits: number;
  /** Which fit the sample at position s (of n; ascending ids) with id `id` (batch-indx) is predicted with. */
  uses(s: number, n: number, id: number): number;
  /** Whether the sample at position s (of n) with id `id` is a training sample of fit f. */
  trainsOn(f: number, s: number, n: number, id: number): boolean;
}

const firstHalf = (s: number, n: number) => s < Math.ceil(n / 2);

export const FIT_SPLITS: readonly FitSplit[] = [
  {
    name: 'parity',
    description: 'cross-fitted by sample id (batch-indx) parity: even ids use a fit on the odd ones, odd on the even',
    fits: 2,
    uses: (_s, _n, id) => id % 2,
    trainsOn: (f, _s, _n, id) => id % 2 !== f,
  },
  {
    name: 'halves',
    description: 'cross-fitted by halves of the samples in ascending id order: the first ceil(n/2) use a fit on the rest, and vice versa',
    fits: 2,
    uses: (s, n) => (firstHalf(s, n) ? 0 : 1),
    trainsOn: (f, s, n) => (firstHalf(s, n) ? 0 : 1) !== f,
  },
  { name: 'even', description: 'one fit on the even sample ids, used for all requests', fits: 1, uses: () => 0, trainsOn: (_f, _s, _n, id) => id % 2 === 0 },
  { name: 'odd', description: 'one fit on the odd sample ids, used for all requests', fits: 1, uses: () => 0, trainsOn: (_f, _s, _n, id) => id % 2 === 1 },
  { name: 'all', description: 'one fit on every sample (in-sample, optimistic)', fits: 1, uses: () => 0, trainsOn: () => true },
];
export const FIT_SPLIT_NAMES = FIT_SPLITS.map((s) => s.name);
export const DEFAULT_FIT_SPLIT = 'parity';

export function getFitSplit(name: string): FitSplit {
  const split = FIT_SPLITS.find((s) => s.name === name);
  if (!split) throw new SchedulerInputError(`unknown --fit-split '${name}'; choose one of ${FIT_SPLIT_NAMES.join(', ')}.`);
  return split;
}

/** Whether the sample at position s (of n) with id `id` is held out (not a training sample of the fit that predicts it). */
export function isHeldOut(split: FitSplit, s: number, n: number, id: number): boolean {
  return !split.trainsOn(split.uses(s, n, id), s, n, id);
}

/** Ordinary least squares y = a + b x (two-pass, centred). b = 0 when the x are all equal (to rounding). */
export function ordinaryLeastSquares(x: ArrayLike<number>, y: ArrayLike<number>): { a: number; b: number } {
  const n = x.length;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i];
    sy += y[i];
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  let xx = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    sxx += dx * dx;
    sxy += dx * (y[i] - my);
    xx += x[i] * x[i];
  }
  // A constant feature (e.g. gamma after a dense first layer, always exactly 1) has no slope.
  if (!(sxx > 1e-12 * xx)) return { a: my, b: 0 };
  const b = sxy / sxx;
  return { a: my - b * mx, b };
}

/** gamma_k of one sample for k = 0..layers-1, computed exactly as the engine's `average` predictor. */
export function sampleGammas(v: Variant, s: number): Float64Array {
  const out = new Float64Array(v.layers);
  out[0] = 1;
  let ratioSum = 0;
  for (let k = 1; k < v.layers; k++) {
    ratioSum += (1 - v.sparsity[s * v.layers + k - 1]) / v.avgDensity[k - 1];
    out[k] = ratioSum / k;
  }
  return out;
}

export interface RegressionCoefficients {
  /** a[k], b[k] for k = 0..layers-1. */
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly trainingSamples: number;
}

export interface VariantRegression {
  readonly variant: string;
  /** One entry per fit of the split; null = too few training samples (falls back to gamma * sum(E)). */
  readonly fits: readonly (RegressionCoefficients | null)[];
}

/** Fit every variant of a workload under a split. */
export function fitRegression(workload: Workload, split: FitSplit): VariantRegression[] {
  return workload.variants.map((v) => {
    const n = v.sampleIds.length;
    const gammas = Array.from({ length: n }, (_, s) => sampleGammas(v, s));
    const fits = Array.from({ length: split.fits }, (_, f) => {
      const train: number[] = [];
      for (let s = 0; s < n; s++) if (split.trainsOn(f, s, n, v.sampleIds[s])) train.push(s);
      if (train.length < MIN_TRAINING_SAMPLES) return null;
      const a = new Float64Array(v.layers);
      const b = new Float64Array(v.layers);
      const x = new Float64Array(train.length);
      const y = new Float64Array(train.length);
      for (let k = 0; k < v.layers; k++) {
        train.forEach((s, i) => {
          x[i] = gammas[s][k];
          y[i] = v.trueSuffix[s * (v.layers + 1) + k];
        });
        if (k === 0) {
          let sum = 0;
          for (let i = 0; i < y.length; i++) sum += y[i];
          a[0] = sum / y.length;
          b[0] = 0;
        } else {
          const line = ordinaryLeastSquares(x, y);
          a[k] = line.a;
          b[k] = line.b;
        }
      }
      return { a, b, trainingSamples: train.length };
    });
    return { variant: v.name, fits };
  });
}

const cache = new WeakMap<Workload, Map<string, VariantRegression[]>>();

export function cachedRegression(workload: Workload, split: FitSplit): VariantRegression[] {
  let byWorkload = cache.get(workload);
  if (!byWorkload) cache.set(workload, (byWorkload = new Map()));
  let fit = byWorkload.get(split.name);
  if (!fit) byWorkload.set(split.name, (fit = fitRegression(workload, split)));
  return fit;
}

/** Human-readable lines about variants that fall back to gamma * sum(E) (empty when none do). */
export function regressionFallbacks(workload: Workload, splitName = DEFAULT_FIT_SPLIT): string[] {
  const split = getFitSplit(splitName);
  const lines: string[] = [];
  cachedRegression(workload, split).forEach((r, vi) => {
    const ids = workload.variants[vi].sampleIds;
    const n = ids.length;
    r.fits.forEach((fit, f) => {
      if (fit) return;
      let trained = 0;
      for (let s = 0; s < n; s++) if (split.trainsOn(f, s, n, ids[s])) trained++;
      const which = split.fits > 1 ? ` (fit ${f + 1} of ${split.fits})` : '';
      lines.push(`regression: variant '${r.variant}' has ${trained} training sample(s) in split '${split.name}'${which}, fewer than ${MIN_TRAINING_SAMPLES}; its requests there use gamma * sum(E).`);
    });
  });
  return lines;
}

export function regressionPredictor(splitName = DEFAULT_FIT_SPLIT): PredictorDefinition {
  const split = getFitSplit(splitName);
  return {
    name: 'regression',
    description: `P = max(0, a[v][k] + b[v][k] * gamma_k), least squares per variant and layer boundary (${split.description})`,
    create(tasks, capacity, context?: PredictorContext) {
      if (!context) throw new Error('the regression predictor needs the trace (variant and sample of every task)');
      const { gamma, predicted, estRemaining } = tasks;
      const { workload, variantIndex, sampleIndex } = context;
      const regression = cachedRegression(workload, split);
      const ratioSum = new Float64Array(capacity);
      // Per task, resolved at admission: its coefficients (null: fall back) and its layer count.
      const coefficients: (RegressionCoefficients | null)[] = new Array(capacity).fill(null);
      const layers = new Int32Array(capacity);
      return {
        admit(task) {
          const v = workload.variants[variantIndex[task]];
          const s = sampleIndex[task];
          const fit = regression[v.index].fits[split.uses(s, v.sampleIds.length, v.sampleIds[s])];
          coefficients[task] = fit;
          layers[task] = v.layers;
          ratioSum[task] = 0;
          gamma[task] = 1;
          predicted[task] = fit ? Math.max(0, fit.a[0]) : 1 * estRemaining[task];
        },
        observe(task, ratio, executed) {
          ratioSum[task] += ratio;
          const g = ratioSum[task] / executed;
          gamma[task] = g;
          const fit = coefficients[task];
          if (!fit) predicted[task] = g * estRemaining[task];
          else predicted[task] = executed < layers[task] ? Math.max(0, fit.a[executed] + fit.b[executed] * g) : 0;
        },
      };
    },
  };
}
