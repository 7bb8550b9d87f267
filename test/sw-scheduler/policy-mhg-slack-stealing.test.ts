// mhg step 4 for late tasks: a late task may run ahead of the kept ones when P <= sigma * M (it
// "steals" a fraction of the smallest margin).
import { describe, expect, it } from 'vitest';
import { mhgDecision } from './helpers.ts';

// t = 0. #0 cannot make D 2 with P 3: late. #1 kept with margin 106 - 10 = 96 = M.
// Keys: #0 3 * 3 = 9, #1 10 * 10 = 100.
const rows: [number, number, number][] = [[2, 3, 3], [106, 10, 10]];

describe('mhg: slack stealing', () => {
  it('sigma 0.25: 3 <= 24, the late task is allowed and has the smaller key', () => {
    const d = mhgDecision(rows, 0);
    expect(d.late).toEqual([true, false]);
    expect(d.minMargin).toBe(96);
    expect(d.allowed).toEqual([true, true]);
    expect(d.key).toEqual([9, 100]);
    expect(d.chosen).toBe(0);
  });

  it('exactly at the limit (sigma * M = 3) it is still allowed', () => {
    expect(mhgDecision(rows, 0, { sigma: 0.03125 }).chosen).toBe(0);
  });

  it('below it (sigma * M < 3) the kept task runs', () => {
    const d = mhgDecision(rows, 0, { sigma: 0.03 });
    expect(d.allowed).toEqual([false, true]);
    expect(d.chosen).toBe(1);
  });
});
