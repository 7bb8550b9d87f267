// The regression's parity/even/odd splits go by the sample's id (the CSV's batch-indx), as BEYOND.md
// says ("a request on an even sample"), not by its position among the variant's samples. Here the ids
// start at 1 and have gaps, so the two disagree; `halves` goes by position.
import { describe, expect, it } from 'vitest';
import { fitRegression, getFitSplit, regressionFallbacks } from '../../sw-scheduler/regression.ts';
import { buildWorkload } from '../../sw-scheduler/workload.ts';
import { run, tinyTrace } from './helpers.ts';

// position:          0  1  2  3  4  5  6   7
const IDS = /*     */ [1, 2, 4, 7, 8, 9, 12, 15];
// Odd ids (positions 0, 3, 5, 7): layer-0 densities 0.25, 0.5, 0.75, 0.5, layer-1 latencies 2, 3, 4.5,
// 2.5. Even ids (positions 1, 2, 4, 6): the same densities, layer-1 latencies doubled: 4, 6, 9, 5.
// Average layer-0 density 0.5, so gamma_1 = 0.5, 1, 1.5, 1 in each group. By hand (as in
// regression-fit.test.ts): fit on the odd ids a = [4, 0.5], b = [0, 2.5] (mean isolated 4 = mean of
// 3, 4, 5.5, 3.5); on the even ids a = [7, 1], b = [0, 5].
// By position instead, the odd positions 1, 3, 5, 7 would be ids 2, 7, 9, 15 (isolated 5, 4, 5.5, 3.5:
// a[0] = 4.5), which is what the old position-keyed split used.
const DENSITY = [0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 0.5, 0.5];
const LAYER1 = [2, 4, 6, 3, 9, 4.5, 5, 2.5];
const workload = buildWorkload('ids', 'eyeriss', [
  {
    name: 'v',
    sampleIds: IDS,
    layers: 2,
    latency: Float64Array.from(LAYER1.flatMap((l1) => [1, l1])),
    sparsity: Float64Array.from(DENSITY.flatMap((d) => [1 - d, 0.5])),
  },
]);

/** P at admission and after layer 0 of a request on sample id `id`. */
const predictedOf = (id: number, split?: string) =>
  run(workload, tinyTrace(10, [[0, 'v', id, 1]]), 'sjf_sparse', {}, 'regression', split).decisions.map((d) => d.predicted[0]);

describe('regression splits by sample id', () => {
  it('parity: fit 1 (for even ids) trains on the odd ids, fit 2 on the even ids', () => {
    const [fitEven, fitOdd] = fitRegression(workload, getFitSplit('parity'))[0].fits;
    expect([Array.from(fitEven!.a), Array.from(fitEven!.b), fitEven!.trainingSamples]).toEqual([[4, 0.5], [0, 2.5], 4]);
    expect([Array.from(fitOdd!.a), Array.from(fitOdd!.b), fitOdd!.trainingSamples]).toEqual([[7, 1], [0, 5], 4]);
  });

  it('parity: a request on an even id (4, position 2) uses the odd-id fit, on an odd id (9, position 5) the even-id fit', () => {
    // id 4: gamma_1 = 1: 0.5 + 2.5 * 1 = 3. id 9: gamma_1 = 1.5: 1 + 5 * 1.5 = 8.5.
    expect(predictedOf(4)).toEqual([4, 3]);
    expect(predictedOf(9)).toEqual([7, 8.5]);
    // id 1 sits at position 0 (even position, odd id): the even-id fit.
    expect(predictedOf(1)).toEqual([7, 1 + 5 * 0.5]);
  });

  it('even / odd: one fit on the even (odd) ids for every request', () => {
    expect(predictedOf(4, 'even')).toEqual([7, 6]);
    expect(predictedOf(9, 'even')).toEqual([7, 8.5]);
    expect(predictedOf(4, 'odd')).toEqual([4, 3]);
    expect(predictedOf(9, 'odd')).toEqual([4, 4.25]);
  });

  it('halves go by position: ids 1, 2, 4, 7 are the first half', () => {
    // First half (positions 0-3) isolated 3, 5, 7, 4: mean 4.75; second half 10, 5.5, 6, 3.5: mean 6.25.
    expect(predictedOf(7, 'halves')[0]).toBe(6.25);
    expect(predictedOf(8, 'halves')[0]).toBe(4.75);
  });

  it('fallback notes count training samples by id', () => {
    // Six samples, all with odd ids: no even-id sample to train on.
    const odd = buildWorkload('odd', 'eyeriss', [
      { name: 'w', sampleIds: [1, 3, 5, 7, 9, 11], layers: 1, latency: Float64Array.from([1, 2, 3, 4, 5, 6]), sparsity: new Float64Array(6) },
    ]);
    expect(regressionFallbacks(odd, 'even')).toEqual([
      "regression: variant 'w' has 0 training sample(s) in split 'even', fewer than 4; its requests there use gamma * sum(E).",
    ]);
    expect(regressionFallbacks(odd, 'odd')).toEqual([]);
    expect(regressionFallbacks(odd, 'parity')).toEqual([
      "regression: variant 'w' has 0 training sample(s) in split 'parity' (fit 2 of 2), fewer than 4; its requests there use gamma * sum(E).",
    ]);
  });
});
