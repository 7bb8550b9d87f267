// An Eyeriss-V2-like analytical latency model for one layer of a sparse CNN. Eyeriss V2 (Chen et al.,
// IEEE JETCAS 2019) has 192 PEs at 200 MHz with 8-bit datapaths and processes weights and input
// activations in compressed (CSC) form, skipping zeros of both. The model:
//   compute cycles = MACs * weightDensity * (floor + (1 - floor) * activationDensity)
//                    / (PEs * utilisation(kind) * balance(pattern))
//   memory cycles  = off-chip bytes / bytesPerCycle
//   latency        = (max(compute, memory) + per-layer setup) / clock
// Every constant below that is not from the paper is an assumption, marked as such, and documented in
// sw-scheduler/README.md.
import { layerInputs, layerMacs, layerOutputs, layerWeights, type LayerShape } from './layers.ts';

export type SparsityPattern = 'unstructured' | 'block4' | 'filter';

export const EYERISS_V2 = {
  /** Eyeriss V2: 16 clusters x 12 PEs. */
  pes: 192,
  /** Eyeriss V2's clock in the paper. */
  clockHz: 200e6,
  /** Assumption: one 8-bit MAC per PE per cycle. */
  macsPerPePerCycle: 1,
  /** Assumption: fraction of the PE array a mapping keeps busy (depthwise layers have no input-channel reuse). */
  utilisation: { conv: 0.85, depthwise: 0.35, fc: 0.85 } as Record<LayerShape['kind'], number>,
  /** Assumption: share of a layer's compute that does not shrink with activation density (CSC decoding, pipeline fill). */
  densityFloor: 0.1,
  /** Assumption: off-chip bandwidth, a 64-bit interface at the core clock (1.6 GB/s). */
  bytesPerCycle: 8,
  /** Assumption: fixed cycles per layer for configuration and drain. */
  setupCycles: 2000,
} as const;

/** Assumption: PE load balance per weight-sparsity pattern (unstructured zeros leave PEs unevenly loaded). */
export const PATTERN_BALANCE: Record<SparsityPattern, number> = { unstructured: 0.7, block4: 0.9, filter: 1.0 };
/** Assumption: CSC index overhead on stored weights (filter pruning stores dense, smaller tensors). */
const WEIGHT_INDEX_OVERHEAD: Record<SparsityPattern, number> = { unstructured: 0.5, block4: 0.125, filter: 0 };

/**
 * Latency (seconds) of one layer given the weight density of the variant and the input activation
 * density of this sample.
 */
export function eyerissLayerLatency(layer: LayerShape, pattern: SparsityPattern, weightDensity: number, activationDensity: number): number {
  return eyerissLayerModel(layer, pattern, weightDensity)(activationDensity);
}

/**
 * eyerissLayerLatency of one layer and variant as a function of the activation density: what does
 * not depend on it is computed once (a zoo draws 200 samples per layer), in the same order of
 * operations, so the results are the same to the bit.
 */
export function eyerissLayerModel(layer: LayerShape, pattern: SparsityPattern, weightDensity: number): (activationDensity: number) => number {
  const m = EYERISS_V2;
  const macs = layerMacs(layer) * weightDensity;
  const rate = m.pes * m.macsPerPePerCycle * m.utilisation[layer.kind] * PATTERN_BALANCE[pattern];
  // Off-chip traffic: compressed weights, compressed input activations (16-bit index per 8-bit value
  // pair, so 1.5x per non-zero, never more than dense), outputs written once (assumed half zeros).
  const weightBytes = layerWeights(layer) * weightDensity * (1 + WEIGHT_INDEX_OVERHEAD[pattern]);
  const inputs = layerInputs(layer);
  const outputBytes = layerOutputs(layer) * 0.5;
  return (activationDensity) => {
    const compute = (macs * (m.densityFloor + (1 - m.densityFloor) * activationDensity)) / rate;
    const memory = (weightBytes + inputs * Math.min(1, activationDensity * 1.5) + outputBytes) / m.bytesPerCycle;
    return (Math.max(compute, memory) + m.setupCycles) / m.clockHz;
  };
}
