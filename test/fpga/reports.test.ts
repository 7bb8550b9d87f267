// The report parsers on real tool output (test/fixtures/fpga/: a 2-lane NPU tile through Yosys 0.23,
// nextpnr-ice40 0.4 and icetime on this machine), and the resource/fit arithmetic.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { overflowMessage, resourcesOf, TARGETS } from '../../fpga/devices.ts';
import { nextpnrError, parseIcetime, parseNextpnrReport, parseYosysStat, ReportError } from '../../fpga/reports.ts';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/fpga/${name}`, import.meta.url)), 'utf8');

describe('report parsers on real output', () => {
  it('nextpnr --report: Fmax of the clock, utilisation, the critical path\'s levels', () => {
    const r = parseNextpnrReport(fixture('nextpnr-report-up5k.json'));
    expect(r.fmaxMHz).toBe(23.03);
    expect(r.constraintMHz).toBe(200);
    expect(r.clock).toBe('clk$SB_IO_IN_$glb_clk');
    expect(r.utilization.ICESTORM_LC).toEqual({ used: 1101, available: 5280 });
    expect(r.utilization.ICESTORM_DSP).toEqual({ used: 2, available: 8 });
    // The path printed in the log: relu_en -> LUTs -> 32-bit saturating compare carry chain -> out_data.
    expect(r.criticalPath!.lutLevels).toBeGreaterThanOrEqual(6);
    expect(r.criticalPath!.carrySteps).toBeGreaterThanOrEqual(16);
    expect(r.criticalPath!.logicNs + r.criticalPath!.routingNs).toBeCloseTo(1000 / 23.03, 0);
  });

  it('icetime: total path delay and its MHz', () => {
    expect(parseIcetime(fixture('icetime-up5k.txt'))).toEqual({ delayNs: 42.38, fmaxMHz: 23.6, logicLevels: 39 });
    expect(() => parseIcetime('// Reading 5k chipdb file..\nCan\'t find chipdb file for device 5k\n')).toThrow(/apt-get install fpga-icestorm-chipdb/);
    expect(() => parseIcetime('nothing useful')).toThrow(ReportError);
  });

  it('nextpnr log: the reason it stopped', () => {
    expect(nextpnrError(fixture('nextpnr-error.log'))).toBe("Unable to place cell 'u_top.u_array.sum_0_SB_MAC16_O_DSP', no BELs remaining to implement cell type 'ICESTORM_DSP'");
    expect(nextpnrError('Info: all fine\n')).toBeUndefined();
  });

  it('yosys stat -json: cell counts of the top, and LUT/FF/DSP/BRAM from them', () => {
    const cells = parseYosysStat(fixture('yosys-stat-xcup.json'), 'npu_tile');
    expect(cells).toMatchObject({ CARRY4: 48, DSP48E2: 2, FDRE: 259, FDSE: 15, RAMB18E2: 1, MUXF7: 503 });
    // LUT1..6 = 32 + 139 + 473 + 46 + 38 + 84; a RAMB18 is half a RAMB36.
    expect(resourcesOf(cells, 'xilinx')).toEqual({ luts: 812, ffs: 274, dsps: 2, brams: 0.5 });
    expect(() => parseYosysStat('{"x": 1}')).toThrow(/num_cells_by_type/);
  });

  it('iCE40 resources and a design that does not fit: which resource and by how much', () => {
    const used = resourcesOf({ SB_LUT4: 6000, SB_DFFE: 100, SB_DFF: 20, SB_CARRY: 50, SB_MAC16: 10, SB_RAM40_4K: 3 }, 'ice40');
    expect(used).toEqual({ luts: 6000, ffs: 120, dsps: 10, brams: 3 });
    expect(overflowMessage(used, TARGETS['ice40-up5k'])).toBe('does not fit iCE40UP5K-SG48: LUT 6000 of 5280 (720 over, 114%); DSP 10 of 8 (2 over, 125%)');
    expect(overflowMessage({ luts: 10, ffs: 10, dsps: 1, brams: 0 }, TARGETS['ice40-hx8k'])).toBe('does not fit iCE40HX8K-CT256: DSP 1 (the device has none)');
    expect(overflowMessage({ luts: 5280, ffs: 5280, dsps: 8, brams: 30 }, TARGETS['ice40-up5k'])).toBeUndefined();
  });
});
