// The sparse PE array, its sparsity monitor, and the NPU tile that joins them.
//
// The array computes one layer tile of a matrix product (a convolution lowered by the host with
// im2col): for every output row p and lane j, out[p][j] = requant(sum_k A[p][k] * W[k][j]). Its input
// is a compressed stream holding only the non-zero activations of each row with their column index
// k, so a row costs max(nnz, 1) cycles: zeros are skipped, not merely gated. Every lane reads its
// weight W[k][j] from one shared weight buffer (one word = one row of W, all lanes) that the host
// loads through a write port.
//
// Pipeline (one beat per cycle, no bubbles between rows):
//   accept  : beat (value, index, last) accepted; weight buffer read at `index` (synchronous)
//   mac     : acc_j = (first beat of row ? 0 : acc_j) + value * W[index][j]
//   requant : out_j = saturate((relu && acc_j < 0 ? 0 : acc_j) >>> shift) to actWidth bits
// A layer of B beats takes exactly B + 2 cycles from `start` to `done` (see golden.ts).
import { bitsFor, clog2, lit, mux, slit, ModuleBuilder, type ModuleDef } from '../hdl/index.ts';
import type { PeArrayConfig } from '../config/index.ts';

/** Widths derived from the configuration; shared with the golden model and the cosim driver. */
export function peArrayWidths(c: PeArrayConfig) {
  return {
    addrWidth: Math.log2(c.weightDepth),
    rowsWidth: bitsFor(c.maxRows),
    shiftWidth: clog2(c.accWidth),
    cyclesWidth: bitsFor(c.maxRows * c.weightDepth + 2),
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
    'zero-skipping int8 PE array: one non-zero activation per cycle, broadcast to all lanes.\nA layer of B stream beats takes B + 2 cycles from start to done.',
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
  const rowsTotal = m.reg('rows_total', w.rowsWidth, { doc: 'rows in the running layer (loaded by start)' });
  const rowsIn = m.reg('rows_in', w.rowsWidth, { doc: 'rows whose last beat was accepted (cleared by start)' });
  const rowsOut = m.reg('rows_out', w.rowsWidth, { doc: 'rows written to out_data (cleared by start)' });
  const reluEn = m.reg('relu_en', 1, { doc: 'loaded by start' });
  const shift = m.reg('shift', w.shiftWidth, { doc: 'loaded by start' });
  const rowStart = m.reg('row_start', 1, { doc: 'the next accepted beat starts a row (set by start)' });

  const s1Valid = m.reg('mac_valid', 1, { reset: 0 });
  const s1First = m.reg('mac_first', 1, { doc: 'meaningful with mac_valid' });
  const s1Last = m.reg('mac_last', 1, { doc: 'meaningful with mac_valid' });
  const s1Value = m.reg('mac_value', AW, { signed: true, doc: 'activation being multiplied' });
  const s1Weights = m.reg('mac_weights', L * WW, { doc: 'weight row read for it' });

  const accept = m.wire('accept', 1);
  m.assign(actReady, busy.land(rowsIn.ne(rowsTotal)));
  m.assign(accept, actValid.land(actReady));

  const idle = busy.lnot();
  m.seq((b) => {
    b.if(wWrEn, () => b.write(weights, wWrAddr, wWrData));
    b.set(s1Weights, weights.at(actIndex));
  }, 'Weight buffer: host write port; synchronous read at the incoming beat\'s column.');

  m.seq((b) => {
    b.set(s1Valid, accept);
    b.set(s1Value, actValue);
    b.if(accept, () => {
      b.set(s1First, rowStart);
      b.set(s1Last, actLast);
      b.set(rowStart, actLast);
      b.if(actLast, () => b.set(rowsIn, rowsIn.add(lit(1, w.rowsWidth))));
    });
    b.if(start.land(idle), () => {
      b.set(rowsIn, lit(0, w.rowsWidth));
      b.set(rowStart, lit(1, 1));
    });
  }, 'Accept stage.');

  // MAC and requantisation stages: one pe_lane per output channel, each with its weight slice.
  const laneModule = buildPeLane(c);
  const rowValid = m.reg('row_valid', 1, { reset: 0, doc: 'the lanes hold a finished row' });
  const laneOut = m.wire('lane_out', L * AW, { doc: 'requantised row, lane 0 in the low bits' });
  m.generate('lane', 'j', L, (g) => {
    g.instance(laneModule, 'u_mac', {
      clk,
      mac_valid: s1Valid,
      mac_first: s1First,
      mac_last: s1Last,
      mac_value: s1Value,
      weight: g.part(s1Weights, WW),
      relu_en: reluEn,
      shift,
      requant: g.part(laneOut, AW),
    });
  });
  m.seq((b) => b.set(rowValid, s1Valid.land(s1Last)));

  const lastRow = m.wire('last_row', 1, { doc: 'the row leaving requantisation is the layer\'s last' });
  m.assign(lastRow, rowValid.land(rowsOut.add(lit(1, w.rowsWidth)).eq(rowsTotal)));

  m.seq((b) => {
    b.set(outValid, rowValid);
    b.set(done, lastRow);
    b.if(rowValid, () => b.set(rowsOut, rowsOut.add(lit(1, w.rowsWidth))));
    b.if(busy, () => b.set(cycles, cycles.add(lit(1, w.cyclesWidth))));
    b.if(lastRow, () => b.set(busy, lit(0, 1)));
    b.if(start.land(idle), () => {
      b.set(busy, lit(1, 1));
      b.set(rowsTotal, cfgRows);
      b.set(rowsOut, lit(0, w.rowsWidth));
      b.set(reluEn, cfgRelu);
      b.set(shift, cfgShift);
      b.set(cycles, lit(0, w.cyclesWidth));
    });
  }, 'Output stage and layer control.');
  m.seq((b) => b.set(outData, laneOut));

  return m.build();
}

/**
 * One lane of the array: the MAC (acc = (first ? 0 : acc) + value x weight, the finished row kept
 * on the row's last beat) and the requantisation of that row (ReLU, arithmetic shift, saturation).
 * Its registers need no reset: each row restarts the sum, and the array's row_valid says when the
 * output means something.
 */
export function buildPeLane(c: PeArrayConfig): ModuleDef {
  const w = peArrayWidths(c);
  const AW = c.actWidth;
  const WW = c.weightWidth;
  const ACC = c.accWidth;
  const m = new ModuleBuilder('pe_lane', 'one PE array lane: multiply-accumulate over a row, then ReLU, shift and saturation.', { ACT_WIDTH: AW, WEIGHT_WIDTH: WW, ACC_WIDTH: ACC });
  m.input('clk', 1, { role: 'clock' });
  const valid = m.input('mac_valid', 1, { doc: 'a beat is in the MAC stage' });
  const first = m.input('mac_first', 1, { doc: 'it starts a row (the sum restarts)' });
  const last = m.input('mac_last', 1, { doc: 'it ends a row (the sum is kept for requantisation)' });
  const value = m.input('mac_value', AW, { signed: true, doc: 'the activation' });
  const weight = m.input('weight', WW, { signed: true, doc: "this lane's weight for the activation's column" });
  const reluEn = m.input('relu_en', 1, { doc: 'ReLU before the shift' });
  const shift = m.input('shift', w.shiftWidth, { doc: 'arithmetic right shift' });
  const requant = m.output('requant', AW, { signed: true, doc: 'the finished row, requantised' });
  const hi = 2 ** (AW - 1) - 1;
  const lo = -(2 ** (AW - 1));
  const sumMax = m.localparam('SUM_MAX', hi, ACC, `a shifted sum above this saturates`, true);
  const sumMin = m.localparam('SUM_MIN', lo, ACC, `a shifted sum below this saturates`, true);
  const outMax = m.localparam('OUT_MAX', hi, AW, `largest ${AW}-bit output`, true);
  const outMin = m.localparam('OUT_MIN', lo, AW, `smallest ${AW}-bit output`, true);

  const acc = m.reg('acc', ACC, { signed: true, doc: 'running sum of the row' });
  const rowAcc = m.reg('row_acc', ACC, { signed: true, doc: 'finished row, waiting for requantisation' });
  const product = m.wire('product', AW + WW, { signed: true });
  const sum = m.wire('sum', ACC, { signed: true });
  m.assign(product, value.mul(weight));
  m.assign(sum, mux(first, slit(0, ACC), acc).add(product.resize(ACC)));
  m.seq((b) => {
    b.if(valid, () => {
      b.set(acc, sum);
      b.if(last, () => b.set(rowAcc, sum));
    });
  }, 'MAC: restart the sum on the first beat of a row.');
  const rectified = m.wire('rectified', ACC, { signed: true });
  const shifted = m.wire('shifted', ACC, { signed: true });
  m.assign(rectified, mux(reluEn.land(rowAcc.msb()), slit(0, ACC), rowAcc));
  m.assign(shifted, rectified.shr(shift));
  m.assign(requant, mux(shifted.gt(sumMax), outMax, mux(shifted.lt(sumMin), outMin, shifted.resize(AW))));
  return m.build();
}

export interface MonitorShape {
  lanes: number;
  laneWidth: number;
  countWidth: number;
}

/** Counts non-zero and total values on the output lanes of the running layer. */
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
  const nonzero = m.output('nonzero_count', s.countWidth, { reset: 0, doc: 'non-zero outputs so far' });
  const total = m.output('total_count', s.countWidth, { reset: 0, doc: 'outputs so far' });
  const valid = m.output('counts_valid', 1, { reset: 0, doc: 'the layer completed; counts are final' });

  const rowWidth = bitsFor(s.lanes);
  const laneNonzero = m.wire('lane_nonzero', s.lanes, { doc: 'lane j of the row is non-zero' });
  m.generate('lane_flag', 'j', s.lanes, (g) => g.assign(g.part(laneNonzero, 1), g.part(laneData, s.laneWidth).orReduce()));
  const rowNonzero = m.reg('row_nonzero', rowWidth, { doc: 'non-zero lanes in this row' });
  const lane = m.loopVariable('i');
  m.comb((b) => {
    b.set(rowNonzero, lit(0, rowWidth));
    b.loop(lane, s.lanes, (i) => b.set(rowNonzero, rowNonzero.add(laneNonzero.bitAt(i).resize(rowWidth))));
  }, 'Population count of the non-zero lanes.');

  m.seq((b) => {
    b.if(start, () => {
      b.set(nonzero, lit(0, s.countWidth));
      b.set(total, lit(0, s.countWidth));
      b.set(valid, lit(0, 1));
    }, () => {
      b.if(laneValid, () => {
        b.set(nonzero, nonzero.add(rowNonzero.resize(s.countWidth)));
        b.set(total, total.add(lit(s.lanes, s.countWidth)));
      });
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
