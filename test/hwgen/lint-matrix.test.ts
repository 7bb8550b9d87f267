// `verilator --lint-only -Wall` must be clean for every generated module across a spread of
// parameter combinations (both multipliers: `multiplier: 'lut'` at 2, 3, 9 and 16 bits), and generation
// must be deterministic.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintVerilog } from '../../cosim/lint.ts';
import { defaultConfig, generateDesign, parseConfig, writeDesign, type PeArrayConfig } from '../../hwgen/index.ts';
import { tempDir } from '../helpers.ts';

const combos: Partial<PeArrayConfig>[] = [
  {},
  { lanes: 1 },
  { lanes: 2, weightDepth: 2, accWidth: 17 },
  { lanes: 3, weightDepth: 8 },
  { lanes: 4, actWidth: 4, weightWidth: 4, accWidth: 12, weightDepth: 16 },
  { lanes: 5, maxRows: 1 },
  { lanes: 7, actWidth: 2, weightWidth: 2, accWidth: 5, weightDepth: 2, multiplier: 'lut' },
  { lanes: 8, weightDepth: 64, maxRows: 100 },
  { lanes: 8, actWidth: 16, weightWidth: 16, accWidth: 48, weightDepth: 65536, multiplier: 'lut' },
  { lanes: 12, weightWidth: 4, accWidth: 24 },
  { lanes: 16, actWidth: 6, weightWidth: 10, accWidth: 26 },
  { lanes: 16, accWidth: 64 },
  { lanes: 31, weightDepth: 32 },
  { lanes: 32, maxRows: 16777215 },
  { lanes: 33, actWidth: 3, weightWidth: 5, accWidth: 12, weightDepth: 16, multiplier: 'lut' },
  { lanes: 48, weightDepth: 256 },
  { lanes: 64 },
  { lanes: 64, actWidth: 12, weightWidth: 12, accWidth: 40, weightDepth: 4096 },
  { lanes: 2, actWidth: 8, weightWidth: 2, accWidth: 11, weightDepth: 2 },
  { lanes: 6, maxRows: 3, weightDepth: 4 },
  { lanes: 9, actWidth: 9, weightWidth: 7, accWidth: 30, weightDepth: 128, multiplier: 'lut' },
  { lanes: 20, maxRows: 4095, weightDepth: 512 },
];

describe('lint matrix', () => {
  const root = tempDir();
  it.each(combos.map((c, i) => [i, c] as const))('combination %i %j is lint-clean', async (i, combo) => {
    const config = parseConfig({ peArray: combo });
    const dir = join(root, `c${i}`);
    writeDesign(generateDesign(config), dir);
    for (const top of ['npu_tile', 'pe_array', 'pe_lane', 'sparsity_monitor']) {
      const r = await lintVerilog(dir, top);
      expect(r.output).toBe('');
      expect(r.clean).toBe(true);
    }
  });
  it('has at least 20 combinations', () => expect(combos.length).toBeGreaterThanOrEqual(20));

  it('generates the same bytes for the same config', () => {
    const a = generateDesign(defaultConfig());
    const b = generateDesign(structuredClone(defaultConfig()));
    expect([...a.files.entries()]).toEqual([...b.files.entries()]);
  });
});
