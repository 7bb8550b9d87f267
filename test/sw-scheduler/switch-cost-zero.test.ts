// --switch-cost 0 is the published semantics bit for bit: every policy makes the same decisions with
// the same finish times as a run without the option, on both zoo workloads at two loads.
import { describe, expect, it } from 'vitest';
import { simulate, simulateWithDecisionLog } from '../../sw-scheduler/engine.ts';
import { ALL_POLICIES } from '../../sw-scheduler/policies/index.ts';
import { compileTrace, generatePoissonTrace } from '../../sw-scheduler/requests.ts';
import { workloadCapacity } from '../../sw-scheduler/sweep.ts';
import { zooWorkload } from '../../sw-scheduler/zoo/zoo.ts';

describe.each(['cnn', 'attention'])('switch cost 0 on %s', (name) => {
  const w = zooWorkload(name);
  const compiled = [0.8, 1.2].map((load, i) => compileTrace(w, generatePoissonTrace(w, { rate: load * workloadCapacity(w), count: 150, seed: 40 + i, sloMult: 4 })));
  it.each(ALL_POLICIES.map((p) => [p.name, p] as const))('%s', (_name, policy) => {
    for (const c of compiled) {
      const plain = simulateWithDecisionLog(c, policy);
      const zero = simulateWithDecisionLog(c, policy, { switchCost: 0 });
      expect(zero.decisions).toEqual(plain.decisions);
      expect(Array.from(zero.result.finish)).toEqual(Array.from(plain.result.finish));
      expect(zero.result.dispatches).toBe(plain.result.dispatches);
    }
  });

  it('rejects a negative or non-finite cost', () => {
    expect(() => simulate(compiled[0], ALL_POLICIES[0], { switchCost: -1 })).toThrow(/--switch-cost must be a non-negative number of seconds, got -1/);
    expect(() => simulate(compiled[0], ALL_POLICIES[0], { switchCost: NaN })).toThrow(/--switch-cost/);
  });
});
