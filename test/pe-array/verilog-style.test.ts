// The generated PE array, monitor, NPU tile and system read as hand-written Verilog: the lanes are a
// `generate` loop of one `pe_lane` module (not N copies), the monitor's population count is a `for`
// loop, constants derived from the config are named `localparam`s, and there are no generator
// artefacts (`_tN` temporaries, `{1{...}}` replications, reductions of a single bit, endless lines).
// (Icarus Verilog elaborates every top: test/hwgen/iverilog.test.ts.)
import { describe, expect, it } from 'vitest';
import { generateDesign, parseConfig } from '../../hwgen/index.ts';

const MINE = ['pe_lane.v', 'pe_array.v', 'sparsity_monitor.v', 'npu_tile.v', 'dysta_system.v'];

describe('PE array, monitor, tile and system Verilog style', () => {
  it.each([
    ['16 lanes', { lanes: 16 }],
    ['13 lanes, 5-bit activations', { lanes: 13, actWidth: 5, weightWidth: 7, accWidth: 24, weightDepth: 64 }],
    ['2 lanes, LUT multiplier', { lanes: 2, multiplier: 'lut' }],
    ['13 lanes, 5-bit activations, LUT multiplier', { lanes: 13, actWidth: 5, weightWidth: 7, accWidth: 24, weightDepth: 64, multiplier: 'lut' }],
  ] as [string, Record<string, number | string>][])('%s', (_name, peArray) => {
    const design = generateDesign(parseConfig({ peArray }));
    const text = (f: string) => design.files.get(f)!;
    const lanes = peArray.lanes as number;
    // One lane module, instantiated once inside a generate loop over the lanes.
    const array = text('pe_array.v');
    expect(array).toContain(`for (j = 0; j < ${lanes}; j = j + 1) begin : lane`);
    expect(array.match(/pe_lane u_mac \(/g)).toHaveLength(1);
    expect(array).toMatch(/\.weight\s+\(mac_weights\[j\*\d+ \+: \d+\]\)/);
    expect(array).not.toMatch(/acc_\d+|requant_\d+/);
    // The monitor counts non-zero lanes with a loop, not an expression per lane.
    const monitor = text('sparsity_monitor.v');
    expect(monitor).toContain(`for (i = 0; i < ${lanes}; i = i + 1) begin`);
    expect(monitor).toContain(`assign lane_nonzero[j] = |lane_data[j*${peArray.actWidth ?? 8} +: ${peArray.actWidth ?? 8}];`);
    // Saturation bounds are named constants.
    expect(text('pe_lane.v')).toMatch(/localparam signed \[\d+:0\] OUT_MAX = /);
    expect(text('pe_lane.v')).toMatch(/fits \? \$signed\(shifted\[\d+:0\]\) : shifted\[\d+\] \? OUT_MIN : OUT_MAX/);
    for (const f of MINE) {
      const v = text(f);
      expect(v, f).not.toMatch(/\b_t\d+\b/);
      expect(v, f).not.toContain('{1{');
      expect(v, f).not.toMatch(/[|&^]\(?\w+\[\d+\]\)?(?![:\w])/); // a reduction of one bit
      for (const line of v.split('\n')) expect(line.length, `${f}: ${line.slice(0, 60)}...`).toBeLessThanOrEqual(160);
    }
  });
});
