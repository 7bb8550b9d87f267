// The Dysta scheduler block (dysta_scheduler): task table, division-free latency predictor, score
// unit(s), selector and the host/NPU interfaces, plus the reused sparsity monitor on the NPU's output
// lanes. Every width and constant comes from the shared formats object (formats.ts), which the golden
// model (golden.ts) computes with; README.md documents the interfaces and formats.
//
// Structure (U = selectorUnits banks; slot s lives in bank s % U, row s / U):
//   IDLE/RUN     waiting states: host commands and admissions are accepted, time may skip
//   ADM_WAIT     one cycle after an admission into an empty scheduler (the table write lands)
//   SEL_INIT     t_sel = now, 1/N looked up, each bank's scan mask = its valid slots
//   SCAN         every bank issues one valid slot per cycle into a 5-stage score pipeline
//                (read, idle x scale, x 1/N, x beta, + P) and keeps the minimum (score, seq);
//                when all banks have drained, a comparator tree picks the winner: decision event,
//                npu_start. Latency t_sel -> event = max over banks of valid slots + 7 cycles.
//   RUN          the NPU runs the chosen layer until npu_layer_done
//   UPDATE       7 stages: ratio = nnz x 1/expected, ratio sum, gamma = sum x 1/k, P = gamma x suffix,
//                write-back, completion event; then SEL_INIT (or IDLE when the table is empty).
// Cost: 3 multipliers per score unit, 3 in the predictor; task state in per-bank memories with one
// synchronous read port and one write port each (block-RAM friendly); 2^D valid bits in flip-flops.
import { cat, lit, litHex, mux, ModuleBuilder, type Expr, type Memory, type ModuleDef, type Signal } from '../hdl/index.ts';
import type { PeArrayConfig, SchedulerConfig } from '../config/index.ts';
import { buildSparsityMonitor, peArrayWidths, type MonitorShape } from '../pe-array/rtl.ts';
import { CMD, EVENT, TASK_FIELD, TIMING, commandWidths, gammaOne, invK, invN, maxOf, schedulerFormats, type SchedulerFormats } from './formats.ts';

export const SCHEDULER_TOP = 'dysta_scheduler';

const ST = { IDLE: 0, ADM_WAIT: 1, SEL_INIT: 2, SCAN: 3, RUN: 4, UPDATE: 5 } as const;
const UPDATE_STAGES = TIMING.UPDATE_TO_SELECT - 1; // u0 .. u6

/** The monitor the scheduler instantiates: the NPU tile's, so a design holds one sparsity_monitor. */
export function schedulerMonitorShape(pe: PeArrayConfig): MonitorShape {
  return { lanes: pe.lanes, laneWidth: pe.actWidth, countWidth: peArrayWidths(pe).countWidth };
}

export function schedulerParams(f: SchedulerFormats): Record<string, number> {
  const c = f.cfg;
  return {
    LOG2_TASKS: c.log2Tasks,
    LOG2_VARIANTS: c.log2Variants,
    LOG2_MAX_LAYERS: c.log2MaxLayers,
    TIME_WIDTH: c.timeWidth,
    LATENCY_WIDTH: c.latencyWidth,
    NNZ_WIDTH: c.nnzWidth,
    RECIP_WIDTH: c.recipWidth,
    GAMMA_INT_BITS: c.gammaIntBits,
    GAMMA_FRAC_BITS: c.gammaFracBits,
    INV_K_FRAC_BITS: c.invKFracBits,
    INV_N_FRAC_BITS: c.invNFracBits,
    SCORE_WIDTH: c.scoreWidth,
    SCORE_SHIFT: c.scoreShift,
    TERM_WIDTH: f.termWidth,
    IDLE_WIDTH: c.idleWidth,
    PENALTY_SCALE_WIDTH: c.penaltyScaleWidth,
    PENALTY_SCALE_FRAC_BITS: c.penaltyScaleFracBits,
    BETA_PPM: c.betaPpm,
    BETA_FRAC_BITS: c.betaFracBits,
    BETA_Q: Number(f.betaQ),
    SEQ_WIDTH: c.seqWidth,
    CLOCK_MHZ: c.clockMHz,
    SELECTOR_UNITS: f.units,
    TIME_SKIP: c.timeSkip,
  };
}

/** Clamp an unsigned value to `width` bits (all-ones when any higher bit is set). */
function satTo(e: Expr, width: number): Expr {
  if (e.width <= width) return e.resize(width);
  const over = e.bits(e.width - 1, width).orReduce();
  return mux(over, litHex(maxOf(width), width), e.bits(width - 1, 0));
}

/** Right shift by a constant; no operator for 0. */
function shrBy(e: Expr, n: number): Expr {
  return n === 0 ? e : e.shr(n);
}

/** One-hot of the lowest set bit of x. */
function lowestOneHot(x: Expr): Expr {
  return x.and(x.not().add(lit(1, x.width)));
}

/** Index of the single set bit of a one-hot vector (0 when none). */
function encodeOneHot(onehot: Expr, width: number): Expr {
  const n = onehot.width;
  if (n === 1) return lit(0, width);
  const bits: Expr[] = [];
  for (let j = width - 1; j >= 0; j--) {
    let mask = 0n;
    for (let i = 0; i < n; i++) if ((i >> j) & 1) mask |= 1n << BigInt(i);
    bits.push(onehot.and(litHex(mask, n)).orReduce());
  }
  return cat(...bits);
}

export function buildScheduler(cfg: SchedulerConfig, pe: PeArrayConfig, monitorDef?: ModuleDef): { top: ModuleDef; monitor: ModuleDef } {
  const f = schedulerFormats(cfg);
  const monitor = monitorDef ?? buildSparsityMonitor(schedulerMonitorShape(pe));
  const shape = schedulerMonitorShape(pe);
  const { addrWidth: CAW, dataWidth: CDW } = commandWidths(f);
  const T = f.timeWidth;
  const D = f.slotWidth;
  const U = f.units;
  const UW = f.unitWidth;
  const rows = f.tasks / U;
  const RW = Math.log2(rows);
  const VW = f.variantWidth;
  const LW = f.layerWidth;
  const LCW = f.layerCountWidth;
  const LAT = f.latencyWidth;
  const GW = f.gammaWidth;
  const RSW = f.ratioSumWidth;
  const SW = f.scoreWidth;
  const TW = f.termWidth;
  const KW = f.penaltyScaleWidth;
  const NW = f.nnzWidth;
  const CW = f.countWidth;

  const m = new ModuleBuilder(
    SCHEDULER_TOP,
    `Dysta scheduler: ${f.tasks}-entry task table, division-free latency predictor, ${U} score unit(s) and selector.\n` +
      'score = P + beta * (max(0, deadline - now - P) + idle * scale / N), minimum wins, ties to the earliest admission.\n' +
      'Formats and timing: hwgen/scheduler/README.md.',
    schedulerParams(f),
  );
  const clk = m.input('clk', 1, { role: 'clock' });
  const rst = m.input('rst', 1, { role: 'reset', doc: 'synchronous, active high' });

  // Host command port.
  const cmdValid = m.input('cmd_valid', 1, { doc: 'host command valid' });
  const cmdReady = m.output('cmd_ready', 1, { doc: 'command accepted when valid && ready (waiting states only)' });
  const cmdOp = m.input('cmd_op', 4, { doc: '1 write variant, 2 write layer, 3 read task field, 4 read counter' });
  const cmdAddr = m.input('cmd_addr', CAW, { doc: 'variant | {variant, layer} | slot | counter index' });
  const cmdData = m.input('cmd_data', CDW, { doc: 'write data, or the task field selector in [3:0]' });
  m.unused(cmdData, 'each command uses only its own fields');
  const rspValid = m.output('rsp_valid', 1, { reset: 0, doc: 'read response (one cycle after the read was accepted)' });
  const rspData = m.output('rsp_data', CDW, { doc: 'read data, zero-extended' });

  // Admission port.
  const admValid = m.input('adm_valid', 1, { doc: 'admit a request' });
  const admReady = m.output('adm_ready', 1, { doc: 'low when the table is full or the scheduler is busy: the host keeps the request' });
  const admVariant = m.input('adm_variant', VW, { doc: 'model variant' });
  const admDeadline = m.input('adm_deadline', T, { doc: 'absolute deadline (cycles)' });
  const admArrival = m.input('adm_arrival', T, { doc: 'arrival time (cycles): the initial last-run time' });
  const admScale = m.input('adm_penalty_scale', KW, { doc: `clock / isolated estimate in cycles, ${f.penaltyScaleFrac} fraction bits` });
  const admSlot = m.output('adm_slot', D, { doc: 'slot the request takes when accepted (lowest free)' });

  // Event stream.
  const evValid = m.output('ev_valid', 1, { reset: 0, doc: 'event valid (held until ev_ready)' });
  const evReady = m.input('ev_ready', 1, { doc: 'host takes the event' });
  const evKind = m.output('ev_kind', 2, { doc: '1 decision, 2 completion' });
  const evTask = m.output('ev_task', D, { doc: 'slot' });
  const evLayer = m.output('ev_layer', LW, { doc: 'layer to run (decision) / last layer run (completion)' });
  const evTime = m.output('ev_time', T, { doc: 'decision: selection time t_sel; completion: finish time' });
  const evScore = m.output('ev_score', SW, { doc: 'decision: the winning score' });

  // NPU side.
  const npuStart = m.output('npu_start', 1, { reset: 0, doc: 'pulse: run layer npu_layer of task npu_task' });
  const npuTask = m.output('npu_task', D, { doc: 'slot of the running task' });
  const npuVariant = m.output('npu_variant', VW, { doc: 'its variant' });
  const npuLayer = m.output('npu_layer', LW, { doc: 'layer to run' });
  const laneValid = m.input('npu_lane_valid', 1, { doc: 'PE array output row valid (into the sparsity monitor)' });
  const laneData = m.input('npu_lane_data', shape.lanes * shape.laneWidth, { doc: 'PE array output row, lane 0 in the low bits' });
  const layerDone = m.input('npu_layer_done', 1, { doc: 'pulse: the running layer finished' });
  const countExt = m.input('npu_count_ext', 1, { doc: 'with layer_done: use npu_count (trace NPU) instead of the monitor' });
  const countIn = m.input('npu_count', NW, { doc: 'trace NPU: non-zero outputs of the layer' });

  // Time.
  const skipEn = f.timeSkip ? m.input('time_skip_en', 1, { doc: 'simulation only: advance time by time_skip this cycle (waiting states)' }) : undefined;
  const skipBy = f.timeSkip ? m.input('time_skip', T, { doc: 'cycles this cycle stands for (>= 1)' }) : undefined;
  const timeNow = m.output('time_now', T, { doc: 'cycle counter' });
  const numValidOut = m.output('num_valid', CW, { doc: 'tasks in the table' });
  const tableFull = m.output('table_full', 1, { doc: 'every slot is taken' });
  const busyOut = m.output('busy', 1, { doc: 'selecting or updating (commands and admissions wait)' });

  // ---------------------------------------------------------------- state
  const state = m.reg('state', 3, { reset: ST.IDLE, doc: '0 idle, 1 adm_wait, 2 sel_init, 3 scan, 4 run, 5 update' });
  const now = m.reg('now', T, { reset: 0, doc: 'cycle counter' });
  const valid = m.reg('valid', f.tasks, { reset: 0, doc: 'task table valid bits, slot 0 in bit 0' });
  const numValid = m.reg('valid_count', CW, { reset: 0 });
  const seqNext = m.reg('seq_next', f.seqWidth, { reset: 0, doc: 'admission sequence number of the next request' });
  const tSel = m.reg('t_sel', T, { reset: 0, doc: 'time of the current/last selection' });
  const invNReg = m.reg('inv_n', f.invNWidth, { doc: '1/N for this selection' });
  const updStage = m.reg('upd_stage', 3, { reset: 0 });
  const runSlot = m.reg('run_slot', D, { reset: 0 });
  const runVar = m.reg('run_variant', VW, { reset: 0 });
  const runLayer = m.reg('run_layer', LW, { reset: 0 });
  const tDone = m.reg('t_done', T, { doc: 'time the running layer finished' });
  const cntExt = m.reg('count_ext', 1, { reset: 0 });
  const cntExtVal = m.reg('count_ext_value', NW);
  const cntDecisions = m.reg('ctr_decisions', T, { reset: 0 });
  const cntCompletions = m.reg('ctr_completions', T, { reset: 0 });
  const cntAdmissions = m.reg('ctr_admissions', T, { reset: 0 });
  const cntStalls = m.reg('ctr_admit_stalls', T, { reset: 0, doc: 'cycles with adm_valid && !adm_ready' });
  const lastLatency = m.reg('last_latency', T, { reset: 0, doc: 'cycles from t_sel to the last decision event' });

  const is = (v: number) => state.eq(lit(v, 3));
  const waiting = m.wire('waiting', 1, { doc: 'idle or running: commands, admissions and time skips allowed' });
  m.assign(waiting, is(ST.IDLE).lor(is(ST.RUN)));
  m.assign(busyOut, waiting.lnot());
  m.assign(timeNow, now);
  m.assign(numValidOut, numValid);
  const full = m.wire('full', 1);
  m.assign(full, valid.andReduce());
  m.assign(tableFull, full);

  // Event register: loaded by a decision or a completion when free.
  const evFree = m.wire('ev_free', 1, { doc: 'the event register can take a new event this cycle' });
  m.assign(evFree, evValid.lnot().lor(evReady));

  // Slot <-> (bank, row).
  const bankOf = (slot: Expr): Expr => (U === 1 ? lit(0, 1) : slot.bits(UW - 1, 0));
  const rowOf = (slot: Expr): Expr => (U === 1 ? slot : slot.bits(D - 1, UW));
  const slotOf = (bank: Expr, row: Expr): Expr => (U === 1 ? row : cat(row, bank));
  const bankIs = (bank: Expr, b: number): Expr => (U === 1 ? lit(1, 1) : bank.eq(lit(b, UW)));

  // ---------------------------------------------------------------- handshakes
  const cmdFire = m.wire('cmd_fire', 1);
  m.assign(cmdReady, waiting);
  m.assign(cmdFire, cmdValid.land(waiting));
  const admFire = m.wire('adm_fire', 1);
  m.assign(admReady, waiting.land(full.lnot()));
  m.assign(admFire, admValid.land(admReady));
  const freeSlot = m.wire('free_slot', D, { doc: 'lowest free slot' });
  m.assign(freeSlot, encodeOneHot(lowestOneHot(valid.not()), D));
  m.assign(admSlot, freeSlot);

  const cmdSlot = cmdAddr.bits(D - 1, 0);
  const isOp = (op: number) => cmdOp.eq(lit(op, 4));

  // ---------------------------------------------------------------- variant and layer tables
  const varNLayers = m.memory('var_nlayers', { width: LCW, depth: f.variants, doc: 'layers of each variant' });
  const varSuffix0 = m.memory('var_suffix0', { width: LAT, depth: f.variants, doc: 'sum of average layer latency (cycles): initial P' });
  const layDepth = f.variants * f.maxLayers;
  const layMant = m.memory('layer_recip_mant', { width: f.recipWidth, depth: layDepth, doc: '1/expected non-zeros: mantissa' });
  const layShift = m.memory('layer_recip_shift', { width: f.recipShiftWidth, depth: layDepth, doc: '1/expected non-zeros: shift' });
  const laySuffix = m.memory('layer_suffix_next', { width: LAT, depth: layDepth, doc: 'sum of average latency of the layers after this one' });
  const rdNLayers = m.reg('rd_nlayers', LCW);
  const rdSuffix0 = m.reg('rd_suffix0', LAT);
  const rdMant = m.reg('rd_recip_mant', f.recipWidth);
  const rdShift = m.reg('rd_recip_shift', f.recipShiftWidth);
  const rdSuffixNext = m.reg('rd_suffix_next', LAT);
  const varAddr = m.wire('var_rd_addr', VW);
  m.assign(varAddr, mux(is(ST.UPDATE), runVar, admVariant));
  const layAddr = cat(runVar, runLayer);
  const wrVarAddr = cmdAddr.bits(VW - 1, 0);
  const wrLayAddr = cmdAddr.bits(VW + LW - 1, 0);
  const dLc = cmdData.bits(LCW - 1, 0);
  const dS0 = cmdData.bits(LCW + LAT - 1, LCW);
  const dMant = cmdData.bits(f.recipWidth - 1, 0);
  const dShift = cmdData.bits(f.recipWidth + f.recipShiftWidth - 1, f.recipWidth);
  const dSuffix = cmdData.bits(f.recipWidth + f.recipShiftWidth + LAT - 1, f.recipWidth + f.recipShiftWidth);
  m.seq((b) => {
    b.if(cmdFire.land(isOp(CMD.WRITE_VARIANT)), () => {
      b.write(varNLayers, wrVarAddr, dLc);
      b.write(varSuffix0, wrVarAddr, dS0);
    });
    b.set(rdNLayers, varNLayers.at(varAddr));
    b.set(rdSuffix0, varSuffix0.at(varAddr));
  }, 'Variant table: host writes; one synchronous read (admission: suffix0, update: layer count).');
  m.seq((b) => {
    b.if(cmdFire.land(isOp(CMD.WRITE_LAYER)), () => {
      b.write(layMant, wrLayAddr, dMant);
      b.write(layShift, wrLayAddr, dShift);
      b.write(laySuffix, wrLayAddr, dSuffix);
    });
    b.set(rdMant, layMant.at(layAddr));
    b.set(rdShift, layShift.at(layAddr));
    b.set(rdSuffixNext, laySuffix.at(layAddr));
  }, 'Layer table: host writes; read at {running variant, running layer}.');

  // ---------------------------------------------------------------- admission write stage
  const admW = m.reg('adm_w_valid', 1, { reset: 0, doc: 'an accepted admission is written this cycle' });
  const admWSlot = m.reg('adm_w_slot', D);
  const admWVar = m.reg('adm_w_variant', VW);
  const admWDeadline = m.reg('adm_w_deadline', T);
  const admWArrival = m.reg('adm_w_arrival', T);
  const admWScale = m.reg('adm_w_scale', KW);
  const admWSeq = m.reg('adm_w_seq', f.seqWidth);
  m.seq((b) => {
    b.set(admW, admFire);
    b.if(admFire, () => {
      b.set(admWSlot, freeSlot);
      b.set(admWVar, admVariant);
      b.set(admWDeadline, admDeadline);
      b.set(admWArrival, admArrival);
      b.set(admWScale, admScale);
      b.set(admWSeq, seqNext);
    });
  }, 'Admission: the request is written one cycle after the handshake (after its suffix0 is read).');

  // ---------------------------------------------------------------- update pipeline registers
  const nnz = m.reg('upd_nnz', NW, { doc: 'non-zeros of the finished layer' });
  const prod1 = m.reg('upd_ratio_product', NW + f.recipWidth);
  const uShift = m.reg('upd_shift', f.recipShiftWidth);
  const uSuffix = m.reg('upd_suffix', LAT);
  const uRsumOld = m.reg('upd_ratio_sum_old', RSW);
  const uLast = m.reg('upd_last', 1, { reset: 0, doc: 'the finished layer was the task\'s last' });
  const rsumNew = m.reg('upd_ratio_sum', RSW);
  const prod2 = m.reg('upd_gamma_product', RSW + f.invKWidth);
  const gammaNew = m.reg('upd_gamma', GW);
  const prod3 = m.reg('upd_pred_product', GW + LAT);
  const kNext = m.wire('upd_k', LCW, { doc: 'layers executed including this one' });
  m.assign(kNext, runLayer.resize(LCW).add(lit(1, LCW)));
  const invKVal = m.reg('inv_k_value', f.invKWidth, { doc: '1/k table output' });
  m.comb((b) => {
    b.set(invKVal, lit(0, f.invKWidth));
    b.switch(kNext, Array.from({ length: f.maxLayers }, (_, i) => [i + 1, () => b.set(invKVal, lit(invK(f, i + 1), f.invKWidth))] as const));
  }, `1/k table: round(2^${f.invKFrac} / k).`);
  const invNVal = m.reg('inv_n_value', f.invNWidth, { doc: '1/N table output' });
  m.comb((b) => {
    b.set(invNVal, lit(0, f.invNWidth));
    b.switch(numValid, Array.from({ length: f.tasks }, (_, i) => [i + 1, () => b.set(invNVal, lit(invN(f, i + 1), f.invNWidth))] as const));
  }, `1/N table: round(2^${f.invNFrac} / N).`);
  const monCount = m.wire('mon_nonzero', shape.countWidth);
  const monTotal = m.wire('mon_total', shape.countWidth);
  const monValid = m.wire('mon_valid', 1);
  m.unused(monTotal, 'the scheduler uses the non-zero count only');
  m.unused(monValid, 'the count is read at a fixed cycle after layer_done');
  m.instance(monitor, 'u_monitor', {
    clk,
    rst,
    start: npuStart,
    lane_valid: laneValid,
    lane_data: laneData,
    layer_done: layerDone,
    nonzero_count: monCount,
    total_count: monTotal,
    counts_valid: monValid,
  });
  const pNew = m.wire('upd_pred', LAT, { doc: 'P = gamma x suffix' });
  m.assign(pNew, satTo(prod3.shr(f.gammaFrac), LAT));
  const stageIs = (s: number) => is(ST.UPDATE).land(updStage.eq(lit(s, 3)));
  const updWrite = m.wire('upd_write', 1, { doc: 'write-back stage' });
  m.assign(updWrite, stageIs(UPDATE_STAGES - 1));
  const runBank = bankOf(runSlot);
  const runRow = rowOf(runSlot);

  // ---------------------------------------------------------------- task table banks and score units
  interface Bank {
    rd: Record<string, Signal>;
    best: { valid: Signal; score: Signal; seq: Signal; row: Signal; variant: Signal; layer: Signal };
    rem: Signal;
    pipeBusy: Expr;
    any: Expr;
  }
  const banks: Bank[] = [];
  const bankValidBits = (b: number): Expr => {
    if (U === 1) return valid;
    const parts: Expr[] = [];
    for (let r = rows - 1; r >= 0; r--) parts.push(valid.bit(r * U + b));
    return cat(...parts);
  };
  const hostRow = rowOf(cmdSlot);
  const gamma1 = lit(gammaOne(f), GW);

  for (let bi = 0; bi < U; bi++) {
    const sfx = U === 1 ? '' : `_b${bi}`;
    const mem = (name: string, width: number, doc: string): Memory => m.memory(`task_${name}${sfx}`, { width, depth: rows, doc });
    const fields: [string, number, string][] = [
      ['variant', VW, 'model variant'],
      ['deadline', T, 'absolute deadline (cycles)'],
      ['scale', KW, 'penalty scale'],
      ['seq', f.seqWidth, 'admission sequence number'],
      ['next_layer', LCW, 'layers executed = next layer'],
      ['last_run', T, 'end of the last layer run (arrival before the first)'],
      ['ratio_sum', RSW, 'sum of measured/expected ratios'],
      ['gamma', GW, 'running mean of ratios'],
      ['pred', LAT, 'P = gamma x suffix (cycles)'],
      ['score', SW, 'score at the last selection'],
    ];
    const mems: Record<string, Memory> = {};
    const rd: Record<string, Signal> = {};
    for (const [name, width, doc] of fields) {
      mems[name] = mem(name, width, doc);
      rd[name] = m.reg(`rd_${name}${sfx}`, width);
    }
    const rem = m.reg(`scan_mask${sfx}`, rows, { reset: 0, doc: 'valid slots not yet issued in this selection' });
    const onehot = m.wire(`scan_onehot${sfx}`, rows);
    m.assign(onehot, lowestOneHot(rem));
    const issueRow = m.wire(`scan_row${sfx}`, RW);
    m.assign(issueRow, encodeOneHot(onehot, RW));
    const any = m.wire(`scan_any${sfx}`, 1);
    m.assign(any, rem.orReduce());
    const issue = is(ST.SCAN).land(any);

    // Read port: scan row, the running task's row (update), or the host's.
    const rdAddr = m.wire(`rd_addr${sfx}`, RW);
    m.assign(rdAddr, mux(is(ST.SCAN), issueRow, mux(is(ST.UPDATE), runRow, hostRow)));
    // Write port: admission, update write-back, or (score only) the scan.
    const admHere = U === 1 ? admW : admW.land(bankIs(bankOf(admWSlot), bi));
    const updHere = U === 1 ? updWrite : updWrite.land(bankIs(runBank, bi));
    const wrRow = m.wire(`wr_row${sfx}`, RW);
    m.assign(wrRow, mux(admHere, rowOf(admWSlot), runRow));
    const e4Valid = m.reg(`e4_valid${sfx}`, 1, { reset: 0 });
    const e4Row = m.reg(`e4_row${sfx}`, RW);
    const score = m.wire(`score${sfx}`, SW, { doc: 'score of the slot in stage 4' });
    m.seq((b) => {
      for (const [name] of fields) b.set(rd[name]!, mems[name]!.at(rdAddr));
      b.if(admHere, () => {
        b.write(mems.variant!, wrRow, admWVar);
        b.write(mems.deadline!, wrRow, admWDeadline);
        b.write(mems.scale!, wrRow, admWScale);
        b.write(mems.seq!, wrRow, admWSeq);
      });
      b.if(admHere.lor(updHere), () => {
        b.write(mems.next_layer!, wrRow, mux(admHere, lit(0, LCW), kNext));
        b.write(mems.last_run!, wrRow, mux(admHere, admWArrival, tDone));
        b.write(mems.ratio_sum!, wrRow, mux(admHere, lit(0, RSW), rsumNew));
        b.write(mems.gamma!, wrRow, mux(admHere, gamma1, gammaNew));
        b.write(mems.pred!, wrRow, mux(admHere, satTo(rdSuffix0, LAT), pNew));
      });
      b.if(e4Valid, () => b.write(mems.score!, e4Row, score));
    }, `Task table${U === 1 ? '' : ` bank ${bi}`}: one read port (scan / update / host), one write port per field.`);

    // Score pipeline: e1 (memory data) -> e2 -> e3 -> e4 -> e5 (compare).
    const e1Valid = m.reg(`e1_valid${sfx}`, 1, { reset: 0 });
    const e1Row = m.reg(`e1_row${sfx}`, RW);
    const slack = m.wire(`slack${sfx}`, T + 2, { signed: true, doc: 'deadline - t_sel - P' });
    const ext = (e: Expr) => e.resize(T + 2).asSigned();
    m.assign(slack, ext(rd.deadline!).sub(ext(tSel)).sub(ext(rd.pred!)));
    const urg = m.wire(`urgency${sfx}`, TW, { doc: 'max(0, slack) in score units' });
    m.assign(urg, mux(slack.msb(), lit(0, TW), satTo(shrBy(slack.asUnsigned(), f.scoreShift), TW)));
    const pu = m.wire(`pred_units${sfx}`, SW, { doc: 'P in score units' });
    m.assign(pu, satTo(shrBy(rd.pred!, f.scoreShift), SW));
    const idle = m.wire(`idle${sfx}`, f.idleWidth, { doc: 'max(0, t_sel - last_run), saturated' });
    m.assign(idle, mux(rd.last_run!.gt(tSel), lit(0, f.idleWidth), satTo(tSel.sub(rd.last_run!), f.idleWidth)));

    const e2 = { valid: m.reg(`e2_valid${sfx}`, 1, { reset: 0 }), row: m.reg(`e2_row${sfx}`, RW), seq: m.reg(`e2_seq${sfx}`, f.seqWidth), variant: m.reg(`e2_variant${sfx}`, VW), layer: m.reg(`e2_layer${sfx}`, LW), pu: m.reg(`e2_pred${sfx}`, SW), urg: m.reg(`e2_urgency${sfx}`, TW), prod: m.reg(`e2_idle_scaled${sfx}`, f.idleWidth + KW) };
    const e3 = { valid: m.reg(`e3_valid${sfx}`, 1, { reset: 0 }), row: m.reg(`e3_row${sfx}`, RW), seq: m.reg(`e3_seq${sfx}`, f.seqWidth), variant: m.reg(`e3_variant${sfx}`, VW), layer: m.reg(`e3_layer${sfx}`, LW), pu: m.reg(`e3_pred${sfx}`, SW), urg: m.reg(`e3_urgency${sfx}`, TW), prod: m.reg(`e3_penalty_n${sfx}`, TW + f.invNWidth) };
    const e4 = { seq: m.reg(`e4_seq${sfx}`, f.seqWidth), variant: m.reg(`e4_variant${sfx}`, VW), layer: m.reg(`e4_layer${sfx}`, LW), pu: m.reg(`e4_pred${sfx}`, SW), prod: m.reg(`e4_beta_sum${sfx}`, TW + f.betaWidth) };
    const e5 = { valid: m.reg(`e5_valid${sfx}`, 1, { reset: 0 }), row: m.reg(`e5_row${sfx}`, RW), seq: m.reg(`e5_seq${sfx}`, f.seqWidth), variant: m.reg(`e5_variant${sfx}`, VW), layer: m.reg(`e5_layer${sfx}`, LW), score: m.reg(`e5_score${sfx}`, SW) };
    const pen1 = m.wire(`penalty_scaled${sfx}`, TW, { doc: 'idle x scale, score units' });
    m.assign(pen1, satTo(shrBy(e2.prod, f.penaltyScaleFrac + f.scoreShift), TW));
    const penU = m.wire(`penalty${sfx}`, TW, { doc: 'idle x scale / N' });
    m.assign(penU, satTo(e3.prod.shr(f.invNFrac), TW));
    const sum = m.wire(`urgency_penalty${sfx}`, TW, { doc: 'urgency + penalty, saturated' });
    m.assign(sum, satTo(e3.urg.resize(TW + 1).add(penU.resize(TW + 1)), TW));
    const scaled = m.wire(`beta_term${sfx}`, SW, { doc: 'beta x (urgency + penalty)' });
    m.assign(scaled, satTo(e4.prod.shr(f.betaFrac), SW));
    m.assign(score, satTo(e4.pu.resize(SW + 1).add(scaled.resize(SW + 1)), SW));
    const betaLit = lit(f.betaQ, f.betaWidth);
    const layerOfRd = rd.next_layer!.resize(LW);
    m.seq((b) => {
      b.set(e1Valid, issue);
      b.set(e1Row, issueRow);
      b.set(e2.valid, e1Valid);
      b.set(e2.row, e1Row);
      b.set(e2.seq, rd.seq!);
      b.set(e2.variant, rd.variant!);
      b.set(e2.layer, layerOfRd);
      b.set(e2.pu, pu);
      b.set(e2.urg, urg);
      b.set(e2.prod, idle.mul(rd.scale!));
      b.set(e3.valid, e2.valid);
      b.set(e3.row, e2.row);
      b.set(e3.seq, e2.seq);
      b.set(e3.variant, e2.variant);
      b.set(e3.layer, e2.layer);
      b.set(e3.pu, e2.pu);
      b.set(e3.urg, e2.urg);
      b.set(e3.prod, pen1.mul(invNReg));
      b.set(e4Valid, e3.valid);
      b.set(e4Row, e3.row);
      b.set(e4.seq, e3.seq);
      b.set(e4.variant, e3.variant);
      b.set(e4.layer, e3.layer);
      b.set(e4.pu, e3.pu);
      b.set(e4.prod, sum.mul(betaLit));
      b.set(e5.valid, e4Valid);
      b.set(e5.row, e4Row);
      b.set(e5.seq, e4.seq);
      b.set(e5.variant, e4.variant);
      b.set(e5.layer, e4.layer);
      b.set(e5.score, score);
    }, `Score unit${U === 1 ? '' : ` ${bi}`}: read, idle x scale, x 1/N, x beta, + P (one multiplier per stage).`);

    const best = {
      valid: m.reg(`best_valid${sfx}`, 1, { reset: 0 }),
      score: m.reg(`best_score${sfx}`, SW),
      seq: m.reg(`best_seq${sfx}`, f.seqWidth),
      row: m.reg(`best_row${sfx}`, RW),
      variant: m.reg(`best_variant${sfx}`, VW),
      layer: m.reg(`best_layer${sfx}`, LW),
    };
    const better = m.wire(`better${sfx}`, 1, { doc: 'stage 5 beats the best so far: lower score, or equal and admitted earlier' });
    m.assign(better, e5.valid.land(best.valid.lnot().lor(e5.score.lt(best.score)).lor(e5.score.eq(best.score).land(e5.seq.lt(best.seq)))));
    m.seq((b) => {
      b.if(is(ST.SEL_INIT), () => {
        b.set(rem, bankValidBits(bi));
        b.set(best.valid, lit(0, 1));
      }, () => {
        b.if(issue, () => b.set(rem, rem.and(onehot.not())));
        b.if(better, () => {
          b.set(best.valid, lit(1, 1));
          b.set(best.score, e5.score);
          b.set(best.seq, e5.seq);
          b.set(best.row, e5.row);
          b.set(best.variant, e5.variant);
          b.set(best.layer, e5.layer);
        });
      });
    }, 'Selector: scan mask and running minimum.');
    banks.push({ rd, best, rem, any, pipeBusy: e1Valid.lor(e2.valid).lor(e3.valid).lor(e4Valid).lor(e5.valid) });
  }

  // ---------------------------------------------------------------- comparator tree over banks
  interface Cand { valid: Expr; score: Expr; seq: Expr; slot: Expr; variant: Expr; layer: Expr }
  let level: Cand[] = banks.map((bk, bi) => ({
    valid: bk.best.valid,
    score: bk.best.score,
    seq: bk.best.seq,
    slot: slotOf(lit(bi, UW), bk.best.row),
    variant: bk.best.variant,
    layer: bk.best.layer,
  }));
  let depth = 0;
  while (level.length > 1) {
    const next: Cand[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const a = level[i]!;
      const c = level[i + 1]!;
      const takeB = m.wire(`tree${depth}_${i / 2}_right`, 1);
      m.assign(takeB, c.valid.land(a.valid.lnot().lor(c.score.lt(a.score)).lor(c.score.eq(a.score).land(c.seq.lt(a.seq)))));
      const w = (name: string, x: Expr, y: Expr) => {
        const s = m.wire(`tree${depth}_${i / 2}_${name}`, x.width);
        m.assign(s, mux(takeB, y, x));
        return s;
      };
      next.push({ valid: w('valid', a.valid, c.valid), score: w('score', a.score, c.score), seq: w('seq', a.seq, c.seq), slot: w('slot', a.slot, c.slot), variant: w('variant', a.variant, c.variant), layer: w('layer', a.layer, c.layer) });
    }
    level = next;
    depth++;
  }
  const win = level[0]!;
  if (U > 1) {
    m.unused(win.valid as Signal, 'scan_done implies a winner');
    m.unused(win.seq as Signal, 'the sequence number only breaks ties inside the tree');
  }
  const scanDone = m.wire('scan_done', 1, { doc: 'every bank has issued and drained its pipeline' });
  m.assign(scanDone, is(ST.SCAN).land(banks.map((bk) => bk.any.lor(bk.pipeBusy)).reduce((a, c) => a.lor(c)).lnot()));
  const decide = m.wire('decide', 1, { doc: 'the decision is made this cycle' });
  m.assign(decide, scanDone.land(evFree));

  // ---------------------------------------------------------------- control
  const updLoadEv = m.wire('upd_complete', 1, { doc: 'write-back of a task\'s last layer: completion event' });
  m.assign(updLoadEv, updWrite.land(uLast));
  const updAdvance = m.wire('upd_advance', 1, { doc: 'the write-back stage finishes this cycle' });
  m.assign(updAdvance, updWrite.land(uLast.lnot().lor(evFree)));
  const slotOneHot = (slot: Expr): Expr => lit(1, f.tasks).shl(slot);
  const admSet = mux(admFire, slotOneHot(freeSlot), lit(0, f.tasks));
  const updClr = mux(updAdvance.land(uLast), slotOneHot(runSlot), lit(0, f.tasks));

  m.seq((b) => {
    const step = skipEn && skipBy ? mux(skipEn.land(waiting), skipBy, lit(1, T)) : lit(1, T);
    b.set(now, now.add(step));
    b.set(valid, valid.or(admSet).and(updClr.not()));
    const inc = admFire;
    const dec = updAdvance.land(uLast);
    b.if(inc.land(dec.lnot()), () => b.set(numValid, numValid.add(lit(1, CW))));
    b.if(dec.land(inc.lnot()), () => b.set(numValid, numValid.sub(lit(1, CW))));
    b.if(admFire, () => {
      b.set(seqNext, seqNext.add(lit(1, f.seqWidth)));
      b.set(cntAdmissions, cntAdmissions.add(lit(1, T)));
    });
    b.if(admValid.land(admReady.lnot()), () => b.set(cntStalls, cntStalls.add(lit(1, T))));
    b.set(npuStart, lit(0, 1));
    b.if(evReady, () => b.set(evValid, lit(0, 1)));

    b.if(is(ST.IDLE), () => {
      b.if(admFire, () => b.set(state, lit(ST.ADM_WAIT, 3)));
    });
    b.if(is(ST.ADM_WAIT), () => b.set(state, lit(ST.SEL_INIT, 3)));
    b.if(is(ST.SEL_INIT), () => {
      b.set(tSel, now);
      b.set(invNReg, invNVal);
      b.set(state, lit(ST.SCAN, 3));
    });
    b.if(decide, () => {
      b.set(state, lit(ST.RUN, 3));
      b.set(runSlot, win.slot);
      b.set(runVar, win.variant);
      b.set(runLayer, win.layer);
      b.set(npuStart, lit(1, 1));
      b.set(evValid, lit(1, 1));
      b.set(evKind, lit(EVENT.DECISION, 2));
      b.set(evTask, win.slot);
      b.set(evLayer, win.layer);
      b.set(evTime, tSel);
      b.set(evScore, win.score);
      b.set(cntDecisions, cntDecisions.add(lit(1, T)));
      b.set(lastLatency, now.sub(tSel).add(lit(1, T)));
    });
    b.if(is(ST.RUN).land(layerDone), () => {
      b.set(state, lit(ST.UPDATE, 3));
      b.set(updStage, lit(0, 3));
      b.set(tDone, now);
      b.set(cntExt, countExt);
      b.set(cntExtVal, countIn);
    });
    b.if(is(ST.UPDATE), () => {
      b.if(updStage.ne(lit(UPDATE_STAGES - 1, 3)), () => b.set(updStage, updStage.add(lit(1, 3))));
      b.if(updAdvance, () => {
        const remaining = mux(uLast, numValid.sub(lit(1, CW)), numValid);
        b.set(state, mux(remaining.eq(lit(0, CW)), lit(ST.IDLE, 3), lit(ST.SEL_INIT, 3)));
      });
      b.if(updLoadEv.land(evFree), () => {
        b.set(evValid, lit(1, 1));
        b.set(evKind, lit(EVENT.COMPLETION, 2));
        b.set(evTask, runSlot);
        b.set(evLayer, runLayer);
        b.set(evTime, tDone);
        b.set(evScore, lit(0, SW));
        b.set(cntCompletions, cntCompletions.add(lit(1, T)));
      });
    });
  }, 'Control: time, valid bits, counters, the state machine and the event register.');

  // Update pipeline data path (stages u0..u6 of state UPDATE).
  const rdBank = (name: string): Expr => {
    let e: Expr = banks[0]!.rd[name]!;
    for (let bi = 1; bi < U; bi++) e = mux(runBank.eq(lit(bi, UW)), banks[bi]!.rd[name]!, e);
    return e;
  };
  const monCountN = satTo(monCount, NW);
  m.seq((b) => {
    b.if(stageIs(0), () => b.set(nnz, mux(cntExt, cntExtVal, monCountN)));
    b.if(stageIs(1), () => {
      b.set(prod1, nnz.mul(rdMant));
      b.set(uShift, rdShift);
      b.set(uSuffix, rdSuffixNext);
      b.set(uRsumOld, rdBank('ratio_sum'));
      b.set(uLast, kNext.ge(rdNLayers).lor(kNext.eq(lit(f.maxLayers, LCW))));
    });
    b.if(stageIs(2), () => b.set(rsumNew, uRsumOld.add(satTo(prod1.shr(uShift), GW).resize(RSW))));
    b.if(stageIs(3), () => b.set(prod2, rsumNew.mul(invKVal)));
    b.if(stageIs(4), () => b.set(gammaNew, satTo(prod2.shr(f.invKFrac), GW)));
    b.if(stageIs(5), () => b.set(prod3, gammaNew.mul(uSuffix)));
  }, 'Predictor: ratio = nnz x 1/expected; ratio sum; gamma = sum x 1/k; P = gamma x suffix (written back in stage 6).');

  // NPU side outputs.
  m.assign(npuTask, runSlot);
  m.assign(npuVariant, runVar);
  m.assign(npuLayer, runLayer);

  // ---------------------------------------------------------------- host reads
  const rspIsTask = m.reg('rsp_is_task', 1, { reset: 0 });
  const rspField = m.reg('rsp_field', 4);
  const rspBank = U === 1 ? undefined : m.reg('rsp_bank', UW);
  const rspValidBit = m.reg('rsp_slot_valid', 1);
  const rspCounter = m.reg('rsp_counter', T);
  const counterSel = cmdAddr.bits(2, 0);
  const counters: Expr[] = [now, cntDecisions, cntCompletions, cntAdmissions, cntStalls, lastLatency, numValid.resize(T), tSel];
  let counterVal: Expr = counters[0]!;
  for (let i = 1; i < counters.length; i++) counterVal = mux(counterSel.eq(lit(i, 3)), counters[i]!, counterVal);
  const isRead = cmdFire.land(isOp(CMD.READ_TASK).lor(isOp(CMD.READ_COUNTER)));
  m.seq((b) => {
    b.set(rspValid, isRead);
    b.set(rspIsTask, isOp(CMD.READ_TASK));
    b.set(rspField, cmdData.bits(3, 0));
    if (rspBank) b.set(rspBank, bankOf(cmdSlot));
    b.set(rspValidBit, valid.and(slotOneHot(cmdSlot)).orReduce());
    b.set(rspCounter, counterVal);
  }, 'Host reads: the task field comes from the bank read port one cycle after the command.');
  const hostRd = (name: string): Expr => {
    let e: Expr = banks[0]!.rd[name]!;
    for (let bi = 1; bi < U; bi++) e = mux(rspBank!.eq(lit(bi, UW)), banks[bi]!.rd[name]!, e);
    return e;
  };
  const fieldVals: [number, Expr][] = [
    [TASK_FIELD.STATUS, cat(rspValidBit, hostRd('variant'), hostRd('next_layer'))],
    [TASK_FIELD.GAMMA, hostRd('gamma')],
    [TASK_FIELD.PRED, hostRd('pred')],
    [TASK_FIELD.RATIO_SUM, hostRd('ratio_sum')],
    [TASK_FIELD.LAST_RUN, hostRd('last_run')],
    [TASK_FIELD.DEADLINE, hostRd('deadline')],
    [TASK_FIELD.SCORE, hostRd('score')],
    [TASK_FIELD.SEQ, hostRd('seq')],
    [TASK_FIELD.PENALTY_SCALE, hostRd('scale')],
  ];
  let taskVal: Expr = lit(0, CDW);
  for (const [code, v] of fieldVals) taskVal = mux(rspField.eq(lit(code, 4)), v.resize(CDW), taskVal);
  m.assign(rspData, mux(rspIsTask, taskVal, rspCounter.resize(CDW)));

  return { top: m.build(), monitor };
}
