// Yosys synthesises the PE array, the monitor and the NPU tile with no latches and no driver
// problems (`proc` + latch-cell assertion + `check -assert`).
import { describe, expect, it } from 'vitest';
import { synthesize } from '../../cosim/lint.ts';
import { generateDesign, parseConfig, writeDesign } from '../../hwgen/index.ts';
import { tempDir } from '../helpers.ts';

describe('yosys synthesis', () => {
  const dir = tempDir();
  // A small buffer keeps generic synthesis (which maps memories to flip-flops) quick.
  writeDesign(generateDesign(parseConfig({ peArray: { lanes: 8, weightDepth: 32 } })), dir);

  it.each(['pe_array', 'sparsity_monitor', 'npu_tile'])('%s synthesises without latches', async (top) => {
    const r = await synthesize(dir, top);
    expect(r.totalCells).toBeGreaterThan(0);
    expect(Object.keys(r.cells).filter((t) => /LATCH/i.test(t))).toEqual([]);
    // Real arithmetic survived optimisation: the array has flip-flops and logic.
    expect(Object.keys(r.cells).some((t) => /DFF/.test(t))).toBe(true);
  });
});
