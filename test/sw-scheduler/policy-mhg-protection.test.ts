// mhg steps 5-6: best = the allowed task with the smallest key; if j* (the kept task with the
// smallest key) is blocked, it runs instead when cost = P_best * sum_S 1/iso - (sum_S P) / iso_best
// exceeds lambda, S = the other tasks with a smaller key than best.
import { describe, expect, it } from 'vitest';
import { mhgDecision } from './helpers.ts';

// t = 0: EDF #1 (D 6), #0 (D 10), #2 (D 12, marked late). Margins 1 and 1.
// #0 (P 4) is blocked by #1's margin 1; #2 (late) needs 6 <= 0.25. best = #1 (key 25), j* = #0 (key 16).
const rows: [number, number, number][] = [[10, 4, 4], [6, 5, 5], [12, 6, 6]];

describe('mhg: cost-aware protection', () => {
  it('cost 5 * (1/4) - 4/5 = 0.45 <= lambda 1: best runs', () => {
    const d = mhgDecision(rows, 0);
    expect(d.allowed).toEqual([false, true, false]);
    expect(d.key).toEqual([16, 25, 36]);
    expect(d.best).toBe(1);
    expect(d.jStar).toBe(0);
    expect(d.cost).toBe(5 * (1 / 4) - 4 / 5);
    expect(d.chosen).toBe(1);
  });

  it('the same cost > lambda 0.4: the blocked j* runs', () => {
    expect(mhgDecision(rows, 0, { lambda: 0.4 }).chosen).toBe(0);
  });

  it('S holds every task with a smaller key, late ones included (cost 5.25)', () => {
    // Add #3: overdue (D 0.5, P 1), late, not allowed (1 > 0.25 * 1), key 1 < 25.
    // S = {#3, #0} in EDF order: cost = 5 * (1/1 + 1/4) - (1 + 4) / 5 = 5.25.
    const four: [number, number, number][] = [...rows, [0.5, 1, 1]];
    const d = mhgDecision(four, 0);
    expect(d.late).toEqual([false, false, true, true]);
    expect(d.cost).toBe(5.25);
    expect(d.chosen).toBe(0);
    expect(mhgDecision(four, 0, { lambda: 5.25 }).chosen).toBe(1);
  });

  it('no test when j* is allowed', () => {
    const d = mhgDecision([[10, 1, 1], [20, 5, 5]], 0);
    expect(d.jStar).toBe(0);
    expect(d.cost).toBeNaN();
    expect(d.chosen).toBe(0);
  });
});
