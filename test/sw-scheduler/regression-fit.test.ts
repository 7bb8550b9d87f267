// The regression predictor's coefficients (BEYOND.md section 1) on a data set small enough to fit by
// hand: per layer boundary k, least squares of the true remaining latency on dysta's gamma_k.
import { describe, expect, it } from 'vitest';
import { fitRegression, getFitSplit, ordinaryLeastSquares, sampleGammas } from '../../sw-scheduler/regression.ts';
import { handRegressionWorkload } from './helpers.ts';

// Two layers, four samples: gamma_1 = 0.5, 1, 1.5, 1 and R_1 = 2, 3, 4.5, 2.5 (handRegressionWorkload).
const workload = handRegressionWorkload();

describe('regression fit', () => {
  it('gamma_k is the running mean of measured/average density', () => {
    const v = workload.variants[0];
    expect([0, 1, 2, 3].map((s) => Array.from(sampleGammas(v, s)))).toEqual([[1, 0.5], [1, 1], [1, 1.5], [1, 1]]);
  });

  it('k = 0: a = mean isolated latency, b = 0; k = 1: the least-squares line', () => {
    // mean x = 1, mean y = 3; Sxx = 0.25 + 0.25 = 0.5; Sxy = (-0.5)(-1) + (0.5)(1.5) = 1.25;
    // b = 1.25 / 0.5 = 2.5; a = 3 - 2.5 * 1 = 0.5. Isolated latencies 3, 4, 5.5, 3.5: mean 4.
    const [fit] = fitRegression(workload, getFitSplit('all'))[0].fits;
    expect(Array.from(fit!.a)).toEqual([4, 0.5]);
    expect(Array.from(fit!.b)).toEqual([0, 2.5]);
    expect(fit!.trainingSamples).toBe(4);
  });

  it('parity: too few samples per half (2 < 4) means no fit', () => {
    expect(fitRegression(workload, getFitSplit('parity'))[0].fits).toEqual([null, null]);
  });

  it('a constant feature gets slope 0 and the mean as intercept', () => {
    expect(ordinaryLeastSquares([1, 1, 1], [2, 4, 9])).toEqual({ a: 5, b: 0 });
    expect(ordinaryLeastSquares([0, 1, 2, 3], [1, 3, 5, 7])).toEqual({ a: 1, b: 2 });
  });
});
