// The latency predictor (dysta_predictor) with its golden model beside it: the variant and layer
// tables the host programs, and the division-free update that runs after every layer.
//
// Update, after npu_layer_done (start) while `updating`, one stage per cycle (WRITE_BACK holds until
// the table has taken the result); the three products come from pipelined multipliers
// (multiplier.ts), MUL_LATENCY cycles after their operand registers, so no register-to-register
// path holds more than one multiplier or RAM (issue 13):
//   COUNT          the trace NPU's count (count_ext) or the sparsity monitor's
//   RATIO          nnz = that count saturated, operand 1/expected (mantissa) registered beside it; the layer table's shift and
//                  suffix and the task's ratio sum (table read) registered
//   (3 cycles)     nnz x mantissa
//   RATIO_SHIFT    (nnz x mant) >> shift
//   RATIO_SAT      ratio = sat(that)
//   SUM            ratio sum += ratio (the operand of x 1/k; 1/k from its ROM is registered every cycle);
//                  regression: the coefficients a, b registered (b: the operand of b x gamma)
//   (3 cycles)     ratio sum x 1/k (k = layers executed)
//   GAMMA          gamma = sat(product >> invKFrac)
//   (3 cycles)     gamma x suffix sum of the layers after this one (regression: b x gamma)
//   WRITE_BACK     P = sat(product >> gammaFrac) (regression: max(0, a + (b x gamma) >> gammaFrac));
//                  wb_we: the table writes k, last-run, sum, gamma, P
// Cost: three pipelined multipliers, the 1/k ROM, the tables (block RAM). Admission reads suffix0 (the
// initial P) of adm_variant; it shows on init_pred one cycle later.
import { cat, lit, litHex, mux, ModuleBuilder, type Const, type Expr, type ModuleDef, type Signal } from '../hdl/index.ts';
import { PREDICTOR_STAGE, bitsFor, invK, maxOf, sat, type SchedulerFormats } from './formats.ts';
import { satTo } from './datapath.ts';
import { MulPipe, pipelinedMul } from './multiplier.ts';

export const PREDICTOR = 'dysta_predictor';

export { PREDICTOR_STAGE };

/** Builds dysta_predictor; `monitorCountWidth` is the sparsity monitor's count width. */
export function buildPredictor(f: SchedulerFormats, monitorCountWidth: number): ModuleDef {
  const VW = f.variantWidth;
  const LW = f.layerWidth;
  const LCW = f.layerCountWidth;
  const LAT = f.latencyWidth;
  const GW = f.gammaWidth;
  const RSW = f.ratioSumWidth;
  const NW = f.nnzWidth;
  const CW = f.coeffWidth;
  const R = f.regression;
  const m = new ModuleBuilder(
    PREDICTOR,
    R
      ? 'Latency predictor: per-layer 1/expected non-zeros (host-programmed), gamma = mean of measured/expected ratios\n' +
          '(a 1/k ROM, no divider), P = max(0, a + b x gamma) with a, b per (bank, variant, layers executed) from\n' +
          'host-programmed coefficient tables; P = 0 after the last layer. Stages: hwgen/scheduler/predictor.ts.'
      : 'Latency predictor: per-layer 1/expected non-zeros and suffix sums (host-programmed tables), gamma = mean of\n' +
          'measured/expected ratios (a 1/k ROM, no divider), P = gamma x suffix sum. Stages: hwgen/scheduler/predictor.ts.',
    { LOG2_VARIANTS: f.cfg.log2Variants, LOG2_MAX_LAYERS: f.cfg.log2MaxLayers, PREDICTOR: f.cfg.predictor },
  );
  m.input('clk', 1, { role: 'clock' });
  m.input('rst', 1, { role: 'reset', doc: 'synchronous, active high' });
  const wrVariant = m.input('wr_variant', 1, { doc: 'host writes the variant table' });
  const wrVariantAddr = m.input('wr_variant_addr', VW);
  const wrNLayers = m.input('wr_nlayers', LCW, { doc: 'layers of the variant' });
  const wrSuffix0 = R ? undefined : m.input('wr_suffix0', LAT, { doc: 'sum of average layer latency (cycles): the initial P' });
  const wrLayer = m.input('wr_layer', 1, { doc: 'host writes the layer table' });
  const wrLayerAddr = m.input('wr_layer_addr', VW + LW, { doc: '{variant, layer}' });
  const wrMant = m.input('wr_recip_mant', f.recipWidth, { doc: '1/expected non-zeros: mantissa' });
  const wrShift = m.input('wr_recip_shift', f.recipShiftWidth, { doc: '1/expected non-zeros: shift' });
  const wrSuffixNext = R ? undefined : m.input('wr_suffix_next', LAT, { doc: 'sum of average latency of the layers after this one' });
  const wrCoeff = R ? m.input('wr_coeff', 1, { doc: 'host writes a coefficient pair' }) : undefined;
  const wrCoeffAddr = R ? m.input('wr_coeff_addr', 1 + VW + LW, { doc: '{bank, variant, k}: k layers executed' }) : undefined;
  const wrCoeffA = R ? m.input('wr_coeff_a', CW, { doc: 'a: cycles, signed' }) : undefined;
  const wrCoeffB = R ? m.input('wr_coeff_b', CW, { doc: 'b: cycles per unit of gamma, signed' }) : undefined;
  const admVariant = m.input('adm_variant', VW, { doc: 'variant of the request being admitted' });
  const admBank = R ? m.input('adm_coeff_bank', 1, { doc: 'its coefficient bank' }) : undefined;
  const initPred = m.output('init_pred', LAT, { doc: R ? 'its initial P = max(0, a[bank][variant][0]), one cycle later' : 'its initial P (suffix0), one cycle later' });
  const updating = m.input('updating', 1, { doc: 'the update runs (the scheduler is in its update state)' });
  const start = m.input('start', 1, { doc: 'the running layer finished this cycle' });
  const countExt = m.input('count_ext', 1, { doc: 'with start: use count_in (trace NPU) instead of the monitor' });
  const countIn = m.input('count_in', NW, { doc: 'trace NPU: non-zero outputs of the layer' });
  const monitorCount = m.input('monitor_count', monitorCountWidth, { doc: 'the sparsity monitor\'s non-zero count (read in stage COUNT)' });
  const runVariant = m.input('run_variant', VW, { doc: 'variant of the running task' });
  const runLayer = m.input('run_layer', LW, { doc: 'the layer that finished' });
  const ratioSumOld = m.input('ratio_sum_old', RSW, { doc: 'the task\'s ratio sum (table read, valid in stage RATIO)' });
  const runBank = R ? m.input('run_coeff_bank', 1, { doc: 'the task\'s coefficient bank (table read, valid from stage RATIO)' }) : undefined;
  const wbWe = m.output('wb_we', 1, { doc: 'the result is valid: write it back (held until updating ends)' });
  const wbLast = m.output('wb_last', 1, { reset: 0, doc: 'the layer was the task\'s last' });
  const wbComplete = m.output('wb_complete', 1, { doc: 'wb_we && wb_last (from flip-flops: the top\'s completion event logic)' });
  const wbNextLayer = m.output('wb_next_layer', LCW, { doc: 'layers executed, k' });
  const wbRatioSum = m.output('wb_ratio_sum', RSW, { doc: 'new ratio sum' });
  const wbGamma = m.output('wb_gamma', GW, { doc: 'new gamma' });
  const wbPred = m.output('wb_pred', LAT, { doc: R ? 'new P = max(0, a + b x gamma), 0 after the last layer' : 'new P = gamma x suffix' });

  const STW = bitsFor(PREDICTOR_STAGE.WRITE_BACK);
  const S = Object.fromEntries(Object.entries(PREDICTOR_STAGE).map(([k, v]) => [k, m.localparam(`STAGE_${k}`, v, STW)])) as Record<keyof typeof PREDICTOR_STAGE, Const>;
  const maxLayers = m.localparam('MAX_LAYERS', f.maxLayers, LCW, 'a task completes after at most this many layers');

  // Tables.
  const varNLayers = m.memory('var_nlayers', { width: LCW, depth: f.variants, doc: 'layers of each variant' });
  const varSuffix0 = R ? undefined : m.memory('var_suffix0', { width: LAT, depth: f.variants, doc: 'sum of average layer latency (cycles): initial P' });
  const layDepth = f.variants * f.maxLayers;
  const layMant = m.memory('layer_recip_mant', { width: f.recipWidth, depth: layDepth, doc: '1/expected non-zeros: mantissa' });
  const layShift = m.memory('layer_recip_shift', { width: f.recipShiftWidth, depth: layDepth, doc: '1/expected non-zeros: shift' });
  const laySuffix = R ? undefined : m.memory('layer_suffix_next', { width: LAT, depth: layDepth, doc: 'sum of average latency of the layers after this one' });
  const rdNLayers = m.reg('rd_nlayers', LCW);
  const rdMant = m.reg('rd_recip_mant', f.recipWidth);
  const rdShift = m.reg('rd_recip_shift', f.recipShiftWidth);
  const rdSuffixNext = R ? undefined : m.reg('rd_suffix_next', LAT);
  const varAddr = m.named('var_rd_addr', mux(updating, runVariant, admVariant), 'the running task\'s variant while updating, else the admission\'s');
  const layAddr = m.named('layer_rd_addr', cat(runVariant, runLayer), '{running variant, running layer}');
  m.seq((b) => {
    b.if(wrVariant, () => {
      b.write(varNLayers, wrVariantAddr, wrNLayers);
      if (varSuffix0 && wrSuffix0) b.write(varSuffix0, wrVariantAddr, wrSuffix0);
    });
    b.set(rdNLayers, varNLayers.at(varAddr));
    if (varSuffix0) b.set(initPred, varSuffix0.at(varAddr));
  }, R ? 'Variant table: host writes; one synchronous read (update: layer count).' : 'Variant table: host writes; one synchronous read (admission: suffix0, update: layer count).');
  m.seq((b) => {
    b.if(wrLayer, () => {
      b.write(layMant, wrLayerAddr, wrMant);
      b.write(layShift, wrLayerAddr, wrShift);
      if (laySuffix && wrSuffixNext) b.write(laySuffix, wrLayerAddr, wrSuffixNext);
    });
    b.set(rdMant, layMant.at(layAddr));
    b.set(rdShift, layShift.at(layAddr));
    if (rdSuffixNext && laySuffix) b.set(rdSuffixNext, laySuffix.at(layAddr));
  }, 'Layer table: host writes; read at {running variant, running layer}.');

  // 1/k ROM.
  const kNext = m.named('k', runLayer.resize(LCW).add(lit(1, LCW)), 'layers executed including the one that finished');
  m.assign(wbNextLayer, kNext);
  const invKVal = m.reg('inv_k_rom', f.invKWidth, { doc: '1/k table output' });
  m.comb((b) => {
    b.set(invKVal, lit(0, f.invKWidth));
    b.switch(kNext, Array.from({ length: f.maxLayers }, (_, i) => [i + 1, () => b.set(invKVal, lit(invK(f, i + 1), f.invKWidth))] as const));
  }, `1/k table: round(2^${f.invKFrac} / k).`);

  // Regression coefficients: a and b per {bank, variant, k}; one read port (admission: k = 0 of the
  // request's bank; update: k = layers executed, of the task's bank).
  const coeff = R ? regressionTables(m, { wrCoeff: wrCoeff!, wrCoeffAddr: wrCoeffAddr!, wrCoeffA: wrCoeffA!, wrCoeffB: wrCoeffB!, updating, runBank: runBank!, runVariant, admBank: admBank!, admVariant, k: kNext, f }) : undefined;
  if (coeff) m.assign(initPred, coeff.initPred);

  // The ROM may map to a block RAM whose read register is inv_k; a second register keeps that RAM
  // and the multiplier on different paths. The running layer is fixed long before an update.
  const invKRead = m.reg('inv_k', f.invKWidth, { doc: '1/k of the running layer (the 1/k ROM read every cycle)' });
  const invKQ = m.reg('inv_k_q', f.invKWidth, { doc: 'inv_k again: the multiplier operand' });
  m.seq((b) => {
    b.set(invKRead, invKVal);
    b.set(invKQ, invKRead);
  }, '1/k is registered twice before it enters a multiplier.');

  // Update pipeline.
  const stage = m.reg('stage', STW, { reset: S.COUNT, doc: 'update stage (STAGE_*)' });
  const cntExt = m.reg('count_ext_q', 1, { reset: 0, doc: 'the layer\'s count comes from count_in' });
  const cntExtVal = m.reg('count_in_q', NW, { doc: 'count_in sampled with start' });
  const MW = Math.max(NW, monitorCountWidth);
  const countRaw = m.reg('count_raw', MW, { doc: 'non-zeros of the finished layer, before the clamp (off the monitor\'s adder)' });
  const nnz = m.reg('nnz', NW, { doc: 'non-zeros of the finished layer, saturated: multiplier operand' });
  const mant = m.reg('ratio_mant', f.recipWidth, { doc: '1/expected mantissa: multiplier operand (beside nnz)' });
  const shift = m.reg('ratio_shift', f.recipShiftWidth);
  const suffix = R ? undefined : m.reg('suffix', LAT, { doc: 'suffix sum after the finished layer' });
  const coeffA = R ? m.reg('coeff_a_q', CW, { signed: true, doc: 'a of the task\'s bank, variant and k' }) : undefined;
  const coeffB = R ? m.reg('coeff_b_q', CW, { signed: true, doc: 'b of the task\'s bank, variant and k: multiplier operand' }) : undefined;
  const sumOld = m.reg('ratio_sum_in', RSW);
  const ratioShifted = m.reg('ratio_shifted', NW + f.recipWidth, { doc: '(nnz x mantissa) >> shift' });
  const ratio = m.reg('ratio', GW, { doc: 'the layer\'s ratio, saturated' });
  const rsumNew = m.reg('ratio_sum', RSW);
  const gammaNew = m.reg('gamma', GW);
  const gammaSigned = coeff ? m.named('gamma_signed', gammaNew.resize(GW + 1).asSigned(), 'gamma as a non-negative signed operand') : undefined;
  const ratioProduct = pipelinedMul(m, 'ratio_product', nnz, mant, 'nnz x mantissa');
  const gammaProduct = pipelinedMul(m, 'gamma_product', rsumNew, invKQ, 'ratio sum x 1/k');
  const predProduct = gammaSigned ? pipelinedMul(m, 'pred_product', coeffB!, gammaSigned, 'b x gamma') : pipelinedMul(m, 'pred_product', gammaNew, suffix!, 'gamma x suffix');
  const countNnz = m.named('count_nnz', satTo(countRaw, NW), 'the layer\'s count, saturated to nnzWidth');
  const gammaFull = m.named('gamma_full', gammaProduct.shr(f.invKFrac), 'ratio sum / k');
  m.assign(wbRatioSum, rsumNew);
  m.assign(wbGamma, gammaNew);
  if (coeffA) {
    // a + (b x gamma >> gammaFrac), floor, clamped to 0 .. 2^LAT - 1; 0 once the task is done.
    const PW = CW + GW + 1;
    const predScaled = m.named('pred_scaled', predProduct.shr(f.gammaFrac), 'b x gamma >> gammaFrac (arithmetic: floor)');
    const predSum = m.named('pred_sum', coeffA.resize(PW + 1).add(predScaled.resize(PW + 1)), 'a + b x gamma (signed)');
    const high = m.named('pred_high', predSum.bits(PW - 1, LAT).orReduce(), 'above 2^latencyWidth - 1');
    const clamped = mux(predSum.msb(), lit(0, LAT), mux(high, litHex(maxOf(LAT), LAT), predSum.bits(LAT - 1, 0)));
    m.assign(wbPred, mux(wbLast, lit(0, LAT), clamped));
  } else {
    const predFull = m.named('pred_full', predProduct.shr(f.gammaFrac), 'gamma x suffix');
    m.assign(wbPred, satTo(predFull, LAT));
  }
  // stage == WRITE_BACK as a flip-flop of its own: wb_we feeds the top's event and state enables.
  const beforeWb = m.named('before_write_back', stage.eq(S.WRITE_BACK.sub(lit(1, STW))), 'the stage before STAGE_WRITE_BACK');
  const atWb = m.reg('at_write_back', 1, { reset: 0, doc: 'stage is STAGE_WRITE_BACK' });
  const lastAtWb = m.reg('last_at_write_back', 1, { reset: 0, doc: 'at_write_back && wb_last' });
  m.assign(wbWe, updating.land(atWb));
  m.assign(wbComplete, updating.land(lastAtWb));
  // k registered for the last-layer test (run_layer is steady from the decision on; the test reads it
  // at RATIO, two cycles after layer_done): the +1 and the compare are not one path.
  const kQ = m.reg('k_q', LCW, { doc: 'k, one cycle later' });
  m.seq((b) => b.set(kQ, kNext), 'k registered.');
  const isLast = kQ.ge(rdNLayers).lor(kQ.eq(maxLayers));
  m.seq((b) => {
    b.if(start, () => {
      b.set(stage, S.COUNT);
      b.set(cntExt, countExt);
      b.set(cntExtVal, countIn);
      b.set(atWb, lit(0, 1));
      b.set(lastAtWb, lit(0, 1));
    }, () => b.if(updating.land(atWb.lnot()), () => {
      b.set(stage, stage.add(lit(1, STW)));
      b.set(atWb, beforeWb);
      // wb_last is set at RATIO, long before: it does not change in this cycle.
      b.set(lastAtWb, beforeWb.land(wbLast));
    }));
    b.if(updating, () =>
      b.switch(stage, [
        [S.COUNT, () => b.set(countRaw, mux(cntExt, cntExtVal.resize(MW), monitorCount.resize(MW)))],
        [S.RATIO, () => {
          b.set(nnz, countNnz);
          b.set(mant, rdMant);
          b.set(shift, rdShift);
          if (suffix && rdSuffixNext) b.set(suffix, rdSuffixNext);
          b.set(sumOld, ratioSumOld);
          b.set(wbLast, isLast);
        }],
        [S.RATIO_SHIFT, () => b.set(ratioShifted, ratioProduct.shr(shift))],
        [S.RATIO_SAT, () => b.set(ratio, satTo(ratioShifted, GW))],
        [S.SUM, () => {
          b.set(rsumNew, sumOld.add(ratio.resize(RSW)));
          // The coefficients' address holds the task's bank from stage RATIO on: read by now.
          if (coeffA && coeffB) {
            b.set(coeffA, coeff!.a);
            b.set(coeffB, coeff!.b);
          }
        }],
        [S.GAMMA, () => b.set(gammaNew, satTo(gammaFull, GW))],
      ]),
    );
  }, 'Update: one stage per cycle.');
  return m.build();
}

/** The regression's coefficient tables and their read port; `a`, `b` are the registered read data. */
function regressionTables(
  m: ModuleBuilder,
  p: { wrCoeff: Signal; wrCoeffAddr: Signal; wrCoeffA: Signal; wrCoeffB: Signal; updating: Signal; runBank: Signal; runVariant: Signal; admBank: Signal; admVariant: Signal; k: Signal; f: SchedulerFormats },
): { a: Signal; b: Signal; initPred: Expr } {
  const f = p.f;
  const CW = f.coeffWidth;
  const LAT = f.latencyWidth;
  const depth = f.coeffBanks * f.variants * f.maxLayers;
  const memA = m.memory('coeff_a', { width: CW, depth, signed: true, doc: 'a[bank][variant][k] (cycles)' });
  const memB = m.memory('coeff_b', { width: CW, depth, signed: true, doc: 'b[bank][variant][k] (cycles per unit of gamma)' });
  const a = m.reg('rd_coeff_a', CW, { signed: true });
  const b = m.reg('rd_coeff_b', CW, { signed: true });
  const addr = m.named(
    'coeff_rd_addr',
    mux(p.updating, cat(p.runBank, p.runVariant, p.k.bits(f.layerWidth - 1, 0)), cat(p.admBank, p.admVariant, lit(0, f.layerWidth))),
    'while updating: the task\'s bank and variant, k layers executed; else the admission\'s, k = 0',
  );
  m.seq((s) => {
    s.if(p.wrCoeff, () => {
      s.write(memA, p.wrCoeffAddr, p.wrCoeffA.asSigned());
      s.write(memB, p.wrCoeffAddr, p.wrCoeffB.asSigned());
    });
    s.set(a, memA.at(addr));
    s.set(b, memB.at(addr));
  }, 'Coefficient tables: host writes; one synchronous read.');
  // Initial P = max(0, a[bank][variant][0]), saturated.
  // CW = LAT + 2: bit LAT is the only magnitude bit above P's range.
  const initPred = mux(a.msb(), lit(0, LAT), mux(a.bit(LAT), litHex(maxOf(LAT), LAT), a.bits(LAT - 1, 0)));
  return { a, b, initPred };
}

// ------------------------------------------------------------------ golden model

export interface Reciprocal {
  /** ratio = (nnz * mant) >> shift, with gammaFrac fraction bits. */
  mant: bigint;
  shift: number;
}

/**
 * 1/expected as mantissa and shift: mant = round(2^(gammaFrac + shift) / expected) with the largest
 * shift (<= 63) that keeps mant below 2^recipWidth. Throws if even shift 0 overflows (expected tiny).
 */
export function encodeReciprocal(f: SchedulerFormats, expected: number): Reciprocal {
  if (!(Number.isFinite(expected) && expected > 0)) throw new RangeError(`expected non-zero count must be positive, got ${expected}`);
  const limit = maxOf(f.recipWidth);
  let best: Reciprocal | undefined;
  for (let shift = 0; shift < 64; shift++) {
    const mant = BigInt(Math.round(2 ** (f.gammaFrac + shift) / expected));
    if (mant > limit) break;
    best = { mant, shift };
  }
  if (!best) throw new RangeError(`expected non-zero count ${expected} is too small for a ${f.recipWidth}-bit reciprocal with ${f.gammaFrac} fraction bits`);
  return best;
}

export interface PredictorState {
  ratioSum: bigint;
  gamma: bigint;
  pred: bigint;
}

export interface PredictorStep extends PredictorState {
  ratio: bigint;
  saturated: { ratio: boolean; gamma: boolean; pred: boolean };
}

/** After a layer: ratio = sat((nnz * mant) >> shift); sum += ratio; gamma = sat((sum * 1/k) >> Q); P = sat((gamma * suffix) >> F). */
export function predictorStep(f: SchedulerFormats, ratioSum: bigint, nnz: bigint, recip: Reciprocal, k: number, suffixNext: bigint): PredictorStep {
  const rawRatio = (sat(nnz, f.nnzWidth) * recip.mant) >> BigInt(recip.shift);
  const ratio = sat(rawRatio, f.gammaWidth);
  const sum = ratioSum + ratio;
  const rawGamma = (sum * invK(f, k)) >> BigInt(f.invKFrac);
  const gamma = sat(rawGamma, f.gammaWidth);
  const rawPred = (gamma * suffixNext) >> BigInt(f.gammaFrac);
  const pred = sat(rawPred, f.latencyWidth);
  return { ratio, ratioSum: sum, gamma, pred, saturated: { ratio: rawRatio !== ratio, gamma: rawGamma !== gamma, pred: rawPred !== pred } };
}

/** Whether the layer that made k layers executed was the task's last (nlayers 0 or > max: at max). */
export function isLastLayer(f: SchedulerFormats, k: number, nlayers: number): boolean {
  return k >= (nlayers & Number(maxOf(f.layerCountWidth))) || k === f.maxLayers;
}

/** max(0, v) saturated to latencyWidth bits. */
export function clampPred(f: SchedulerFormats, v: bigint): bigint {
  return v < 0n ? 0n : sat(v, f.latencyWidth);
}

/** Two's complement value of the low `width` bits of `v`. */
export function toSigned(v: bigint, width: number): bigint {
  const m = maxOf(width);
  const x = v & m;
  return x >> BigInt(width - 1) ? x - m - 1n : x;
}

/** The regression's coefficients of one variant in one bank: a[k], b[k] for k = 0 .. layers - 1 (cycles). */
export interface CoefficientBank {
  a: readonly bigint[];
  b: readonly bigint[];
}

/**
 * The regression predictor after a layer: ratio, sum and gamma as predictorStep, then
 * P = max(0, a[k] + floor(b[k] x gamma / 2^gammaFrac)), saturated, and 0 after the task's last layer.
 */
export function regressionStep(f: SchedulerFormats, ratioSum: bigint, nnz: bigint, recip: Reciprocal, k: number, coeffs: CoefficientBank | undefined, last: boolean): PredictorStep {
  const step = predictorStep(f, ratioSum, nnz, recip, k, 0n);
  const a = coeffs?.a[k] ?? 0n;
  const b = coeffs?.b[k] ?? 0n;
  const raw = a + ((b * step.gamma) >> BigInt(f.gammaFrac));
  const pred = last ? 0n : clampPred(f, raw);
  return { ...step, pred, saturated: { ...step.saturated, pred: !last && raw !== pred && raw > 0n } };
}

export interface PredictorInputs {
  wr_variant: bigint;
  wr_variant_addr: bigint;
  wr_nlayers: bigint;
  wr_suffix0: bigint;
  wr_layer: bigint;
  wr_layer_addr: bigint;
  wr_recip_mant: bigint;
  wr_recip_shift: bigint;
  wr_suffix_next: bigint;
  adm_variant: bigint;
  updating: bigint;
  start: bigint;
  count_ext: bigint;
  count_in: bigint;
  monitor_count: bigint;
  run_variant: bigint;
  run_layer: bigint;
  ratio_sum_old: bigint;
  /** Regression builds. */
  wr_coeff?: bigint;
  wr_coeff_addr?: bigint;
  wr_coeff_a?: bigint;
  wr_coeff_b?: bigint;
  adm_coeff_bank?: bigint;
  run_coeff_bank?: bigint;
}

export interface PredictorOutputs {
  init_pred: bigint;
  wb_we: bigint;
  wb_last: bigint;
  wb_complete: bigint;
  wb_next_layer: bigint;
  wb_ratio_sum: bigint;
  wb_gamma: bigint;
  wb_pred: bigint;
}

/**
 * dysta_predictor cycle for cycle: `outputs(inputs)` during a cycle, `clock(inputs)` at its end.
 * Each stage calls the same arithmetic as predictorStep, one step per cycle.
 */
export class PredictorModel {
  private readonly nlayers: bigint[];
  private readonly suffix0: bigint[];
  private readonly layers: { mant: bigint; shift: bigint; suffixNext: bigint }[];
  private readonly coeffA: bigint[];
  private readonly coeffB: bigint[];
  private r = { nlayers: 0n, suffix0: 0n, mant: 0n, shift: 0n, suffixNext: 0n, a: 0n, b: 0n };
  private stage = 0;
  private ext = { on: 0n, count: 0n };
  private p = { countRaw: 0n, nnz: 0n, mant: 0n, shift: 0n, suffix: 0n, a: 0n, b: 0n, sumOld: 0n, last: 0n, shifted: 0n, ratio: 0n, sum: 0n, gamma: 0n };
  private invKRead = 0n;
  private invKq = 0n;
  private kQ = 0;
  private readonly ratioProduct = new MulPipe();
  private readonly gammaProduct = new MulPipe();
  private readonly predProduct = new MulPipe();

  constructor(readonly f: SchedulerFormats) {
    this.nlayers = new Array<bigint>(f.variants).fill(0n);
    this.suffix0 = new Array<bigint>(f.variants).fill(0n);
    this.layers = Array.from({ length: f.variants * f.maxLayers }, () => ({ mant: 0n, shift: 0n, suffixNext: 0n }));
    this.coeffA = new Array<bigint>(f.coeffBanks * f.variants * f.maxLayers).fill(0n);
    this.coeffB = new Array<bigint>(f.coeffBanks * f.variants * f.maxLayers).fill(0n);
  }

  outputs(i: Pick<PredictorInputs, 'updating' | 'run_layer'>): PredictorOutputs {
    const f = this.f;
    return {
      init_pred: f.regression ? clampPred(f, this.r.a) : this.r.suffix0,
      wb_we: i.updating && this.stage === PREDICTOR_STAGE.WRITE_BACK ? 1n : 0n,
      wb_last: this.p.last,
      wb_complete: i.updating && this.stage === PREDICTOR_STAGE.WRITE_BACK && this.p.last ? 1n : 0n,
      wb_next_layer: (i.run_layer + 1n) & maxOf(f.layerCountWidth),
      wb_ratio_sum: this.p.sum,
      wb_gamma: this.p.gamma,
      wb_pred: f.regression
        ? this.p.last
          ? 0n
          : clampPred(f, this.p.a + (this.predProduct.product >> BigInt(f.gammaFrac)))
        : sat(this.predProduct.product >> BigInt(f.gammaFrac), f.latencyWidth),
    };
  }

  clock(i: PredictorInputs): void {
    const f = this.f;
    const k = Number(i.run_layer) + 1;
    const varAddr = Number(i.updating ? i.run_variant : i.adm_variant);
    const layAddr = Number(i.run_variant) * f.maxLayers + Number(i.run_layer);
    const lay = this.layers[layAddr]!;
    const coeffAddr = i.updating
      ? (Number(i.run_coeff_bank ?? 0n) * f.variants + Number(i.run_variant)) * f.maxLayers + (k % f.maxLayers)
      : (Number(i.adm_coeff_bank ?? 0n) * f.variants + Number(i.adm_variant)) * f.maxLayers;
    const read = { nlayers: this.nlayers[varAddr]!, suffix0: this.suffix0[varAddr]!, mant: lay.mant, shift: lay.shift, suffixNext: lay.suffixNext, a: this.coeffA[coeffAddr]!, b: this.coeffB[coeffAddr]! };
    const p = { ...this.p };
    if (i.updating) {
      switch (this.stage) {
        case PREDICTOR_STAGE.COUNT:
          p.countRaw = this.ext.on ? this.ext.count : i.monitor_count;
          break;
        case PREDICTOR_STAGE.RATIO:
          p.nnz = sat(this.p.countRaw, f.nnzWidth);
          p.mant = this.r.mant;
          p.shift = this.r.shift;
          p.suffix = this.r.suffixNext;
          p.sumOld = i.ratio_sum_old;
          p.last = isLastLayer(f, this.kQ, Number(this.r.nlayers)) ? 1n : 0n;
          break;
        case PREDICTOR_STAGE.RATIO_SHIFT:
          p.shifted = this.ratioProduct.product >> this.p.shift;
          break;
        case PREDICTOR_STAGE.RATIO_SAT:
          p.ratio = sat(this.p.shifted, f.gammaWidth);
          break;
        case PREDICTOR_STAGE.SUM:
          // ratioSumWidth holds 2^log2MaxLayers saturated ratios: no overflow for a real task.
          p.sum = (this.p.sumOld + this.p.ratio) & maxOf(f.ratioSumWidth);
          p.a = this.r.a;
          p.b = this.r.b;
          break;
        case PREDICTOR_STAGE.GAMMA:
          p.gamma = sat(this.gammaProduct.product >> BigInt(f.invKFrac), f.gammaWidth);
          break;
      }
    }
    // The multipliers run every cycle on their operand registers (valid where the stages read them).
    this.ratioProduct.clock(this.p.nnz, this.p.mant);
    this.gammaProduct.clock(this.p.sum, this.invKq);
    this.predProduct.clock(f.regression ? this.p.b : this.p.gamma, f.regression ? this.p.gamma : this.p.suffix);
    this.kQ = k & Number(maxOf(f.layerCountWidth));
    this.invKq = this.invKRead;
    this.invKRead = invK(f, k & Number(maxOf(f.layerCountWidth)));
    if (i.start) {
      this.stage = PREDICTOR_STAGE.COUNT;
      this.ext = { on: i.count_ext, count: i.count_in };
    } else if (i.updating && this.stage !== PREDICTOR_STAGE.WRITE_BACK) this.stage++;
    this.p = p;
    this.r = read;
    if (i.wr_variant) {
      this.nlayers[Number(i.wr_variant_addr)] = i.wr_nlayers;
      this.suffix0[Number(i.wr_variant_addr)] = i.wr_suffix0;
    }
    if (i.wr_layer) this.layers[Number(i.wr_layer_addr)] = { mant: i.wr_recip_mant, shift: i.wr_recip_shift, suffixNext: i.wr_suffix_next };
    if (i.wr_coeff) {
      this.coeffA[Number(i.wr_coeff_addr)] = toSigned(i.wr_coeff_a ?? 0n, f.coeffWidth);
      this.coeffB[Number(i.wr_coeff_addr)] = toSigned(i.wr_coeff_b ?? 0n, f.coeffWidth);
    }
  }
}
