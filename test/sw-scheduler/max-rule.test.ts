// The artifact's max-rule (planaria, sdrm3) on its own: scores and arrivals in, chosen position out.
import { describe, expect, it } from 'vitest';
import { selectByMaxRule } from '../../sw-scheduler/policies/index.ts';

/** Positions are request indices here, so arrival[i] is the i-th task's arrival. */
function pick(scores: number[], arrivals: number[]): number {
  const ready = Int32Array.from(scores.map((_, i) => i));
  return selectByMaxRule(ready, scores.length, Float64Array.from(scores), Float64Array.from(arrivals));
}

describe('max-rule', () => {
  it('picks the largest non-negative score', () => {
    expect(pick([0.1, 0.5, 0.3], [0, 1, 2])).toBe(1);
  });
  it('replaces a negative choice by the next task, whatever its score', () => {
    expect(pick([-1, -5], [0, 1])).toBe(1);
    expect(pick([-1, 0.2, 0.1], [0, 1, 2])).toBe(1);
  });
  it('keeps a non-negative choice over later negative scores', () => {
    expect(pick([0.01, -3, -0.5], [0, 1, 2])).toBe(0);
  });
  it('keeps the earlier arrival on an exact tie, and takes the later position when arrivals are equal', () => {
    expect(pick([0.5, 0.5], [0, 1])).toBe(0);
    expect(pick([0.5, 0.5], [1, 1])).toBe(1);
  });
  it('applies the tie exception to negative ties too', () => {
    expect(pick([-0.2, -0.2], [1, 2])).toBe(0);
    expect(pick([-0.2, -0.2], [2, 2])).toBe(1);
  });
  it('treats an infinite score (zero slack) like any other value', () => {
    expect(pick([0.25, Infinity, Infinity], [0, 1, 2])).toBe(1);
    expect(pick([Infinity, 3], [0, 1])).toBe(0);
  });
});
