// A zoo trace on the RTL through the trace suite's own path (compare/trace-cosim.ts, what `dysta
// cosim --suite trace` runs): the CNN and attention zoos' requests (Poisson arrivals, per-sample layer
// latencies and sparsity) on the scheduler with a trace NPU, for dysta + gamma, dysta + regression,
// mhg + regression and mhg_vio + regression (the same build, other registers). The RTL's log equals
// the golden model's line for line, so its violation rate and ANTT are the golden model's; the float
// policy, following the golden schedule, agrees on nearly every decision.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchedulerSim } from '../../cosim/scheduler/driver.ts';
import type { HwConfig } from '../../hwgen/index.ts';
import { runTraceCosim, type MhgPolicyName } from '../../compare/trace-cosim.ts';
import { compileTrace, generatePoissonTrace, workloadCapacity, zooWorkload } from '../../sw-scheduler/index.ts';
import { openScheduler } from './helpers.ts';

describe.each([
  ['dysta + gamma', { log2Tasks: 4 }, 'mhg', 'cnn', 'dysta'],
  ['dysta + regression', { log2Tasks: 4, predictor: 'regression' }, 'mhg', 'attention', 'dysta (regression)'],
  ['mhg + regression', { log2Tasks: 4, policy: 'mhg', predictor: 'regression' }, 'mhg', 'cnn', 'mhg (regression)'],
  ['mhg_vio + regression', { log2Tasks: 4, policy: 'mhg', predictor: 'regression' }, 'mhg_vio', 'attention', 'mhg_vio (regression)'],
] as const)('zoo trace on the RTL: %s', (name, scheduler, mhgPolicy, zoo, label) => {
  let sim: SchedulerSim;
  let config: HwConfig;
  beforeAll(async () => {
    ({ sim, config } = await openScheduler(scheduler, `zoo${name.replace(/[^a-z]/g, '')}`));
  });
  afterAll(async () => sim?.close());

  it(`${zoo} zoo, 150 requests: RTL = golden line for line, the same metrics; the float policy agrees`, async () => {
    const workload = zooWorkload(zoo);
    const trace = generatePoissonTrace(workload, { rate: 0.9 * workloadCapacity(workload), count: 150, seed: 3, sloMult: 6 });
    const compiled = compileTrace(workload, trace, 6);
    const r = await runTraceCosim({ cfg: config.scheduler, sim, workload, compiled, mhgPolicy: mhgPolicy as MhgPolicyName });
    expect(r.policy).toBe(label);
    expect(r.firstDifference).toBeNull();
    expect(r.agreement.rtlVsGolden).toBe(1);
    expect(r.metrics.rtl.violationRate).toBe(r.metrics.golden.violationRate);
    expect(r.metrics.rtl.antt).toBe(r.metrics.golden.antt);
    expect(r.metrics.rtl.stp).toBe(r.metrics.golden.stp);
    expect(r.agreement.goldenVsFloat).toBeGreaterThanOrEqual(0.99);
  });
});
