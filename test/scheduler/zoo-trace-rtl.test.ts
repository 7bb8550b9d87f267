// A zoo trace on the RTL: the CNN and attention zoos' requests (Poisson arrivals, per-sample layer
// latencies and sparsity) played on the scheduler with a trace NPU, for dysta + gamma, dysta +
// regression and mhg + regression (mhg_vio's registers on attention): the RTL's log equals the golden
// model's line for line, so the RTL's violation rate and ANTT (from its completion times) are the
// golden model's; they are reported beside the float model's in `npm run bench:scheduler-hw`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchedulerSim } from '../../cosim/scheduler/driver.ts';
import { mhgParamsQ, schedulerFormats, type HwConfig } from '../../hwgen/index.ts';
import { MHG_VIO } from '../../hwgen/scheduler/mhg-golden.ts';
import { logMetrics, zooRun } from '../../compare/zoo-script.ts';
import { openScheduler, runAndCompare } from './helpers.ts';

describe.each([
  ['dysta + gamma', { log2Tasks: 4 }, 'dysta', 'cnn'],
  ['dysta + regression', { log2Tasks: 4, predictor: 'regression' }, 'dysta', 'attention'],
  ['mhg + regression', { log2Tasks: 4, policy: 'mhg', predictor: 'regression' }, 'mhg', 'cnn'],
  ['mhg_vio + regression', { log2Tasks: 4, policy: 'mhg', predictor: 'regression' }, 'mhg_vio', 'attention'],
] as const)('zoo trace on the RTL: %s', (name, scheduler, policy, workload) => {
  let sim: SchedulerSim;
  let config: HwConfig;
  beforeAll(async () => {
    ({ sim, config } = await openScheduler(scheduler, `zoo${name.replace(/[^a-z]/g, '')}`));
  });
  afterAll(async () => sim?.close());

  it(`${workload} zoo, 150 requests: RTL = golden line for line; metrics from the RTL's completions`, async () => {
    const f = schedulerFormats(config.scheduler);
    const run = zooRun(config.scheduler, { workload, requests: 150, load: 0.9, sloMult: 6, seed: 3, policy, ...(policy === 'mhg_vio' ? { mhgParams: mhgParamsQ(f, MHG_VIO) } : {}) });
    const rtl = await runAndCompare(sim, config, run.script);
    const m = logMetrics(rtl.lines, run);
    expect(m.completed).toBe(150);
    expect(m.antt).toBeGreaterThanOrEqual(1);
    expect(m.violationRate).toBeGreaterThanOrEqual(0);
    // The RTL adds its decision latency and a 16-entry table; the float model does neither.
    expect(Math.abs(m.violationRate - run.float.violationRate)).toBeLessThan(0.15);
  });
});
