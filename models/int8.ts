// The int8 networks and their reference inference: direct convolution in the PE array's arithmetic
// (int8 weights and activations, exact integer accumulation, ReLU, arithmetic shift right = floor
// division by 2^shift, saturation to int8). It shares no code with the im2col lowering or the PE-array
// golden model, so the two can be checked against each other.
export interface Int8Layer {
  kernel: number;
  stride: number;
  pad: number;
  inChannels: number;
  outChannels: number;
  relu: boolean;
  shift: number;
  /** Weights [out][in][ky][kx], int8. */
  weights: Int8Array;
}

export interface Accuracy {
  /** Top-1 on the test digits: the float network, and the int8 network (reference = PE-array arithmetic). */
  floatTest: number;
  int8Test: number;
  floatCalibration: number;
  int8Calibration: number;
  testDigits: number;
  calibrationDigits: number;
}

export interface Int8Network {
  variant: string;
  architecture: string;
  pattern: string;
  input: { channels: number; height: number; width: number };
  layers: Int8Layer[];
  accuracy: Accuracy;
}

export const ACT_MIN = -128;
export const ACT_MAX = 127;

export function outSize(n: number, l: Pick<Int8Layer, 'kernel' | 'stride' | 'pad'>): number {
  return Math.floor((n + 2 * l.pad - l.kernel) / l.stride) + 1;
}

/** Feature-map sizes: [input, after layer 0, after layer 1, ...] (square maps). */
export function mapSizes(net: { input: { height: number }; layers: readonly Pick<Int8Layer, 'kernel' | 'stride' | 'pad'>[] }): number[] {
  const sizes = [net.input.height];
  for (const l of net.layers) sizes.push(outSize(sizes.at(-1)!, l));
  return sizes;
}

/**
 * Accumulates a convolution: input [C][H][H] (any numbers), weights in [c][ky][kx][o] order, output
 * acc [o][oy][ox] (exact for integers up to 2^53). Zero inputs are skipped.
 */
export function convolve(input: ArrayLike<number>, size: number, l: Omit<Int8Layer, 'weights' | 'shift' | 'relu'>, weightsCKKO: ArrayLike<number>): Float64Array {
  const O = l.outChannels;
  const { kernel: k, stride, pad } = l;
  const os = outSize(size, l);
  const P = os * os;
  // Output-major accumulators [oy][ox][o], so the innermost loop runs over contiguous channels.
  const acc = new Float64Array(P * O);
  for (let c = 0; c < l.inChannels; c++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const v = input[(c * size + y) * size + x]!;
        if (v === 0) continue;
        // Scatter v to every output whose window covers (y, x): ky = y + pad - oy * stride.
        for (let ky = (y + pad) % stride; ky < k; ky += stride) {
          const oy = (y + pad - ky) / stride;
          if (oy < 0 || oy >= os) continue;
          for (let kx = (x + pad) % stride; kx < k; kx += stride) {
            const ox = (x + pad - kx) / stride;
            if (ox < 0 || ox >= os) continue;
            const wBase = ((c * k + ky) * k + kx) * O;
            const aBase = (oy * os + ox) * O;
            for (let o = 0; o < O; o++) acc[aBase + o]! += v * weightsCKKO[wBase + o]!;
          }
        }
      }
    }
  }
  const out = new Float64Array(P * O);
  for (let p = 0; p < P; p++) for (let o = 0; o < O; o++) out[o * P + p] = acc[p * O + o]!;
  return out;
}

/** [o][c][ky][kx] -> [c][ky][kx][o]. */
export function weightsCKKO(l: Pick<Int8Layer, 'kernel' | 'inChannels' | 'outChannels'> & { weights: ArrayLike<number> }): Float64Array {
  const O = l.outChannels;
  const cells = l.inChannels * l.kernel * l.kernel;
  const out = new Float64Array(cells * O);
  for (let o = 0; o < O; o++) for (let i = 0; i < cells; i++) out[i * O + o] = l.weights[o * cells + i]!;
  return out;
}

/** The PE array's output stage: optional ReLU, floor(acc / 2^shift), saturate to int8. */
export function requantInt8(acc: number, relu: boolean, shift: number): number {
  const r = relu && acc < 0 ? 0 : acc;
  const s = Math.floor(r / 2 ** shift);
  return s > ACT_MAX ? ACT_MAX : s < ACT_MIN ? ACT_MIN : s;
}

/** Reference inference: every layer's int8 output map [c][y][x]; the last one holds the class scores. */
export class Int8Runner {
  private readonly transposed: Float64Array[];
  private readonly sizes: number[];
  constructor(readonly net: Int8Network) {
    this.transposed = net.layers.map((l) => weightsCKKO(l));
    this.sizes = mapSizes(net);
  }
  run(pixels: ArrayLike<number>): Int8Array[] {
    let input: ArrayLike<number> = pixels;
    return this.net.layers.map((l, i) => {
      const acc = convolve(input, this.sizes[i]!, l, this.transposed[i]!);
      const out = new Int8Array(acc.length);
      for (let j = 0; j < acc.length; j++) out[j] = requantInt8(acc[j]!, l.relu, l.shift);
      input = out;
      return out;
    });
  }
  predict(pixels: ArrayLike<number>): number {
    return argmax(this.run(pixels).at(-1)!);
  }
}

/** Index of the largest score; ties go to the lowest class (the rule the system applies to the RTL's outputs too). */
export function argmax(scores: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
  return best;
}
