// sjf / sjf_sparse: smallest predicted remaining latency, preempting at layer boundaries; the
// sparse variant's monitor changes the prediction (and here the decision).
import { describe, expect, it } from 'vitest';
import { run, tinyTrace, tinyWorkload } from './helpers.ts';

describe('sjf', () => {
  it('preempts the long job at a layer boundary and breaks ties by admission order', () => {
    const workload = tinyWorkload({ a: [[[1, 1], [0, 0.5]]], b: [[[2, 2, 2], [0, 0.5, 0.5]]] });
    const trace = tinyTrace(10, [
      [0, 'b', 0, 1],
      [0.5, 'a', 0, 1],
      [0.5, 'a', 0, 1],
    ]);
    const r = run(workload, trace, 'sjf');
    expect(r.chosen).toEqual([0, 1, 1, 2, 2, 0, 0]);
    expect(r.decisions[1].predicted).toEqual([4, 2, 2]);
    expect(r.finish).toEqual([10, 4, 6]);
    expect(r.metrics).toEqual({ violationRate: 0, antt: (10 / 6 + 3.5 / 2 + 5.5 / 2) / 3, stp: 3 / 10 });
  });
});

describe('sjf_sparse', () => {
  // Variant m: sample 0 is denser than average in layer 0 (density 0.75 vs 0.5), so gamma = 1.5 and
  // its remaining 2 s look like 3 s; n is a plain 2 s job.
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
  ]);

  it('uses gamma * sum(E) from the monitor', () => {
    const r = run(workload, trace, 'sjf_sparse');
    expect(r.decisions[1].gamma).toEqual([1.5, 1]);
    expect(r.decisions[1].predicted).toEqual([3, 2]);
    expect(r.chosen).toEqual([0, 1, 0]);
    expect(r.finish).toEqual([4, 3]);
    // Deadlines: Tarch(m) = mean(2, 4) = 3 -> 30; Tarch(n) = 2 -> 20.5. isoReal 2, 2:
    // ANTT (4/2 + 2.5/2) / 2 = 1.625; STP 2 / 4.
    expect(r.deadline).toEqual([30, 20.5]);
    expect(r.metrics).toEqual({ violationRate: 0, antt: 1.625, stp: 0.5 });
  });

  it('breaks an exact tie of gamma * sum(E) by admission order', () => {
    // k: one 3 s layer. At t=1 r0's monitored P = 1.5 * 2 = 3 equals r1's 3: r0 (admitted first) runs on.
    const tie = tinyWorkload({
      m: [
        [[1, 1], [0.25, 0.5]],
        [[1, 3], [0.75, 0.5]],
      ],
      k: [[[3], [0.5]]],
    });
    const r = run(tie, tinyTrace(10, [[0, 'm', 0, 1], [0.5, 'k', 0, 1]]), 'sjf_sparse');
    expect(r.decisions[1].gamma).toEqual([1.5, 1]);
    expect(r.decisions[1].predicted).toEqual([3, 3]);
    expect(r.chosen).toEqual([0, 0, 1]);
    expect(r.times).toEqual([0, 1, 2]);
    expect(r.finish).toEqual([2, 5]);
    // Deadlines 30, 0.5 + 30 = 30.5; isoReal 2, 3: ANTT (2/2 + 4.5/3) / 2 = 1.25; STP 2 / 5.
    expect(r.deadline).toEqual([30, 30.5]);
    expect(r.metrics).toEqual({ violationRate: 0, antt: 1.25, stp: 0.4 });
  });

  it('differs from plain sjf, which sees a tie and keeps admission order', () => {
    const r = run(workload, trace, 'sjf');
    expect(r.decisions[1].predicted).toEqual([2, 2]);
    expect(r.chosen).toEqual([0, 0, 1]);
    expect(r.finish).toEqual([2, 4]);
  });
});
