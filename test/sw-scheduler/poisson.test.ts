// Poisson generation (ALGORITHMS.md section 2): deterministic from a seed, in the documented draw
// order, with samples over all of a variant's samples.
import { mersenne, unsafeUniformIntDistribution } from 'pure-rand';
import { describe, expect, it } from 'vitest';
import { generatePoissonTrace } from '../../sw-scheduler/requests.ts';
import { zooWorkload } from '../../sw-scheduler/zoo/zoo.ts';

const workload = zooWorkload('cnn');

describe('Poisson requests', () => {
  it('follow the documented draw order exactly', () => {
    const trace = generatePoissonTrace(workload, { rate: 5, count: 50, seed: 42, sloMult: 10 });
    const rng = mersenne(42);
    let t = 0;
    for (const r of trace.requests) {
      const hi = unsafeUniformIntDistribution(0, 2 ** 26 - 1, rng);
      const lo = unsafeUniformIntDistribution(0, 2 ** 27 - 1, rng);
      t += -Math.log(1 - (hi * 2 ** 27 + lo) / 2 ** 53) / 5;
      const v = workload.variants[unsafeUniformIntDistribution(0, workload.variants.length - 1, rng)];
      const p = [1, 3, 9][unsafeUniformIntDistribution(0, 2, rng)];
      const s = v.sampleIds[unsafeUniformIntDistribution(0, v.sampleIds.length - 1, rng)];
      expect(r).toEqual({ arrival: t, variant: v.name, sample: s, priority: p });
    }
  });

  it('are reproducible from the seed and differ between seeds', () => {
    const a = generatePoissonTrace(workload, { rate: 5, count: 100, seed: 1, sloMult: 10 });
    const b = generatePoissonTrace(workload, { rate: 5, count: 100, seed: 1, sloMult: 10 });
    const c = generatePoissonTrace(workload, { rate: 5, count: 100, seed: 2, sloMult: 10 });
    expect(a).toEqual(b);
    expect(a.requests[0].arrival).not.toBe(c.requests[0].arrival);
  });

  it('have the requested rate, all priorities, all variants and samples beyond 0..6', () => {
    const { requests } = generatePoissonTrace(workload, { rate: 20, count: 20000, seed: 3, sloMult: 10 });
    const meanGap = requests[requests.length - 1].arrival / requests.length;
    expect(Math.abs(meanGap - 1 / 20) / (1 / 20)).toBeLessThan(0.03);
    expect(new Set(requests.map((r) => r.priority))).toEqual(new Set([1, 3, 9]));
    expect(new Set(requests.map((r) => r.variant)).size).toBe(12);
    expect(Math.max(...requests.map((r) => r.sample))).toBeGreaterThan(190);
    expect(requests.every((r, i) => i === 0 || r.arrival >= requests[i - 1].arrival)).toBe(true);
  });

  it('reject bad parameters with the option name', () => {
    expect(() => generatePoissonTrace(workload, { rate: 0, count: 1, seed: 1, sloMult: 1 })).toThrow(/--rate must be a positive number/);
    expect(() => generatePoissonTrace(workload, { rate: 1, count: 0, seed: 1, sloMult: 1 })).toThrow(/--requests must be a whole number >= 1/);
    expect(() => generatePoissonTrace(workload, { rate: 1, count: 1, seed: -1, sloMult: 1 })).toThrow(/--seed must be a whole number from 0 to 2147483647/);
    expect(() => generatePoissonTrace(workload, { rate: 1, count: 1, seed: 1, sloMult: 0 })).toThrow(/SLO multiplier must be a positive number/);
  });
});
