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

/** A layer run as the harness replied: the output rows as hex words (lane 0 in the low bits, ceil(lanes x actWidth / 4) digits). */
export interface NpuLayerReply {
  /** The rows' hex words, joined by single spaces (packRowsText's format). */
  rowsText: string;
  /** The array's own cycle counter for the layer. */
  cycles: number;
  /** Cycles the harness counted from the start edge to the done edge (equals `cycles`). */
  measuredCycles: number;
  nonzero: number;
  total: number;
  /** Cycles a beat was offered and not accepted (0: the array takes one beat per cycle). */
  stalls: number;
}

export interface NpuLayerRun extends Omit<NpuLayerReply, 'rowsText'> {
  /** Requantised outputs [row][lane] as signed integers. */
  outputs: number[][];
}

/** A layer tile as the harness's npu_layer command (beats, or weight writes among them). */
export interface NpuLayerTile {
  beats: readonly (NpuBeat | NpuWrite)[];
  rows: number;
  relu: boolean;
  shift: number;
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
  if (width % 4 === 0 && width <= 48 && hex.length > 0 && hex.length <= (lanes * width) / 4) {
    // A row printed without its leading zeros (the system harness's) is padded to every lane's digits.
    if (hex.length < (lanes * width) / 4) hex = hex.padStart((lanes * width) / 4, '0');
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

const HEX_CODES = Buffer.from('0123456789abcdef', 'latin1');

/**
 * Output rows as the harness prints them, joined by single spaces: each row lane 0 in the low bits,
 * ceil(lanes x width / 4) hex digits. One string for a whole layer (a 65,535-row layer is compared
 * with one string comparison, not 65,535 arrays). The rows come row-major in one array (row r,
 * lane j at r x lanes + j: runLayerGoldenFlat's outputs).
 */
export function packRowsText(flat: ArrayLike<number>, lanes: number, width: number): string {
  const rows = flat.length / lanes;
  if (width % 4 !== 0 || width > 32) {
    const digits = Math.ceil((lanes * width) / 4);
    return Array.from({ length: rows }, (_, r) => packRow(Array.from({ length: lanes }, (_, j) => flat[r * lanes + j]!), width).padStart(digits, '0')).join(' ');
  }
  const per = width / 4;
  const rowChars = lanes * per;
  const buf = Buffer.allocUnsafe(Math.max(0, rows * (rowChars + 1) - 1));
  let at = 0;
  for (let r = 0; r < rows; r++) {
    if (r) buf[at++] = 0x20;
    for (let j = lanes - 1; j >= 0; j--) {
      const v = flat[r * lanes + j]!;
      // Two's complement in `width` bits, most significant digit first.
      const u = (v < 0 ? v + 2 ** width : v) >>> 0;
      for (let d = per - 1; d >= 0; d--) buf[at++] = HEX_CODES[(u >>> (4 * d)) & 15]!;
    }
  }
  return buf.toString('latin1');
}

/**
 * Packs one row (lane 0 in the low bits, each value in `width`-bit two's complement) as hex without
 * leading zeros, as the harness reads weight rows. Widths of whole hex digits up to 32 bits are
 * packed digit by digit in doubles (the system suite packs every pass's weights, three passes over);
 * other widths through one bigint.
 */
export function packRow(values: readonly number[], width: number): string {
  if (width % 4 === 0 && width <= 32) {
    const per = width / 4;
    let text = '';
    for (let j = values.length - 1; j >= 0; j--) {
      const v = values[j]!;
      if (!Number.isInteger(v)) throw new RangeError(`packRow: ${v} is not an integer`);
      // Two's complement in `width` bits (ToInt32 wraps any integer modulo 2^32).
      const u = width === 32 ? v >>> 0 : v & ((1 << width) - 1);
      text += u.toString(16).padStart(per, '0');
    }
    let at = 0;
    while (at < text.length - 1 && text.charCodeAt(at) === 48) at++;
    return text === '' ? '0' : text.slice(at);
  }
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
    await this.session.send(this.weightsCommand(weights));
  }

  /** The `npu_weights` command writing W[k][lane] (a caller running a tile again may keep it). */
  weightsCommand(weights: readonly (readonly number[])[]): string {
    return `npu_weights ${weights.length} ${weights.map((r) => packRow(r, this.shape.weightWidth)).join(' ')}`;
  }

  /** The `npu_layer` command of a tile (a caller running a tile again may keep it). */
  layerCommand(tile: NpuLayerTile): string {
    let text = `npu_layer ${tile.rows} ${tile.relu ? 1 : 0} ${tile.shift} ${tile.beats.length}`;
    // Appended beat by beat (a 65,535-row layer: no array of 65,535 beat strings to join).
    for (const b of tile.beats) text += 'kind' in b && b.kind === 'write' ? ` w ${b.addr} ${packRow(b.row, this.shape.weightWidth)}` : ` ${(b as NpuBeat).index} ${(b as NpuBeat).value} ${(b as NpuBeat).last ? 1 : 0}`;
    return text;
  }

  /** Runs a layerCommand(); the output rows stay one text (compare it whole, unpack only what differs). */
  async runLayerCommand(command: string): Promise<NpuLayerReply> {
    const reply = await this.session.send(command);
    let at = 0;
    const head: number[] = [];
    for (let i = 0; i < 5; i++) {
      const space = reply.indexOf(' ', at);
      head.push(Number(reply.slice(at, space < 0 ? undefined : space)));
      at = space < 0 ? reply.length : space + 1;
    }
    const [cycles, measuredCycles, nonzero, total, stalls] = head as [number, number, number, number, number];
    return { rowsText: reply.slice(at), cycles, measuredCycles, nonzero, total, stalls };
  }

  /** Runs one layer tile on the loaded weights; writes among the beats reload weight rows mid-stream. */
  async runLayer(tile: NpuLayerTile): Promise<NpuLayerRun> {
    const { rowsText, ...rest } = await this.runLayerCommand(this.layerCommand(tile));
    return { outputs: rowsText ? rowsText.split(' ').map((h) => unpackLanes(h, this.shape.lanes, this.shape.actWidth)) : [], ...rest };
  }

  async close(): Promise<void> {
    await this.session.close();
  }
}
