// simulateAll runs several policies side by side, a decision each in turn (so V8 optimises the engine
// once for all of them); every result must be what simulate gives for that policy alone, bit for bit,
// whatever the options of the other runs.
import { describe, expect, it } from 'vitest';
import { simulate, simulateAll, type DecisionRecord, type SimulationOptions, type SimulationResult } from '../../sw-scheduler/engine.ts';
import { ALL_POLICIES, getPolicy } from '../../sw-scheduler/policies/index.ts';
import { getPredictor } from '../../sw-scheduler/predictors.ts';
import { compileTrace, generatePoissonTrace } from '../../sw-scheduler/requests.ts';
import { workloadCapacity } from '../../sw-scheduler/sweep.ts';
import { zooWorkload } from '../../sw-scheduler/zoo/zoo.ts';

const cnn = zooWorkload('cnn');
// Overloaded (load 1.3), so ready sets grow and the policies disagree; 173 requests (not a round number).
const compiled = compileTrace(cnn, generatePoissonTrace(cnn, { rate: 1.3 * workloadCapacity(cnn), count: 173, seed: 11, sloMult: 4 }));

const plain = (r: SimulationResult) => ({
  policy: r.policy,
  finish: Array.from(r.finish),
  deadline: Array.from(r.deadline),
  isoReal: Array.from(r.isoReal),
  decisions: r.decisions,
  dispatches: r.dispatches,
});

describe('simulateAll', () => {
  it('gives each of the 13 policies exactly its simulate result', () => {
    const runs = ALL_POLICIES.map((policy) => ({ policy }));
    const together = simulateAll(compiled, runs);
    expect(together.map((r) => r.policy)).toEqual(ALL_POLICIES.map((p) => p.name));
    ALL_POLICIES.forEach((policy, i) => expect(plain(together[i]!), policy.name).toEqual(plain(simulate(compiled, policy))));
    // The policies do differ here (or the comparison above would prove little).
    expect(new Set(together.map((r) => Array.from(r.finish).join())).size).toBeGreaterThan(8);
  });

  it('keeps each run to its own options: predictor, parameters, switch cost, table size, the same policy twice', () => {
    const runs: { policy: ReturnType<typeof getPolicy>; options: SimulationOptions }[] = [
      { policy: getPolicy('dysta'), options: { predictor: getPredictor('last') } },
      { policy: getPolicy('dysta'), options: { params: { beta: 0.3 }, switchCost: 0.002 } },
      { policy: getPolicy('sdrm3_sparse'), options: { params: { alpha: 0.5 }, tableSize: 5 } },
      { policy: getPolicy('prema_sparse'), options: { predictor: getPredictor('last-n', 3), tableSize: 1 } },
      { policy: getPolicy('fcfs'), options: { switchCost: 0.01 } },
      { policy: getPolicy('mhg'), options: { predictor: getPredictor('none'), params: { sigma: 2 } } },
    ];
    const together = simulateAll(compiled, runs);
    runs.forEach(({ policy, options }, i) => expect(plain(together[i]!), `${policy.name} #${i}`).toEqual(plain(simulate(compiled, policy, options))));
    expect(together[0]!.finish).not.toEqual(together[1]!.finish);
  });

  it('calls each run its own decision callback with the decisions simulate gives', () => {
    const names = ['sjf', 'planaria', 'dysta_oracle'];
    const logs: DecisionRecord[][] = names.map(() => []);
    simulateAll(compiled, names.map((name, i) => ({ policy: getPolicy(name), options: { onDecision: (d: DecisionRecord) => logs[i]!.push(d) } })));
    names.forEach((name, i) => {
      const alone: DecisionRecord[] = [];
      simulate(compiled, getPolicy(name), { onDecision: (d) => alone.push(d) });
      expect(logs[i], name).toEqual(alone);
    });
  });

  it('refuses bad options before running anything, as simulate does', () => {
    expect(() => simulateAll(compiled, [{ policy: getPolicy('fcfs') }, { policy: getPolicy('sjf'), options: { switchCost: -1 } }])).toThrow(/--switch-cost must be a non-negative number/);
    expect(() => simulateAll(compiled, [{ policy: getPolicy('fcfs'), options: { tableSize: 0 } }])).toThrow(/task table size must be a whole number >= 1/);
    expect(simulateAll(compiled, [])).toEqual([]);
  });
});
