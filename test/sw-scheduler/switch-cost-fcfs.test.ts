// --switch-cost S with FCFS on a busy accelerator: no preemption, one dispatch per request, so the
// makespan grows by exactly (requests - 1) x S (the first layer of a run is not charged).
import { describe, expect, it } from 'vitest';
import { simulate } from '../../sw-scheduler/engine.ts';
import { getPolicy } from '../../sw-scheduler/policies/index.ts';
import { compileTrace, generatePoissonTrace } from '../../sw-scheduler/requests.ts';
import { zooWorkload } from '../../sw-scheduler/zoo/zoo.ts';
import { run, tinyTrace, tinyWorkload } from './helpers.ts';

const makespan = (finish: number[] | Float64Array) => Math.max(...finish);

describe('switch cost with fcfs', () => {
  it('by hand: 4 requests, 3 switches of 0.125 s', () => {
    const workload = tinyWorkload({ a: [[[0.5, 0.25], [0, 0.5]]], b: [[[1, 0.75, 0.5], [0, 0.5, 0.5]]] });
    const trace = tinyTrace(10, [[0, 'b', 0, 1], [0, 'a', 0, 1], [0.25, 'b', 0, 1], [0.5, 'a', 0, 1]]);
    const base = run(workload, trace, 'fcfs');
    const charged = run(workload, trace, 'fcfs', {}, undefined, undefined, 0.125);
    expect(base.finish).toEqual([2.25, 3, 5.25, 6]);
    expect(charged.dispatches).toBe(4);
    // Each later request starts 0.125 s later than the one before it would have.
    expect(charged.finish).toEqual([2.25, 3.125, 5.5, 6.375]);
    expect(makespan(charged.finish) - makespan(base.finish)).toBe((charged.dispatches - 1) * 0.125);
  });

  it('on the CNN zoo, 300 requests arriving within 0.3 ms: + 299 x 1 ms', () => {
    const w = zooWorkload('cnn');
    const compiled = compileTrace(w, generatePoissonTrace(w, { rate: 1e6, count: 300, seed: 3, sloMult: 10 }));
    const base = simulate(compiled, getPolicy('fcfs'));
    const charged = simulate(compiled, getPolicy('fcfs'), { switchCost: 0.001 });
    expect(charged.dispatches).toBe(300);
    expect(makespan(charged.finish) - makespan(base.finish)).toBeCloseTo(299 * 0.001, 9);
  });
});
