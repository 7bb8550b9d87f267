// The modules gen-rtl adds for a vendor flow (the AXI4-Lite shell and top, the out-of-context
// wrappers) are clean under `verilator --lint-only -Wall` and latch-free in Yosys, for three
// configurations (narrow, default, wide).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { elaborationCheck, lintVerilog } from '../../cosim/lint.ts';
import { generateDesign, parseConfig, writeDesign } from '../../hwgen/index.ts';
import { tempDir } from '../helpers.ts';

const configs: [string, Record<string, unknown>][] = [
  ['narrow: 1 lane, D=1, no time skip', { peArray: { lanes: 1, weightDepth: 16, maxRows: 15, accWidth: 20 }, scheduler: { log2Tasks: 1, log2Variants: 1, log2MaxLayers: 1, latencyWidth: 16, recipWidth: 8, penaltyScaleWidth: 8, scoreWidth: 12, timeSkip: 0 } }],
  ['default', {}],
  ['wide: D=10, 64-bit time, 94-bit cmd_data, 48-bit score', { scheduler: { log2Tasks: 10, timeWidth: 64, latencyWidth: 48, recipWidth: 40, scoreWidth: 48, penaltyScaleWidth: 40, log2Variants: 8, log2MaxLayers: 10 } }],
];

describe('vendor-flow modules: lint and latch-free', () => {
  const root = tempDir();
  it.each(configs)('%s', async (name, raw) => {
    const design = generateDesign(parseConfig(raw));
    const dir = join(root, name.split(':')[0]!);
    writeDesign(design, dir);
    const added = ['dysta_axi_shell', 'dysta_scheduler_axi', ...design.manifest.tops.filter((t) => t.endsWith('_ooc'))];
    expect(added).toHaveLength(6);
    for (const top of added) {
      const lint = await lintVerilog(dir, top);
      expect(lint.output, top).toBe('');
      expect(lint.clean).toBe(true);
    }
    for (const top of ['dysta_axi_shell', 'npu_tile_ooc']) {
      const y = await elaborationCheck(dir, top);
      expect(y.log, top).toBe('');
      expect(y.ok).toBe(true);
    }
  });
});
