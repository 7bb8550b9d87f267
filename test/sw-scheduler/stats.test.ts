// The study's statistics: Student t quantiles against tabulated values, and the t-interval by hand.
import { describe, expect, it } from 'vitest';
import { sampleSd, studentTCdf, studentTQuantile, tInterval } from '../../sw-scheduler/stats.ts';

describe('stats', () => {
  it.each([
    [1, 12.706204736],
    [2, 4.302652730],
    [4, 2.776445105],
    [9, 2.262157163],
    [19, 2.093024054],
    [29, 2.045229642],
    [120, 1.979930405],
  ])('t(0.975, df %i) = %f', (df, q) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(q, 8);
  });

  it('CDF is symmetric and 0.5 at 0', () => {
    expect(studentTCdf(0, 5)).toBe(0.5);
    expect(studentTCdf(-1.3, 7) + studentTCdf(1.3, 7)).toBeCloseTo(1, 14);
  });

  it('t-interval of 1, 2, 3, 4: 2.5 +- 3.182446 * 1.290994 / 2', () => {
    expect(sampleSd([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(5 / 3), 14);
    const i = tInterval([1, 2, 3, 4]);
    const half = 3.182446305 * Math.sqrt(5 / 3) / 2;
    expect(i.mean).toBe(2.5);
    expect(i.low).toBeCloseTo(2.5 - half, 7);
    expect(i.high).toBeCloseTo(2.5 + half, 7);
    expect(i.n).toBe(4);
  });

  it('degenerate cases: one value has no interval; equal values a zero-width one', () => {
    expect(tInterval([3]).low).toBeNaN();
    expect(tInterval([0.25, 0.25, 0.25])).toEqual({ mean: 0.25, low: 0.25, high: 0.25, n: 3 });
  });
});
