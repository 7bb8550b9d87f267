// planaria: p / (D - t) under the artifact's max-rule, including overdue (negative) scores, a zero
// slack (infinite score) and both kinds of exact ties.
import { describe, expect, it } from 'vitest';
import { run, tinyTrace, tinyWorkload } from './helpers.ts';

describe('planaria', () => {
  const workload = tinyWorkload({ a: [[[1, 1], [0, 0.5]]], b: [[[4, 4], [0, 0.5]]] });

  it('passes over overdue tasks while a non-negative choice exists, then lets the last overdue task win', () => {
    // SLO multiplier 1: deadlines 8, 2.5, 3, 5.5.
    const trace = tinyTrace(1, [
      [0, 'b', 0, 1],
      [0.5, 'a', 0, 9],
      [1, 'a', 0, 1],
      [3.5, 'a', 0, 3],
    ]);
    const r = run(workload, trace, 'planaria');
    expect(r.deadline).toEqual([8, 2.5, 3, 5.5]);
    expect(r.decisions[1].score).toEqual([0.25, -6, -1, 2]);
    // At t=10 r1 (-1.2) is the choice first, but a negative choice is replaced by the next task (r2).
    expect(r.chosen).toEqual([0, 3, 3, 0, 2, 2, 1, 1]);
    expect(r.times).toEqual([0, 4, 5, 6, 10, 11, 12, 13]);
    expect(r.finish).toEqual([10, 14, 12, 6]);
    expect(r.metrics.violationRate).toBe(1);
  });

  it('replaces the choice on an exact tie when both arrived at the same time', () => {
    const trace = tinyTrace(10, [
      [0, 'b', 0, 1],
      [1, 'a', 0, 1],
      [1, 'a', 0, 1],
    ]);
    const r = run(workload, trace, 'planaria');
    expect(r.chosen).toEqual([0, 2, 2, 1, 1, 0]);
    expect(r.finish).toEqual([12, 8, 6]);
    // Deadlines 80, 21, 21: none missed.
    expect(r.metrics).toEqual({ violationRate: 0, antt: (12 / 8 + 7 / 2 + 5 / 2) / 3, stp: 3 / 12 });
  });

  it('gives zero slack an infinite score and keeps the earlier arrival on a tie, even when overdue', () => {
    const w = tinyWorkload({ a3: [[[1, 2], [0, 0.5]]], a2: [[[1, 1], [0, 0.5]]], b: [[[4, 4], [0, 0.5]]] });
    // Deadlines: 8, 1 + 3 = 4, 2 + 2 = 4: at t = 4 both small tasks have zero slack.
    const trace = tinyTrace(1, [
      [0, 'b', 0, 1],
      [1, 'a3', 0, 1],
      [2, 'a2', 0, 1],
    ]);
    const r = run(w, trace, 'planaria');
    expect(r.decisions[1].score).toEqual([0.25, Infinity, Infinity]);
    // t=9: both score -0.2; r1 arrived earlier and stays the choice.
    expect(r.decisions[3].time).toBe(9);
    expect(r.decisions[3].score).toEqual([-0.2, -0.2]);
    expect(r.chosen).toEqual([0, 1, 0, 1, 2, 2]);
    expect(r.finish).toEqual([9, 11, 13]);
    // All three miss (9 > 8, 11 > 4, 13 > 4); isoReal 8, 3, 2: ANTT (9/8 + 10/3 + 11/2) / 3; STP 3 / 13.
    expect(r.metrics).toEqual({ violationRate: 1, antt: (9 / 8 + 10 / 3 + 11 / 2) / 3, stp: 3 / 13 });
  });
});
