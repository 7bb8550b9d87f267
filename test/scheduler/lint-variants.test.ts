// The scheduler's predictor and policy variants are clean under `verilator --lint-only -Wall` and
// elaborate in Yosys without latches, multiple drivers or loops, memories kept as memories:
// regression (with several units), mhg, and mhg + regression at the largest table (D = 10).
import { describe, expect, it } from 'vitest';
import { elaborationCheck, lintVerilog } from '../../cosim/lint.ts';
import { schedulerDesign } from './helpers.ts';

const configs: [string, Record<string, number | string>][] = [
  ['regression, D=6, 4 units', { log2Tasks: 6, selectorUnits: 4, predictor: 'regression' }],
  ['mhg, D=6', { log2Tasks: 6, policy: 'mhg' }],
  ['mhg + regression, D=9, no time skip', { log2Tasks: 9, policy: 'mhg', predictor: 'regression', timeSkip: 0 }],
  ['mhg + regression, D=10, 1024 layers, narrow parameters', { log2Tasks: 10, log2MaxLayers: 10, policy: 'mhg', predictor: 'regression', mhgParamFracBits: 8, mhgInvIsoFracBits: 24, mhgInvIsoWidth: 16 }],
];

describe('dysta_scheduler variants: lint and elaboration', () => {
  it.each(configs)('%s: verilator -Wall clean, yosys without latches', async (name, scheduler) => {
    const { dir } = schedulerDesign(scheduler, name.replace(/[^A-Za-z0-9]/g, ''));
    const lint = await lintVerilog(dir, 'dysta_scheduler');
    expect(lint.output).toBe('');
    const y = await elaborationCheck(dir, 'dysta_scheduler', { expectMemories: true });
    expect(y.log).toBe('');
    expect(y.ok).toBe(true);
  });
});
