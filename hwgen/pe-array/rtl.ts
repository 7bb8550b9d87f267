// The sparse PE array, its sparsity monitor, and the NPU tile that joins them.
//
// The array computes one layer tile of a matrix product (a convolution lowered by the host with
// im2col): for every output row p and lane j, out[p][j] = requant(sum_k A[p][k] * W[k][j]). Its input
// is a compressed stream holding only the non-zero activations of each row with their column index
// k, so a row costs max(nnz, 1) cycles: zeros are skipped, not merely gated. Every lane reads its
// weight W[k][j] from one shared weight buffer (one word = one row of W, all lanes) that the host
// loads through a write port.
//
// Pipeline (one beat per cycle, no bubbles between rows), one register stage per line, so no
// register-to-register path holds more than one block RAM or one DSP (issue 13):
//   accept  : beat (value, index, last) accepted; weight buffer read at `index` (synchronous read)
//   rd      : the weight buffer's output register
//   mac     : multiplier input registers (a DSP's A/B registers): value, this lane's weight
//   product : value x weight (the DSP's M register)
//   product : again (the DSP's P register)
//   acc     : acc_j = (first beat of row ? 0 : acc_j) + product_j; the row's sum kept on its last beat
// With `multiplier: 'lut'` (FPGAs without multipliers) the three multiplier stages hold four partial
// products of activation slices x weight, then their sums in two halves, then the product; and the
// running sum is cleared by a synchronous reset in the cycle before a row's first beat instead of a
// multiplexer in front of its carry chain. The same stages, so the same cycles.
//   relu    : rectified = ((relu && sum < 0) ? 0 : sum) >>> (shift rounded down to a multiple of 4)
//   shift   : shifted = rectified >>> (shift mod 4)
//   out     : out_j = saturate(shifted) to actWidth bits
// A layer of B beats takes exactly B + 8 cycles from `start` to `done` (see golden.ts).
import { bitsFor, cat, clog2, lit, mux, slit, ModuleBuilder, type Expr, type ModuleDef } from '../hdl/index.ts';
import type { PeArrayConfig } from '../config/index.ts';

/** Widths derived from the configuration; shared with the golden model and the cosim driver. */
export function peArrayWidths(c: PeArrayConfig) {
  return {
    addrWidth: Math.log2(c.weightDepth),
    rowsWidth: bitsFor(c.maxRows),
    shiftWidth: clog2(c.accWidth),
    // A layer runs at most maxRows x weightDepth beats plus the pipeline's 8 cycles.
    cyclesWidth: bitsFor(c.maxRows * c.weightDepth + 8),
    countWidth: bitsFor(c.maxRows * c.lanes),
    productWidth: c.actWidth + c.weightWidth,
  };
}

export function peArrayParams(c: PeArrayConfig): Record<string, number> {
  return {
    LANES: c.lanes,
    ACT_WIDTH: c.actWidth,
    WEIGHT_WIDTH: c.weightWidth,
    ACC_WIDTH: c.accWidth,
    WEIGHT_DEPTH: c.weightDepth,
    MAX_ROWS: c.maxRows,
  };
}

export function buildPeArray(c: PeArrayConfig): ModuleDef {
  const w = peArrayWidths(c);
  const m = new ModuleBuilder(
    'pe_array',
    'zero-skipping int8 PE array: one non-zero activation per cycle, broadcast to all lanes.\nA layer of B stream beats takes B + 8 cycles from start to done (9 register stages, one RAM or DSP per stage).',
    peArrayParams(c),
  );
  const L = c.lanes;
  const AW = c.actWidth;
  const WW = c.weightWidth;
  const ACC = c.accWidth;

  const clk = m.input('clk', 1, { role: 'clock' });
  m.input('rst', 1, { role: 'reset', doc: 'synchronous, active high' });
  const start = m.input('start', 1, { doc: 'begin a layer (ignored while busy); samples cfg_*' });
  const cfgRows = m.input('cfg_rows', w.rowsWidth, { doc: 'output rows in this layer (>= 1)' });
  const cfgRelu = m.input('cfg_relu', 1, { doc: 'apply ReLU before requantisation' });
  const cfgShift = m.input('cfg_shift', w.shiftWidth, { doc: 'requantisation: arithmetic right shift' });
  const wWrEn = m.input('w_wr_en', 1, { doc: 'weight buffer write enable' });
  const wWrAddr = m.input('w_wr_addr', w.addrWidth, { doc: 'weight buffer row k' });
  const wWrData = m.input('w_wr_data', L * WW, { doc: 'W[k][j] for all lanes j, lane 0 in the low bits' });
  const actValid = m.input('act_valid', 1, { doc: 'compressed activation stream: beat valid' });
  const actReady = m.output('act_ready', 1, { doc: 'beat accepted when valid && ready' });
  const actValue = m.input('act_value', AW, { signed: true, doc: 'non-zero activation A[p][k]' });
  const actIndex = m.input('act_index', w.addrWidth, { doc: 'its column k' });
  const actLast = m.input('act_last', 1, { doc: 'last beat of the row (an all-zero row is one beat of value 0)' });
  const outValid = m.output('out_valid', 1, { reset: 0, doc: 'one output row is on out_data' });
  const outData = m.output('out_data', L * AW, { doc: 'requantised outputs, lane 0 in the low bits' });
  const busy = m.output('busy', 1, { reset: 0, doc: 'a layer is running' });
  const done = m.output('done', 1, { reset: 0, doc: 'one-cycle pulse with the last output row' });
  const cycles = m.output('cycles', w.cyclesWidth, { reset: 0, doc: 'cycles of the current/last layer' });

  const weights = m.memory('weights', { width: L * WW, depth: c.weightDepth, doc: 'W[k][*], one row per word' });

  // Reset: only what is visible or starts work by itself (busy, out_valid, done, cycles, and the
  // pipeline valids mac_valid / row_valid). The layer registers below are loaded by `start` before
  // any use (act_ready needs busy; the MAC and output stages need their valid bit), so they need
  // none; the X-pessimism regression runs them from random values to prove it.
  // Input side: a down counter of the rows still to accept, and two flags kept beside it so that
  // act_ready is a register (no compare between it and the stage registers it enables).
  const rowsToAccept = m.reg('rows_to_accept', w.rowsWidth, { doc: 'rows whose last beat is still to come (loaded by start)' });
  const oneRowLeft = m.reg('one_row_left', 1, { doc: 'rows_to_accept == 1 (loaded by start)' });
  const rowsOpen = m.reg('rows_open', 1, { doc: 'some row is still to come: beats are accepted (set by start)' });
  const rowsLeft = m.reg('rows_left', w.rowsWidth, { doc: 'rows still to write to out_data (loaded by start; a down counter, so the last row is a compare with 1)' });
  const reluEn = m.reg('relu_en', 1, { doc: 'loaded by start' });
  const shift = m.reg('shift', w.shiftWidth, { doc: 'loaded by start' });
  const rowStart = m.reg('row_start', 1, { doc: 'the next accepted beat starts a row (set by start)' });

  // Beat pipeline: accept -> rd (the weight RAM's output register) -> mac (the multiplier's input
  // registers) -> two product stages (DSP M and P registers) -> acc. The control bits travel beside
  // the data; only the valid bits have a reset.
  const rdValid = m.reg('rd_valid', 1, { reset: 0, doc: 'a beat waits in the weight RAM\'s output register' });
  const rdFirst = m.reg('rd_first', 1, { doc: 'meaningful with rd_valid' });
  const rdLast = m.reg('rd_last', 1, { doc: 'meaningful with rd_valid' });
  const rdValue = m.reg('rd_value', AW, { signed: true, doc: 'activation of the beat' });
  const rdWeights = m.reg('rd_weights', L * WW, { doc: 'weight row read for it (the RAM\'s read data)' });
  const s1Valid = m.reg('mac_valid', 1, { reset: 0 });
  const s1First = m.reg('mac_first', 1, { doc: 'meaningful with mac_valid' });
  const s1Last = m.reg('mac_last', 1, { doc: 'meaningful with mac_valid' });
  const s1Value = m.reg('mac_value', AW, { signed: true, doc: 'activation being multiplied' });
  const s1Weights = m.reg('mac_weights', L * WW, { doc: 'weight row for it (the RAM\'s output register)' });
  const lutMultiplier = c.multiplier === 'lut';
  const ctl = (name: string, withFirst = true) => ({
    valid: m.reg(`${name}_valid`, 1, { reset: 0 }),
    first: withFirst ? m.reg(`${name}_first`, 1, { doc: `meaningful with ${name}_valid` }) : undefined,
    last: m.reg(`${name}_last`, 1, { doc: `meaningful with ${name}_valid` }),
  });
  const mulCtl = ctl('mul');
  // The LUT multiplier's lanes restart the sum from acc_restart (mul_first two stages on), not from acc_first.
  const prodCtl = ctl('product', !lutMultiplier);
  const accCtl = ctl('acc', !lutMultiplier);
  const accRestart = lutMultiplier
    ? m.reg('acc_restart', 1, { doc: 'the beat entering the acc stage next cycle starts a row: the lanes clear their running sums (needs no reset: mul_valid has one)' })
    : undefined;

  const accept = m.wire('accept', 1);
  m.assign(actReady, busy.land(rowsOpen));
  m.assign(accept, actValid.land(actReady));

  const idle = busy.lnot();
  m.seq((b) => {
    b.if(wWrEn, () => b.write(weights, wWrAddr, wWrData));
    b.set(rdWeights, weights.at(actIndex));
  }, 'Weight buffer: host write port; synchronous read at the incoming beat\'s column.');

  m.seq((b) => {
    b.set(rdValid, accept);
    b.set(rdValue, actValue);
    b.if(accept, () => {
      b.set(rdFirst, rowStart);
      b.set(rdLast, actLast);
      b.set(rowStart, actLast);
      b.if(actLast, () => {
        b.set(rowsToAccept, rowsToAccept.sub(lit(1, w.rowsWidth)));
        b.set(oneRowLeft, w.rowsWidth > 1 ? rowsToAccept.eq(lit(2, w.rowsWidth)) : lit(0, 1)); // maxRows 1: never two left
        b.if(oneRowLeft, () => b.set(rowsOpen, lit(0, 1)));
      });
    });
    b.if(start.land(idle), () => {
      b.set(rowsToAccept, cfgRows);
      b.set(oneRowLeft, cfgRows.eq(lit(1, w.rowsWidth)));
      b.set(rowsOpen, lit(1, 1));
      b.set(rowStart, lit(1, 1));
    });
  }, 'Accept stage.');

  m.seq((b) => {
    b.set(s1Valid, rdValid);
    b.set(s1First, rdFirst);
    b.set(s1Last, rdLast);
    b.set(s1Value, rdValue);
    b.set(s1Weights, rdWeights);
    // mac -> mul (A/B) -> product (M) -> acc (P): the lanes hold the data, the array the control bits.
    const chain = [{ valid: s1Valid, first: s1First, last: s1Last }, mulCtl, prodCtl, accCtl];
    for (let i = 1; i < chain.length; i++) {
      for (const bit of ['valid', 'first', 'last'] as const) {
        const to = chain[i]![bit];
        if (to) b.set(to, chain[i - 1]![bit]!);
      }
    }
    if (accRestart) b.set(accRestart, mulCtl.valid.land(mulCtl.first!));
  }, 'RAM output register, and the control bits beside the multiplier stages.');

  // Multiplier, accumulator and requantisation stages: one pe_lane per output channel, each with its
  // weight slice.
  const laneModule = buildPeLane(c);
  const rowValid = m.reg('row_valid', 1, { reset: 0, doc: 'the lanes hold a finished row (stage relu next)' });
  const rectValid = m.reg('rect_valid', 1, { reset: 0, doc: 'the lanes hold a rectified row (stage shift next)' });
  const shiftValid = m.reg('shift_valid', 1, { reset: 0, doc: 'the lanes hold a shifted row (saturated into out_data next)' });
  const laneOut = m.wire('lane_out', L * AW, { doc: 'requantised row, lane 0 in the low bits' });
  m.generate('lane', 'j', L, (g) => {
    g.instance(laneModule, 'u_mac', {
      clk,
      mac_value: s1Value,
      weight: g.part(s1Weights, WW),
      acc_valid: accCtl.valid,
      ...(accRestart ? { acc_restart: accRestart } : { acc_first: accCtl.first! }),
      relu_en: reluEn,
      shift,
      requant: g.part(laneOut, AW),
    });
  });
  m.seq((b) => {
    b.set(rowValid, accCtl.valid.land(accCtl.last));
    b.set(rectValid, rowValid);
    b.set(shiftValid, rectValid);
  }, 'Valid bits of the requantisation stages.');

  const lastRow = m.wire('last_row', 1, { doc: 'the row leaving requantisation is the layer\'s last' });
  m.assign(lastRow, shiftValid.land(rowsLeft.eq(lit(1, w.rowsWidth))));

  m.seq((b) => {
    b.set(outValid, shiftValid);
    b.set(done, lastRow);
    b.if(shiftValid, () => b.set(rowsLeft, rowsLeft.sub(lit(1, w.rowsWidth))));
    b.if(busy, () => b.set(cycles, cycles.add(lit(1, w.cyclesWidth))));
    b.if(lastRow, () => b.set(busy, lit(0, 1)));
    b.if(start.land(idle), () => {
      b.set(busy, lit(1, 1));
      b.set(rowsLeft, cfgRows);
      b.set(reluEn, cfgRelu);
      b.set(shift, cfgShift);
      b.set(cycles, lit(0, w.cyclesWidth));
    });
  }, 'Output stage and layer control.');
  m.seq((b) => b.set(outData, laneOut));

  return m.build();
}

/**
 * One lane of the array: the multiplier (input registers, then the product twice: a DSP's A/B, M and
 * P registers), the accumulator (acc = (first ? 0 : acc) + product, the finished row kept on the
 * row's last beat) and the requantisation of that row in three stages (ReLU, arithmetic shift,
 * saturation). Its registers need no reset: each row restarts the sum, and the array's valid bits
 * say when a stage means something.
 */
export function buildPeLane(c: PeArrayConfig): ModuleDef {
  const w = peArrayWidths(c);
  const AW = c.actWidth;
  const WW = c.weightWidth;
  const ACC = c.accWidth;
  const m = new ModuleBuilder(
    'pe_lane',
    'one PE array lane: a pipelined multiply (input, product and output registers), accumulation over a row,\nthen ReLU, shift and saturation, one stage each.',
    { ACT_WIDTH: AW, WEIGHT_WIDTH: WW, ACC_WIDTH: ACC },
  );
  m.input('clk', 1, { role: 'clock' });
  const value = m.input('mac_value', AW, { signed: true, doc: 'the activation (registered by the array)' });
  const weight = m.input('weight', WW, { signed: true, doc: "this lane's weight for the activation's column (registered by the array)" });
  const accValid = m.input('acc_valid', 1, { doc: 'the product register holds a beat: accumulate it (the array marks the end of a row with row_valid)' });
  const lutMultiplier = c.multiplier === 'lut';
  const first = lutMultiplier ? undefined : m.input('acc_first', 1, { doc: 'it starts a row (the sum restarts)' });
  const restart = lutMultiplier ? m.input('acc_restart', 1, { doc: 'the beat of the next cycle starts a row: clear the running sum' }) : undefined;
  const reluEn = m.input('relu_en', 1, { doc: 'ReLU before the shift' });
  const shift = m.input('shift', w.shiftWidth, { doc: 'arithmetic right shift' });
  const requant = m.output('requant', AW, { signed: true, doc: 'the row leaving the shift stage, saturated (the array registers it)' });
  const hi = 2 ** (AW - 1) - 1;
  const lo = -(2 ** (AW - 1));
  const outMax = m.localparam('OUT_MAX', hi, AW, `largest ${AW}-bit output`, true);
  const outMin = m.localparam('OUT_MIN', lo, AW, `smallest ${AW}-bit output`, true);

  const product = lutMultiplier ? lutMultiply(m, value, weight) : dspMultiply(m, value, weight);

  // In the cycle after a row's last beat, acc holds the row's sum (a next row's first beat replaces
  // it only at the end of that cycle), and the ReLU stage takes it from there: no copy of the sum.
  const acc = m.reg('acc', ACC, { signed: true, doc: 'running sum of the row; the finished row in the cycle after its last beat' });
  const sum = m.wire('sum', ACC, { signed: true });
  if (first) {
    m.assign(sum, mux(first, slit(0, ACC), acc).add(product.resize(ACC)));
    m.seq((b) => {
      b.if(accValid, () => b.set(acc, sum));
    }, 'Accumulator: restart the sum on the first beat of a row.');
  } else {
    // Without a multiplexer in front of the carry chain: the addend is a register cleared (a
    // flip-flop's synchronous reset) in the cycle before a row's first beat, and acc keeps the row.
    const running = m.reg('acc_run', ACC, { signed: true, doc: 'running sum of the row, cleared before its first beat' });
    m.assign(sum, running.add(product.resize(ACC)));
    m.seq((b) => {
      b.if(restart!, () => b.set(running, slit(0, ACC)), () => b.if(accValid, () => b.set(running, sum)));
      b.if(accValid, () => b.set(acc, sum));
    }, 'Accumulator: the running sum, cleared before the first beat of a row; acc keeps the row\'s sum.');
  }

  // The shift by 0..2^SW - 1 is split in two: by a multiple of 4 together with the ReLU, then by the
  // remaining 0..3 (floor division composes), so neither stage is a deep multiplexer tree.
  const SW = w.shiftWidth;
  const coarse = m.named('shift_coarse', cat(shift.bits(SW - 1, 2), lit(0, 2)), 'the shift rounded down to a multiple of 4');
  const rectified = m.reg('rectified', ACC, { signed: true, doc: 'the finished row after ReLU, shifted right by shift_coarse' });
  const shifted = m.reg('shifted', ACC, { signed: true, doc: 'the rectified row shifted right by the rest of the shift' });
  m.seq((b) => {
    b.set(rectified, mux(reluEn.land(acc.msb()), slit(0, ACC), acc).shr(coarse));
    b.set(shifted, rectified.shr(shift.bits(1, 0)));
  }, 'Requantisation stages: ReLU and the shift by a multiple of 4, then the rest of the shift (the saturation follows into out_data).');
  // Saturation without a wide compare: the sum fits in AW bits when its bits above bit AW-2 all equal
  // its sign (a reduction tree, no carry chain); otherwise it saturates towards its sign.
  const top = m.named('shifted_top', shifted.bits(ACC - 1, AW - 1), `bits ${ACC - 1}..${AW - 1} of the shifted sum: all equal when it fits in ${AW} bits`);
  const fits = m.named('fits', top.andReduce().lor(top.orReduce().lnot()), `the shifted sum is within OUT_MIN..OUT_MAX`);
  m.assign(requant, mux(fits, shifted.resize(AW), mux(shifted.msb(), outMin, outMax)));
  return m.build();
}

/**
 * value x weight with input, product and output registers (they map onto a DSP's A/B, M and P
 * registers): the product register is the last of them.
 */
function dspMultiply(m: ModuleBuilder, value: Expr, weight: Expr): Expr {
  const mulA = m.reg('mul_value', value.width, { signed: true, doc: 'multiplier input register (activation)' });
  const mulB = m.reg('mul_weight', weight.width, { signed: true, doc: 'multiplier input register (weight)' });
  const productM = m.reg('product_m', value.width + weight.width, { signed: true, doc: 'value x weight (multiplier register)' });
  const product = m.reg('product', value.width + weight.width, { signed: true, doc: 'value x weight (output register)' });
  m.seq((b) => {
    b.set(mulA, value);
    b.set(mulB, weight);
    b.set(productM, mulA.mul(mulB));
    b.set(product, productM);
  }, 'Multiplier: input, product and output registers (they map onto a DSP\'s A/B, M and P registers).');
  return product;
}

/** The activation's slices for the LUT multiplier: up to four, low to high, sizes differing by at most one. */
export function activationSlices(actWidth: number): { lo: number; bits: number }[] {
  const n = Math.min(4, actWidth);
  const slices: { lo: number; bits: number }[] = [];
  for (let i = 0, lo = 0; i < n; i++) {
    const bits = Math.floor(actWidth / n) + (i < actWidth % n ? 1 : 0);
    slices.push({ lo, bits });
    lo += bits;
  }
  return slices;
}

/**
 * value x weight over the same three register stages without a multiplier, for LUT fabrics: the
 * activation's slices times the weight (partial_i; the top slice signed, the others unsigned), then
 * the sums of the lower and the upper half of them (product_lo, product_hi), then the product. A
 * sum over adjacent slices of b bits in all fits b + weightWidth bits signed (b unsigned bits
 * times the weight, or the top b signed bits times it), so the halves are that wide (a half of one
 * unsigned slice: its partial's width).
 */
function lutMultiply(m: ModuleBuilder, value: Expr, weight: Expr): Expr {
  const AW = value.width;
  const WW = weight.width;
  const slices = activationSlices(AW);
  const partials = slices.map(({ lo, bits }, i) => {
    const top = lo + bits === AW;
    const slice = m.named(`slice_${i}`, top ? value.bits(AW - 1, lo).asSigned() : cat(lit(0, 1), value.bits(lo + bits - 1, lo)).asSigned(),
      `activation bits ${lo + bits - 1}..${lo}, ${top ? 'signed' : 'unsigned (a zero above them)'}`);
    const product = slice.mul(weight);
    // The full width of the signed multiply (an unsigned slice's product has one redundant sign bit).
    const reg = m.reg(`partial_${i}`, product.width, { signed: true, doc: `slice_${i} x weight` });
    return { reg, product, lo, bits };
  });
  const half = Math.ceil(slices.length / 2);
  const halves = [partials.slice(0, half), partials.slice(half)].map((group, h) => {
    const lo = group[0]!.lo;
    const bits = group.reduce((n, p) => n + p.bits, 0);
    // bits + WW holds the values; a lone unsigned slice keeps its partial's redundant sign bit (no bit dropped, none unread).
    const width = Math.max(bits + WW, ...group.map((p) => p.reg.width));
    const reg = m.reg(h === 0 ? 'product_lo' : 'product_hi', width, { signed: true, doc: `activation bits ${lo + bits - 1}..${lo} x weight (partials ${group.map((p) => partials.indexOf(p)).join(' + ')})` });
    const terms = group.map((p) => (p.lo === lo ? p.reg.resize(width) : p.reg.resize(width).shl(p.lo - lo)));
    return { reg, lo, sum: terms.reduce((a, t) => a.add(t)) };
  });
  const product = m.reg('product', AW + WW, { signed: true, doc: 'value x weight' });
  const [low, high] = halves as [(typeof halves)[0], (typeof halves)[0]];
  m.seq((b) => {
    for (const p of partials) b.set(p.reg, p.product);
    for (const h of halves) b.set(h.reg, h.sum);
    b.set(product, high.reg.resize(AW + WW).shl(high.lo).add(low.reg.resize(AW + WW)));
  }, 'Multiplier in LUTs over the three stages of a DSP\'s A/B, M and P registers: slice x weight, two half sums, the product.');
  return product;
}

export interface MonitorShape {
  lanes: number;
  laneWidth: number;
  countWidth: number;
}

/**
 * Counts non-zero and total values on the output lanes of the running layer. The population count of
 * a row is registered (row_nonzero) and added in the next cycle; the count shown is the sum so far
 * plus that pending row, so the counts are final in the cycle after layer_done as before, and no
 * register-to-register path holds both the population count and the wide add.
 */
export function buildSparsityMonitor(s: MonitorShape): ModuleDef {
  const m = new ModuleBuilder(
    'sparsity_monitor',
    'counts non-zero and total values on the PE array output lanes for the running layer;\nthe counts are valid from the cycle after layer_done until the next start.',
    { LANES: s.lanes, LANE_WIDTH: s.laneWidth, COUNT_WIDTH: s.countWidth },
  );
  m.input('clk', 1, { role: 'clock' });
  m.input('rst', 1, { role: 'reset', doc: 'synchronous, active high' });
  const start = m.input('start', 1, { doc: 'clear the counts (a new layer begins)' });
  const laneValid = m.input('lane_valid', 1, { doc: 'lane_data holds one output row' });
  const laneData = m.input('lane_data', s.lanes * s.laneWidth, { doc: 'output values, lane 0 in the low bits' });
  const layerDone = m.input('layer_done', 1, { doc: 'pulse with the layer\'s last row' });
  const nonzero = m.output('nonzero_count', s.countWidth, { doc: 'non-zero outputs so far (nonzero_sum + row_nonzero)' });
  const total = m.output('total_count', s.countWidth, { reset: 0, doc: 'outputs so far' });
  const valid = m.output('counts_valid', 1, { reset: 0, doc: 'the layer completed; counts are final' });

  const rowWidth = bitsFor(s.lanes);
  const laneNonzero = m.wire('lane_nonzero', s.lanes, { doc: 'lane j of the row is non-zero' });
  m.generate('lane_flag', 'j', s.lanes, (g) => g.assign(g.part(laneNonzero, 1), g.part(laneData, s.laneWidth).orReduce()));
  const rowCount = m.reg('row_count', rowWidth, { doc: 'non-zero lanes in this row' });
  const lane = m.loopVariable('i');
  m.comb((b) => {
    b.set(rowCount, lit(0, rowWidth));
    b.loop(lane, s.lanes, (i) => b.set(rowCount, rowCount.add(laneNonzero.bitAt(i).resize(rowWidth))));
  }, 'Population count of the non-zero lanes.');
  const rowNonzero = m.reg('row_nonzero', rowWidth, { reset: 0, doc: 'non-zero lanes of the row of the previous cycle (0 if none)' });
  const nonzeroSum = m.reg('nonzero_sum', s.countWidth, { reset: 0, doc: 'non-zero outputs of the rows before it' });
  m.assign(nonzero, nonzeroSum.add(rowNonzero.resize(s.countWidth)));

  m.seq((b) => {
    b.if(start, () => {
      b.set(rowNonzero, lit(0, rowWidth));
      b.set(nonzeroSum, lit(0, s.countWidth));
      b.set(total, lit(0, s.countWidth));
      b.set(valid, lit(0, 1));
    }, () => {
      b.set(rowNonzero, mux(laneValid, rowCount, lit(0, rowWidth)));
      b.set(nonzeroSum, nonzero);
      b.if(laneValid, () => b.set(total, total.add(lit(s.lanes, s.countWidth))));
      b.if(layerDone, () => b.set(valid, lit(1, 1)));
    });
  });
  return m.build();
}

/** The NPU tile: the PE array with the sparsity monitor on its output lanes. */
export function buildNpuTile(c: PeArrayConfig): { top: ModuleDef; array: ModuleDef; monitor: ModuleDef } {
  const w = peArrayWidths(c);
  const array = buildPeArray(c);
  const monitor = buildSparsityMonitor({ lanes: c.lanes, laneWidth: c.actWidth, countWidth: w.countWidth });
  const m = new ModuleBuilder('npu_tile', 'sparse PE array with its sparsity monitor (the NPU the scheduler watches)', peArrayParams(c));
  // The array's ports pass straight through, in the same order; the monitor's counts are added.
  const ports = new Map(
    array.ports.map((p) => [
      p.name,
      p.kind === 'input' ? m.input(p.name, p.width, { signed: p.signed, role: p.role, doc: p.doc }) : m.output(p.name, p.width, { signed: p.signed, doc: p.doc }),
    ]),
  );
  const port = (name: string) => ports.get(name)!;
  m.instance(array, 'u_array', Object.fromEntries(ports));
  m.instance(monitor, 'u_monitor', {
    clk: port('clk'),
    rst: port('rst'),
    start: port('start').land(port('busy').lnot()),
    lane_valid: port('out_valid'),
    lane_data: port('out_data'),
    layer_done: port('done'),
    nonzero_count: m.output('mon_nonzero', w.countWidth, { doc: 'monitor: non-zero outputs of the layer' }),
    total_count: m.output('mon_total', w.countWidth, { doc: 'monitor: outputs of the layer' }),
    counts_valid: m.output('mon_valid', 1, { doc: 'monitor: counts are final' }),
  });
  return { top: m.build(), array, monitor };
}
