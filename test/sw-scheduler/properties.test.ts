// Properties on random traces, every policy (all 13: the eleven published ones and mhg, mhg_vio): each request finishes exactly once, layers never overlap,
// nothing finishes before arrival + its true isolated latency, and dysta_oracle's ANTT is what its
// per-request records imply.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCsvFolder } from '../../sw-scheduler/csv.ts';
import { simulateWithDecisionLog } from '../../sw-scheduler/engine.ts';
import { computeMetrics, requestRecords } from '../../sw-scheduler/metrics.ts';
import { ALL_POLICIES } from '../../sw-scheduler/policies/index.ts';
import { compileTrace, generatePoissonTrace } from '../../sw-scheduler/requests.ts';
import { workloadCapacity } from '../../sw-scheduler/sweep.ts';
import { zooWorkload } from '../../sw-scheduler/zoo/zoo.ts';
import { FIXTURES } from './helpers.ts';

const workloads = [zooWorkload('cnn'), zooWorkload('attention'), importCsvFolder(join(FIXTURES, 'eyerissv2'))];
const cases = workloads.flatMap((w) => [0.6, 1.2].flatMap((load) => [11, 12].map((seed) => ({ w, load, seed }))));

it('covers all 13 policies', () => {
  expect(ALL_POLICIES.map((p) => p.name)).toEqual([
    'fcfs', 'sjf', 'sjf_sparse', 'prema', 'prema_sparse', 'planaria', 'sdrm3', 'sdrm3_sparse', 'dysta', 'dysta_naive', 'dysta_oracle', 'mhg', 'mhg_vio',
  ]);
});

describe.each(cases)('random trace $w.name load $load seed $seed', ({ w, load, seed }) => {
  const trace = generatePoissonTrace(w, { rate: load * workloadCapacity(w), count: 150, seed, sloMult: 4 });
  const compiled = compileTrace(w, trace);

  it.each(ALL_POLICIES.map((p) => [p.name, p] as const))('%s', (_name, policy) => {
    const { result, decisions } = simulateWithDecisionLog(compiled, policy);
    const layersRun = new Array(compiled.count).fill(0);
    const problems: string[] = [];
    let previousEnd = -Infinity;
    for (const dec of decisions) {
      // The chosen task is ready, runs its next layer, starts no earlier than the previous layer ended
      // and no earlier than it arrived. (Collected, then asserted once: expect() per decision is slow.)
      if (!dec.ready.includes(dec.chosen)) problems.push(`decision ${dec.index}: chosen ${dec.chosen} not ready`);
      if (dec.layer !== layersRun[dec.chosen]) problems.push(`decision ${dec.index}: layer ${dec.layer} out of order`);
      if (dec.time < previousEnd) problems.push(`decision ${dec.index}: starts at ${dec.time} before the previous layer ends at ${previousEnd}`);
      if (dec.time < trace.requests[dec.chosen].arrival) problems.push(`decision ${dec.index}: runs request ${dec.chosen} before it arrives`);
      const v = w.variants[compiled.variantIndex[dec.chosen]];
      previousEnd = dec.time + v.latency[compiled.sampleIndex[dec.chosen] * v.layers + dec.layer];
      layersRun[dec.chosen]++;
    }
    compiled.trace.requests.forEach((r, i) => {
      const v = w.variantByName.get(r.variant)!;
      // Every layer of every request ran exactly once, so each request finished exactly once.
      if (layersRun[i] !== v.layers) problems.push(`request ${i}: ran ${layersRun[i]} of ${v.layers} layers`);
      // Finish >= arrival + isolated latency; the two sums round differently, so allow 1e-12 relative.
      if (!(result.finish[i] >= (r.arrival + result.isoReal[i]) * (1 - 1e-12))) problems.push(`request ${i}: finished at ${result.finish[i]}, before arrival + isolated latency`);
    });
    expect(problems).toEqual([]);
    expect(decisions.length).toBe(result.decisions);
    expect(layersRun.reduce((a, b) => a + b, 0)).toBe(decisions.length);
  });

  it("dysta_oracle's ANTT equals the mean implied by its per-request records", () => {
    const oracle = ALL_POLICIES.find((p) => p.name === 'dysta_oracle')!;
    const { result } = simulateWithDecisionLog(compiled, oracle);
    const records = requestRecords(result);
    let sum = 0;
    records.forEach((rec) => {
      const v = w.variantByName.get(rec.variant)!;
      const s = v.sampleIndexById.get(rec.sample)!;
      let iso = 0;
      for (let l = 0; l < v.layers; l++) iso += v.latency[s * v.layers + l];
      sum += (rec.finish - rec.arrival) / iso;
    });
    expect(computeMetrics(result).antt).toBe(sum / records.length);
  });
});
