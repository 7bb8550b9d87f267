// The integrated system on real inputs: trained MNIST variants on test digits through dysta_system in
// Verilator, every log line and every pass's outputs equal to the system golden model, the predicted
// digits equal to the int8 reference's; `wide_dense` has a 2-pass layer (24 channels on 16 lanes) and a
// classifier whose 1176-long reduction is split over the 1024-row weight buffer. A small config runs a
// conv layer that is both wider than the lanes and longer than the buffer, over many rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SystemSim } from '../../cosim/system/driver.ts';
import { SeededInts, lowerConvWeights, type HwConfig } from '../../hwgen/index.ts';
import { assembleWorkload, profileVariant, randomImage, type CnnModel } from '../../hwgen/system/index.ts';
import { loadDigits } from '../../models/data.ts';
import { Int8Runner } from '../../models/int8.ts';
import { buildMnistWorkload, predictions } from '../../models/system.ts';
import { loadNetwork } from '../../models/weights.ts';
import { openSystem, records, runAndCompare } from './helpers.ts';

describe('dysta_system on MNIST digits (default config)', () => {
  let sim: SystemSim;
  let config: HwConfig;
  beforeAll(async () => ({ sim, config } = await openSystem({}, 'default')));
  afterAll(async () => sim?.close());

  it('slim_dense and wide_dense on 8 test digits: identical log, outputs and predictions', async () => {
    const wl = buildMnistWorkload(config, { variants: ['slim_dense', 'wide_dense'], requests: 8, seed: 4, load: 1.2, profileDigits: 8 });
    const { rtl, gold } = await runAndCompare(sim, wl);
    const test = loadDigits().test;
    const runners = ['slim_dense', 'wide_dense'].map((n) => new Int8Runner(loadNetwork(n)));
    const predicted = predictions(wl, rtl.outputs);
    wl.requests.forEach((r, i) => {
      expect(r.label).toBe(test[r.sample!]!.label);
      expect(predicted[i]).toBe(runners[r.variant]!.predict(test[r.sample!]!.pixels));
    });
    expect(new Set(wl.requests.map((r) => r.variant)).size).toBe(2);
    // wide_dense: layer 1 (24 channels) runs as 2 passes; its classifier reloads weights mid-stream.
    const wideReqs = wl.requests.flatMap((r, i) => (r.variant === 1 ? [i] : []));
    expect(wideReqs.length).toBeGreaterThan(0);
    for (const req of wideReqs) {
      const passes = records(rtl.lines, 'L').filter(([q]) => Number(q) === req);
      expect(passes.map(([, layer, pass]) => `${layer}.${pass}`)).toEqual(['0.0', '1.0', '1.1', '2.0']);
      const classifier = gold.layers.find((l) => l.req === req && l.layer === 2)!;
      expect(classifier.results[0]!.reloads).toBe(1176 - 1024);
    }
  });
});

describe('dysta_system: a layer wider than the lanes and longer than the buffer (8 lanes, 128-row buffer)', () => {
  let sim: SystemSim;
  let config: HwConfig;
  beforeAll(async () => ({ sim, config } = await openSystem({ peArray: { lanes: 8, weightDepth: 128, maxRows: 1024 }, scheduler: { log2Tasks: 2, selectorUnits: 2, timeSkip: 0 } }, 'small')));
  afterAll(async () => sim?.close());

  /** conv 3x3 3->16 (2 passes), conv 3x3 16->12 (K = 144: 2 chunks, 2 passes, 36 rows), classifier 12x6x6 -> 5 (K = 432: 4 chunks). */
  function model(seed: number): CnnModel {
    const r = new SeededInts(seed);
    const filters = (o: number, c: number, k: number) => Array.from({ length: o }, () => Array.from({ length: c }, () => Array.from({ length: k }, () => Array.from({ length: k }, () => r.int(-60, 60)))));
    const conv = (c: number, o: number, k: number, size: number, pad: number, relu: boolean, shift: number) => ({
      shape: { inChannels: c, height: size, width: size, kernel: k, stride: 1, pad },
      weights: lowerConvWeights(filters(o, c, k)),
      outChannels: o,
      relu,
      shift,
    });
    return { name: `big${seed}`, input: { channels: 3, height: 6, width: 6 }, layers: [conv(3, 16, 3, 6, 1, true, 7), conv(16, 12, 3, 6, 1, true, 9), conv(12, 5, 6, 6, 0, false, 10)] };
  }

  it('12 requests: identical log and outputs, the scheduler monitor counts every pass', async () => {
    const variants = [0, 1].map((v) => profileVariant(config, v, model(10 + v)));
    const wl = assembleWorkload(config, variants, { requests: 12, seed: 9, load: 1.1 }, (i, v, r) => {
      const density = [0.3, 0.6, 0.9][r.int(0, 2)]!;
      return { density, image: randomImage(config.peArray, 3, 6, 6, density, 77 + i) };
    });
    const { gold } = await runAndCompare(sim, wl);
    const layer1 = gold.layers.filter((l) => l.layer === 1);
    for (const l of layer1) {
      expect(l.results).toHaveLength(2);
      expect(l.results.every((p) => p.reloads > 0)).toBe(true);
      expect(l.nonzero).toBe(l.results[0]!.nonzero + l.results[1]!.nonzero);
    }
    expect(gold.layers.filter((l) => l.layer === 2).every((l) => l.results[0]!.reloads === 432 - 128)).toBe(true);
  });
});
