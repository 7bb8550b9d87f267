// The built-in zoo: real layer counts, deterministic tables, >= 200 samples, activation sparsity that
// varies across samples and is correlated across a sample's layers.
import { describe, expect, it } from 'vitest';
import { layerMacs, mobilenetV1Layers, resnet50Layers, ssd300Resnet18Layers, vgg16Layers } from '../../sw-scheduler/zoo/layers.ts';
import { ZOO, zooWorkload } from '../../sw-scheduler/zoo/zoo.ts';

describe('model zoo', () => {
  it('has the architectures of the paper with their real layer counts and MACs', () => {
    expect(resnet50Layers()).toHaveLength(54);
    expect(vgg16Layers()).toHaveLength(16);
    expect(mobilenetV1Layers()).toHaveLength(28);
    expect(ssd300Resnet18Layers()).toHaveLength(37);
    const gmacs = (layers: ReturnType<typeof vgg16Layers>) => layers.reduce((a, l) => a + layerMacs(l), 0) / 1e9;
    // Published totals: ResNet-50 ~4.1 GMACs, VGG-16 ~15.5, MobileNet-V1 ~0.57.
    expect(gmacs(resnet50Layers())).toBeCloseTo(4.09, 1);
    expect(gmacs(vgg16Layers())).toBeCloseTo(15.47, 1);
    expect(gmacs(mobilenetV1Layers())).toBeCloseTo(0.569, 2);
  });

  it('lists the CNN and attention workloads with 12 and 3 variants of >= 200 samples (and the measured mnist)', () => {
    expect(ZOO.map((z) => z.name)).toEqual(['cnn', 'attention', 'mnist']);
    const cnn = zooWorkload('cnn');
    const att = zooWorkload('attention');
    expect(cnn.variants).toHaveLength(12);
    expect(cnn.variants.map((v) => v.name)).toContain('resnet50_block4_sparse60');
    expect(att.variants.map((v) => v.name)).toEqual(['bart', 'bert', 'gpt2']);
    for (const v of [...cnn.variants, ...att.variants]) expect(v.sampleIds.length).toBeGreaterThanOrEqual(200);
  });

  it('is deterministic from its seed, and a different seed gives different samples', () => {
    const a = ZOO[0].build({ seed: 5, samples: 10 });
    const b = ZOO[0].build({ seed: 5, samples: 10 });
    const c = ZOO[0].build({ seed: 6, samples: 10 });
    expect(a.variants[0].latency).toEqual(b.variants[0].latency);
    expect(a.variants[0].latency).not.toEqual(c.variants[0].latency);
  });

  it('draws the same tables as it always has (values pinned from the build before its fast paths)', () => {
    // Traces, figures and saved results depend on these draws to the bit: a faster generator or
    // latency model must not move them.
    const cnn = zooWorkload('cnn');
    const att = zooWorkload('attention');
    expect(cnn.variants[0]!.latency[0]).toBe(0.000229763);
    expect(cnn.variants[3]!.latency[777]).toBe(0.00041836617691566716);
    expect(cnn.variants[11]!.sparsity[1234]).toBe(0.5289417582019406);
    expect(cnn.variants[11]!.latency[1234]).toBe(0.008493443040725027);
    expect(att.variants[1]!.latency[100]).toBe(0.0007599883951220659);
    expect(att.variants[1]!.sparsity[100]).toBe(0.8066859045616819);
    expect(cnn.variants.map((v) => v.name).filter((_, i) => i === 0 || i === 3 || i === 11)).toEqual(['mobilenet_block4_sparse60', 'resnet50_block4_sparse60', 'vgg16_unstructured_sparse60']);
  });

  it('makes sparsity correlated across the layers of a sample', () => {
    const v = zooWorkload('cnn').variantByName.get('resnet50_unstructured_sparse60')!;
    // Correlation between a sample's mean sparsity over the first and the second half of its layers.
    const half = Math.floor(v.layers / 2);
    const xs: number[] = [];
    const ys: number[] = [];
    for (let s = 0; s < v.sampleIds.length; s++) {
      let x = 0;
      let y = 0;
      for (let l = 1; l < half; l++) x += v.sparsity[s * v.layers + l];
      for (let l = half; l < v.layers; l++) y += v.sparsity[s * v.layers + l];
      xs.push(x);
      ys.push(y);
    }
    const mean = (a: number[]) => a.reduce((p, q) => p + q, 0) / a.length;
    const mx = mean(xs);
    const my = mean(ys);
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    xs.forEach((x, i) => {
      sxy += (x - mx) * (ys[i] - my);
      sxx += (x - mx) ** 2;
      syy += (ys[i] - my) ** 2;
    });
    expect(sxy / Math.sqrt(sxx * syy)).toBeGreaterThan(0.7);
    // The first layer reads the image: no zeros.
    expect(v.Savg[0]).toBe(0);
  });

  it('puts denser samples at higher latency (the monitor has something to see)', () => {
    const v = zooWorkload('cnn').variantByName.get('vgg16_block4_sparse60')!;
    let densest = 0;
    let sparsest = 0;
    let best = -1;
    let worst = 2;
    for (let s = 0; s < v.sampleIds.length; s++) {
      const sp = v.sparsity[s * v.layers + 5];
      if (sp > best) [best, sparsest] = [sp, s];
      if (sp < worst) [worst, densest] = [sp, s];
    }
    expect(v.latency[densest * v.layers + 5]).toBeGreaterThan(v.latency[sparsest * v.layers + 5]);
  });

  it('rejects an unknown workload name with the list of known ones', () => {
    expect(() => zooWorkload('transformers')).toThrow("unknown workload 'transformers'; the built-in ones are cnn, attention, mnist (see `dysta workloads`), or use --csv-dir.");
  });
});
