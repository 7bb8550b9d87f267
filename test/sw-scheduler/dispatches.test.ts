// Dispatches (runs of consecutive layers of one task) and where the switch cost is charged, on the
// hand-worked sjf trace: b runs a layer, is preempted by a, a, then resumes.
import { describe, expect, it } from 'vitest';
import { run, tinyTrace, tinyWorkload } from './helpers.ts';

const workload = tinyWorkload({ a: [[[1, 1], [0, 0.5]]], b: [[[2, 2, 2], [0, 0.5, 0.5]]] });
const trace = tinyTrace(10, [[0, 'b', 0, 1], [0.5, 'a', 0, 1], [0.5, 'a', 0, 1]]);

describe('dispatches and switch cost', () => {
  it('counts 4 dispatches for the schedule b | a a | a a | b b', () => {
    const r = run(workload, trace, 'sjf');
    expect(r.chosen).toEqual([0, 1, 1, 2, 2, 0, 0]);
    expect(r.dispatches).toBe(4);
  });

  it('charges 0.5 s before each of the 3 switches, not within a dispatch', () => {
    const r = run(workload, trace, 'sjf', {}, undefined, undefined, 0.5);
    expect(r.chosen).toEqual([0, 1, 1, 2, 2, 0, 0]);
    // b0 0..2; switch 2..2.5, a 2.5..4.5; switch 4.5..5, a 5..7; switch 7..7.5, b 7.5..11.5.
    expect(r.times).toEqual([0, 2, 3.5, 4.5, 6, 7, 9.5]);
    expect(r.finish).toEqual([11.5, 4.5, 7]);
  });
});
