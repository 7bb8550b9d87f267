// Golden model of the NPU tile (PE array + sparsity monitor): the same outputs, the same cycle count
// and the same monitor counts as the RTL, computed directly.
//
// Cycle model: the array accepts one stream beat per cycle; every row costs max(nnz, 1) beats (an
// all-zero row is sent as one zero-valued beat so the row still ends), and the pipeline adds eight
// cycles (weight RAM output register, multiplier input, product and output registers, accumulate,
// ReLU, shift, saturation into out_data; pe-array/rtl.ts). With the stream offered every cycle, a
// layer takes
//     cycles = sum over rows of max(nnz_row, 1) + PIPELINE_CYCLES.
import type { PeArrayConfig } from '../config/index.ts';

export const PIPELINE_CYCLES = 8;

/** One beat of the compressed activation stream. */
export interface Beat {
  index: number;
  value: number;
  last: boolean;
}

export interface LayerTile {
  /** W[k][j]: K rows of `lanes` signed weights. */
  weights: number[][];
  /** Compressed activation rows (see compressRows). */
  beats: Beat[];
  rows: number;
  relu: boolean;
  shift: number;
}

export interface LayerResult {
  /** Requantised outputs, [row][lane]. */
  outputs: number[][];
  cycles: number;
  nonzero: number;
  total: number;
}

/** Compresses dense activation rows: only non-zeros with their column; an all-zero row becomes one zero beat. */
export function compressRows(rows: ArrayLike<number>[]): Beat[] {
  const beats: Beat[] = [];
  for (const row of rows) {
    const start = beats.length;
    for (let k = 0; k < row.length; k++) if (row[k] !== 0) beats.push({ index: k, value: row[k]!, last: false });
    if (beats.length === start) beats.push({ index: 0, value: 0, last: true });
    else beats[beats.length - 1]!.last = true;
  }
  return beats;
}

/** Two's-complement wrap of an integer to `width` bits. */
export function wrapSigned(x: number, width: number): number {
  if (Number.isSafeInteger(x) && Math.abs(x) < 2 ** (width - 1)) return x;
  return Number(BigInt.asIntN(width, BigInt(x)));
}

/** Output stage: optional ReLU, arithmetic right shift (floor), saturation to `outWidth` bits. */
// Powers of two by exponent: requantise runs for every output value (millions in a long layer).
const POW2 = Array.from({ length: 128 }, (_, i) => 2 ** i);

export function requantise(acc: number, relu: boolean, shift: number, outWidth: number): number {
  const rectified = relu && acc < 0 ? 0 : acc;
  const shifted = Math.floor(rectified / (POW2[shift] ?? 2 ** shift));
  const half = POW2[outWidth - 1] ?? 2 ** (outWidth - 1);
  const max = half - 1;
  const min = -half;
  return shifted > max ? max : shifted < min ? min : shifted;
}

export function runLayerGolden(cfg: PeArrayConfig, tile: LayerTile): LayerResult {
  const { flat, sameAs: _copies, ...figures } = runLayerGoldenFlat(cfg, tile);
  const L = cfg.lanes;
  return { outputs: Array.from({ length: flat.length / L }, (_, r) => Array.from(flat.subarray(r * L, (r + 1) * L))), ...figures };
}

/**
 * runLayerGolden with the outputs in one row-major array (row r, lane j at r x lanes + j): a
 * 240,000-row layer allocates one array, not one per row.
 */
export function runLayerGoldenFlat(cfg: PeArrayConfig, tile: LayerTile): Omit<LayerResult, 'outputs'> & { flat: Float64Array; sameAs: Int32Array } {
  const L = cfg.lanes;
  let rows = 0;
  for (const beat of tile.beats) if (beat.last) rows++;
  const flat = new Float64Array(rows * L);
  // sameAs[r]: an earlier row whose outputs row r copied (-1: computed), for a packer to copy too.
  const sameAs = new Int32Array(rows).fill(-1);
  // One accumulator array for the whole layer.
  const acc = new Array<number>(L).fill(0);
  let rowStart = true;
  let nonzero = 0;
  let at = 0;
  const limit = 2 ** (cfg.accWidth - 1);
  // A row of a single beat depends on that beat alone (and the tile's relu and shift): where it
  // came before, its outputs are copied (a long layer of 240,000 one-beat rows has a few hundred
  // distinct ones). Keyed by weight row and value when both are small integers.
  const oneBeatRows = new Map<number, { at: number; nonzero: number }>();
  let entry: { at: number; nonzero: number } | undefined; // the one-beat row being computed, if any
  for (const beat of tile.beats) {
    if (rowStart && beat.last && Number.isInteger(beat.value) && Math.abs(beat.value) < 2 ** 30 && Number.isInteger(beat.index) && beat.index >= 0 && beat.index < 2 ** 20) {
      const key = beat.index * 2 ** 31 + (beat.value + 2 ** 30);
      const seen = oneBeatRows.get(key);
      if (seen) {
        sameAs[at / L] = seen.at / L;
        flat.copyWithin(at, seen.at, seen.at + L);
        at += L;
        nonzero += seen.nonzero;
        continue;
      }
      oneBeatRows.set(key, (entry = { at, nonzero: 0 }));
    }
    if (rowStart) acc.fill(0);
    const w = tile.weights[beat.index];
    for (let j = 0; j < L; j++) {
      const sum = acc[j]! + beat.value * (w?.[j] ?? 0);
      acc[j] = sum < limit && sum >= -limit ? sum : wrapSigned(sum, cfg.accWidth);
    }
    rowStart = beat.last;
    if (beat.last) {
      let rowNonzero = 0;
      for (let j = 0; j < L; j++) {
        const out = requantise(acc[j]!, tile.relu, tile.shift, cfg.actWidth);
        flat[at++] = out;
        if (out !== 0) rowNonzero++;
      }
      nonzero += rowNonzero;
      if (entry) entry.nonzero = rowNonzero;
      entry = undefined;
    }
  }
  return { flat, sameAs, cycles: tile.beats.length + PIPELINE_CYCLES, nonzero, total: rows * L };
}

/** Checks a tile against the configuration before it is sent to hardware (clear errors, not X's). */
export function checkTile(cfg: PeArrayConfig, tile: LayerTile): void {
  const fail = (msg: string) => {
    throw new RangeError(`layer tile: ${msg}`);
  };
  if (tile.rows < 1 || tile.rows > cfg.maxRows) fail(`rows = ${tile.rows} must be from 1 to maxRows ${cfg.maxRows}`);
  const lastBeats = tile.beats.filter((b) => b.last).length;
  if (lastBeats !== tile.rows) fail(`the stream ends ${lastBeats} rows but rows = ${tile.rows}`);
  if (tile.beats.length && !tile.beats[tile.beats.length - 1]!.last) fail('the stream must end with a last beat');
  if (tile.weights.length > cfg.weightDepth) fail(`K = ${tile.weights.length} exceeds weightDepth ${cfg.weightDepth}`);
  if (tile.shift < 0 || tile.shift >= cfg.accWidth) fail(`shift = ${tile.shift} must be from 0 to ${cfg.accWidth - 1}`);
  const aMin = -(2 ** (cfg.actWidth - 1));
  const aMax = 2 ** (cfg.actWidth - 1) - 1;
  for (const b of tile.beats) {
    if (b.index < 0 || b.index >= tile.weights.length) fail(`beat index ${b.index} outside the loaded weight rows 0..${tile.weights.length - 1}`);
    if (b.value < aMin || b.value > aMax) fail(`activation ${b.value} outside ${aMin}..${aMax}`);
  }
  const wMin = -(2 ** (cfg.weightWidth - 1));
  const wMax = 2 ** (cfg.weightWidth - 1) - 1;
  for (const row of tile.weights) {
    if (row.length !== cfg.lanes) fail(`a weight row has ${row.length} values, expected lanes = ${cfg.lanes}`);
    for (const v of row) if (v < wMin || v > wMax) fail(`weight ${v} outside ${wMin}..${wMax}`);
  }
}
