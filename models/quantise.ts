// Post-training quantisation to the PE array's arithmetic, calibrated on the calibration digits.
//
// Scales: the input is the int8 image q0 with real value q0 / 128. Layer l maps its int8 input (real
// = q * s_in) with int8 weights (real = qw * s_w) to acc = sum q * qw (exact), and the array outputs
// floor(relu(acc) / 2^shift) saturated to int8, whose real value is q * s_out with
//     s_out = s_in * s_w * 2^shift.
// For a chosen output range c (s_out = c / 127), the largest shift that keeps the weights in int8 is
//     shift = floor(log2(127 * s_out / (s_in * max|w|))),   s_w = s_out / (s_in * 2^shift),
// so the weights use at least half of the int8 range and s_out is exactly the one chosen. The range c
// of a ReLU layer is the one, among a few high percentiles of its outputs on the calibration digits,
// with the least squared error against the float layer fed with the same (already quantised) input;
// the classifier takes the largest score magnitude seen, so scores rarely saturate (a tie would
// decide the class by index). There is no bias anywhere: a ReLU network without biases is
// positively homogeneous, so only relative scales matter.
import type { ArchitectureSpec, LayerSpec, PatternSpec } from './architectures.ts';
import { CLASSES, IMAGE_SIZE, INPUT_DIVISOR, type Digit, type DigitSet } from './data.ts';
import { ACT_MAX, Int8Runner, convolve, mapSizes, requantInt8, weightsCKKO, type Int8Layer, type Int8Network } from './int8.ts';

/** A trained float layer: HWIO weights [kernel][kernel][inChannels][outChannels], flattened. */
export interface FloatLayer extends LayerSpec {
  inChannels: number;
  weights: number[];
}

export interface FloatVariant {
  variant: string;
  architecture: ArchitectureSpec;
  pattern: PatternSpec;
  layers: FloatLayer[];
  floatAccuracy: { test: number; calibration: number };
}

/** Candidate output ranges of a ReLU layer: these percentiles of its positive calibration outputs. */
export const RANGE_PERCENTILES = [0.999, 0.9999, 0.99999, 1] as const;

/** HWIO -> [c][ky][kx][o] (the order `convolve` takes). */
function hwioToCkko(l: FloatLayer, w: ArrayLike<number>): Float64Array {
  const { kernel: k, inChannels: I, outChannels: O } = l;
  const out = new Float64Array(w.length);
  for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) for (let c = 0; c < I; c++) for (let o = 0; o < O; o++) out[((c * k + ky) * k + kx) * O + o] = w[((ky * k + kx) * I + c) * O + o]!;
  return out;
}

/** HWIO -> [o][c][ky][kx] (the weights file's order). */
function hwioToOckk(l: FloatLayer, w: ArrayLike<number>): number[] {
  const { kernel: k, inChannels: I, outChannels: O } = l;
  const out = new Array<number>(w.length);
  for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) for (let c = 0; c < I; c++) for (let o = 0; o < O; o++) out[((o * I + c) * k + ky) * k + kx] = w[((ky * k + kx) * I + c) * O + o]!;
  return out;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))]!;
}

/** Shift and int8 weights for output scale sOut given input scale sIn. */
export function quantiseLayerWeights(w: readonly number[], sIn: number, sOut: number): { shift: number; qw: number[] } {
  const maxW = Math.max(...w.map(Math.abs));
  if (maxW === 0) return { shift: 0, qw: w.map(() => 0) };
  const shift = Math.max(0, Math.min(31, Math.floor(Math.log2((ACT_MAX * sOut) / (sIn * maxW)))));
  const sw = sOut / (sIn * 2 ** shift);
  return { shift, qw: w.map((x) => Math.max(-ACT_MAX, Math.min(ACT_MAX, Math.round(x / sw)))) };
}

export function topOne(runner: Int8Runner, digits: readonly Digit[]): number {
  let ok = 0;
  for (const d of digits) if (runner.predict(d.pixels) === d.label) ok++;
  return ok / digits.length;
}

export function quantiseVariant(v: FloatVariant, digits: DigitSet): Int8Network {
  const calib = digits.calibration;
  const sizes = mapSizes({ input: { height: IMAGE_SIZE }, layers: v.layers });
  let sIn = 1 / INPUT_DIVISOR;
  let inputs: ArrayLike<number>[] = calib.map((d) => d.pixels);
  const layers: Int8Layer[] = [];
  v.layers.forEach((l, li) => {
    const size = sizes[li]!;
    const wf = hwioToCkko(l, l.weights);
    // The float layer on the quantised input, in real units.
    const real = inputs.map((q) => convolve(q, size, l, wf).map((a) => (l.relu && a < 0 ? 0 : a * sIn)));
    const magnitudes = Float64Array.from(real.flatMap((r) => Array.from(r).filter((x) => x !== 0).map(Math.abs))).sort();
    const candidates = l.relu ? RANGE_PERCENTILES.map((p) => percentile(magnitudes, p)) : [magnitudes.at(-1) ?? 1];
    const ockk = hwioToOckk(l, l.weights);
    let best: { err: number; shift: number; qw: number[]; sOut: number; outputs: Int8Array[] } | undefined;
    for (const c of candidates) {
      if (!(c > 0)) continue;
      const sOut = c / ACT_MAX;
      const { shift, qw } = quantiseLayerWeights(ockk, sIn, sOut);
      const qCkko = weightsCKKO({ kernel: l.kernel, inChannels: l.inChannels, outChannels: l.outChannels, weights: qw });
      let err = 0;
      const outputs = inputs.map((q, di) => {
        const acc = convolve(q, size, l, qCkko);
        const out = new Int8Array(acc.length);
        for (let j = 0; j < acc.length; j++) {
          out[j] = requantInt8(acc[j]!, l.relu, shift);
          err += (out[j]! * sOut - real[di]![j]!) ** 2;
        }
        return out;
      });
      if (!best || err < best.err) best = { err, shift, qw, sOut, outputs };
    }
    if (!best) throw new Error(`${v.variant} layer ${li}: no output on the calibration digits`);
    layers.push({ kernel: l.kernel, stride: l.stride, pad: l.pad, inChannels: l.inChannels, outChannels: l.outChannels, relu: l.relu, shift: best.shift, weights: Int8Array.from(best.qw) });
    inputs = best.outputs;
    sIn = best.sOut;
  });
  const net: Int8Network = {
    variant: v.variant,
    architecture: v.architecture.name,
    pattern: v.pattern.kind,
    input: { channels: 1, height: IMAGE_SIZE, width: IMAGE_SIZE },
    layers,
    accuracy: { floatTest: v.floatAccuracy.test, floatCalibration: v.floatAccuracy.calibration, int8Test: 0, int8Calibration: 0, testDigits: digits.test.length, calibrationDigits: calib.length },
  };
  const runner = new Int8Runner(net);
  net.accuracy.int8Test = topOne(runner, digits.test);
  net.accuracy.int8Calibration = topOne(runner, calib);
  if (net.layers.at(-1)!.outChannels !== CLASSES) throw new Error(`${v.variant}: the classifier has ${net.layers.at(-1)!.outChannels} outputs`);
  return net;
}
