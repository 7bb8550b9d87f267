// Predictors: how measured/average density ratios become gamma (average = the paper's; last; last-n
// dividing by the layers actually seen; none = no monitor).
import { describe, expect, it } from 'vitest';
import { run, tinyTrace, tinyWorkload } from './helpers.ts';
import { getPredictor } from '../../sw-scheduler/predictors.ts';

// Average density 0.5 in every layer; sample 0's densities 0.75, 0.25, 0.75, 0.25 -> ratios 1.5, 0.5, 1.5, 0.5.
const workload = tinyWorkload({
  v: [
    [[1, 1, 1, 1], [0.25, 0.75, 0.25, 0.75]],
    [[1, 1, 1, 1], [0.75, 0.25, 0.75, 0.25]],
  ],
});
const trace = tinyTrace(10, [[0, 'v', 0, 1]]);
const gammas = (predictor: string) => run(workload, trace, 'dysta', {}, predictor).decisions.map((d) => d.gamma[0]);

describe('predictors', () => {
  it('average: mean of all measured ratios', () => {
    expect(gammas('average')).toEqual([1, 1.5, 1, (1.5 + 0.5 + 1.5) / 3]);
  });

  it('last: the last ratio only', () => {
    expect(gammas('last')).toEqual([1, 1.5, 0.5, 1.5]);
  });

  it('last-n: mean of the last n ratios, dividing by the layers seen', () => {
    const r = run(workload, trace, 'dysta', {}, 'last-n');
    expect(r.decisions.map((d) => d.gamma[0])).toEqual([1, 1.5, 1, (0.5 + 1.5 + 1.5) / 3]);
  });

  it('P = gamma * sum(E)', () => {
    const r = run(workload, trace, 'dysta', {}, 'last');
    expect(r.decisions.map((d) => d.predicted[0])).toEqual([4, 1.5 * 3, 0.5 * 2, 1.5 * 1]);
  });

  it('none: gamma stays 1 and P = sum(E), whatever the monitor measures', () => {
    const r = run(workload, trace, 'dysta', {}, 'none');
    expect(r.decisions.map((d) => d.gamma[0])).toEqual([1, 1, 1, 1]);
    expect(r.decisions.map((d) => d.predicted[0])).toEqual([4, 3, 2, 1]);
  });

  it('rejects an unknown predictor or window', () => {
    expect(() => getPredictor('linear')).toThrow(/unknown predictor 'linear'; choose one of average, last, last-n, regression, none/);
    expect(() => getPredictor('last-n', 0)).toThrow(/--last-n must be a whole number >= 1/);
  });

  it('does not affect policies without the monitor', () => {
    const a = run(workload, trace, 'sjf', {}, 'last').decisions.map((d) => d.gamma[0]);
    expect(a).toEqual([1, 1, 1, 1]);
  });
});
