// dysta and dysta_naive: score = P + beta * (max(0, slack - P) + waiting / isoEst / N), smallest wins;
// dysta uses the pattern's profile and the monitor, dysta_naive the architecture's average.
import { describe, expect, it } from 'vitest';
import { run, tinyTrace, tinyWorkload } from './helpers.ts';

describe('dysta', () => {
  const workload = tinyWorkload({ a: [[[1, 1], [0, 0.5]]], b: [[[4, 4], [0, 0.5]]] });
  const trace = tinyTrace(10, [
    [0, 'b', 0, 1],
    [1, 'a', 0, 1],
  ]);

  it('computes the score exactly (beta = 0.25 keeps the arithmetic exact)', () => {
    const r = run(workload, trace, 'dysta', { beta: 0.25 });
    expect(r.decisions[0].score).toEqual([8 + 0.25 * 72]);
    // t=4, N=2: r0 4 + 0.25 * (72 + 0); r1 2 + 0.25 * (15 + (4-1)/2/2).
    expect(r.decisions[1].score).toEqual([22, 5.9375]);
    // t=5: r0 waited 1 s: penalty 1/8/2.
    expect(r.decisions[2].score).toEqual([21.765625, 4.75]);
    expect(r.chosen).toEqual([0, 1, 1, 0]);
    expect(r.finish).toEqual([10, 6]);
    expect(r.metrics).toEqual({ violationRate: 0, antt: (10 / 8 + 5 / 2) / 2, stp: 2 / 10 });
  });

  it('uses beta = 0.01 by default', () => {
    const r = run(workload, trace, 'dysta');
    expect(r.decisions[1].score).toEqual([4 + 0.01 * (72 + 0), 2 + 0.01 * (15 + 0.75)]);
    expect(r.chosen).toEqual([0, 1, 1, 0]);
  });

  it('breaks exact ties by admission order', () => {
    const tie = tinyTrace(10, [
      [0, 'b', 0, 1],
      [1, 'a', 0, 1],
      [1, 'a', 0, 1],
    ]);
    const r = run(workload, tie, 'dysta', { beta: 0.25 });
    expect(r.decisions[1].score[1]).toBe(r.decisions[1].score[2]);
    expect(r.chosen.slice(0, 3)).toEqual([0, 1, 1]);
    expect(r.chosen).toEqual([0, 1, 1, 2, 2, 0]);
    expect(r.finish).toEqual([12, 6, 8]);
    // Deadlines 80, 21, 21; isoReal 8, 2, 2: ANTT (12/8 + 5/2 + 7/2) / 3 = 2.5; STP 3 / 12.
    expect(r.metrics).toEqual({ violationRate: 0, antt: 2.5, stp: 0.25 });
  });
});

describe('dysta vs dysta_naive', () => {
  // Two patterns of one architecture: fast (1 s layers) and slow (3 s layers); Larch = [2, 2].
  const workload = tinyWorkload({ p_fast: [[[1, 1], [0, 0.5]]], p_slow: [[[3, 3], [0, 0.5]]] });
  const trace = tinyTrace(10, [
    [0, 'p_slow', 0, 1],
    [0.5, 'p_fast', 0, 1],
  ]);

  it('dysta sees the fast pattern as shorter and runs it first', () => {
    const r = run(workload, trace, 'dysta');
    expect(r.deadline).toEqual([40, 40.5]);
    expect(r.decisions[1].predicted).toEqual([3, 2]);
    expect(r.chosen).toEqual([0, 1, 1, 0]);
    expect(r.finish).toEqual([8, 5]);
    // isoReal 6, 2: ANTT (8/6 + 4.5/2) / 2; STP 2 / 8.
    expect(r.metrics).toEqual({ violationRate: 0, antt: (8 / 6 + 4.5 / 2) / 2, stp: 0.25 });
  });

  it('dysta_naive sees the architecture average and keeps the slow task', () => {
    const r = run(workload, trace, 'dysta_naive');
    expect(r.decisions[1].predicted).toEqual([2, 4]);
    expect(r.decisions[1].score).toEqual([2 + 0.01 * (35 + 0), 4 + 0.01 * (33.5 + (3 - 0.5) / 4 / 2)]);
    expect(r.chosen).toEqual([0, 0, 1, 1]);
    expect(r.finish).toEqual([6, 8]);
    // Deadlines 40, 40.5 (Tarch = (2 + 6) / 2 = 4); isoReal 6, 2: ANTT (6/6 + 7.5/2) / 2 = 2.375; STP 2 / 8.
    expect(r.metrics).toEqual({ violationRate: 0, antt: 2.375, stp: 0.25 });
  });
});
