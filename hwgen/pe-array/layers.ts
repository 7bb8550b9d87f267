// Layer tiles for the PE array: random tiles at a chosen activation density (tests, benchmark,
// demo) and the im2col lowering of a convolution, which is how a host maps a conv layer onto the
// array's matrix-product tiles.
import prand from 'pure-rand';
import type { PeArrayConfig } from '../config/index.ts';
import { compressRows, type LayerTile } from './golden.ts';

/** A seeded integer source (pure-rand's xoroshiro128+), so every tile is reproducible from its seed. */
export class SeededInts {
  private rng: prand.RandomGenerator;
  constructor(seed: number) {
    this.rng = prand.xoroshiro128plus(seed);
  }
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return prand.unsafeUniformIntDistribution(min, max, this.rng);
  }
  /** Uniform float in [0, 1) with 2^-30 resolution (enough for densities). */
  unit(): number {
    return this.int(0, 2 ** 30 - 1) / 2 ** 30;
  }
}

export interface RandomTileSpec {
  rows: number;
  /** Reduction length (im2col columns), at most weightDepth. */
  k: number;
  /** Fraction of activations that are non-zero, 0..1. */
  density: number;
  seed: number;
  relu?: boolean;
  shift?: number;
  /** Activation and weight value ranges (default: the full signed range of the configured widths). */
  actRange?: [number, number];
  weightRange?: [number, number];
}

/** Non-zero value in [lo, hi] (lo <= 0 <= hi, not both 0). */
function nonZero(r: SeededInts, lo: number, hi: number): number {
  for (;;) {
    const v = r.int(lo, hi);
    if (v !== 0) return v;
  }
}

export function randomTile(cfg: PeArrayConfig, spec: RandomTileSpec): LayerTile & { dense: number[][] } {
  const r = new SeededInts(spec.seed);
  const [aLo, aHi] = spec.actRange ?? [-(2 ** (cfg.actWidth - 1)), 2 ** (cfg.actWidth - 1) - 1];
  const [wLo, wHi] = spec.weightRange ?? [-(2 ** (cfg.weightWidth - 1)), 2 ** (cfg.weightWidth - 1) - 1];
  const weights = Array.from({ length: spec.k }, () => Array.from({ length: cfg.lanes }, () => r.int(wLo, wHi)));
  const dense = Array.from({ length: spec.rows }, () =>
    Array.from({ length: spec.k }, () => (r.unit() < spec.density ? nonZero(r, aLo, aHi) : 0)),
  );
  return {
    weights,
    dense,
    beats: compressRows(dense),
    rows: spec.rows,
    relu: spec.relu ?? true,
    shift: spec.shift ?? 8,
  };
}

export interface ConvShape {
  inChannels: number;
  height: number;
  width: number;
  kernel: number;
  stride: number;
  pad: number;
}

/**
 * im2col: input [C][H][W] -> rows [P][K] with P = outH*outW output pixels and K = C*kernel*kernel,
 * column order (c, ky, kx). Weights [OC][C][ky][kx] lower to W[K][OC] in the same column order.
 */
export function im2col(input: number[][][], s: ConvShape): number[][] {
  const outH = Math.floor((s.height + 2 * s.pad - s.kernel) / s.stride) + 1;
  const outW = Math.floor((s.width + 2 * s.pad - s.kernel) / s.stride) + 1;
  const rows: number[][] = [];
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      const row: number[] = [];
      for (let c = 0; c < s.inChannels; c++) {
        for (let ky = 0; ky < s.kernel; ky++) {
          for (let kx = 0; kx < s.kernel; kx++) {
            const y = oy * s.stride + ky - s.pad;
            const x = ox * s.stride + kx - s.pad;
            row.push(y >= 0 && y < s.height && x >= 0 && x < s.width ? input[c]![y]![x]! : 0);
          }
        }
      }
      rows.push(row);
    }
  }
  return rows;
}

export function lowerConvWeights(weights: number[][][][]): number[][] {
  const oc = weights.length;
  const flat = weights.map((f) => f.flat(2));
  const k = flat[0]?.length ?? 0;
  return Array.from({ length: k }, (_, kk) => Array.from({ length: oc }, (_, j) => flat[j]![kk]!));
}

/** A random conv layer (ReLU-sparse input at `density`) lowered to one PE-array tile. */
export function randomConvTile(cfg: PeArrayConfig, shape: ConvShape, density: number, seed: number): LayerTile & { k: number } {
  const r = new SeededInts(seed);
  const aMax = 2 ** (cfg.actWidth - 1) - 1;
  const wMax = 2 ** (cfg.weightWidth - 1) - 1;
  // Post-ReLU activations: non-negative, zero with probability 1 - density.
  const input = Array.from({ length: shape.inChannels }, () =>
    Array.from({ length: shape.height }, () => Array.from({ length: shape.width }, () => (r.unit() < density ? r.int(1, aMax) : 0))),
  );
  const filters = Array.from({ length: cfg.lanes }, () =>
    Array.from({ length: shape.inChannels }, () =>
      Array.from({ length: shape.kernel }, () => Array.from({ length: shape.kernel }, () => r.int(-wMax, wMax))),
    ),
  );
  const rows = im2col(input, shape);
  const weights = lowerConvWeights(filters);
  return { weights, beats: compressRows(rows), rows: rows.length, relu: true, shift: 10, k: weights.length };
}
