// prema / prema_sparse: tokens accumulate priority x waiting / isolated latency at every decision;
// the threshold (9, 3 or 1) from the largest updated token decides which tasks may run.
import { describe, expect, it } from 'vitest';
import { run, tinyTrace, tinyWorkload } from './helpers.ts';

const workload = tinyWorkload({ a: [[[1, 1], [0, 0.5]]], b: [[[2, 2, 2, 2], [0, 0.5, 0.5, 0.5]]] });

describe('prema', () => {
  it('threshold 9: a high-priority long task shuts out a shorter one', () => {
    const trace = tinyTrace(10, [
      [0, 'a', 0, 1],
      [0.5, 'b', 0, 9],
      [1, 'a', 0, 1],
    ]);
    const r = run(workload, trace, 'prema');
    expect(r.chosen).toEqual([0, 0, 1, 1, 1, 1, 2, 2]);
    // Tokens (scores): a fresh token is the priority and does not count toward the maximum.
    expect(r.decisions[1].score).toEqual([1, 9]);
    // 9 + 9 * ((2 - 0.5) / 8) = 10.6875 >= 9, so r2 (token 1, shorter) is no candidate.
    expect(r.decisions[2].score).toEqual([10.6875, 1]);
    expect(r.decisions[3].score).toEqual([10.6875, 2.5]);
    expect(r.decisions[5].score).toEqual([10.6875, 8.5]);
    expect(r.decisions[6].score).toEqual([13]);
    expect(r.finish).toEqual([2, 10, 12]);
    expect(r.metrics).toEqual({ violationRate: 0, antt: (2 / 2 + 9.5 / 8 + 11 / 2) / 3, stp: 3 / 12 });
  });

  it('threshold 3, then a tie on remaining time among candidates goes to the first', () => {
    const trace = tinyTrace(10, [
      [0, 'b', 0, 3],
      [0.5, 'a', 0, 1],
    ]);
    const r = run(workload, trace, 'prema');
    expect(r.decisions.map((d) => d.score)).toEqual([[3], [3, 1], [3, 2.75], [3, 5.5], [9.25], [9.25]]);
    // At t=2 the shorter r1 (token 1 < 3) may not run; at t=6 both are candidates with 2 s left.
    expect(r.chosen).toEqual([0, 0, 0, 0, 1, 1]);
    expect(r.finish).toEqual([8, 10]);
    // Deadlines 80, 20.5; ANTT (8/8 + 9.5/2) / 2 = 2.875; STP 2 / 10.
    expect(r.metrics).toEqual({ violationRate: 0, antt: 2.875, stp: 0.2 });
  });
});

describe('prema_sparse', () => {
  const monitored = tinyWorkload({
    m: [
      [[1, 1], [0.25, 0.5]],
      [[1, 3], [0.75, 0.5]],
    ],
    n: [[[2], [0.5]]],
    k: [[[3], [0.5]]],
  });

  it("compares candidates by their own gamma * sum(E)", () => {
    const trace = tinyTrace(10, [
      [0, 'm', 0, 1],
      [0.5, 'n', 0, 1],
    ]);
    const sparse = run(monitored, trace, 'prema_sparse');
    expect(sparse.decisions[1].predicted).toEqual([3, 2]);
    // t=1: r0's token 1 + 1 * (1 - 1) / (1.5 * 2) = 1 (the maximum), r1's fresh 1: threshold 1, both candidates.
    expect(sparse.decisions[1].score).toEqual([1, 1]);
    expect(sparse.chosen).toEqual([0, 1, 0]);
    expect(sparse.finish).toEqual([4, 3]);
    // Deadlines 0 + 3 * 10 = 30, 0.5 + 2 * 10 = 20.5; isoReal 2, 2: ANTT (4/2 + 2.5/2) / 2 = 1.625; STP 2 / 4.
    expect(sparse.deadline).toEqual([30, 20.5]);
    expect(sparse.metrics).toEqual({ violationRate: 0, antt: 1.625, stp: 0.5 });
    const plain = run(monitored, trace, 'prema');
    expect(plain.chosen).toEqual([0, 0, 1]);
  });

  it('breaks an exact tie of gamma * sum(E) among candidates by admission order', () => {
    // k: one 3 s layer. At t=1 both tokens are 1 (threshold 1) and r0's 1.5 * 2 = 3 equals r1's 3.
    const r = run(monitored, tinyTrace(10, [[0, 'm', 0, 1], [0.5, 'k', 0, 1]]), 'prema_sparse');
    expect(r.decisions[1].predicted).toEqual([3, 3]);
    expect(r.decisions[1].score).toEqual([1, 1]);
    expect(r.chosen).toEqual([0, 0, 1]);
    // t=2: r1 alone, token 1 + 1 * (2 - 0.5) / (1 * 3) = 1.5.
    expect(r.decisions[2].score).toEqual([1.5]);
    expect(r.finish).toEqual([2, 5]);
    // Deadlines 30, 30.5; isoReal 2, 3: ANTT (2/2 + 4.5/3) / 2 = 1.25; STP 2 / 5.
    expect(r.metrics).toEqual({ violationRate: 0, antt: 1.25, stp: 0.4 });
  });
});
