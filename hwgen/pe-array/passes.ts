// Layers larger than the PE array, run on it unchanged: a conv layer (lowered with im2col to rows
// A[P][K] and weights W[K][O]) becomes one *pass* per group of `lanes` output channels (tiles), and a
// reduction longer than the weight buffer (K > weightDepth) is split into chunks of weightDepth
// weight rows that the host swaps into the buffer *during* the pass.
//
// Why that needs no RTL change: a lane's accumulator only restarts on the first beat of a row, the
// stream may pause (act_valid low) without disturbing it, and the weight buffer's write port works
// while the array is busy (a beat reads the buffer in the cycle it is accepted). So the host streams a
// row's non-zeros chunk by chunk and, before a chunk whose weights are not in the buffer, pauses the
// stream and writes that chunk's rows (one per cycle). The sum is the full int32 dot product and the
// array requantises it once, exactly as for a short reduction; the monitor counts the real outputs.
//
// Host program of one pass (`passOps`): before `start`, chunk 0's rows are loaded (`initial`); then,
// per row, the chunks holding the row's non-zeros are visited cyclically starting from the chunk in
// the buffer (integer sums do not depend on the order), each preceded by its weight writes when it is
// not loaded; a row without non-zeros is one zero beat. Every op takes one cycle, so
//     pass cycles (start to done) = ops + PIPELINE_CYCLES = beats + reload writes + 8.
// Reloads cost (chunks - 1) x chunk rows per row at most: cheap for a classifier (one row), costly
// for a multi-row conv; the MNIST networks only split their classifier.
import type { PeArrayConfig } from '../config/index.ts';
import { PIPELINE_CYCLES, compressRows, runLayerGolden, type Beat, type LayerResult, type LayerTile } from './golden.ts';

/** One cycle of a pass's stream: an activation beat (index into the buffer) or a weight-buffer write. */
export type PassOp = ({ kind: 'beat' } & Beat) | { kind: 'write'; addr: number; row: readonly number[] };

/** One run of the PE array: `lanes` output channels of a layer over its whole reduction. */
export interface Pass {
  /** Weight rows written before start (chunk 0 of the reduction). */
  initial: readonly (readonly number[])[];
  /** The stream after start: beats and, for a split reduction, weight reloads. */
  ops: readonly PassOp[];
  rows: number;
  relu: boolean;
  shift: number;
  /** The same pass as one plain tile with the whole reduction (W[K][lanes], beats indexed by k < K). */
  tile: LayerTile;
  /** First output channel of this pass (lane j = channel first + j). */
  firstChannel: number;
  /** Output channels this pass computes (<= lanes; the other lanes have zero weights). */
  channels: number;
  /** Reduction chunks (1 = fits the buffer). */
  chunks: number;
}

export interface PassResult extends LayerResult {
  /** Weight writes during the pass (reloads). */
  reloads: number;
}

/** A conv layer lowered to rows (im2col) and full weights W[K][O] (O may exceed the lanes). */
export interface LoweredLayer {
  /** Dense activation rows A[P][K]. */
  rows: readonly (readonly number[])[];
  /** W[K][O]. */
  weights: readonly (readonly number[])[];
  outChannels: number;
  relu: boolean;
  shift: number;
}

/** Number of passes (output-channel tiles) of a layer with `outChannels` outputs. */
export function tileCount(cfg: PeArrayConfig, outChannels: number): number {
  return Math.ceil(outChannels / cfg.lanes);
}

/** The stream of one pass: chunked rows, weight swaps and zero beats, as described in the header. */
export function passOps(cfg: PeArrayConfig, rows: readonly (readonly number[])[], weights: readonly (readonly number[])[]): { initial: number[][]; ops: PassOp[]; chunks: number } {
  const D = cfg.weightDepth;
  const K = weights.length;
  const chunks = Math.max(1, Math.ceil(K / D));
  const chunkRows = (c: number) => weights.slice(c * D, Math.min(K, (c + 1) * D)) as number[][];
  const ops: PassOp[] = [];
  let loaded = 0;
  for (const row of rows) {
    const start = ops.length;
    let lastBeat = -1;
    const from = loaded;
    for (let step = 0; step < chunks; step++) {
      const c = (from + step) % chunks;
      const hi = Math.min(K, (c + 1) * D);
      let first = true;
      for (let k = c * D; k < hi; k++) {
        if (row[k] === 0) continue;
        if (first && c !== loaded) {
          chunkRows(c).forEach((r, addr) => ops.push({ kind: 'write', addr, row: r }));
          loaded = c;
        }
        first = false;
        lastBeat = ops.length;
        ops.push({ kind: 'beat', index: k - c * D, value: row[k]!, last: false });
      }
    }
    if (lastBeat < start) ops.push({ kind: 'beat', index: 0, value: 0, last: true });
    else (ops[lastBeat] as { last: boolean }).last = true;
  }
  return { initial: chunkRows(0), ops, chunks };
}

/** Per weights array and lane count: each pass's W[K][lanes] (built once; a model runs many inputs). */
const passWeightsCache = new WeakMap<readonly (readonly number[])[], Map<number, number[][][]>>();

function passWeights(weights: readonly (readonly number[])[], outChannels: number, lanes: number): number[][][] {
  let byLanes = passWeightsCache.get(weights);
  if (!byLanes) passWeightsCache.set(weights, (byLanes = new Map()));
  let tiles = byLanes.get(lanes);
  if (!tiles) {
    tiles = Array.from({ length: Math.ceil(outChannels / lanes) }, (_, t) => {
      const first = t * lanes;
      const channels = Math.min(lanes, outChannels - first);
      return weights.map((r) => Array.from({ length: lanes }, (_, j) => (j < channels ? r[first + j]! : 0)));
    });
    byLanes.set(lanes, tiles);
  }
  return tiles;
}

/** Splits a layer into passes of `lanes` output channels (zero weights in unused lanes). */
export function layerPasses(cfg: PeArrayConfig, layer: LoweredLayer): Pass[] {
  const L = cfg.lanes;
  const beats = compressRows(layer.rows as number[][]);
  const weights = passWeights(layer.weights, layer.outChannels, L);
  return Array.from({ length: tileCount(cfg, layer.outChannels) }, (_, t) => {
    const first = t * L;
    const channels = Math.min(L, layer.outChannels - first);
    const w = weights[t]!;
    const { initial, ops, chunks } = passOps(cfg, layer.rows, w);
    return {
      initial,
      ops,
      rows: layer.rows.length,
      relu: layer.relu,
      shift: layer.shift,
      tile: { weights: w, beats, rows: layer.rows.length, relu: layer.relu, shift: layer.shift },
      firstChannel: first,
      channels,
      chunks,
    };
  });
}

/**
 * Golden model of a pass: the whole-reduction tile through runLayerGolden (outputs and monitor
 * counts do not depend on how the host chunks the reduction), and the cycles of the host's stream.
 */
export function runPassGolden(cfg: PeArrayConfig, pass: Pass): PassResult {
  const r = runLayerGolden(cfg, pass.tile);
  const reloads = pass.ops.length - pass.tile.beats.length;
  return { ...r, cycles: pass.ops.length + PIPELINE_CYCLES, reloads };
}

/** A layer's outputs [row][channel] from its passes' lane outputs (pass t holds channels t*lanes ..). */
export function joinPassOutputs(lanes: number, outChannels: number, outputs: readonly (readonly (readonly number[])[])[]): number[][] {
  const passes = Math.ceil(outChannels / lanes);
  if (outputs.length !== passes) throw new RangeError(`${outChannels} channels need ${passes} passes of ${lanes} lanes, got ${outputs.length}`);
  const rows = outputs[0]!.length;
  return Array.from({ length: rows }, (_, p) => Array.from({ length: outChannels }, (_, c) => outputs[Math.floor(c / lanes)]![p]![c % lanes]!));
}
