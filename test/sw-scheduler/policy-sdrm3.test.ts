// sdrm3 / sdrm3_sparse: min(1, P / slack) + alpha * waiting / next-layer estimate, max-rule; zero
// slack means urgency 1; overdue tasks get negative urgency.
import { describe, expect, it } from 'vitest';
import { run, tinyTrace, tinyWorkload } from './helpers.ts';

describe('sdrm3', () => {
  const workload = tinyWorkload({ a: [[[1, 1], [0, 0.5]]], b: [[[4, 4], [0, 0.5]]] });
  // SLO multiplier 1: deadlines 8, 4, 5.
  const trace = tinyTrace(1, [
    [0, 'b', 0, 1],
    [2, 'a', 0, 1],
    [3, 'a', 0, 1],
  ]);

  it('scores urgency + fairness, with urgency 1 at zero slack and negative once overdue', () => {
    const r = run(workload, trace, 'sdrm3');
    expect(r.decisions[0].score).toEqual([1]);
    // t=4: r1 has zero slack -> 1 + (4-2)/1; r2: min(1, 2/1) + (4-3)/1.
    expect(r.decisions[1].score).toEqual([1, 3, 2]);
    // t=5: r1 overdue: 1 / (4-5) = -1.
    expect(r.decisions[2].score).toEqual([1.25, -1, 3]);
    expect(r.decisions[3].score).toEqual([1.5, 0.5, -1]);
    expect(r.chosen).toEqual([0, 1, 2, 0, 1, 2]);
    expect(r.finish).toEqual([10, 11, 12]);
    expect(r.metrics.antt).toBe((10 / 8 + 9 / 2 + 9 / 2) / 3);
    expect(r.metrics.violationRate).toBe(1);
    // 10 > 8, 11 > 4, 12 > 5: all miss; STP 3 / (12 - 0).
    expect(r.metrics).toEqual({ violationRate: 1, antt: (10 / 8 + 9 / 2 + 9 / 2) / 3, stp: 3 / 12 });
  });

  it('an exact tie between equal arrivals goes to the later one (max-rule), as for planaria', () => {
    // SLO multiplier 10: deadlines 80, 21, 21. t=4: r1 and r2 both min(1, 2/17) + (4-1)/1.
    const tie = tinyTrace(10, [
      [0, 'b', 0, 1],
      [1, 'a', 0, 1],
      [1, 'a', 0, 1],
    ]);
    const r = run(workload, tie, 'sdrm3');
    expect(r.decisions[1].score).toEqual([4 / 76 + 0 / 4, 2 / 17 + 3, 2 / 17 + 3]);
    // t=5: r1 2/16 + 4/1 beats r2 1/16 + 0 and r0 4/75 + 1/4; t=6: r2 1/15 + 1 beats r1 1/15 + 0;
    // t=7: r1 1/14 + 1 beats r0 4/73 + 3/4.
    expect(r.decisions[2].score).toEqual([4 / 75 + 1 / 4, 2 / 16 + 4, 1 / 16 + 0]);
    expect(r.chosen).toEqual([0, 2, 1, 2, 1, 0]);
    expect(r.times).toEqual([0, 4, 5, 6, 7, 8]);
    expect(r.finish).toEqual([12, 8, 7]);
    // isoReal 8, 2, 2: ANTT (12/8 + 7/2 + 6/2) / 3 = 8/3; STP 3 / 12.
    expect(r.metrics).toEqual({ violationRate: 0, antt: (12 / 8 + 7 / 2 + 6 / 2) / 3, stp: 3 / 12 });
  });

  it('weights fairness by alpha', () => {
    const r = run(workload, trace, 'sdrm3', { alpha: 0.5 });
    expect(r.decisions[1].score).toEqual([1, 2, 1.5]);
  });
});

describe('sdrm3_sparse', () => {
  it('uses gamma * sum(E) for urgency and gamma * e1 for fairness', () => {
    const workload = tinyWorkload({
      m: [
        [[1, 1], [0.25, 0.5]],
        [[1, 3], [0.75, 0.5]],
      ],
      n: [[[2], [0.5]]],
    });
    const trace = tinyTrace(10, [
      [0, 'm', 0, 1],
      [0.5, 'n', 0, 1],
      [0.6, 'n', 0, 1],
    ]);
    const sparse = run(workload, trace, 'sdrm3_sparse');
    // t=3, r0: gamma 1.5, P = 3, D = 30; e1 = 1.5 * Lpat[1] = 3; waited 3 - 1.
    expect(sparse.decisions[2].time).toBe(3);
    expect(sparse.decisions[2].score[0]).toBe(Math.min(1, 3 / (30 - 3)) + 1 * ((3 - 1) / 3));
    const plain = run(workload, trace, 'sdrm3');
    expect(plain.decisions[2].score[0]).toBe(Math.min(1, 2 / (30 - 3)) + 1 * ((3 - 1) / 2));
    expect(sparse.chosen).toEqual([0, 1, 2, 0]);
    // r0 layer 0 (0-1), r1 (1-3), r2 (3-5), r0 layer 1 (5-6). Deadlines 30, 20.5, 20.6; isoReal 2, 2, 2.
    expect(sparse.times).toEqual([0, 1, 3, 5]);
    expect(sparse.finish).toEqual([6, 3, 5]);
    expect(sparse.metrics).toEqual({ violationRate: 0, antt: (6 / 2 + (3 - 0.5) / 2 + (5 - 0.6) / 2) / 3, stp: 3 / 6 });
  });
});
