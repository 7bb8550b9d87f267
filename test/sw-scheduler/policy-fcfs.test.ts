// fcfs: the earliest arrival runs to completion; equal arrivals go in admission order.
import { describe, expect, it } from 'vitest';
import { run, tinyTrace, tinyWorkload } from './helpers.ts';

const workload = tinyWorkload({ a: [[[1, 1], [0, 0.5]]], b: [[[4, 4], [0, 0.5]]] });

describe('fcfs', () => {
  it('runs the earliest arrival first and breaks ties by admission order', () => {
    const trace = tinyTrace(2, [
      [0, 'b', 0, 1],
      [1, 'a', 0, 9],
      [1, 'a', 0, 3],
    ]);
    const r = run(workload, trace, 'fcfs');
    expect(r.chosen).toEqual([0, 0, 1, 1, 2, 2]);
    expect(r.times).toEqual([0, 4, 8, 9, 10, 11]);
    expect(r.finish).toEqual([8, 10, 12]);
    // Deadlines (SLO x2): 0 + 8*2 = 16, 1 + 2*2 = 5, 5: r1 and r2 miss. Turnaround / isoReal: 8/8, 9/2,
    // 11/2 (mean 11/3); STP 3 / (12 - 0).
    expect(r.deadline).toEqual([16, 5, 5]);
    expect(r.metrics).toEqual({ violationRate: 2 / 3, antt: (8 / 8 + 9 / 2 + 11 / 2) / 3, stp: 3 / 12 });
    // Scores are the arrivals.
    expect(r.decisions[1].score).toEqual([0, 1, 1]);
  });
});
