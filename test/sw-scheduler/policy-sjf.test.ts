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
  });

  it('differs from plain sjf, which sees a tie and keeps admission order', () => {
    const r = run(workload, trace, 'sjf');
    expect(r.decisions[1].predicted).toEqual([2, 2]);
    expect(r.chosen).toEqual([0, 0, 1]);
    expect(r.finish).toEqual([2, 4]);
  });
});
