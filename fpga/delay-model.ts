// Per-cell delay model for the worst-path estimate: how long each mapped cell takes, from which pin
// to which, and where paths start (clock-to-out) and end (setup). It is an estimate before place and
// route, to rank paths and count their levels, not a sign-off: routing is one figure per net.
//
// Sources (numbers in ns):
//  - xcup (UltraScale+, speed grade -1, slow corner): the cell delays Vivado 2021.2 prints in
//    post-synthesis timing reports of an xczu3eg-1 part (public reports): FDRE C->Q 0.093; LUT arcs
//    0.063-0.179 (0.12 used); CARRY8 S->CO[7] 0.245, CI->O[7] 0.146 (per bit 0.018); DSP48E2
//    without registers: A/B input stage 0.195, pre-adder 0.092, multiplier 0.737, M data 0.059,
//    ALU 0.699, output 0.141 (to PCOUT 0.159); DSP output register CLK->P 0.347; RAMB36E2 CLK->DOUT
//    0.830 and 1.708 (taken as with / without the output register); unplaced-net estimates 0.19-0.30
//    growing with fanout, 0.007-0.016 on carry and cascade connections. Setup times are assumptions
//    (0.05 FF, 0.20 DSP input, 0.40 BRAM).
//  - xc7 (7-series, speed grade -1): the Yosys 0.23 Xilinx cell library's own timing
//    (share/yosys/xilinx/cells_sim.v specify blocks, from Project X-Ray's Artix-7 database, used by
//    abc9): FDRE C->Q 0.303, CE setup 0.109; LUT6 pins 0.127 .. 0.642 (0.4 used); CARRY4 CI->CO[3]
//    0.114, S[0]->CO[3] 0.508; DSP48E1 A->P 2.823 combinational, from AREG 2.952, from MREG 1.671,
//    from PREG 0.329, A required 2.4 before an MREG; RAMB36E1 CLK->DO 2.454 / 0.882 with DO_REG;
//    ADDR setup 0.566. Nets 0.50 + 0.05 x log2(fanout) (typical Vivado pre-placement estimates).
//  - iCE40: nextpnr-ice40 0.4's own delays as printed in its critical-path reports on this machine
//    (UP5K: LUT 1.2, carry 0.3 per bit, DFF clock-to-out 1.4, nets 1.8-3.6; HX8K about 2.5x faster),
//    so the estimate ranks paths as nextpnr will; the placed Fmax is measured, not estimated.

export interface CellLike {
  type: string;
  parameters: Record<string, string | number>;
}

/** How a path runs through a pin pair of one cell. */
export interface CellTiming {
  /** Delay from input pin to output pin, or undefined when the output does not depend on it combinationally. */
  arc(cell: CellLike, inPort: string, inBit: number, outPort: string, outBit: number): number | undefined;
  /** Clock-to-out if this output pin starts a path (it is registered), else undefined. */
  launch(cell: CellLike, outPort: string): number | undefined;
  /** Setup if this input pin ends a path (it is registered), else undefined. */
  capture(cell: CellLike, inPort: string): number | undefined;
  /** Input pins that are clocks (ignored). */
  isClock(inPort: string): boolean;
  /** What the cell counts as on a path. */
  kind: 'lut' | 'carry' | 'mux' | 'ff' | 'dsp' | 'bram' | 'lutram' | 'buffer';
}

export interface DelayModel {
  name: string;
  /** Routing delay of a net with this fanout. */
  net(fanout: number): number;
  /** Routing delay of a dedicated connection (carry chain, DSP cascade). */
  dedicated: number;
  cells: Record<string, CellTiming>;
}

function param(cell: CellLike, name: string): number {
  const v = cell.parameters[name];
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  return /^[01]+$/.test(v) ? parseInt(v, 2) : Number(v) || 0;
}

const clockPins = new Set(['C', 'CLK', 'CLKARDCLK', 'CLKBWRCLK', 'WCLK', 'RCLK', 'WCLKN']);
const isClock = (p: string) => clockPins.has(p);

function lut(delay: number): CellTiming {
  return { kind: 'lut', arc: (_c, i) => (/^I\d$/.test(i) ? delay : undefined), launch: () => undefined, capture: () => undefined, isClock };
}
function mux(delay: number): CellTiming {
  return { kind: 'mux', arc: () => delay, launch: () => undefined, capture: () => undefined, isClock };
}
function buffer(): CellTiming {
  return { kind: 'buffer', arc: () => 0, launch: () => undefined, capture: () => undefined, isClock };
}
function ff(tco: number, setup: number): CellTiming {
  return { kind: 'ff', arc: () => undefined, launch: (_c, o) => (o === 'Q' ? tco : undefined), capture: (_c, i) => (isClock(i) ? undefined : setup), isClock };
}

/** A carry chain of `bits` stages: entering at bit j (S/DI) or at CI, leaving at O/CO bit i >= j. */
function carry(bits: number, enter: number, perBit: number): CellTiming {
  return {
    kind: 'carry',
    arc: (_c, inPort, inBit, _outPort, outBit) => {
      if (inPort === 'CI' || inPort === 'CYINIT' || inPort === 'CIN') return perBit * (outBit + 1);
      if (inPort === 'S' || inPort === 'DI') return outBit >= inBit ? enter + perBit * (outBit - inBit) : undefined;
      return undefined;
    },
    launch: () => undefined,
    capture: () => undefined,
    isClock,
  };
  void bits;
}

interface DspFigures {
  inputStage: number; // A/B/D input multiplexing before the multiplier
  mult: number; // pre-adder + multiplier + M data
  alu: number;
  out: number; // ALU result to P / PCOUT
  tcoIn: number; // clock-to-out of A/B registers
  tcoM: number;
  tcoP: number;
  setupIn: number;
  setupM: number;
  setupP: number;
}

/**
 * A DSP slice as three pipeline points: input registers (AREG/BREG/ADREG/DREG), MREG, PREG. A pin-to-pin
 * arc exists only where no register is enabled between the two; registered points start or end paths.
 */
function dsp(f: DspFigures): CellTiming {
  const multIn = (p: string) => ['A', 'B', 'D', 'ACIN', 'BCIN'].includes(p);
  const addIn = (p: string) => ['C', 'PCIN', 'CARRYIN', 'CARRYCASCIN', 'MULTSIGNIN'].includes(p);
  const ctrl = (p: string) => ['OPMODE', 'ALUMODE', 'INMODE', 'CARRYINSEL'].includes(p);
  const inReg = (c: CellLike, p: string) => (p === 'A' || p === 'ACIN' ? param(c, 'AREG') : p === 'B' || p === 'BCIN' ? param(c, 'BREG') : p === 'D' ? param(c, 'DREG') || param(c, 'ADREG') : 0) > 0;
  const out = (p: string) => ['P', 'PCOUT', 'CARRYOUT', 'CARRYCASCOUT', 'MULTSIGNOUT', 'PATTERNDETECT', 'PATTERNBDETECT', 'OVERFLOW', 'UNDERFLOW', 'XOROUT'].includes(p);
  return {
    kind: 'dsp',
    isClock,
    arc(c, inPort, _ib, outPort) {
      if (!out(outPort) || param(c, 'PREG') > 0) return undefined;
      if (multIn(inPort)) {
        if (inReg(c, inPort) || param(c, 'MREG') > 0) return undefined;
        return f.inputStage + f.mult + f.alu + f.out;
      }
      if (addIn(inPort)) return param(c, 'CREG') > 0 && inPort === 'C' ? undefined : f.alu + f.out;
      if (ctrl(inPort)) return f.alu + f.out;
      return undefined;
    },
    launch(c, outPort) {
      if (outPort === 'ACOUT' || outPort === 'BCOUT') return inReg(c, outPort === 'ACOUT' ? 'A' : 'B') ? f.tcoIn : undefined;
      if (!out(outPort)) return undefined;
      if (param(c, 'PREG') > 0) return f.tcoP;
      if (param(c, 'MREG') > 0) return f.tcoM + f.alu + f.out;
      if (param(c, 'AREG') > 0 || param(c, 'BREG') > 0) return f.tcoIn + f.mult + f.alu + f.out;
      return undefined;
    },
    capture(c, inPort) {
      if (multIn(inPort)) {
        if (inReg(c, inPort)) return f.setupIn;
        if (param(c, 'MREG') > 0) return f.inputStage + f.mult + f.setupM;
        if (param(c, 'PREG') > 0) return f.inputStage + f.mult + f.alu + f.setupP;
        return undefined;
      }
      if (addIn(inPort) || ctrl(inPort)) {
        if (inPort === 'C' && param(c, 'CREG') > 0) return f.setupIn;
        if (param(c, 'PREG') > 0) return f.alu + f.setupP;
      }
      if (inPort === 'CEA1' || inPort.startsWith('CE') || inPort.startsWith('RST')) return f.setupIn;
      return undefined;
    },
  };
}

/** Block RAM: synchronous read (data out starts a path), every other input is captured. */
function bram(tcoNoReg: number, tcoReg: number, setup: number): CellTiming {
  const outRegFor = (c: CellLike, outPort: string) => (/(DOUTA|DOA|DOUTPA|DOPA|DOUTADOUT|DOUTPADOUTP|DOADO|DOPADOP)/.test(outPort) ? param(c, 'DOA_REG') : param(c, 'DOB_REG'));
  return {
    kind: 'bram',
    isClock,
    arc: () => undefined,
    launch: (c, outPort) => (outRegFor(c, outPort) > 0 ? tcoReg : tcoNoReg),
    capture: (_c, inPort) => (isClock(inPort) ? undefined : setup),
  };
}

/** Distributed RAM / SRL: asynchronous read through the LUT (address -> out), synchronous write. */
function lutram(readDelay: number, tco: number, setup: number): CellTiming {
  const addr = (p: string) => /^(A|ADDR[A-H]|DPRA|RADR|A\d|DPRA\d)$/.test(p) || /^ADDR/.test(p);
  return {
    kind: 'lutram',
    isClock,
    arc: (_c, inPort) => (addr(inPort) ? readDelay : undefined),
    launch: () => tco,
    capture: (_c, inPort) => (isClock(inPort) || addr(inPort) ? (addr(inPort) ? setup : undefined) : setup),
  };
}

const XCUP_LUT = 0.12;
const XC7_LUT = 0.4; // between the fastest (0.127) and slowest (0.642) pin of a LUT6 in Yosys's model

function xilinxCells(o: { lut: number; mux: number; ff: [number, number]; carry4: [number, number]; carry8: [number, number]; dsp: DspFigures; bram: [number, number, number]; lutram: [number, number, number] }): Record<string, CellTiming> {
  const cells: Record<string, CellTiming> = {};
  for (let n = 1; n <= 6; n++) cells[`LUT${n}`] = lut(o.lut);
  cells.LUT6_2 = lut(o.lut);
  for (const m of ['MUXF7', 'MUXF8', 'MUXF9']) cells[m] = mux(o.mux);
  for (const t of ['FDRE', 'FDSE', 'FDCE', 'FDPE', 'FDRE_1', 'FDSE_1', 'FDCE_1', 'FDPE_1']) cells[t] = ff(o.ff[0], o.ff[1]);
  cells.CARRY4 = carry(4, o.carry4[0], o.carry4[1]);
  cells.CARRY8 = carry(8, o.carry8[0], o.carry8[1]);
  cells.DSP48E1 = dsp(o.dsp);
  cells.DSP48E2 = dsp(o.dsp);
  for (const t of ['RAMB18E1', 'RAMB36E1', 'RAMB18E2', 'RAMB36E2']) cells[t] = bram(...o.bram);
  for (const t of ['RAM32M', 'RAM64M', 'RAM32M16', 'RAM64M8', 'RAM32X1D', 'RAM64X1D', 'RAM128X1D', 'RAM256X1D', 'RAM32X1S', 'RAM64X1S', 'RAM128X1S', 'RAM256X1S', 'SRL16E', 'SRLC16E', 'SRLC32E']) cells[t] = lutram(...o.lutram);
  for (const t of ['INV', 'BUF', 'IBUF', 'OBUF', 'BUFG', 'VCC', 'GND']) cells[t] = buffer();
  return cells;
}

export const MODELS: Record<'xcup' | 'xc7' | 'ice40-up5k' | 'ice40-hx8k', DelayModel> = {
  xcup: {
    name: 'UltraScale+ -1 (Vivado post-synthesis figures)',
    net: (fo) => 0.19 + 0.016 * Math.log2(Math.max(1, fo)),
    dedicated: 0.01,
    cells: xilinxCells({
      lut: XCUP_LUT,
      mux: 0.08,
      ff: [0.093, 0.05],
      carry4: [0.14, 0.018],
      carry8: [0.14, 0.018],
      dsp: { inputStage: 0.195, mult: 0.888, alu: 0.699, out: 0.141, tcoIn: 0.3, tcoM: 0.3, tcoP: 0.347, setupIn: 0.2, setupM: 0.05, setupP: 0.1 },
      bram: [1.708, 0.83, 0.4],
      lutram: [0.3, 0.9, 0.3],
    }),
  },
  xc7: {
    name: '7-series -1 (Yosys/Project X-Ray cell timing)',
    net: (fo) => 0.5 + 0.05 * Math.log2(Math.max(1, fo)),
    dedicated: 0.0,
    cells: xilinxCells({
      lut: XC7_LUT,
      mux: 0.28,
      ff: [0.303, 0.109],
      carry4: [0.42, 0.0285],
      carry8: [0.42, 0.0285],
      // Fitted to the arcs above: A->P 0.2 + 1.252 + 1.1 + 0.271 = 2.823; MREG 0.3 + 1.371 = 1.671;
      // AREG 0.329 + 1.252 + 1.371 = 2.952; A required before MREG 0.2 + 1.252 + 0.948 = 2.4.
      dsp: { inputStage: 0.2, mult: 1.252, alu: 1.1, out: 0.271, tcoIn: 0.329, tcoM: 0.3, tcoP: 0.329, setupIn: 0.3, setupM: 0.948, setupP: 0.1 },
      bram: [2.454, 0.882, 0.566],
      lutram: [0.7, 1.2, 0.5],
    }),
  },
  'ice40-up5k': ice40Model('iCE40 UP5K (nextpnr-ice40 0.4 delays)', 1.0),
  'ice40-hx8k': ice40Model('iCE40 HX8K (nextpnr-ice40 0.4 delays)', 0.4),
};

/** iCE40 cells; `scale` multiplies the UP5K figures (HX8K is faster). */
function ice40Model(name: string, scale: number): DelayModel {
  const s = (x: number) => x * scale;
  const cells: Record<string, CellTiming> = {
    SB_LUT4: lut(s(1.2)),
    SB_CARRY: {
      kind: 'carry',
      isClock,
      arc: (_c, inPort, _ib, outPort) => (outPort === 'CO' ? (inPort === 'CI' ? s(0.3) : s(0.6)) : undefined),
      launch: () => undefined,
      capture: () => undefined,
    },
    SB_MAC16: {
      kind: 'dsp',
      isClock,
      // Registers are set per group by A_REG, B_REG, TOP/BOT_8x8_MULT_REG, PIPELINE_16x16_MULT_REG1/2,
      // TOPOUTPUT_SELECT/BOTOUTPUT_SELECT (2 or 3 = registered output); any of them breaks the arc.
      arc: (c, inPort, _ib, outPort) => (outPort === 'O' && registeredMac(c) === 0 && /^[ABCD]$/.test(inPort) ? s(7.0) : undefined),
      launch: (c, outPort) => (outPort === 'O' && registeredMac(c) > 0 ? s(1.5) : undefined),
      capture: (c, inPort) => (/^[ABCD]$/.test(inPort) && registeredMac(c) > 0 ? s(6.0) : undefined),
    },
    SB_RAM40_4K: bram(s(2.8), s(2.8), s(0.5)),
    SB_GB: buffer(),
    SB_IO: buffer(),
  };
  for (const t of ['SB_DFF', 'SB_DFFE', 'SB_DFFSR', 'SB_DFFR', 'SB_DFFSS', 'SB_DFFS', 'SB_DFFESR', 'SB_DFFER', 'SB_DFFESS', 'SB_DFFES', 'SB_DFFN', 'SB_DFFNE']) cells[t] = ff(s(1.4), s(0.5));
  return { name, net: (fo) => s(2.3 + 0.15 * Math.log2(Math.max(1, fo))), dedicated: 0, cells };
}

function registeredMac(c: CellLike): number {
  return param(c, 'A_REG') + param(c, 'B_REG') + param(c, 'C_REG') + param(c, 'D_REG') + param(c, 'TOP_8x8_MULT_REG') + param(c, 'BOT_8x8_MULT_REG') +
    param(c, 'PIPELINE_16x16_MULT_REG1') + param(c, 'PIPELINE_16x16_MULT_REG2') + (param(c, 'TOPOUTPUT_SELECT') >= 2 ? 1 : 0) + (param(c, 'BOTOUTPUT_SELECT') >= 2 ? 1 : 0);
}

/** Nets between these (output port, input port) pairs use dedicated routing. */
export function isDedicated(outPort: string, inPort: string): boolean {
  return (outPort === 'CO' && (inPort === 'CI' || inPort === 'CIN')) || (outPort === 'PCOUT' && inPort === 'PCIN') || (outPort === 'ACOUT' && inPort === 'ACIN') || (outPort === 'BCOUT' && inPort === 'BCIN') || (outPort === 'CARRYCASCOUT' && inPort === 'CARRYCASCIN');
}
