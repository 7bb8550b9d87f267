// dysta_predictor against its golden model (PredictorModel), cycle for cycle: the host programs every
// variant and layer entry, then updates run as the scheduler top drives them (start with the layer
// done, `updating` for the 16 stages (three multiplies of 3 cycles among them) plus a random hold of the write-back, the task's ratio sum read
// in stage RATIO, the monitor's count in stage COUNT, other cycles' values random), with admissions'
// initial-P reads in between. Corners: no non-zeros, a saturated count (monitor wider and narrower
// than nnzWidth), tiny expectations (saturated ratio and gamma), saturated suffix sums (P clamps),
// the last layer by layer count, by 0 and above-maximum counts, and at 2^log2MaxLayers. Independently
// of the model: every write-back equals predictorStep() of what was programmed.
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../hwgen/index.ts';
import { maxOf, sat, schedulerFormats } from '../../hwgen/scheduler/formats.ts';
import { PredictorModel, buildPredictor, clampPred, encodeReciprocal, isLastLayer, predictorStep, regressionStep, type CoefficientBank, type PredictorInputs } from '../../hwgen/scheduler/predictor.ts';
import { compareCycles, openBlock, type Values } from './block-helpers.ts';
import { Rng } from './scenarios.ts';
import type { VectorSim } from '../../cosim/scheduler/vectors.ts';

const sims: VectorSim[] = [];
afterAll(async () => Promise.all(sims.map((s) => s.close())));

describe('dysta_predictor vs PredictorModel', () => {
  it.each([
    ['default formats, 20-bit monitor', {}, 20, 500],
    ['narrow: 8-bit nnz and reciprocal, gamma 2.8, 16-bit latency, 40-bit monitor', { log2Variants: 1, log2MaxLayers: 2, nnzWidth: 8, recipWidth: 8, gammaIntBits: 2, gammaFracBits: 8, latencyWidth: 16, invKFracBits: 8 }, 40, 400],
    ['regression predictor, two banks', { predictor: 'regression', log2Variants: 2, log2MaxLayers: 4 }, 20, 500],
    ['regression predictor, 16-bit latency, gamma 3.10', { predictor: 'regression', log2Variants: 1, log2MaxLayers: 3, latencyWidth: 16, gammaIntBits: 3, gammaFracBits: 10 }, 20, 300],
  ] as const)('%s', async (name, scheduler, monitorWidth, updates) => {
    const f = schedulerFormats(parseConfig({ scheduler }).scheduler);
    const sim = await openBlock(buildPredictor(f, monitorWidth), `pred${name.replace(/[^A-Za-z0-9]/g, '').slice(0, 20)}`);
    sims.push(sim);
    const rng = new Rng(f.variants + monitorWidth);
    const model = new PredictorModel(f);
    const stimulus: Values[] = [];
    const expected: Partial<Values>[] = [];
    const rand = (w: number) => rng.big(0n, maxOf(w));
    let programmed = false;
    const base = (): PredictorInputs => ({
      wr_variant: 0n, wr_variant_addr: BigInt(rng.int(0, f.variants - 1)), wr_nlayers: rand(f.layerCountWidth), wr_suffix0: rand(f.latencyWidth),
      wr_layer: 0n, wr_layer_addr: rand(f.variantWidth + f.layerWidth), wr_recip_mant: rand(f.recipWidth), wr_recip_shift: rand(6), wr_suffix_next: rand(f.latencyWidth),
      adm_variant: BigInt(rng.int(0, f.variants - 1)), updating: 0n, start: 0n, count_ext: rand(1), count_in: rand(f.nnzWidth), monitor_count: rand(monitorWidth),
      run_variant: BigInt(rng.int(0, f.variants - 1)), run_layer: rand(f.layerWidth), ratio_sum_old: rand(f.ratioSumWidth),
      ...(f.regression ? { wr_coeff: 0n, wr_coeff_addr: rand(1 + f.variantWidth + f.layerWidth), wr_coeff_a: rand(f.coeffWidth), wr_coeff_b: rand(f.coeffWidth), adm_coeff_bank: rand(1), run_coeff_bank: rand(1) } : {}),
    });
    const step = (i: PredictorInputs) => {
      const o = model.outputs(i);
      // Regression builds have no suffix tables (the coefficients replace them): no such ports.
      const { wr_suffix0, wr_suffix_next, ...rest } = i;
      stimulus.push((f.regression ? rest : { ...rest, wr_suffix0, wr_suffix_next }) as unknown as Values);
      const e: Partial<Values> = { wb_we: o.wb_we, wb_complete: o.wb_complete, wb_next_layer: o.wb_next_layer };
      if (programmed) e.init_pred = o.init_pred;
      if (o.wb_we) Object.assign(e, { wb_last: o.wb_last, wb_ratio_sum: o.wb_ratio_sum, wb_gamma: o.wb_gamma, wb_pred: o.wb_pred });
      expected.push(e);
      model.clock(i);
      return o;
    };
    // 1. Program the tables (with corner entries: tiny expectations, saturated suffixes).
    const nlayers: number[] = [];
    const layers: { mant: bigint; shift: number; suffixNext: bigint }[][] = [];
    for (let v = 0; v < f.variants; v++) {
      const nl = rng.pick([0, 1, f.maxLayers, f.maxLayers + 1, rng.int(1, f.maxLayers)]) & Number(maxOf(f.layerCountWidth));
      nlayers.push(nl);
      step({ ...base(), wr_variant: 1n, wr_variant_addr: BigInt(v), wr_nlayers: BigInt(nl), wr_suffix0: rand(f.latencyWidth) });
      const row: (typeof layers)[number] = [];
      for (let l = 0; l < f.maxLayers; l++) {
        const expectedNnz = rng.chance(0.1) ? 2 : rng.int(2, Number(maxOf(Math.min(f.nnzWidth, 30))));
        const r = encodeReciprocal(f, expectedNnz);
        const suffixNext = rng.chance(0.1) ? maxOf(f.latencyWidth) : rand(f.latencyWidth);
        row.push({ mant: r.mant, shift: r.shift, suffixNext });
        step({ ...base(), wr_layer: 1n, wr_layer_addr: (BigInt(v) << BigInt(f.layerWidth)) | BigInt(l), wr_recip_mant: r.mant, wr_recip_shift: BigInt(r.shift), wr_suffix_next: suffixNext });
      }
      layers.push(row);
    }
    // Regression coefficients: per bank and k, a and b of both signs, sometimes the extremes.
    const coeffs: CoefficientBank[][] = [];
    if (f.regression) {
      const lim = (1n << BigInt(f.coeffWidth - 1)) - 1n;
      for (let v = 0; v < f.variants; v++) {
        const banks: CoefficientBank[] = [];
        for (let bank = 0; bank < f.coeffBanks; bank++) {
          const a: bigint[] = [];
          const b: bigint[] = [];
          for (let k = 0; k < f.maxLayers; k++) {
            // k = 0 (the initial P): one entry below 0, one above the P range, the others in range.
            const mode = k === 0 ? [1, 0, 5][(v + bank) % 3]! : rng.int(0, 9);
            a.push(mode === 0 ? lim : mode === 1 ? -lim - 1n : rng.big(-(1n << BigInt(f.latencyWidth - 2)), 1n << BigInt(f.latencyWidth)));
            b.push(mode === 2 ? lim : mode === 3 ? -lim - 1n : rng.big(-(1n << BigInt(f.latencyWidth - 1)), 1n << BigInt(f.latencyWidth)));
            const mask = (1n << BigInt(f.coeffWidth)) - 1n;
            step({ ...base(), wr_coeff: 1n, wr_coeff_addr: (BigInt(bank) << BigInt(f.variantWidth + f.layerWidth)) | (BigInt(v) << BigInt(f.layerWidth)) | BigInt(k), wr_coeff_a: a[k]! & mask, wr_coeff_b: b[k]! & mask });
          }
          banks.push({ a, b });
        }
        coeffs.push(banks);
      }
    }
    step(base());
    programmed = true;
    // 2. Updates.
    let lasts = 0;
    let saturated = 0;
    for (let u = 0; u < updates; u++) {
      for (let k = rng.int(0, 4); k > 0; k--) step(base());
      const run = { run_variant: BigInt(rng.int(0, f.variants - 1)), run_layer: BigInt(rng.int(0, f.maxLayers - 1)), ...(f.regression ? { run_coeff_bank: BigInt(rng.int(0, 1)) } : {}) };
      const cmode = rng.int(0, 9);
      const countExt = rng.chance(0.5) ? 1n : 0n;
      const countWidth = countExt ? f.nnzWidth : monitorWidth;
      const count = cmode === 0 ? 0n : cmode === 1 ? maxOf(countWidth) : rng.big(0n, maxOf(Math.min(countWidth, 24)));
      // The task's ratio sum after run_layer layers: at most run_layer saturated ratios.
      const sumOld = rng.chance(0.1) ? run.run_layer * maxOf(f.gammaWidth) : rng.big(0n, run.run_layer * maxOf(f.gammaWidth));
      step({ ...base(), ...run, start: 1n, count_ext: countExt, count_in: countExt ? count : rand(f.nnzWidth) });
      let wbSeen = false;
      for (let stage = 0; ; stage++) {
        const i = { ...base(), ...run, updating: 1n };
        if (stage === 0 && !countExt) i.monitor_count = count;
        if (stage === 1) i.ratio_sum_old = sumOld;
        const o = step(i);
        if (o.wb_we) {
          // Independent: the write-back is predictorStep of what was programmed.
          const v = Number(run.run_variant);
          const l = Number(run.run_layer);
          const nnzIn = countExt ? count : sat(count, f.nnzWidth);
          const last = isLastLayer(f, l + 1, nlayers[v]!);
          const want = f.regression
            ? regressionStep(f, sumOld, nnzIn, layers[v]![l]!, l + 1, coeffs[v]![Number(run.run_coeff_bank)], last)
            : predictorStep(f, sumOld, nnzIn, layers[v]![l]!, l + 1, layers[v]![l]!.suffixNext);
          expect([o.wb_ratio_sum, o.wb_gamma, o.wb_pred]).toEqual([want.ratioSum, want.gamma, want.pred]);
          expect(o.wb_last).toBe(last ? 1n : 0n);
          if (last) lasts++;
          if (want.saturated.ratio || want.saturated.gamma || want.saturated.pred) saturated++;
          expect(stage).toBe(15); // COUNT, RATIO, 3 multiply cycles, RATIO_SHIFT, RATIO_SAT, SUM, 3, GAMMA, 3: cycle 16 after start
          wbSeen = true;
          // The scheduler holds the write-back while the event register is busy, then leaves.
          for (let h = rng.chance(0.2) ? rng.int(1, 3) : 0; h > 0; h--) expect(step({ ...base(), ...run, updating: 1n }).wb_we).toBe(1n);
          break;
        }
      }
      expect(wbSeen).toBe(true);
    }
    step(base());
    // Admissions read the initial P: suffix0, or max(0, a[bank][variant][0]) (checked independently).
    let clamped = 0;
    for (let n = 0; n < 60; n++) {
      const adm = { adm_variant: BigInt(rng.int(0, f.variants - 1)), ...(f.regression ? { adm_coeff_bank: BigInt(rng.int(0, 1)) } : {}) };
      step({ ...base(), ...adm });
      const o = step(base());
      if (f.regression) {
        const a0 = coeffs[Number(adm.adm_variant)]![Number(adm.adm_coeff_bank)]!.a[0]!;
        expect(o.init_pred).toBe(clampPred(f, a0));
        if (a0 < 0n || a0 > (1n << BigInt(f.latencyWidth)) - 1n) clamped++;
      }
    }
    if (f.regression) expect(clamped).toBeGreaterThan(0);
    const compared = await compareCycles(sim, Object.keys(stimulus[0]!), ['init_pred', 'wb_we', 'wb_complete', 'wb_last', 'wb_next_layer', 'wb_ratio_sum', 'wb_gamma', 'wb_pred'], stimulus, expected);
    expect(compared).toBeGreaterThan(stimulus.length * 2);
    expect(lasts).toBeGreaterThan(10);
    expect(saturated).toBeGreaterThan(10);
  });
});
