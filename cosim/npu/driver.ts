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
 * The `npu_layer` command of a tile and `extra` beats offered after it: `npu_layer ROWS RELU SHIFT
 * COUNT` then per beat ` INDEX VALUE LAST` (or ` w ADDR ROW` for a weight write). Beats of small
 * integers are written as bytes into one buffer (a 65,535-row layer: no string per beat).
 */
export function layerCommandText(tile: NpuLayerTile, extra: readonly NpuBeat[], weightWidth: number): string {
  const count = tile.beats.length + extra.length;
  const head = `npu_layer ${tile.rows} ${tile.relu ? 1 : 0} ${tile.shift} ${count}`;
  const out = new CommandBytes(head.length + 12 * count);
  out.text(head);
  for (const beats of [tile.beats, extra]) {
    for (const b of beats) {
      if ('kind' in b && b.kind === 'write') out.text(` w ${b.addr} ${packRow(b.row, weightWidth)}`);
      else {
        const { index, value, last } = b as NpuBeat;
        if (Number.isSafeInteger(index) && Number.isSafeInteger(value) && Math.abs(value) < 2 ** 31 && index >= 0 && index < 2 ** 31) {
          out.byte(0x20).int(index).byte(0x20).int(value).byte(0x20).byte(last ? 0x31 : 0x30);
        } else out.text(` ${index} ${value} ${last ? 1 : 0}`);
      }
    }
  }
  return out.toString();
}

/** A command's text written as bytes (ASCII): grows as needed, decimal integers without a string each. */
class CommandBytes {
  private buf: Buffer;
  private at = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(Math.max(64, size));
  }
  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.at + n));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }
  byte(b: number): this {
    this.room(1);
    this.buf[this.at++] = b;
    return this;
  }
  /** A safe integer below 2^31 in magnitude, in decimal. */
  int(v: number): this {
    this.room(12);
    if (v < 0) {
      this.buf[this.at++] = 0x2d;
      v = -v;
    }
    let digits = 1;
    for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
    for (let i = digits - 1; i >= 0; i--) {
      this.buf[this.at + i] = 0x30 + (v % 10);
      v = Math.floor(v / 10);
    }
    this.at += digits;
    return this;
  }
  text(t: string): this {
    this.room(Buffer.byteLength(t, 'latin1'));
    this.at += this.buf.write(t, this.at, 'latin1');
    return this;
  }
  toString(): string {
    return this.buf.toString('latin1', 0, this.at);
  }
}

/**
 * Output rows as the harness prints them, joined by single spaces: each row lane 0 in the low bits,
 * ceil(lanes x width / 4) hex digits. One string for a whole layer (a 65,535-row layer is compared
 * with one string comparison, not 65,535 arrays). The rows come row-major in one array (row r,
 * lane j at r x lanes + j: runLayerGoldenFlat's outputs); `sameAs[r]`, where given and not -1, is
 * an earlier row equal to row r (runLayerGoldenFlat's), whose digits are copied.
 */
export function packRowsText(flat: ArrayLike<number>, lanes: number, width: number, sameAs?: ArrayLike<number>): string {
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
    // A row equal to an earlier one (runLayerGoldenFlat's sameAs) copies its digits.
    const src = sameAs ? sameAs[r]! : -1;
    if (src >= 0 && src < r) {
      const from = src * (rowChars + 1);
      for (let k = 0; k < rowChars; k++) buf[at + k] = buf[from + k]!;
      at += rowChars;
      continue;
    }
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
  layerCommand(tile: NpuLayerTile, extra: readonly NpuBeat[] = []): string {
    return layerCommandText(tile, extra, this.shape.weightWidth);
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
