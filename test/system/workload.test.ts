// The host's static level and the system golden model's timing, by hand: the expected non-zeros are
// the mean of the golden PE-array model's output counts over the profiling inputs, the suffix sums
// are sums of the mean layer latency (K + B + 9 cycles), the tables are encoded as the scheduler's
// own encoders do, and the first decision/layer of a run lands on the cycles the loop implies.
import { describe, expect, it } from 'vitest';
import { defaultConfig, encodePenaltyScale, encodeReciprocal, parseConfig, runLayerGolden, schedulerFormats, SCHEDULER_TIMING } from '../../hwgen/index.ts';
import {
  MODEL_SPECS,
  PROFILE_DENSITIES,
  buildModel,
  buildWorkload,
  convPasses,
  inputDensity,
  layerLoopCycles,
  profileVariant,
  randomImage,
  rowsToMap,
  runModelGolden,
  runSystemGolden,
} from '../../hwgen/system/index.ts';

describe('system workload: tiny CNNs and the static level', () => {
  const config = defaultConfig();
  const pe = config.peArray;

  it('models are im2col-lowered 3x3 convs with lanes output channels and K <= weightDepth', () => {
    for (const spec of MODEL_SPECS) {
      const m = buildModel(pe, spec);
      expect(m.layers).toHaveLength(spec.strides.length);
      expect(m.layers.length).toBeGreaterThanOrEqual(3);
      expect(m.layers.length).toBeLessThanOrEqual(5);
      m.layers.forEach((l, i) => {
        expect(l.weights.length).toBe((i === 0 ? spec.input.channels : pe.lanes) * 9);
        expect(l.weights.length).toBeLessThanOrEqual(pe.weightDepth);
        expect(l.weights.every((row) => row.length === pe.lanes)).toBe(true);
      });
      const zeros = m.layers.flatMap((l) => l.weights.flat()).filter((w) => w === 0).length / m.layers.flatMap((l) => l.weights.flat()).length;
      if (spec.weightSparsity > 0) expect(zeros).toBeGreaterThan(spec.weightSparsity - 0.1);
      else expect(zeros).toBeLessThan(0.05);
    }
  });

  it('a layer chained by hand: im2col of the previous outputs, one output row per pixel', () => {
    const m = buildModel(pe, MODEL_SPECS[1]!); // cnn4: the second layer has stride 2
    const img = randomImage(pe, 3, 8, 8, 0.5, 42);
    const runs = runModelGolden(pe, m, img);
    const l0 = runLayerGolden(pe, convPasses(pe, m.layers[0]!, img)[0]!.tile);
    expect(runs[0]!.results).toEqual([{ ...l0, reloads: 0 }]);
    const l1 = runLayerGolden(pe, convPasses(pe, m.layers[1]!, rowsToMap(l0.outputs, 8, 8))[0]!.tile);
    expect(runs[1]!.results).toEqual([{ ...l1, reloads: 0 }]);
    expect(l1.outputs).toHaveLength(16); // 8x8 -> 4x4
    expect(runs[1]!.cycles).toBe(layerLoopCycles(runs[1]!.passes));
    expect(runs[1]!.cycles).toBe(pe.lanes * 9 + l1.cycles + 1);
  });

  it('variant tables: mean non-zeros and mean latency over the profiling inputs, encoded as the scheduler expects', () => {
    const f = schedulerFormats(config.scheduler);
    const m = buildModel(pe, MODEL_SPECS[0]!);
    const v = profileVariant(config, 0, m);
    const runs = PROFILE_DENSITIES.map((d, i) => runModelGolden(pe, m, randomImage(pe, 4, 8, 8, d, 5000 + i)));
    m.layers.forEach((_, l) => {
      const nnz = runs.map((r) => r[l]!.results[0]!.nonzero);
      const cyc = runs.map((r) => r[l]!.passes[0]!.tile.weights.length + r[l]!.passes[0]!.tile.beats.length + 9);
      expect(v.expectedNonzero[l]).toBe(nnz.reduce((a, b) => a + b, 0) / nnz.length);
      expect(v.avgCycles[l]).toBe(cyc.reduce((a, b) => a + b, 0) / cyc.length);
      expect(v.tables.layers[l]!.recip).toEqual(encodeReciprocal(f, v.expectedNonzero[l]!));
      const after = v.avgCycles.slice(l + 1).reduce((a, b) => a + b, 0);
      expect(v.tables.layers[l]!.suffixNext).toBe(BigInt(Math.round(after)));
    });
    expect(v.tables.suffix0).toBe(BigInt(Math.round(v.avgCycles.reduce((a, b) => a + b, 0))));
    expect(v.script).toEqual({ variant: 0, nlayers: 3, suffix0: v.tables.suffix0, layers: v.tables.layers.map((l) => ({ mant: l.recip.mant, shift: l.recip.shift, suffixNext: l.suffixNext })) });
  });

  it('requests: mixed variants, input densities spread, deadlines and penalty scales from the isolated estimate', () => {
    const wl = buildWorkload(config, { requests: 30, seed: 5 });
    const f = schedulerFormats(config.scheduler);
    expect(new Set(wl.requests.map((r) => r.variant)).size).toBe(4);
    for (const r of wl.requests) {
      const iso = wl.variants[r.variant]!.tables.suffix0;
      expect(r.scale).toBe(encodePenaltyScale(f, iso));
      expect(r.deadline > r.arrival).toBe(true);
      expect(Math.abs(inputDensity(r.image) - r.density)).toBeLessThan(0.2);
    }
    expect(wl.requests[0]!.arrival).toBe(wl.start);
    // Deterministic from the seed.
    expect(buildWorkload(config, { requests: 30, seed: 5 }).requests.map((r) => r.arrival)).toEqual(wl.requests.map((r) => r.arrival));
  });

  it('golden loop timing by hand: the first request alone', () => {
    const cfg = parseConfig({ peArray: { lanes: 8, weightDepth: 128 }, scheduler: { log2Tasks: 2 } });
    const wl = buildWorkload(cfg, { requests: 1, seed: 2 });
    const g = runSystemGolden(wl);
    const start = wl.start;
    const tSel = start + BigInt(SCHEDULER_TIMING.ADMIT_TO_SELECT);
    const tEvent = tSel + 1n + BigInt(SCHEDULER_TIMING.SELECT_FIXED); // one valid slot
    const t0 = wl.passes(0, 0, [])[0]!.tile;
    const tGo = tEvent + 1n + 1n + BigInt(t0.weights.length); // take, one score read, weights
    const tDone = tGo + BigInt(t0.beats.length) + 9n;
    expect(g.lines.slice(0, 4)).toEqual([
      `A 0 0 ${start}`,
      `D ${tSel} ${tEvent} 0 0 0 ${g.lines[1]!.split(' ')[6]}`,
      `S 0 ${g.lines[1]!.split(' ')[6]}`,
      `L 0 0 0 ${tGo} ${tDone} ${t0.beats.length + 8} ${runLayerGolden(cfg.peArray, t0).nonzero} ${runLayerGolden(cfg.peArray, t0).total}`,
    ]);
    // The next decision starts 8 cycles after that layer's done cycle.
    expect(g.lines[4]).toMatch(new RegExp(`^D ${tDone + BigInt(SCHEDULER_TIMING.UPDATE_TO_SELECT)} `));
  });
});
