// mhg step 2 (Moore-Hodgson keep/late marking) and step 3 (margins), worked by hand on one decision.
// Rows are [deadline, P, isoEst] in admission order; t is the decision time.
import { describe, expect, it } from 'vitest';
import { mhgDecision } from './helpers.ts';

describe('mhg: keep/late marking', () => {
  it('marks late the task whose admission would break a kept deadline', () => {
    // t = 2, slacks 8, 4, 10. EDF: #1 (D 8), #0 (D 12), #2 (D 14).
    // C: #1 5 <= 6; #0 9 <= 10; #2 15 > 12 -> Pmax 6, (1 - 0.1) * 6 = 5.4, first with P >= 5.4 is #2.
    const d = mhgDecision([[12, 4, 4], [8, 5, 5], [14, 6, 6]], 2);
    expect(d.edf).toEqual([1, 0, 2]);
    expect(d.late).toEqual([false, false, true]);
    // Margins: #1: 6 - 5 = 1; #0: 10 - (5 + 4) = 1. M = 1.
    expect(d.margin).toEqual([1, 1, NaN]);
    expect(d.minMargin).toBe(1);
  });

  it('a task that misses its deadline even alone is late; with nothing kept, M is infinite and it may run', () => {
    const d = mhgDecision([[1, 2, 2]], 0);
    expect(d.late).toEqual([true]);
    expect(d.minMargin).toBe(Infinity);
    expect(d.allowed).toEqual([true]);
    expect(d.chosen).toBe(0);
  });
});
