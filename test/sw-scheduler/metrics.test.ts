// Metrics: violation rate (finish > deadline, strictly), ANTT, STP; per-request records in trace order.
import { describe, expect, it } from 'vitest';
import { compileTrace } from '../../sw-scheduler/requests.ts';
import { simulate } from '../../sw-scheduler/engine.ts';
import { computeMetrics, requestRecords } from '../../sw-scheduler/metrics.ts';
import { getPolicy } from '../../sw-scheduler/policies/index.ts';
import { tinyTrace, tinyWorkload } from './helpers.ts';

const workload = tinyWorkload({ a: [[[1, 1], [0, 0.5]]], b: [[[4, 4], [0, 0.5]]] });

describe('metrics', () => {
  // fcfs: r0 runs 0..8, r1 8..10, r2 10..12; deadlines 16, 5, 5.
  const trace = tinyTrace(2, [
    [0, 'b', 0, 1],
    [1, 'a', 0, 9],
    [1, 'a', 0, 3],
  ]);
  const result = simulate(compileTrace(workload, trace), getPolicy('fcfs'));

  it('computes violation rate, ANTT and STP', () => {
    const m = computeMetrics(result);
    expect(m.violationRate).toBe(2 / 3);
    expect(m.antt).toBe((8 / 8 + 9 / 2 + 11 / 2) / 3);
    expect(m.stp).toBe(3 / 12);
  });

  it('does not count finishing exactly at the deadline as a violation', () => {
    // Alone, b finishes at 8 = 0 + 8 * 1.
    const r = simulate(compileTrace(workload, tinyTrace(1, [[0, 'b', 0, 1]])), getPolicy('dysta'));
    expect(r.finish[0]).toBe(8);
    expect(r.deadline[0]).toBe(8);
    expect(computeMetrics(r).violationRate).toBe(0);
  });

  it('measures STP from the first arrival', () => {
    const r = simulate(compileTrace(workload, tinyTrace(1, [[10, 'a', 0, 1]])), getPolicy('fcfs'));
    expect(computeMetrics(r).stp).toBe(1 / 2);
  });

  it('records each request in trace order', () => {
    expect(requestRecords(result)).toEqual([
      { arrival: 0, variant: 'b', sample: 0, priority: 1, deadline: 16, finish: 8 },
      { arrival: 1, variant: 'a', sample: 0, priority: 9, deadline: 5, finish: 10 },
      { arrival: 1, variant: 'a', sample: 0, priority: 3, deadline: 5, finish: 12 },
    ]);
  });
});
