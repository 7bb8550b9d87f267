// The regression predictor in the engine: P = max(0, a[k] + b[k] * gamma_k) with the coefficients of
// the fit the request's sample uses (cross-fitted by parity by default), the fallback to
// gamma * sum(E) when a split has fewer than 4 samples, and mhg's default predictor.
import { describe, expect, it } from 'vitest';
import { getPredictor } from '../../sw-scheduler/predictors.ts';
import { regressionFallbacks } from '../../sw-scheduler/regression.ts';
import { run, tinyTrace, tinyWorkload } from './helpers.ts';

// Eight samples, two layers. Layer-0 densities 0.25, 0.5, 0.75, 0.5 on the even positions and again on
// the odd ones (average 0.5, gamma_1 = 0.5, 1, 1.5, 1). Layer-1 latency: odd positions 2, 3, 4.5, 2.5
// (fit: a = 0.5, b = 2.5, mean isolated 4); even positions twice that, 4, 6, 9, 5 (a = 1, b = 5,
// mean isolated 7).
const density = [0.25, 0.5, 0.75, 0.5];
const odd = [2, 3, 4.5, 2.5];
const samples: [number[], number[]][] = [];
for (let i = 0; i < 4; i++) {
  samples.push([[1, 2 * odd[i]], [1 - density[i], 0.5]]);
  samples.push([[1, odd[i]], [1 - density[i], 0.5]]);
}
const workload = tinyWorkload({ v: samples });
const predictedOf = (sample: number, split?: string) => {
  const trace = tinyTrace(10, [[0, 'v', sample, 1]]);
  return run(workload, trace, 'sjf_sparse', {}, 'regression', split).decisions.map((d) => d.predicted[0]);
};

describe('regression predictor', () => {
  it('parity (default): an even sample is predicted with the fit on the odd samples', () => {
    // Sample 4 (even, gamma_1 = 1.5): a0 = 4; then 0.5 + 2.5 * 1.5 = 4.25.
    expect(predictedOf(4)).toEqual([4, 4.25]);
  });

  it('parity: an odd sample is predicted with the fit on the even samples', () => {
    // Sample 5 (odd, gamma_1 = 1.5): a0 = 7; then 1 + 5 * 1.5 = 8.5.
    expect(predictedOf(5)).toEqual([7, 8.5]);
  });

  it('--fit-split even: every sample uses the fit on the even samples', () => {
    expect(predictedOf(4, 'even')).toEqual([7, 8.5]);
    expect(predictedOf(5, 'even')).toEqual([7, 8.5]);
  });

  it('P is clipped at 0 (split halves, each half predicted with the fit on the other)', () => {
    // First half: density 1 (gamma_1 = 1 / 0.625 = 1.6 for all: constant feature), remaining 1.
    // Second half: densities 0.125, 0.25, 0.375, 0.25 (average over all 8: 0.625), so gamma_1 = 0.2,
    // 0.4, 0.6, 0.4, remaining 4.5, 3, 2, 2.5: b = -6.25, a = 5.5. At gamma 1.6: 5.5 - 10 < 0 -> 0.
    const second = [0.125, 0.25, 0.375, 0.25];
    const remaining = [4.5, 3, 2, 2.5];
    const w = tinyWorkload({
      v: [
        ...[0, 1, 2, 3].map((): [number[], number[]] => [[1, 1], [0, 0]]),
        ...second.map((d, i): [number[], number[]] => [[1, remaining[i]], [1 - d, 0]]),
      ],
    });
    const predicted = (sample: number) => run(w, tinyTrace(10, [[0, 'v', sample, 1]]), 'sjf_sparse', {}, 'regression', 'halves').decisions.map((d) => d.predicted[0]);
    expect(predicted(0)).toEqual([4, 0]);
    // The second half uses the first half's fit: mean isolated 2, then slope 0 and intercept 1.
    expect(predicted(4)).toEqual([2, 1]);
  });

  it('falls back to gamma * sum(E) when a split has fewer than 4 samples, and says so', () => {
    const small = tinyWorkload({ v: samples.slice(0, 6) });
    const r = run(small, tinyTrace(10, [[0, 'v', 4, 1]]), 'sjf_sparse', {}, 'regression');
    const v = small.variants[0];
    expect(r.decisions.map((d) => d.predicted[0])).toEqual([v.patSuffix[0], 1.5 * v.patSuffix[1]]);
    expect(regressionFallbacks(small)).toEqual([
      "regression: variant 'v' has 3 training sample(s) in split 'parity' (fit 1 of 2), fewer than 4; its requests there use gamma * sum(E).",
      "regression: variant 'v' has 3 training sample(s) in split 'parity' (fit 2 of 2), fewer than 4; its requests there use gamma * sum(E).",
    ]);
    expect(regressionFallbacks(workload)).toEqual([]);
  });

  it('mhg uses it by default; --predictor average overrides', () => {
    const trace = tinyTrace(10, [[0, 'v', 4, 1]]);
    expect(run(workload, trace, 'mhg').decisions.map((d) => d.predicted[0])).toEqual([4, 4.25]);
    expect(run(workload, trace, 'mhg', {}, 'average').decisions[1].predicted[0]).toBe(1.5 * workload.variants[0].patSuffix[1]);
  });

  it('rejects an unknown split', () => {
    expect(() => getPredictor('regression', 3, 'thirds')).toThrow(/unknown --fit-split 'thirds'; choose one of parity, halves, even, odd, all/);
  });
});
