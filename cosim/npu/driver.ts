// Host-side driver of the NPU tile (npu_tile) in Verilator: loads weights and runs layer tiles as
// single transactions (cosim/npu/npu_tile.cpp). It knows the tile only through its manifest
// parameters and port names, never through hwgen.
import { packageFile } from '../../input/package-files.ts';
import { buildSimulator, type BuildOptions, type Simulator } from '../build.ts';
import type { Session, StartOptions } from '../session.ts';
import { DesignError } from '../errors.ts';
import type { GtkwGroup } from '../gtkw.ts';

export const NPU_TRANSACTIONS = packageFile('cosim', 'npu', 'npu_tile.cpp');
export const NPU_TOP = 'npu_tile';

export interface NpuShape {
  lanes: number;
  actWidth: number;
  weightWidth: number;
  weightDepth: number;
}

export interface NpuBeat {
  index: number;
  value: number;
  last: boolean;
}

/** A weight-buffer write in place of a beat (the stream pauses for that cycle). */
export interface NpuWrite {
  kind: 'write';
  addr: number;
  row: readonly number[];
}

export interface NpuLayerRun {
  /** Requantised outputs [row][lane] as signed integers. */
  outputs: number[][];
  /** The array's own cycle counter for the layer. */
  cycles: number;
  /** Cycles the harness counted from the start edge to the done edge (equals `cycles`). */
  measuredCycles: number;
  nonzero: number;
  total: number;
  /** Cycles a beat was offered and not accepted (0: the array takes one beat per cycle). */
  stalls: number;
}

function toSigned(v: bigint, width: number): number {
  return Number(BigInt.asIntN(width, v));
}

/**
 * Splits one output row (hex, lane 0 in the low bits) into signed lane values. Lanes of a whole
 * number of hex digits are cut out of the text (a 65,535-row layer parses in milliseconds); other
 * widths go through one bigint.
 */
export function unpackLanes(hex: string, lanes: number, width: number): number[] {
  if (width % 4 === 0 && width <= 48 && hex.length === (lanes * width) / 4) {
    const digits = width / 4;
    const half = 2 ** (width - 1);
    return Array.from({ length: lanes }, (_, j) => {
      const v = parseInt(hex.slice(hex.length - (j + 1) * digits, hex.length - j * digits), 16);
      return v >= half ? v - 2 * half : v;
    });
  }
  const word = BigInt(`0x${hex}`);
  const mask = (1n << BigInt(width)) - 1n;
  return Array.from({ length: lanes }, (_, j) => toSigned((word >> BigInt(j * width)) & mask, width));
}

/** Packs one weight row (lane 0 in the low bits) as hex. */
export function packRow(values: readonly number[], width: number): string {
  let word = 0n;
  for (let j = values.length - 1; j >= 0; j--) word = (word << BigInt(width)) | BigInt.asUintN(width, BigInt(values[j]!));
  return word.toString(16);
}

/** GTKWave groups: the array's control, activation stream, MAC of lane 0, outputs, sparsity monitor. */
export function npuWaveGroups(): GtkwGroup[] {
  return [
    { name: 'control', signals: ['clk', 'rst', 'start', 'busy', 'done', { name: 'cycles', format: 'dec' }] },
    { name: 'activation stream', signals: ['act_valid', 'act_ready', { name: 'act_index', format: 'dec' }, { name: 'act_value', format: 'signed' }, 'act_last'] },
    { name: 'MAC (lane 0)', signals: ['u_array.mac_valid', 'u_array.mac_first', 'u_array.mac_last', { name: 'u_array.lane[0].u_mac.acc', format: 'signed' }] },
    { name: 'outputs', signals: ['out_valid', 'out_data', { name: 'u_array.rows_left', format: 'dec' }] },
    { name: 'sparsity monitor', signals: [{ name: 'mon_nonzero', format: 'dec' }, { name: 'mon_total', format: 'dec' }, 'mon_valid'] },
  ];
}

export class NpuTileSim {
  private constructor(
    readonly simulator: Simulator,
    readonly session: Session,
    readonly shape: NpuShape,
  ) {}

  /** Builds (or reuses from the cache) the npu_tile simulator for the design in `rtlDir` and starts it. */
  static async open(rtlDir: string, options: Omit<BuildOptions, 'rtlDir' | 'top' | 'extraSources'> & { start?: StartOptions } = {}): Promise<NpuTileSim> {
    const simulator = await buildSimulator({ ...options, rtlDir, top: NPU_TOP, extraSources: [NPU_TRANSACTIONS] });
    const mod = simulator.design.manifest.modules.find((m) => m.name === NPU_TOP);
    const param = (k: string): number => {
      const v = mod?.parameters[k];
      if (typeof v !== 'number') throw new DesignError(`${NPU_TOP} in the manifest lacks the numeric parameter ${k}; regenerate with \`npm run gen-rtl\``);
      return v;
    };
    const shape = { lanes: param('LANES'), actWidth: param('ACT_WIDTH'), weightWidth: param('WEIGHT_WIDTH'), weightDepth: param('WEIGHT_DEPTH') };
    const session = await simulator.start(options.start);
    await session.reset(2);
    return new NpuTileSim(simulator, session, shape);
  }

  /** Writes W[k][lane] for k = 0..K-1 into the weight buffer. */
  async loadWeights(weights: readonly (readonly number[])[]): Promise<void> {
    const rows = weights.map((r) => packRow(r, this.shape.weightWidth));
    await this.session.send(`npu_weights ${rows.length} ${rows.join(' ')}`);
  }

  /** Runs one layer tile on the loaded weights; writes among the beats reload weight rows mid-stream. */
  async runLayer(tile: { beats: readonly (NpuBeat | NpuWrite)[]; rows: number; relu: boolean; shift: number }): Promise<NpuLayerRun> {
    const beatText = tile.beats.map((b) => ('kind' in b && b.kind === 'write' ? `w ${b.addr} ${packRow(b.row, this.shape.weightWidth)}` : `${(b as NpuBeat).index} ${(b as NpuBeat).value} ${(b as NpuBeat).last ? 1 : 0}`)).join(' ');
    const reply = await this.session.send(`npu_layer ${tile.rows} ${tile.relu ? 1 : 0} ${tile.shift} ${tile.beats.length}${beatText ? ' ' + beatText : ''}`);
    const [cycles, measured, nonzero, total, stalls, ...rowHex] = reply.split(' ');
    const outputs = rowHex.map((h) => unpackLanes(h, this.shape.lanes, this.shape.actWidth));
    return {
      outputs,
      cycles: Number(cycles),
      measuredCycles: Number(measured),
      nonzero: Number(nonzero),
      total: Number(total),
      stalls: Number(stalls),
    };
  }

  async close(): Promise<void> {
    await this.session.close();
  }
}
