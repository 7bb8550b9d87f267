// The training script's pieces on a few batches: deterministic from the seed (two runs give the same
// weights bit for bit; another seed does not), the pruning mask holds through fine-tuning, and filter
// pruning removes the right HWIO slices (checked on a hand-made layer).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeededInts } from '../../hwgen/index.ts';
import { ARCHITECTURES, PATTERNS } from '../../models/architectures.ts';
import { loadDigits } from '../../models/data.ts';
import type { FloatLayer } from '../../models/quantise.ts';
import { initialWeights, magnitudeMasks, pruneFilters, tensors, train } from '../../models/train.ts';

describe('training (tfjs CPU backend)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  const slim = ARCHITECTURES.find((a) => a.name === 'slim')!;
  const data = tensors(loadDigits().training.slice(0, 32));
  const run = (seed: number, masks?: Float32Array[], start?: FloatLayer[]) =>
    train(start ?? initialWeights(slim, new SeededInts(seed)), data, { epochs: 1, lr: 0.002, decay: 1, rng: new SeededInts(seed + 1), masks, label: 'test' });

  it('is deterministic from the seed', () => {
    const a = run(7);
    const b = run(7);
    const c = run(8);
    expect(a.map((l) => l.weights)).toEqual(b.map((l) => l.weights));
    expect(a[1]!.weights).not.toEqual(c[1]!.weights);
    // It learned something: the weights moved from their initial values.
    expect(a[1]!.weights).not.toEqual(initialWeights(slim, new SeededInts(7))[1]!.weights);
  });

  it('magnitude pruning: 70% (50% in the first layer) of the smallest weights stay zero through fine-tuning', () => {
    const start = initialWeights(slim, new SeededInts(3));
    const unstructured = PATTERNS.find((p) => p.kind === 'unstructured')!;
    const masks = magnitudeMasks(start, unstructured);
    masks.forEach((m, i) => expect(m.filter((x) => x === 0).length).toBe(Math.round((i === 0 ? 0.5 : 0.7) * m.length)));
    const tuned = run(3, masks, start.map((l, i) => ({ ...l, weights: l.weights.map((w, j) => w * masks[i]![j]!) })));
    tuned.forEach((l, i) => l.weights.forEach((w, j) => masks[i]![j] === 0 && expect(Math.abs(w)).toBe(0)));
  });

  it('filter pruning keeps the filters with the largest L1 norm and their input channels downstream', () => {
    // Layer 0: 1x1 kernel, 1 input, 4 filters with |w| = 1, 4, 2, 3 -> keep filters 1 and 3 (in order).
    // Layer 1: 1x1 kernel, 4 inputs, 2 outputs; HWIO index = c * 2 + o, value 10 * c + o.
    const layers: FloatLayer[] = [
      { kernel: 1, stride: 1, pad: 0, outChannels: 4, relu: true, inChannels: 1, weights: [1, -4, 2, 3] },
      { kernel: 1, stride: 1, pad: 0, outChannels: 2, relu: false, inChannels: 4, weights: [0, 1, 10, 11, 20, 21, 30, 31] },
    ];
    const pruned = pruneFilters(layers, PATTERNS.find((p) => p.kind === 'filter')!);
    expect(pruned[0]).toMatchObject({ outChannels: 2, weights: [-4, 3] });
    expect(pruned[1]).toMatchObject({ inChannels: 2, outChannels: 2, weights: [10, 11, 30, 31] });
  });
});
