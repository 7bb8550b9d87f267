// The NPU tile RTL (PE array + sparsity monitor) in Verilator against the golden model: identical
// outputs, identical cycle counts, identical monitor counts, on random layers at every density and
// on corner cases.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NpuTileSim } from '../../cosim/npu/driver.ts';
import {
  checkTile,
  compressRows,
  defaultConfig,
  generateDesign,
  parseConfig,
  randomConvTile,
  randomTile,
  runLayerGolden,
  writeDesign,
  type LayerTile,
  type PeArrayConfig,
} from '../../hwgen/index.ts';
import { tempDir } from '../helpers.ts';

const root = tempDir();

async function openTile(cfg: PeArrayConfig, name: string): Promise<NpuTileSim> {
  const dir = join(root, name);
  writeDesign(generateDesign({ ...defaultConfig(), peArray: cfg }), dir);
  return NpuTileSim.open(dir, { trace: 'none', start: { logDir: join(root, `${name}-logs`) } });
}

async function expectMatch(sim: NpuTileSim, cfg: PeArrayConfig, tile: LayerTile) {
  checkTile(cfg, tile);
  await sim.loadWeights(tile.weights);
  const hw = await sim.runLayer(tile);
  const gold = runLayerGolden(cfg, tile);
  expect(hw.outputs).toEqual(gold.outputs);
  expect(hw.cycles).toBe(gold.cycles);
  expect(hw.measuredCycles).toBe(gold.cycles);
  expect(hw.nonzero).toBe(gold.nonzero);
  expect(hw.total).toBe(gold.total);
  expect(hw.stalls).toBe(0);
  return { hw, gold };
}

describe('npu_tile (default config) vs golden model', () => {
  const cfg = defaultConfig().peArray;
  let sim: NpuTileSim;
  beforeAll(async () => {
    sim = await openTile(cfg, 'default');
  });
  afterAll(async () => sim?.close());

  const densities = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
  it.each(densities)('random layer at density %s', async (density) => {
    for (let seed = 0; seed < 3; seed++) {
      const tile = randomTile(cfg, { rows: 12, k: 96, density, seed: 1000 * density + seed, relu: seed !== 1, shift: 4 + 3 * seed });
      const { gold } = await expectMatch(sim, cfg, tile);
      const nnz = tile.dense.reduce((s, r) => s + Math.max(1, r.filter((v) => v !== 0).length), 0);
      expect(gold.cycles).toBe(nnz + 8);
    }
  });

  it('cycles fall with activation density (zero skipping, not gating)', async () => {
    const cycles: number[] = [];
    for (const density of densities) {
      const tile = randomTile(cfg, { rows: 16, k: 128, density, seed: 7 });
      cycles.push((await expectMatch(sim, cfg, tile)).hw.cycles);
    }
    expect(cycles[0]).toBe(16 + 8); // one zero beat per row
    expect(cycles[10]).toBe(16 * 128 + 8);
    for (let i = 1; i < cycles.length; i++) expect(cycles[i]!).toBeGreaterThan(cycles[i - 1]!);
  });

  it('all-zero input gives zero outputs and a zero non-zero count', async () => {
    const tile = randomTile(cfg, { rows: 5, k: 32, density: 0, seed: 3 });
    const { hw } = await expectMatch(sim, cfg, tile);
    expect(hw.nonzero).toBe(0);
    expect(hw.total).toBe(5 * cfg.lanes);
  });

  it('all-max values saturate high; all-min saturate low (no ReLU)', async () => {
    const k = 64;
    const maxW = Array.from({ length: k }, () => Array(cfg.lanes).fill(127));
    const high = { weights: maxW, beats: compressRows([Array(k).fill(127)]), rows: 1, relu: false, shift: 0 };
    expect((await expectMatch(sim, cfg, high)).hw.outputs[0]).toEqual(Array(cfg.lanes).fill(127));
    const low = { weights: maxW, beats: compressRows([Array(k).fill(-128)]), rows: 1, relu: false, shift: 0 };
    expect((await expectMatch(sim, cfg, low)).hw.outputs[0]).toEqual(Array(cfg.lanes).fill(-128));
    const minW = Array.from({ length: k }, () => Array(cfg.lanes).fill(-128));
    const extreme = { weights: minW, beats: compressRows([Array(k).fill(-128)]), rows: 1, relu: false, shift: 20 };
    // 64 * 16384 = 2^20 >> 20 = 1: the largest product, summed, shifted exactly.
    expect((await expectMatch(sim, cfg, extreme)).hw.outputs[0]).toEqual(Array(cfg.lanes).fill(1));
    const relu = { ...low, relu: true };
    expect((await expectMatch(sim, cfg, relu)).hw.outputs[0]).toEqual(Array(cfg.lanes).fill(0));
  });

  it('uses the largest configured depth (K = weightDepth)', async () => {
    const tile = randomTile(cfg, { rows: 3, k: cfg.weightDepth, density: 0.6, seed: 11, shift: 12 });
    expect(tile.beats.some((b) => b.index === cfg.weightDepth - 1)).toBe(true);
    await expectMatch(sim, cfg, tile);
  });

  it('runs an im2col-lowered 3x3 convolution', async () => {
    const tile = randomConvTile(cfg, { inChannels: 8, height: 6, width: 6, kernel: 3, stride: 1, pad: 1 }, 0.45, 5);
    expect(tile.k).toBe(72);
    expect(tile.rows).toBe(36);
    await expectMatch(sim, cfg, tile);
  });

  it('back-to-back layers reuse the array without reset', async () => {
    for (let seed = 20; seed < 26; seed++) {
      await expectMatch(sim, cfg, randomTile(cfg, { rows: 1 + (seed % 4), k: 17, density: 0.3, seed }));
    }
  });
});

describe('npu_tile with one lane and narrow formats vs golden model', () => {
  const cfg = parseConfig({ peArray: { lanes: 1, actWidth: 4, weightWidth: 3, accWidth: 11, weightDepth: 16, maxRows: 40 } }).peArray;
  let sim: NpuTileSim;
  beforeAll(async () => {
    sim = await openTile(cfg, 'one-lane');
  });
  afterAll(async () => sim?.close());

  it('matches at every density, up to maxRows and the full depth', async () => {
    for (const density of [0, 0.25, 0.5, 0.75, 1]) {
      for (const relu of [false, true]) {
        const tile = randomTile(cfg, { rows: 40, k: 16, density, seed: Math.round(density * 100) + (relu ? 1 : 0), relu, shift: 2 });
        await expectMatch(sim, cfg, tile);
      }
    }
  });
  it('saturates both ways at 4 bits', async () => {
    const w = Array.from({ length: 16 }, () => [3]);
    const tile: LayerTile = { weights: w, beats: compressRows([Array(16).fill(7), Array(16).fill(-8)]), rows: 2, relu: false, shift: 1 };
    const { hw } = await expectMatch(sim, cfg, tile);
    expect(hw.outputs).toEqual([[7], [-8]]);
  });
});
