// mhg's tau rule: the task marked late is the first kept one (EDF order) whose P is within a factor
// (1 - tau) of the largest, not necessarily the largest; and the marking repeats until C fits.
import { describe, expect, it } from 'vitest';
import { mhgDecision } from './helpers.ts';

// [deadline, P, isoEst], t = 0. EDF: #0 (D 6), #1 (D 7), #2 (D 12).
// C: 5.75 <= 6; 6.75 <= 7; 12.75 > 12 with Pmax = 6 (#2).
const rows: [number, number, number][] = [[6, 5.75, 5.75], [7, 1, 1], [12, 6, 6]];

describe('mhg: tau', () => {
  it('tau 0.1 (default): 5.75 >= 0.9 * 6, so #0, earlier in EDF, is marked late', () => {
    const d = mhgDecision(rows, 0);
    expect(d.late).toEqual([true, false, false]);
    // Margins: #1: 7 - 1 = 6; #2: 12 - (1 + 6) = 5.
    expect(d.margin).toEqual([NaN, 6, 5]);
    // #2 is allowed: P 6 <= margin 6 of #1; late #0: 5.75 > 0.25 * 5.
    expect(d.allowed).toEqual([false, true, true]);
    expect(d.chosen).toBe(1);
  });

  it('tau 0: only the largest P (#2) is marked late', () => {
    const d = mhgDecision(rows, 0, { tau: 0 });
    expect(d.late).toEqual([false, false, true]);
    expect(d.margin).toEqual([0.25, 0.25, NaN]);
    // #1 (P 1) is blocked by #0's margin 0.25; best is #0 and j* = #1 (key 1): cost
    // 5.75 * (1/1) - 1/5.75 > lambda 1, so #1 runs.
    expect(d.allowed).toEqual([true, false, false]);
    expect(d.best).toBe(0);
    expect(d.jStar).toBe(1);
    expect(d.cost).toBe(5.75 - 1 / 5.75);
    expect(d.chosen).toBe(1);
  });

  it('marks again while C still exceeds the slack: both tasks late', () => {
    // #0 (D 5.5, P 5.5) kept; #1 (D 5.75, P 6): C 11.5 > 5.75, threshold 5.4 -> #0 late, C 6 > 5.75
    // -> #1 late; nothing kept.
    const d = mhgDecision([[5.5, 5.5, 5.5], [5.75, 6, 6]], 0);
    expect(d.late).toEqual([true, true]);
    expect(d.minMargin).toBe(Infinity);
    expect(d.chosen).toBe(0);
  });
});
