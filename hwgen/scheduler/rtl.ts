// The Dysta scheduler top (dysta_scheduler): it wires the blocks and runs the host protocol.
//
//   u_table      dysta_task_table   2^D slots in U banks, valid bits, sequence numbers (task-table.ts)
//   u_predictor  dysta_predictor    variant/layer tables, gamma and P after every layer (predictor.ts)
//   u_monitor    sparsity_monitor   the NPU tile's monitor on the NPU's output lanes (pe-array/rtl.ts)
//   u_policy     dysta_policy       U score units and the selector (dysta-policy.ts, score-unit.ts,
//                                   selector.ts)
//
// The top itself holds the state machine, the cycle counter, the event register, the NPU-side
// registers of the running layer, the counters and the host command/response port:
//   IDLE, RUN    waiting states: host commands and admissions are accepted, time may skip
//   ADM_WAIT     one cycle after an admission into an empty scheduler (the table write lands)
//   SEL_INIT     t_sel = now; the policy samples N and the valid bits
//   SCAN         the policy scores every valid task; when it is done and the event register is free:
//                decision event, npu_start. Latency t_sel -> event = max over banks of valid slots + 18.
//   RUN          the NPU runs the chosen layer until npu_layer_done
//   UPDATE       the predictor's 16 stages; the write-back frees a completed slot (completion event);
//                then SEL_INIT, or IDLE when the table is empty.
// Every width and constant comes from formats.ts, which the golden model (golden.ts) computes with;
// README.md documents the interfaces, formats and timing.
import { cat, lit, mux, ModuleBuilder, type Expr, type ModuleDef } from '../hdl/index.ts';
import type { PeArrayConfig, SchedulerConfig } from '../config/index.ts';
import { buildSparsityMonitor, peArrayWidths, type MonitorShape } from '../pe-array/rtl.ts';
import { CMD, COUNTER, EVENT, TASK_FIELD, commandWidths, maxOf, schedulerFormats, type SchedulerFormats } from './formats.ts';
import { buildTaskTable, taskFieldWidths, taskFields, type TaskField } from './task-table.ts';
import { buildPredictor } from './predictor.ts';
import { buildDystaPolicy, SCAN_FIELDS } from './dysta-policy.ts';
import { buildMhgPolicy } from './mhg-policy.ts';
import { bankRows, splitCounter, splitPoint } from './datapath.ts';

export const SCHEDULER_TOP = 'dysta_scheduler';

/** States of the top's state machine (localparams ST_*). */
export const SCHEDULER_STATE = { IDLE: 0, ADM_WAIT: 1, SEL_INIT: 2, SCAN: 3, RUN: 4, UPDATE: 5 } as const;

/** The monitor the scheduler instantiates: the NPU tile's, so a design holds one sparsity_monitor. */
export function schedulerMonitorShape(pe: PeArrayConfig): MonitorShape {
  return { lanes: pe.lanes, laneWidth: pe.actWidth, countWidth: peArrayWidths(pe).countWidth };
}

export function schedulerParams(f: SchedulerFormats): Record<string, number | string> {
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
    PREDICTOR: c.predictor,
    ...(f.regression ? { COEFF_WIDTH: f.coeffWidth } : {}),
    POLICY: c.policy,
    ...(f.mhg ? { MHG_PARAM_FRAC_BITS: f.mhgParamFrac, MHG_INV_ISO_FRAC_BITS: f.invIsoFrac, MHG_INV_ISO_WIDTH: f.invIsoWidth } : {}),
  };
}

/** The event counters a preset may start elsewhere than 0 (READ_COUNTER 1-4), by register name. */
const PRESET_COUNTERS = { decisions: 'ctr_decisions', completions: 'ctr_completions', admissions: 'ctr_admissions', admitStalls: 'ctr_admit_stalls' } as const;

/**
 * A test preset: the register writes (path from the top, value) that start a scheduler, after
 * reset, with these event counts and this next sequence number instead of 0, the names as this
 * generator gives them (a split counter's two halves and its carry flag, the task table's
 * `seq_next`). Only registers whose value differs from reset (0) are written. The golden model
 * starts from the same state (compare/scheduler-harness-model.ts), so a run from 2^29 admissions
 * or sequence number 2^31 - 2 is still compared line for line.
 */
export function schedulerPresets(f: SchedulerFormats, state: Partial<Record<'seqNext' | keyof typeof PRESET_COUNTERS, bigint>>): { path: string; value: bigint }[] {
  const out: { path: string; value: bigint }[] = [];
  const write = (path: string, value: bigint) => {
    if (value !== 0n) out.push({ path: `${SCHEDULER_TOP}.${path}`, value });
  };
  const T = f.timeWidth;
  const L = splitPoint(T);
  for (const [key, name] of Object.entries(PRESET_COUNTERS) as [keyof typeof PRESET_COUNTERS, string][]) {
    const v = state[key];
    if (v === undefined) continue;
    if (v < 0n || v > maxOf(T)) throw new RangeError(`preset ${key} ${v} outside 0..2^${T}-1`);
    const lo = v & maxOf(L);
    write(`${name}_lo`, lo);
    write(`${name}_hi`, v >> BigInt(L));
    write(`${name}_lo_ones`, lo === maxOf(L) ? 1n : 0n);
  }
  if (state.seqNext !== undefined) {
    if (state.seqNext < 0n || state.seqNext > maxOf(f.seqWidth)) throw new RangeError(`preset sequence number ${state.seqNext} outside 0..2^${f.seqWidth}-1`);
    write('u_table.seq_next', state.seqNext);
  }
  return out;
}

export function buildScheduler(cfg: SchedulerConfig, pe: PeArrayConfig, monitorDef?: ModuleDef): { top: ModuleDef; monitor: ModuleDef } {
  const f = schedulerFormats(cfg);
  const monitor = monitorDef ?? buildSparsityMonitor(schedulerMonitorShape(pe));
  const shape = schedulerMonitorShape(pe);
  const { table } = buildTaskTable(f);
  const predictor = buildPredictor(f, shape.countWidth);
  const policy = f.mhg ? buildMhgPolicy(f) : buildDystaPolicy(f);
  const { addrWidth: CAW, dataWidth: CDW } = commandWidths(f);
  const T = f.timeWidth;
  const D = f.slotWidth;
  const U = f.units;
  const { rowWidth: RW } = bankRows(f);
  const VW = f.variantWidth;
  const LW = f.layerWidth;
  const LCW = f.layerCountWidth;
  const LAT = f.latencyWidth;
  const SW = f.scoreWidth;
  const KW = f.penaltyScaleWidth;
  const CW = f.countWidth;
  const FW = taskFieldWidths(f);

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
  const rc = f.recipWidth;
  const rs = f.recipShiftWidth;
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
  const admBank = f.regression ? m.input('adm_coeff_bank', 1, { doc: 'regression coefficient bank of the request (the fit made without its own samples)' }) : undefined;

  // Event stream.
  const evValid = m.output('ev_valid', 1, { reset: 0, doc: 'event valid (held until ev_ready)' });
  const evReady = m.input('ev_ready', 1, { doc: 'host takes the event' });
  const evKind = m.output('ev_kind', 2, { doc: '1 decision, 2 completion (the ev_* fields are meaningful with ev_valid)' });
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
  const countIn = m.input('npu_count', f.nnzWidth, { doc: 'trace NPU: non-zero outputs of the layer' });

  // Time and status.
  const skipEn = f.timeSkip ? m.input('time_skip_en', 1, { doc: 'simulation only: advance time by time_skip this cycle (waiting states)' }) : undefined;
  const skipBy = f.timeSkip ? m.input('time_skip', T, { doc: 'cycles this cycle stands for (>= 1)' }) : undefined;
  const timeNow = m.output('time_now', T, { doc: 'cycle counter' });
  const numValid = m.output('num_valid', CW, { doc: 'tasks in the table' });
  const tableFull = m.output('table_full', 1, { doc: 'every slot is taken' });
  const busyOut = m.output('busy', 1, { doc: 'selecting or updating (commands and admissions wait)' });

  // ---------------------------------------------------------------- named constants
  const ST = Object.fromEntries(Object.entries(SCHEDULER_STATE).map(([k, v]) => [k, m.localparam(`ST_${k}`, v, 3)])) as Record<keyof typeof SCHEDULER_STATE, ReturnType<typeof m.localparam>>;
  const OP = {
    WRITE_VARIANT: m.localparam('OP_WRITE_VARIANT', CMD.WRITE_VARIANT, 4),
    WRITE_LAYER: m.localparam('OP_WRITE_LAYER', CMD.WRITE_LAYER, 4),
    READ_TASK: m.localparam('OP_READ_TASK', CMD.READ_TASK, 4),
    READ_COUNTER: m.localparam('OP_READ_COUNTER', CMD.READ_COUNTER, 4),
    WRITE_COEFF: f.regression ? m.localparam('OP_WRITE_COEFF', CMD.WRITE_COEFF, 4) : undefined,
    WRITE_ISO: f.mhg ? m.localparam('OP_WRITE_ISO', CMD.WRITE_ISO, 4) : undefined,
    WRITE_PARAM: f.mhg ? m.localparam('OP_WRITE_PARAM', CMD.WRITE_PARAM, 4) : undefined,
  };
  const EV_DECISION = m.localparam('EV_DECISION', EVENT.DECISION, 2);
  const EV_COMPLETION = m.localparam('EV_COMPLETION', EVENT.COMPLETION, 2);

  // ---------------------------------------------------------------- state
  const state = m.reg('state', 3, { reset: ST.IDLE, doc: 'ST_*' });
  // The wide counters count in two halves (splitCounter: no carry chain longer than half of T;
  // each is read whole, consistent in every cycle).
  const nowCtr = splitCounter(m, 'now', T, 'cycle counter');
  const now = nowCtr.value;
  const tSel = m.reg('t_sel', T, { reset: 0, doc: 'time of the current/last selection' });
  const runSlot = m.reg('run_slot', D, { reset: 0 });
  const runVar = m.reg('run_variant', VW, { reset: 0 });
  const runLayer = m.reg('run_layer', LW, { reset: 0 });
  const tDone = m.reg('t_done', T, { doc: 'time the running layer finished' });
  const ctrDecisions = splitCounter(m, 'ctr_decisions', T, 'decisions');
  const ctrCompletions = splitCounter(m, 'ctr_completions', T, 'completions');
  const ctrAdmissions = splitCounter(m, 'ctr_admissions', T, 'admissions');
  const ctrStalls = splitCounter(m, 'ctr_admit_stalls', T, 'cycles with adm_valid && !adm_ready');
  const selCycles = splitCounter(m, 'sel_cycles', T, 'now - t_sel + 1 during a selection (no wide subtract at the decision)');
  const cntDecisions = ctrDecisions.value;
  const cntCompletions = ctrCompletions.value;
  const cntAdmissions = ctrAdmissions.value;
  const cntStalls = ctrStalls.value;
  const lastLatency = m.reg('last_latency', T, { reset: 0, doc: 'cycles from t_sel to the last decision event' });

  const inState = (s: Expr) => state.eq(s);
  // state is IDLE or RUN, as a flip-flop of its own (set with every transition): it gates the host's
  // command and admission handshakes, whose decodes fan out to the table write enables.
  const waitingQ = m.reg('waiting_q', 1, { reset: 1, doc: 'state is ST_IDLE or ST_RUN' });
  const waiting = m.named('waiting', waitingQ, 'idle or running: commands, admissions and time skips allowed');
  const updating = m.named('updating', inState(ST.UPDATE), 'the predictor runs');
  // state is SCAN, as a flip-flop of its own too: the decision (done and a free event register) is one
  // LUT of flip-flops, and the table's read multiplexer is steered by a flip-flop.
  const scanningQ = m.reg('scanning_q', 1, { reset: 0, doc: 'state is ST_SCAN' });
  const scanning = m.named('scanning', scanningQ, 'the policy scores the valid tasks');
  const selStart = m.named('sel_start', inState(ST.SEL_INIT), 'a selection starts');
  m.assign(busyOut, waiting.lnot());
  m.assign(timeNow, now);
  const full = m.wire('full', 1);
  m.assign(tableFull, full);
  // ev_valid's complement in a flip-flop of its own: the port register sits by the consumer, this one
  // by the decision logic (as the complement it is not merged with ev_valid).
  const evEmpty = m.reg('ev_empty', 1, { reset: 1, doc: '!ev_valid' });
  const evFree = m.named('ev_free', evEmpty.lor(evReady), 'the event register can take a new event this cycle');

  // ---------------------------------------------------------------- handshakes
  m.assign(cmdReady, waiting);
  const cmdFire = m.named('cmd_fire', cmdValid.land(waiting), 'a host command is accepted');
  m.assign(admReady, waiting.land(full.lnot()));
  const admFire = m.named('adm_fire', admValid.land(admReady), 'an admission is accepted');
  const isOp = (op: Expr) => cmdOp.eq(op);
  const cmdSlot = m.named('cmd_slot', cmdAddr.bits(D - 1, 0), 'slot of a READ_TASK');

  // ---------------------------------------------------------------- blocks
  const monNonzero = m.wire('mon_nonzero', shape.countWidth);
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
    nonzero_count: monNonzero,
    total_count: monTotal,
    counts_valid: monValid,
  });

  const initPred = m.wire('init_pred', LAT, { doc: 'initial P of the request being admitted (one cycle later)' });
  const runRatioSum = m.wire('run_ratio_sum', f.ratioSumWidth);
  const runBank = f.regression ? m.wire('run_coeff_bank', 1, { doc: 'coefficient bank of the running task' }) : undefined;
  const CFW = f.coeffWidth;
  const regressionPorts: Record<string, Expr> = f.regression
    ? {
        wr_coeff: cmdFire.land(isOp(OP.WRITE_COEFF!)),
        wr_coeff_addr: cmdAddr.bits(VW + LW, 0),
        wr_coeff_a: cmdData.bits(CFW - 1, 0),
        wr_coeff_b: cmdData.bits(2 * CFW - 1, CFW),
        adm_coeff_bank: admBank!,
        run_coeff_bank: runBank!,
      }
    : {
        wr_suffix0: cmdData.bits(LCW + LAT - 1, LCW),
        wr_suffix_next: cmdData.bits(rc + rs + LAT - 1, rc + rs),
      };
  const wb = {
    we: m.wire('wb_we', 1, { doc: 'predictor write-back' }),
    last: m.wire('wb_last', 1, { doc: 'the finished layer was the task\'s last' }),
    complete: m.wire('wb_complete', 1, { doc: 'wb_we && wb_last, from flip-flops' }),
    next_layer: m.wire('wb_next_layer', LCW),
    ratio_sum: m.wire('wb_ratio_sum', f.ratioSumWidth),
    gamma: m.wire('wb_gamma', f.gammaWidth),
    pred: m.wire('wb_pred', LAT),
  };
  m.instance(predictor, 'u_predictor', {
    clk,
    rst,
    wr_variant: cmdFire.land(isOp(OP.WRITE_VARIANT)),
    wr_variant_addr: cmdAddr.bits(VW - 1, 0),
    wr_nlayers: cmdData.bits(LCW - 1, 0),
    wr_layer: cmdFire.land(isOp(OP.WRITE_LAYER)),
    wr_layer_addr: cmdAddr.bits(VW + LW - 1, 0),
    wr_recip_mant: cmdData.bits(rc - 1, 0),
    wr_recip_shift: cmdData.bits(rc + rs - 1, rc),
    ...regressionPorts,
    adm_variant: admVariant,
    init_pred: initPred,
    updating,
    start: inState(ST.RUN).land(layerDone),
    count_ext: countExt,
    count_in: countIn,
    monitor_count: monNonzero,
    run_variant: runVar,
    run_layer: runLayer,
    ratio_sum_old: runRatioSum,
    wb_we: wb.we,
    wb_last: wb.last,
    wb_complete: wb.complete,
    wb_next_layer: wb.next_layer,
    wb_ratio_sum: wb.ratio_sum,
    wb_gamma: wb.gamma,
    wb_pred: wb.pred,
  });

  const updAdvance = m.named('upd_advance', wb.we.land(wb.last.lnot().lor(evFree)), 'the write-back finishes this cycle (a completion needs the event register)');
  // upd_advance && wb_last, written from wb_complete (wb_we && wb_last from flip-flops): one LUT less
  // before the table's valid count and the event register.
  const complete = m.named('complete', wb.complete.land(evFree), 'the running task completes: its slot is freed, the completion event is loaded');
  const scanRow = m.wire('scan_row', U * RW, { doc: 'rows the score units read' });
  const scoreWe = m.wire('score_we', U);
  const scoreRow = m.wire('score_row', U * RW);
  const scoreData = m.wire('score_data', U * SW);
  const unitValid = m.wire('unit_valid', f.tasks, { doc: 'valid bits by unit' });
  const fields = taskFields(f);
  const rd = {} as Record<TaskField, ReturnType<typeof m.wire>>;
  for (const k of fields) rd[k] = m.wire(`rd_${k}`, U * FW[k], { doc: `table read data (${k}) of every unit` });
  for (const k of fields) if (!(SCAN_FIELDS as readonly string[]).includes(k)) m.unused(rd[k], 'read by the host through host_* instead');
  const hostValid = m.wire('host_valid', 1);
  const host = {} as Record<TaskField, ReturnType<typeof m.wire>>;
  for (const k of fields) host[k] = m.wire(`host_${k}`, FW[k], { doc: `${k} of the slot the host reads` });
  m.instance(table, 'u_table', {
    clk,
    rst,
    adm_fire: admFire,
    adm_variant: admVariant,
    adm_deadline: admDeadline,
    adm_arrival: admArrival,
    adm_scale: admScale,
    ...(admBank ? { adm_coeff_bank: admBank } : {}),
    adm_pred: initPred,
    free_slot: admSlot,
    full,
    valid_count: numValid,
    unit_valid: unitValid,
    wb_we: wb.we,
    wb_clear: complete,
    wb_slot: runSlot,
    wb_next_layer: wb.next_layer,
    wb_last_run: tDone,
    wb_ratio_sum: wb.ratio_sum,
    wb_gamma: wb.gamma,
    wb_pred: wb.pred,
    rd_scan: scanning,
    scan_row: scanRow,
    rd_update: updating,
    host_slot: cmdSlot,
    score_we: scoreWe,
    score_row: scoreRow,
    score_data: scoreData,
    ...Object.fromEntries(fields.map((k) => [`rd_${k}`, rd[k]])),
    run_ratio_sum: runRatioSum,
    ...(runBank ? { run_coeff_bank: runBank } : {}),
    host_valid: hostValid,
    ...Object.fromEntries(fields.map((k) => [`host_${k}`, host[k]])),
  });

  const policyDone = m.wire('policy_done', 1, { doc: 'the policy has chosen' });
  // MHG: the admission strobe (its list insertion) and the host's iso table and registers.
  const mhgPorts: Record<string, Expr> = f.mhg
    ? {
        admit: admFire,
        admit_slot: admSlot,
        wr_iso: cmdFire.land(isOp(OP.WRITE_ISO!)),
        wr_iso_addr: cmdAddr.bits(VW - 1, 0),
        wr_iso_value: cmdData.bits(LAT - 1, 0),
        wr_inv_iso: cmdData.bits(LAT + f.invIsoWidth - 1, LAT),
        wr_param: cmdFire.land(isOp(OP.WRITE_PARAM!)),
        wr_param_addr: cmdAddr.bits(1, 0),
        wr_param_value: cmdData.bits(f.mhgParamWidth - 1, 0),
      }
    : {};
  const win = { slot: m.wire('win_slot', D), variant: m.wire('win_variant', VW), layer: m.wire('win_layer', LW), score: m.wire('win_score', SW) };
  m.instance(policy, 'u_policy', {
    clk,
    rst,
    start: selStart,
    scanning,
    num_valid: numValid,
    t_sel: tSel,
    unit_valid: unitValid,
    ...Object.fromEntries(SCAN_FIELDS.map((k) => [`rd_${k}`, rd[k]])),
    scan_row: scanRow,
    score_we: scoreWe,
    score_row: scoreRow,
    score_data: scoreData,
    done: policyDone,
    win_slot: win.slot,
    win_variant: win.variant,
    win_layer: win.layer,
    win_score: win.score,
    ...mhgPorts,
  });
  const decide = m.named('decide', policyDone.land(evFree), 'the decision is made this cycle');

  // ---------------------------------------------------------------- control
  const remaining = m.named('remaining', mux(wb.last, numValid.sub(lit(1, CW)), numValid), 'tasks left after this write-back');
  // Registered: wb_last is set stages before the write-back and num_valid does not change while
  // updating (no admissions), so the compare is steady by the write-back and the state's next value
  // does not wait for it.
  const remainingZero = m.reg('remaining_zero', 1, { doc: 'remaining == 0, one cycle later (steady at the write-back)' });
  m.seq((b) => b.set(remainingZero, remaining.eq(lit(0, CW))), 'Whether this write-back leaves the table empty.');
  // waiting_q follows the transitions into and out of IDLE and RUN, written as its own next value
  // rather than as assignments in the state machine's branches (an enable behind five LUTs): it leaves
  // IDLE on an admission (the handshake is open there: adm_valid && !full) and RUN on layer_done, and
  // is set again by the decision (SCAN -> RUN) or by the write-back that empties the table (UPDATE ->
  // IDLE; remaining_zero implies wb_last, so that write-back needs the event register free).
  const leaveWaiting = m.named('leave_waiting', mux(inState(ST.IDLE), admValid.land(full.lnot()), layerDone), 'IDLE -> ADM_WAIT or RUN -> UPDATE (read while waiting)');
  const enterWaiting = m.named('enter_waiting', evFree.land(policyDone.lor(wb.we.land(remainingZero))), 'SCAN -> RUN or UPDATE -> IDLE');
  m.seq((b) => {
    b.set(waitingQ, mux(waitingQ, leaveWaiting.lnot(), enterWaiting));
    b.set(scanningQ, mux(scanningQ, decide.lnot(), selStart));
  }, 'waiting_q and scanning_q: state is IDLE or RUN, state is SCAN (SEL_INIT -> SCAN -> RUN on the decision).');
  const skipping = skipEn && skipBy ? m.named('skipping', skipEn.land(waiting), 'a time skip is honoured this cycle') : undefined;
  const skipped = skipBy ? m.named('now_skipped', now.add(skipBy), 'the cycle counter after a time skip (simulation only: a full-width add)') : undefined;
  m.seq((b) => {
    if (skipping && skipped) b.if(skipping, () => nowCtr.load(b, skipped), () => nowCtr.step(b));
    else nowCtr.step(b);
    b.if(selStart, () => selCycles.load(b, 2n), () => selCycles.step(b));
    b.switch(state, [
      // In IDLE the host's handshake is open (waiting_q is set): an admission is adm_valid && !full.
      [ST.IDLE, () => b.if(admValid.land(full.lnot()), () => b.set(state, ST.ADM_WAIT))],
      [ST.ADM_WAIT, () => b.set(state, ST.SEL_INIT)],
      [ST.SEL_INIT, () => {
        b.set(tSel, now);
        b.set(state, ST.SCAN);
      }],
      [ST.SCAN, () => b.if(decide, () => {
        b.set(state, ST.RUN);
        b.set(runSlot, win.slot);
        b.set(runVar, win.variant);
        b.set(runLayer, win.layer);
      })],
      [ST.RUN, () => b.if(layerDone, () => {
        b.set(state, ST.UPDATE);
        b.set(tDone, now);
      })],
      [ST.UPDATE, () => b.if(updAdvance, () => b.set(state, mux(remainingZero, ST.IDLE, ST.SEL_INIT)))],
    ]);
  }, 'State machine and cycle counter (time skips only in the waiting states).');

  // The event fields load whenever the register is free (their values matter only with ev_valid), so
  // their enable is one LUT of flip-flops, not the decision logic (nor the reset: they have none); the
  // kind of event follows from the state (a decision only while scanning, a completion only while
  // updating), so their multiplexers are steered by a flip-flop too. Only ev_valid and its complement
  // wait for an event.
  // Empty next cycle: free now (empty, or taken) and nothing to load; the event's sources are flip-flops
  // (policy done, wb_complete), so this is not behind the decision's logic.
  const evEmptyNext = m.named('ev_empty_next', evFree.land(policyDone.lor(wb.complete).lnot()), 'the event register is empty next cycle');
  m.seq((b) => {
    b.set(npuStart, decide);
    b.set(evValid, evEmptyNext.lnot());
    b.set(evEmpty, evEmptyNext);
  }, 'Event register: loaded with a decision or a completion when free; held until ev_ready.');
  m.seq((b) => b.if(evFree, () => {
    b.set(evKind, mux(scanning, EV_DECISION, EV_COMPLETION));
    b.set(evTask, mux(scanning, win.slot, runSlot));
    b.set(evLayer, mux(scanning, win.layer, runLayer));
    b.set(evTime, mux(scanning, tSel, tDone));
    b.set(evScore, mux(scanning, win.score, lit(0, SW)));
  }), 'Event fields (no reset: meaningful with ev_valid), loaded while the register is free.');

  m.seq((b) => {
    b.if(decide, () => {
      ctrDecisions.step(b);
      b.set(lastLatency, selCycles.value);
    });
    b.if(complete, () => ctrCompletions.step(b));
    b.if(admFire, () => ctrAdmissions.step(b));
    b.if(admValid.land(admReady.lnot()), () => ctrStalls.step(b));
  }, 'Counters.');

  m.assign(npuTask, runSlot);
  m.assign(npuVariant, runVar);
  m.assign(npuLayer, runLayer);

  // ---------------------------------------------------------------- host reads
  const fieldCodes = Object.entries(TASK_FIELD).filter(([k]) => f.regression || k !== 'COEFF_BANK');
  const FIELD = Object.fromEntries(fieldCodes.map(([k, v]) => [k, m.localparam(`FIELD_${k}`, v, 4)])) as Record<keyof typeof TASK_FIELD, ReturnType<typeof m.localparam>>;
  const CTR = Object.fromEntries(Object.entries(COUNTER).map(([k, v]) => [k, m.localparam(`CTR_${k}`, v, 3)])) as Record<keyof typeof COUNTER, ReturnType<typeof m.localparam>>;
  const rspIsTask = m.reg('rsp_is_task', 1, { reset: 0 });
  const rspField = m.reg('rsp_field', 4);
  const rspCounter = m.reg('rsp_counter', T);
  const counterSel = m.named('counter_sel', cmdAddr.bits(2, 0), 'READ_COUNTER index');
  const counterValue = m.reg('counter_value', T, { doc: 'the counter READ_COUNTER selects' });
  const counters: [keyof typeof COUNTER, Expr][] = [
    ['NOW', now],
    ['DECISIONS', cntDecisions],
    ['COMPLETIONS', cntCompletions],
    ['ADMISSIONS', cntAdmissions],
    ['ADMIT_STALLS', cntStalls],
    ['LAST_LATENCY', lastLatency],
    ['VALID', numValid.resize(T)],
    ['LAST_SELECT_TIME', tSel],
  ];
  m.comb((b) => {
    b.set(counterValue, now);
    b.switch(counterSel, counters.map(([k, v]) => [CTR[k], () => b.set(counterValue, v)] as const));
  }, 'Counter multiplexer.');
  m.seq((b) => {
    b.set(rspValid, cmdFire.land(isOp(OP.READ_TASK).lor(isOp(OP.READ_COUNTER))));
    b.set(rspIsTask, isOp(OP.READ_TASK));
    b.set(rspField, cmdData.bits(3, 0));
    b.set(rspCounter, counterValue);
  }, 'Host reads: answered one cycle after acceptance (the task field comes from the table\'s read port).');
  const taskValue = m.reg('task_field_value', CDW, { doc: 'the task field READ_TASK selects' });
  const fieldValues: [keyof typeof TASK_FIELD, Expr][] = [
    ['STATUS', cat(hostValid, host.variant, host.next_layer)],
    ['GAMMA', host.gamma],
    ['PRED', host.pred],
    ['RATIO_SUM', host.ratio_sum],
    ['LAST_RUN', host.last_run],
    ['DEADLINE', host.deadline],
    ['SCORE', host.score],
    ['SEQ', host.seq],
    ['PENALTY_SCALE', host.scale],
    ...(f.regression ? ([['COEFF_BANK', host.coeff_bank]] as [keyof typeof TASK_FIELD, Expr][]) : []),
  ];
  m.comb((b) => {
    b.set(taskValue, lit(0, CDW));
    b.switch(rspField, fieldValues.map(([k, v]) => [FIELD[k], () => b.set(taskValue, v.resize(CDW))] as const));
  }, 'Task field multiplexer.');
  m.assign(rspData, mux(rspIsTask, taskValue, rspCounter.resize(CDW)));
  return { top: m.build(), monitor };
}
