// The engine's admission rule: an empty accelerator admits the next request and never moves time
// backwards ([fix] of ALGORITHMS.md section 3); further requests are admitted only if they arrived
// strictly before now.
import { describe, expect, it } from 'vitest';
import { run, tinyTrace, tinyWorkload } from './helpers.ts';

const workload = tinyWorkload({ x: [[[1, 1], [0, 0.5]]] });
// r1 arrives while r0 runs (1.5 < 2); r2 and r3 arrive together after a gap.
const trace = tinyTrace(10, [
  [0, 'x', 0, 1],
  [1.5, 'x', 0, 1],
  [5, 'x', 0, 1],
  [5, 'x', 0, 1],
]);

describe('engine admission', () => {
  it('waits for the next arrival when idle, and never runs time backwards', () => {
    const r = run(workload, trace, 'fcfs');
    // r1 arrived at 1.5 but the accelerator was busy until 2: it starts at 2, not 1.5.
    expect(r.times).toEqual([0, 1, 2, 3, 5, 6, 7, 8]);
    expect(r.chosen).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(r.finish).toEqual([2, 4, 7, 9]);
  });

  it('admits further requests only when they arrived strictly before now', () => {
    const r = run(workload, trace, 'fcfs');
    // At t=5 r2 is admitted by the idle rule; r3 (also 5) is not, until time passes 5.
    expect(r.decisions.map((d) => d.ready)).toEqual([[0], [0], [1], [1], [2], [2, 3], [3], [3]]);
  });

  it('counts one decision per executed layer', () => {
    const r = run(workload, trace, 'dysta');
    expect(r.decisions).toHaveLength(8);
    expect(r.decisions.map((d) => d.layer)).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
  });
});
