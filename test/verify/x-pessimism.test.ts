// X-pessimism: the suites on the default design built with `--x-assign unique --x-initial unique`
// and run with random initial values (`+verilator+rand+reset+2`). Registers without a reset start
// anywhere and the harness drives every input from time 0, so a design or a harness that relied on
// Verilator's zero initialisation fails here. (`dysta cosim` runs every case so, seeds 1 and 2.)
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../hwgen/index.ts';
import { planNpu } from '../../verify/npu.ts';
import { planScheduler } from '../../verify/scheduler.ts';
import { planSystem } from '../../verify/system.ts';
import { tempDir } from '../helpers.ts';
import { designFor, runSuites } from './helpers.ts';

const root = tempDir('dysta-x-');
const { config, dir } = designFor(defaultConfig(), root, 'rtl');

describe('X-pessimism: random initial values', () => {
  it.each([1, 2])('npu suite, seed %i', async (xSeed) => {
    const r = await runSuites(dir, config, [planNpu(config.peArray, { seeds: 1, rows: 16, seed: 11 })], { instrument: { xSeed } });
    expect(r.failed.map((c) => `${c.name}: ${c.message}`)).toEqual([]);
    expect(r.cases.length).toBe(26);
  }, 300_000);

  it('scheduler suite (random, corners, hostile host), seed 1', async () => {
    const only = ['random-1', 'table-full', 'equal-scores', 'saturation', 'documented-timing', 'inv-n-table', 'hostile-admissions', 'hostile-time-skips', 'hostile-events'];
    const r = await runSuites(dir, config, [planScheduler(config, { seed: 11 })], { only, instrument: { xSeed: 1 } });
    expect(r.failed.map((c) => `${c.name}: ${c.message}`)).toEqual([]);
    expect(r.cases.length).toBe(only.length);
  }, 300_000);

  it('system suite on the design under test, seed 2', async () => {
    const r = await runSuites(dir, config, [planSystem(config, { seed: 11 })], { only: ['configured-light', 'go-without-decision', 'skips-and-extra-beats'], instrument: { xSeed: 2 } });
    expect(r.failed.map((c) => `${c.name}: ${c.message}`)).toEqual([]);
    expect(r.cases.every((c) => c.status === 'pass')).toBe(true);
  }, 300_000);
});
