// mhg's ties: equal deadlines keep admission order in the EDF queue; equal keys go to the task
// earlier in EDF order (not earlier in admission order).
import { describe, expect, it } from 'vitest';
import { mhgDecision, run, tinyTrace, tinyWorkload } from './helpers.ts';

describe('mhg: ties', () => {
  it('EDF by deadline then admission; equal keys: the first allowed in EDF order', () => {
    // t = 0. #1 and #2 share D 5: #1 first. Margins: #1 3, #2 1, #0 4. #0 (P 2) is blocked by #2's 1.
    const d = mhgDecision([[10, 2, 2], [5, 2, 2], [5, 2, 2]], 0);
    expect(d.edf).toEqual([1, 2, 0]);
    expect(d.margin).toEqual([4, 3, 1]);
    expect(d.allowed).toEqual([false, true, true]);
    expect(d.key).toEqual([4, 4, 4]);
    expect(d.best).toBe(1);
    expect(d.chosen).toBe(1);
  });

  it('in the engine, identical requests run in admission order', () => {
    const workload = tinyWorkload({ v: [[[1, 1], [0, 0.5]], [[1, 1], [0, 0.5]], [[1, 1], [0, 0.5]], [[1, 1], [0, 0.5]]] });
    const r = run(workload, tinyTrace(10, [[0, 'v', 0, 1], [0, 'v', 0, 1], [0, 'v', 0, 1]]), 'mhg');
    expect(r.chosen).toEqual([0, 0, 1, 1, 2, 2]);
    expect(r.finish).toEqual([2, 4, 6]);
    // Deadlines 0 + 2 * 10 = 20; isoReal 2: ANTT (2/2 + 4/2 + 6/2) / 3 = 2; STP 3 / 6.
    expect(r.metrics).toEqual({ violationRate: 0, antt: 2, stp: 0.5 });
  });
});
