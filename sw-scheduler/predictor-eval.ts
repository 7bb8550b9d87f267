// How well each predictor of remaining latency does on held-out samples (`dysta predictors`): for
// every variant, sample and layer boundary k = 0..L-1 (k layers executed), the error P_k - R_k of
// the prediction against the true remaining latency, as a fraction of the variant's mean isolated
// latency (Tpat). The monitor predictors run through the same code as in the engine (their
// PredictorState on a task table with one task per (variant, sample)), so what is measured here is
// what the policies see. Cost: O(variants x samples x layers) per predictor.
import { DEFAULT_LAST_N_WINDOW, getPredictor, type PredictorContext } from './predictors.ts';
import { DEFAULT_FIT_SPLIT, getFitSplit, isHeldOut } from './regression.ts';
import { createTaskTable } from './tasks.ts';
import type { Workload } from './workload.ts';

export interface PredictorEvalOptions {
  readonly lastN?: number;
  readonly fitSplit?: string;
  /** Bins of the fraction of layers executed, for the error curve (default 10). */
  readonly bins?: number;
}

export interface PredictorRow {
  readonly predictor: string;
  /** RMSE in % of Tpat over every boundary k = 0..L-1. */
  readonly overall: number;
  /** Over k >= 1 (after at least one layer, once the monitor has measured something). */
  readonly afterFirstLayer: number;
  /** At k = round(f * L) for f = 0.25, 0.5, 0.75 (clamped to 1..L-1). */
  readonly at25: number;
  readonly at50: number;
  readonly at75: number;
}

export interface PredictorEvaluation {
  readonly workload: string;
  readonly fitSplit: string;
  readonly lastN: number;
  /** Whether the evaluated samples were held out of the regression's training ('all' split: in-sample). */
  readonly heldOut: boolean;
  readonly samplesEvaluated: number;
  /** Predictor labels in report order. */
  readonly predictors: readonly string[];
  readonly rows: readonly PredictorRow[];
  readonly perVariant: readonly { variant: string; layers: number; samples: number; rows: readonly PredictorRow[] }[];
  /** RMSE (%) per bin of the fraction of layers executed, k / L in [lo, hi). */
  readonly byFraction: readonly { predictor: string; fraction: number; lo: number; hi: number; rmse: number; points: number }[];
}

export const EVAL_FRACTIONS = [0.25, 0.5, 0.75] as const;

/** The predictor labels: none (pattern profile, no monitor), arch (architecture profile), then the monitor ones. */
export function predictorLabels(lastN: number): string[] {
  return ['none (avg)', 'arch', 'gamma (dysta)', 'last', `last-${lastN}`, 'regression'];
}

/** Squared-error accumulator. */
class Mse {
  sum = 0;
  n = 0;
  add(e: number) {
    this.sum += e * e;
    this.n++;
  }
  rmsePercent(): number {
    return this.n === 0 ? NaN : 100 * Math.sqrt(this.sum / this.n);
  }
}

export function boundaryAt(fraction: number, layers: number): number {
  return Math.min(layers - 1, Math.max(1, Math.round(fraction * layers)));
}

export function evaluatePredictors(workload: Workload, options: PredictorEvalOptions = {}): PredictorEvaluation {
  const lastN = options.lastN ?? DEFAULT_LAST_N_WINDOW;
  const splitName = options.fitSplit ?? DEFAULT_FIT_SPLIT;
  const split = getFitSplit(splitName);
  const bins = options.bins ?? 10;
  const labels = predictorLabels(lastN);

  // Which samples to evaluate: those the regression did not train on (every sample when none is held out).
  const heldOut = workload.variants.some((v) => v.sampleIds.some((id, s) => isHeldOut(split, s, v.sampleIds.length, id)));
  const evaluated = workload.variants.map((v) => v.sampleIds.map((_, s) => s).filter((s) => !heldOut || isHeldOut(split, s, v.sampleIds.length, v.sampleIds[s])));

  // One task per evaluated (variant, sample).
  const taskVariant: number[] = [];
  const taskSample: number[] = [];
  evaluated.forEach((samples, vi) => samples.forEach((s) => (taskVariant.push(vi), taskSample.push(s))));
  const count = taskVariant.length;
  const context: PredictorContext = { workload, variantIndex: Int32Array.from(taskVariant), sampleIndex: Int32Array.from(taskSample) };

  const monitors = [getPredictor('average'), getPredictor('last'), getPredictor('last-n', lastN), getPredictor('regression', lastN, splitName)];
  const overall = labels.map(() => new Mse());
  const after = labels.map(() => new Mse());
  const atF = EVAL_FRACTIONS.map(() => labels.map(() => new Mse()));
  const perVariant = workload.variants.map(() => ({ overall: labels.map(() => new Mse()), after: labels.map(() => new Mse()), at: EVAL_FRACTIONS.map(() => labels.map(() => new Mse())) }));
  const binned = Array.from({ length: bins }, () => labels.map(() => new Mse()));

  // predictions[p][task] at the current boundary k, filled layer by layer.
  const tables = monitors.map(() => createTaskTable(count));
  const states = monitors.map((m, i) => m.create(tables[i], count, context));
  const maxLayers = Math.max(...workload.variants.map((v) => v.layers));
  for (let k = 0; k < maxLayers; k++) {
    for (let task = 0; task < count; task++) {
      const v = workload.variants[taskVariant[task]];
      if (k >= v.layers) continue;
      const s = taskSample[task];
      // Bring the monitor predictors to boundary k.
      tables.forEach((table, i) => {
        table.estRemaining[task] = v.patSuffix[k];
        if (k === 0) states[i].admit(task);
        else states[i].observe(task, (1 - v.sparsity[s * v.layers + k - 1]) / v.avgDensity[k - 1], k);
      });
      const truth = v.trueSuffix[s * (v.layers + 1) + k];
      const predictions = [v.patSuffix[k], v.archSuffix[k], ...tables.map((table) => table.predicted[task])];
      const bin = Math.min(bins - 1, Math.floor((k / v.layers) * bins));
      predictions.forEach((p, i) => {
        const e = (p - truth) / v.Tpat;
        overall[i].add(e);
        perVariant[v.index].overall[i].add(e);
        binned[bin][i].add(e);
        if (k >= 1) {
          after[i].add(e);
          perVariant[v.index].after[i].add(e);
        }
        EVAL_FRACTIONS.forEach((f, j) => {
          if (k === boundaryAt(f, v.layers)) {
            atF[j][i].add(e);
            perVariant[v.index].at[j][i].add(e);
          }
        });
      });
    }
  }

  const rowsOf = (o: Mse[], a: Mse[], at: Mse[][]): PredictorRow[] =>
    labels.map((predictor, i) => ({
      predictor,
      overall: o[i].rmsePercent(),
      afterFirstLayer: a[i].rmsePercent(),
      at25: at[0][i].rmsePercent(),
      at50: at[1][i].rmsePercent(),
      at75: at[2][i].rmsePercent(),
    }));
  return {
    workload: workload.name,
    fitSplit: splitName,
    lastN,
    heldOut,
    samplesEvaluated: count,
    predictors: labels,
    rows: rowsOf(overall, after, atF),
    perVariant: workload.variants.map((v) => ({ variant: v.name, layers: v.layers, samples: evaluated[v.index].length, rows: rowsOf(perVariant[v.index].overall, perVariant[v.index].after, perVariant[v.index].at) })),
    byFraction: binned.flatMap((b, bi) =>
      labels.map((predictor, i) => ({ predictor, fraction: (bi + 0.5) / bins, lo: bi / bins, hi: (bi + 1) / bins, rmse: b[i].rmsePercent(), points: b[i].n })),
    ),
  };
}
