// The hostile host's memo (runHostile's HostileMemo): a run that drives and sees exactly what a
// passing run of the same plan did is judged as that run was; anything else is checked edge by edge.
import { describe, expect, it } from 'vitest';
import { SchedulerSim } from '../../cosim/scheduler/driver.ts';
import { defaultConfig } from '../../hwgen/index.ts';
import { SchedCycleHost } from '../../verify/scheduler-host.ts';
import { contractVariants, runHostile, type HostileMemo, type HostilePlan, type HostileResult } from '../../verify/scheduler-contract.ts';
import { tempDir } from '../helpers.ts';
import { designFor } from './helpers.ts';

const root = tempDir('dysta-hostile-memo-');
const { config, dir } = designFor(defaultConfig(), root, 'rtl');
const cfg = config.scheduler;

/** One run in a simulator of its own, as each pass of the regression (a new process) runs the case. */
async function run(plan: HostilePlan, memo: HostileMemo): Promise<HostileResult> {
  const sim = await SchedulerSim.open(dir, { trace: 'none' });
  try {
    const host = new SchedCycleHost(sim.session, sim.shape, { timeSkip: cfg.timeSkip === 1, extraWatch: ['cmd_data', 'npu_layer_done', 'npu_count_ext', 'npu_count'] });
    return await runHostile(host, cfg, contractVariants(cfg), plan, memo);
  } finally {
    await sim.close();
  }
}

describe('runHostile with a memo', () => {
  it('reuses a passing run only for the same inputs and edges, and checks any other run in full', async () => {
    const plan: HostilePlan = { offer: 0.3, evReady: 0.4, commands: true, layerCycles: [1, 12], decisions: 12, seed: 5 };
    const memo: HostileMemo = {};
    const first = await run(plan, memo);
    expect(first.decisions).toBeGreaterThanOrEqual(12);
    expect(memo.result).toEqual(first);
    expect(memo.key).toContain('|');
    // The same run again: judged from the memo (a marked result proves it was taken from there).
    memo.result = { ...first, heldEvents: -1 };
    expect((await run(plan, memo)).heldEvents).toBe(-1);
    // A memo of other edges: this run is checked edge by edge (and the memo replaced by it).
    memo.key = `${memo.key}0`;
    expect(await run(plan, memo)).toEqual(first);
    expect(memo.result).toEqual(first);
    // Another plan never matches the first plan's memo.
    const other = await run({ ...plan, seed: 6 }, memo);
    expect(other).not.toEqual(first);
  }, 300_000);
});
