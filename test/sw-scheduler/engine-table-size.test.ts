// A finite task table (the hardware's 2^D entries) in the float engine: requests that arrive while
// it is full wait outside it and are admitted, in arrival order, at the end of a layer while the task
// that ran it still holds its slot; without a size the published semantics are unchanged.
import { describe, expect, it } from 'vitest';
import { compileTrace, generatePoissonTrace } from '../../sw-scheduler/requests.ts';
import { simulate, simulateWithDecisionLog } from '../../sw-scheduler/engine.ts';
import { getPolicy } from '../../sw-scheduler/policies/index.ts';
import { workloadCapacity } from '../../sw-scheduler/sweep.ts';
import { zooWorkload } from '../../sw-scheduler/zoo/zoo.ts';
import { tinyTrace, tinyWorkload } from './helpers.ts';

// Every layer lasts 1 s; x has 2 layers, y one.
const workload = tinyWorkload({ x: [[[1, 1], [0.5, 0.5]]], y: [[[1], [0.5]]] });

describe('engine: finite task table', () => {
  it('holds arrivals while the table is full; the finishing task keeps its slot through the admissions', () => {
    // r0 (x) starts at 0. r1..r3 (y) arrive during its first layer; a 2-entry table takes r1 only.
    const trace = tinyTrace(100, [
      [0, 'x', 0, 1],
      [0.1, 'y', 0, 1],
      [0.2, 'y', 0, 1],
      [0.3, 'y', 0, 1],
    ]);
    const compiled = compileTrace(workload, trace);
    const { decisions, result } = simulateWithDecisionLog(compiled, getPolicy('fcfs'), { tableSize: 2 });
    // t=1: {r0, r1}; r0 runs its last layer until 2. t=2: r0 finished but held its slot while r2 was
    // considered, so the ready set is {r1}; r2 enters at the end of r1's layer (t=3), r3 at t=4.
    expect(decisions.map((d) => [d.time, d.ready, d.chosen])).toEqual([
      [0, [0], 0],
      [1, [0, 1], 0],
      [2, [1], 1],
      [3, [2], 2],
      [4, [3], 3],
    ]);
    expect(Array.from(result.finish)).toEqual([2, 3, 4, 5]);
    // Unlimited: every arrival is admitted at the first layer boundary after it.
    const free = simulateWithDecisionLog(compiled, getPolicy('fcfs'));
    expect(free.decisions.map((d) => d.ready)).toEqual([[0], [0, 1, 2, 3], [1, 2, 3], [2, 3], [3]]);
  });

  it('a table at least as large as the trace changes nothing, bit for bit', () => {
    const cnn = zooWorkload('cnn');
    const compiled = compileTrace(cnn, generatePoissonTrace(cnn, { rate: 1.2 * workloadCapacity(cnn), count: 150, seed: 4, sloMult: 5 }));
    for (const name of ['dysta', 'prema', 'mhg']) {
      const a = simulate(compiled, getPolicy(name));
      const b = simulate(compiled, getPolicy(name), { tableSize: 150 });
      expect(Array.from(b.finish)).toEqual(Array.from(a.finish));
      // A small table under overload changes the schedule and delays requests.
      const c = simulate(compiled, getPolicy(name), { tableSize: 4 });
      expect(Array.from(c.finish)).not.toEqual(Array.from(a.finish));
    }
  });

  it('rejects a table size that is not a whole number >= 1', () => {
    const compiled = compileTrace(workload, tinyTrace(10, [[0, 'x', 0, 1]]));
    for (const bad of [0, 1.5, -3, Number.NaN]) expect(() => simulate(compiled, getPolicy('fcfs'), { tableSize: bad })).toThrow(/task table size must be a whole number >= 1/);
  });
});
