// The int8 networks as the PE array runs them: each layer im2col-lowered (K = in_channels x kernel^2
// columns in (c, ky, kx) order, W[K][out_channels]), as hwgen/system's CnnModel, so the same passes
// (tiles of `lanes` channels, split reductions) and golden models serve the profile and the system.
import type { PeArrayConfig } from '../hwgen/config/index.ts';
import { runModelGolden, type CnnModel, type LayerRun } from '../hwgen/system/workload.ts';
import { digitImage, type Digit } from './data.ts';
import { argmax, mapSizes, type Int8Network } from './int8.ts';

export function toCnnModel(net: Int8Network): CnnModel {
  const sizes = mapSizes(net);
  return {
    name: net.variant,
    input: net.input,
    layers: net.layers.map((l, i) => {
      const cells = l.inChannels * l.kernel * l.kernel;
      const weights = Array.from({ length: cells }, (_, k) => Array.from({ length: l.outChannels }, (_, o) => l.weights[o * cells + k]!));
      return {
        shape: { inChannels: l.inChannels, height: sizes[i]!, width: sizes[i]!, kernel: l.kernel, stride: l.stride, pad: l.pad },
        weights,
        outChannels: l.outChannels,
        relu: l.relu,
        shift: l.shift,
      };
    }),
  };
}

/** The predicted digit from a classifier layer's outputs (one row of class scores). */
export function predictedClass(lastLayerOutputs: readonly (readonly number[])[]): number {
  return argmax(lastLayerOutputs[0]!);
}

/** One digit through the golden PE-array model: per layer its passes and results, and the prediction. */
export function runDigitGolden(cfg: PeArrayConfig, model: CnnModel, digit: Digit): { layers: LayerRun[]; predicted: number } {
  const layers = runModelGolden(cfg, model, digitImage(digit));
  return { layers, predicted: predictedClass(layers.at(-1)!.outputs) };
}
