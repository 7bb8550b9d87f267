// The committed int8 networks: every variant's weights reproduce its recorded int8 top-1 on all test
// digits (reference inference in the PE array's arithmetic), the im2col/PE-array golden path gives the
// same outputs layer by layer, and damaged files, unknown names and bad lists give one clear error.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultConfig, requantise } from '../../hwgen/index.ts';
import { VARIANTS } from '../../models/architectures.ts';
import { loadDigits } from '../../models/data.ts';
import { Int8Runner, requantInt8 } from '../../models/int8.ts';
import { runDigitGolden, toCnnModel } from '../../models/lowering.ts';
import { quantiseLayerWeights, topOne } from '../../models/quantise.ts';
import { loadNetwork, networkPath, networkToJson, parseModelList, parseNetwork } from '../../models/weights.ts';

const digits = loadDigits();

describe('committed int8 weights', () => {
  it.each(VARIANTS.map((v) => v.name))('%s reproduces its recorded int8 top-1 on all 2,008 test digits', (name) => {
    const net = loadNetwork(name);
    const acc = topOne(new Int8Runner(net), digits.test);
    expect(acc).toBe(net.accuracy.int8Test);
    expect(net.accuracy.testDigits).toBe(2008);
    // The quantised network loses at most about one point against float.
    expect(net.accuracy.floatTest - net.accuracy.int8Test).toBeLessThan(0.015);
    expect(net.accuracy.int8Test).toBeGreaterThan(0.85);
  });

  it('the PE-array golden path (im2col, passes, split reductions) equals the reference layer by layer', () => {
    const cfg = defaultConfig().peArray;
    for (const v of VARIANTS) {
      const net = loadNetwork(v.name);
      const ref = new Int8Runner(net);
      const model = toCnnModel(net);
      for (const d of digits.test.slice(0, 3)) {
        const maps = ref.run(d.pixels);
        const run = runDigitGolden(cfg, model, d);
        run.layers.forEach((l, i) => {
          // Golden rows [pixel][channel] vs reference maps [channel][pixel].
          const P = l.outputs.length;
          const O = net.layers[i]!.outChannels;
          expect(l.outputs.flat()).toEqual(Array.from({ length: P * O }, (_, j) => maps[i]![(j % O) * P + Math.floor(j / O)]));
        });
        expect(run.predicted).toBe(ref.predict(d.pixels));
      }
    }
  });

  it('the sparsity patterns are what their names say', () => {
    for (const v of VARIANTS) {
      const net = loadNetwork(v.name);
      const dense = loadNetwork(`${v.architecture.name}_dense`);
      const zeros = net.layers.slice(1).reduce((a, l) => a + l.weights.filter((w) => w === 0).length, 0) / net.layers.slice(1).reduce((a, l) => a + l.weights.length, 0);
      if (v.pattern.kind === 'unstructured') expect(zeros).toBeGreaterThan(0.69);
      else expect(zeros).toBeLessThan(0.2);
      net.layers.slice(0, -1).forEach((l, i) => expect(l.outChannels).toBe(v.pattern.kind === 'filter' ? dense.layers[i]!.outChannels / 2 : dense.layers[i]!.outChannels));
    }
  });
});

describe('weights files: format and errors', () => {
  const path = networkPath('slim_dense');
  const text = readFileSync(path, 'utf8');

  it('round-trips', () => {
    const net = parseNetwork(text, path);
    expect(networkToJson(net)).toBe(text);
  });

  it('a changed weight, a truncated file, a wrong shape: one clear error each', () => {
    const json = JSON.parse(text);
    const w = json.layers[1].weights as string;
    json.layers[1].weights = (w[0] === 'A' ? 'B' : 'A') + w.slice(1);
    expect(() => parseNetwork(JSON.stringify(json), 'x.json')).toThrow(/^x\.json: corrupted \(its SHA-256 does not match the content\); restore it with `git checkout -- x\.json`/);
    expect(() => parseNetwork(text.slice(0, 500), 'x.json')).toThrow(/^x\.json: not valid JSON/);
    const shape = JSON.parse(text);
    shape.layers[0].kernel = 5;
    expect(() => parseNetwork(JSON.stringify(shape), 'x.json')).toThrow(/^x\.json: (corrupted|layer 0)/);
    expect(() => parseNetwork(JSON.stringify({ ...JSON.parse(text), format: 'other' }), 'x.json')).toThrow(/^x\.json: not a dysta-int8-cnn v1 file \(format:/);
  });

  it('model lists: all, names, unknown and repeated names', () => {
    expect(parseModelList('all')).toEqual(VARIANTS.map((v) => v.name));
    expect(parseModelList('wide_dense, slim_dense')).toEqual(['wide_dense', 'slim_dense']);
    expect(() => parseModelList('slim_dense,lenet')).toThrow(/^unknown model 'lenet'; the models are deep_dense, .*\(or 'all'\)$/);
    expect(() => parseModelList('slim_dense,slim_dense')).toThrow(/names 'slim_dense' twice/);
    expect(() => loadNetwork('nope')).toThrow(/^unknown model 'nope'/);
  });
});

describe('quantisation arithmetic', () => {
  it('shift and weights for a chosen output scale, by hand', () => {
    // s_in = 1/128, s_out = 0.05, max|w| = 0.5: 127 * 0.05 / (0.5 / 128) = 1625.6 -> shift 10;
    // s_w = 0.05 / (1024 / 128) = 0.00625 -> 0.5 / s_w = 80, -0.25 -> -40, 0.1 -> 16.
    expect(quantiseLayerWeights([0.5, -0.25, 0.1], 1 / 128, 0.05)).toEqual({ shift: 10, qw: [80, -40, 16] });
    // 127 * 10 / (1 * 2) = 635 -> shift 9; s_w = 10 / 512 -> 51.2 -> 51, -102.4 -> -102.
    expect(quantiseLayerWeights([1, -2], 1, 10)).toEqual({ shift: 9, qw: [51, -102] });
    // A multiplier above 1 cannot be reached by a shift: shift 0, weights clamped to +-127.
    expect(quantiseLayerWeights([1, -2], 1, 0.001)).toEqual({ shift: 0, qw: [127, -127] });
  });

  it("the reference requantisation is the PE array's (ReLU, floor shift, saturation) on random accumulators", () => {
    let x = 12345;
    for (let i = 0; i < 5000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const acc = (x % 2_000_001) - 1_000_000;
      const relu = i % 2 === 0;
      const shift = i % 17;
      expect(requantInt8(acc, relu, shift)).toBe(requantise(acc, relu, shift, 8));
    }
  });
});
