// Lockstep with another implementation: the float policy replays someone else's decisions (ready
// sets, times, layer end times) and says at each one what it would have chosen.
import { describe, expect, it } from 'vitest';
import { compileTrace, generatePoissonTrace } from '../../sw-scheduler/requests.ts';
import { followSchedule, simulateWithDecisionLog, type FollowStep } from '../../sw-scheduler/engine.ts';
import { getPolicy } from '../../sw-scheduler/policies/index.ts';
import { workloadCapacity } from '../../sw-scheduler/sweep.ts';
import { zooWorkload } from '../../sw-scheduler/zoo/zoo.ts';
import { tinyTrace, tinyWorkload } from './helpers.ts';

/** The steps of a float run as another implementation would report them. */
function stepsOf(decisions: ReturnType<typeof simulateWithDecisionLog>['decisions'], compiled: ReturnType<typeof compileTrace>): FollowStep[] {
  let admitted = 0;
  return decisions.map((d) => {
    admitted = Math.max(admitted, ...d.ready.map((x) => x + 1));
    const v = compiled.workload.variants[compiled.variantIndex[d.chosen]!]!;
    return { time: d.time, admitted, chosen: d.chosen, end: d.time + v.latency[compiled.sampleIndex[d.chosen]! * v.layers + d.layer]! };
  });
}

describe('followSchedule', () => {
  const cnn = zooWorkload('cnn');
  const compiled = compileTrace(cnn, generatePoissonTrace(cnn, { rate: 1.1 * workloadCapacity(cnn), count: 120, seed: 9, sloMult: 6 }));

  it('following its own run, a policy agrees with every decision', () => {
    for (const name of ['dysta', 'sjf_sparse', 'mhg']) {
      const policy = getPolicy(name);
      const { decisions } = simulateWithDecisionLog(compiled, policy);
      const r = followSchedule(compiled, policy, stepsOf(decisions, compiled));
      expect(r.agreed).toBe(decisions.length);
      expect(Array.from(r.choices)).toEqual(decisions.map((d) => d.chosen));
      expect(r.disagreements).toEqual([]);
    }
  });

  it("following another policy's run, it reports where it would have chosen differently", () => {
    const { decisions } = simulateWithDecisionLog(compiled, getPolicy('fcfs'));
    const r = followSchedule(compiled, getPolicy('dysta'), stepsOf(decisions, compiled), { keepDisagreements: 3 });
    expect(r.agreed).toBeLessThan(decisions.length);
    expect(r.disagreements).toHaveLength(3);
    const first = r.disagreements[0]!;
    // Same ready set and time as fcfs saw; dysta's choice is the smallest dysta score.
    expect(first.ready).toEqual(decisions[first.index]!.ready);
    expect(first.time).toBe(decisions[first.index]!.time);
    expect(first.chosen).not.toBe(decisions[first.index]!.chosen);
    expect(first.score[first.ready.indexOf(first.chosen)]).toBe(Math.min(...first.score));
  });

  it('rejects a step that runs a request that is not waiting', () => {
    const workload = tinyWorkload({ x: [[[1], [0.5]]] });
    const tiny = compileTrace(workload, tinyTrace(10, [[0, 'x', 0, 1], [0.5, 'x', 0, 1]]));
    expect(() => followSchedule(tiny, getPolicy('dysta'), [{ time: 0, admitted: 1, chosen: 1, end: 1 }])).toThrow(/request 1 is not waiting/);
  });
});
