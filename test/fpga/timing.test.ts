// The worst-path search on small hand-made netlists (Yosys write_json shape), with expected delays
// added up here from the documented UltraScale+ figures (fpga/delay-model.ts header), not from the model.
import { describe, expect, it } from 'vitest';
import { worstPath, type YosysCell, type YosysModule } from '../../fpga/timing.ts';

const ff = (d: number, q: number): YosysCell => ({ type: 'FDRE', parameters: {}, port_directions: { C: 'input', CE: 'input', D: 'input', R: 'input', Q: 'output' }, connections: { C: [1], CE: ['1'], R: ['0'], D: [d], Q: [q] } });
const lut2 = (a: number, b: number, o: number): YosysCell => ({ type: 'LUT2', parameters: {}, port_directions: { I0: 'input', I1: 'input', O: 'output' }, connections: { I0: [a], I1: [b], O: [o] } });
const net = (fanout: number) => 0.19 + 0.016 * Math.log2(fanout);
const FF_TCO = 0.093, FF_SETUP = 0.05, LUT = 0.12;

describe('worst register-to-register path', () => {
  it('FF -> LUT -> CARRY4 (S[0] to O[3]) -> FF, with fanout on the first net', () => {
    const mod: YosysModule = {
      ports: { clk: { direction: 'input', bits: [1] }, x: { direction: 'input', bits: [2] } },
      cells: {
        a: ff(2, 10),
        l: lut2(10, 2, 11),
        other: lut2(10, 10, 12),
        c: { type: 'CARRY4', parameters: {}, port_directions: { CI: 'input', CYINIT: 'input', DI: 'input', S: 'input', O: 'output', CO: 'output' }, connections: { CI: ['0'], CYINIT: ['0'], DI: ['0', '0', '0', '0'], S: [11, '1', '1', '1'], O: [20, 21, 22, 13], CO: [23, 24, 25, 26] } },
        b: ff(13, 14),
        sink: ff(12, 15),
      },
      netnames: { a_q: { bits: [10] }, b_q: { bits: [14] }, x: { bits: [2] } },
    };
    const p = worstPath(mod, 'xcup')!;
    const want = FF_TCO + net(3) + LUT + net(1) + (0.14 + 3 * 0.018) + net(1) + FF_SETUP;
    expect(p.delayNs).toBeCloseTo(want, 3);
    expect(p.from).toBe('a_q');
    expect(p.to).toBe('b_q');
    expect(p.cells.map((c) => c.type)).toEqual(['FDRE', 'LUT2', 'CARRY4', 'FDRE']);
    expect([p.lutLevels, p.carryCells, p.carryBits, p.dsps, p.brams]).toEqual([1, 1, 4, 0, 0]);
    expect(p.estimatedMHz).toBeCloseTo(1000 / want, 0);
  });

  it('a DSP48E2 is one combinational arc without registers, and cuts the path with PREG', () => {
    const dsp = (preg: number): YosysCell => ({
      type: 'DSP48E2',
      parameters: { AREG: '0', BREG: '0', MREG: '0', PREG: String(preg) },
      port_directions: { A: 'input', B: 'input', CLK: 'input', P: 'output' },
      connections: { A: [10], B: [11], CLK: [1], P: [12] },
    });
    const mod = (preg: number): YosysModule => ({
      ports: { clk: { direction: 'input', bits: [1] } },
      cells: { a: ff(2, 10), b: ff(3, 11), m: dsp(preg), q: ff(12, 13) },
      netnames: {},
    });
    const comb = worstPath(mod(0), 'xcup')!;
    expect(comb.delayNs).toBeCloseTo(FF_TCO + net(1) + (0.195 + 0.888 + 0.699 + 0.141) + net(1) + FF_SETUP, 3);
    expect(comb.dsps).toBe(1);
    const piped = worstPath(mod(1), 'xcup')!;
    // Into the DSP: input stage, multiplier, ALU, then the P register's setup (0.1).
    expect(piped.delayNs).toBeCloseTo(FF_TCO + net(1) + 0.195 + 0.888 + 0.699 + 0.1, 3);
    expect(piped.cells.map((c) => c.type)).toEqual(['FDRE', 'DSP48E2']);
  });

  it('counts the most DSPs and RAMs on any path, not only on the worst one', () => {
    const dsp = (a: number, p: number, preg = 0): YosysCell => ({
      type: 'DSP48E2',
      parameters: { AREG: '0', BREG: '0', MREG: '0', PREG: String(preg) },
      port_directions: { A: 'input', B: 'input', CLK: 'input', P: 'output' },
      connections: { A: [a], B: [a], CLK: [1], P: [p] },
    });
    const ram: YosysCell = { type: 'RAMB18E2', parameters: { DOB_REG: '0' }, port_directions: { CLKBWRCLK: 'input', ADDRBWRADDR: 'input', DOUTBDOUT: 'output' }, connections: { CLKBWRCLK: [1], ADDRBWRADDR: [30], DOUTBDOUT: [31] } };
    // A long LUT chain (the worst path) beside RAM -> DSP -> DSP -> FF (three hard blocks, shorter).
    const chain: Record<string, YosysCell> = {};
    for (let i = 0; i < 20; i++) chain[`l${i}`] = lut2(40 + i, 40 + i, 41 + i);
    const mod: YosysModule = {
      ports: { clk: { direction: 'input', bits: [1] } },
      cells: { ...chain, s: ff(2, 40), e: ff(60, 61), a: ff(3, 30), ram, d1: dsp(31, 32), d2: dsp(32, 33), q: ff(33, 34) },
      netnames: {},
    };
    const p = worstPath(mod, 'xcup')!;
    expect(p.lutLevels).toBe(20);
    expect(p.dsps + p.brams).toBe(0);
    expect(p.mostHardBlocks).toBe(3);
    // With the first DSP's output register the chain is cut in two: RAM -> DSP and DSP -> DSP -> FF.
    const cut: YosysModule = { ...mod, cells: { ...mod.cells, d1: dsp(31, 32, 1) } };
    expect(worstPath(cut, 'xcup')!.mostHardBlocks).toBe(2);
  });
});
