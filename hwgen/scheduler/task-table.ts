// The task table (dysta_task_table) and its banks (dysta_task_bank), with the golden model beside
// them (TaskTableModel, cycle for cycle).
//
// 2^D slots; slot s lives in bank s mod U, row s / U (U = score units, so each unit reads its own
// bank during a selection). Per bank, every field is a memory with one synchronous read port and one
// write port (block-RAM friendly). The table also holds what belongs to the slots as a set: the
// valid bits (flip-flops), their count, the admission sequence number and the admission write stage.
//
// Timing (cycle = one clock):
//   - adm_fire at t: the slot is free_slot at t; the request is written at t+1 (adm_pred, the
//     initial P, is read from the predictor's tables at t and arrives at t+1); valid at t+1;
//   - wb_we at t: next_layer, last_run, ratio_sum, gamma, pred of wb_slot written at t (visible to
//     reads issued from t+1); wb_clear at t frees the slot from t+1;
//   - a read issued at t (scan_row of a unit in a scan, wb_slot's row while updating, else
//     host_slot's row) shows on rd_* at t+1;
//   - score_we at t writes the score memory of that unit at t.
import { cat, lit, mux, ModuleBuilder, type Expr, type Memory, type ModuleDef, type Signal } from '../hdl/index.ts';
import { buildFindFirstSet, findFirstSet, lowestSetBit } from './find-first-set.ts';
import { gammaOne, maxOf, type SchedulerFormats } from './formats.ts';
import { bankRows, slotSplit } from './datapath.ts';

export const TASK_TABLE = 'dysta_task_table';
export const TASK_BANK = 'dysta_task_bank';

/** The per-slot fields, in the order of the memories. */
export type TaskField = 'variant' | 'deadline' | 'scale' | 'seq' | 'next_layer' | 'last_run' | 'ratio_sum' | 'gamma' | 'pred' | 'score' | 'coeff_bank';

/** Fields of every build. */
export const TASK_FIELDS: readonly TaskField[] = ['variant', 'deadline', 'scale', 'seq', 'next_layer', 'last_run', 'ratio_sum', 'gamma', 'pred', 'score'];

/** The fields of this build: the regression predictor adds each request's coefficient bank. */
export function taskFields(f: SchedulerFormats): readonly TaskField[] {
  return f.regression ? [...TASK_FIELDS, 'coeff_bank'] : TASK_FIELDS;
}

export function taskFieldWidths(f: SchedulerFormats): Record<TaskField, number> {
  return {
    variant: f.variantWidth,
    deadline: f.timeWidth,
    scale: f.penaltyScaleWidth,
    seq: f.seqWidth,
    next_layer: f.layerCountWidth,
    last_run: f.timeWidth,
    ratio_sum: f.ratioSumWidth,
    gamma: f.gammaWidth,
    pred: f.latencyWidth,
    score: f.scoreWidth,
    coeff_bank: 1,
  };
}

const FIELD_DOC: Record<TaskField, string> = {
  variant: 'model variant',
  deadline: 'absolute deadline (cycles)',
  scale: 'penalty scale',
  seq: 'admission sequence number',
  next_layer: 'layers executed = next layer',
  last_run: 'end of the last layer run (arrival before the first)',
  ratio_sum: 'sum of measured/expected ratios',
  gamma: 'running mean of ratios',
  pred: 'P = predicted remaining latency (cycles)',
  score: 'score at the last selection',
  coeff_bank: 'regression coefficient bank of the request',
};

/** Fields an admission writes (the others start from constants, or are written by the update or a scan). */
const ADMISSION_ONLY = ['variant', 'deadline', 'scale', 'seq'] as const satisfies readonly TaskField[];
function admissionFields(f: SchedulerFormats): readonly TaskField[] {
  return f.regression ? [...ADMISSION_ONLY, 'coeff_bank'] : ADMISSION_ONLY;
}
/** Fields the predictor's write-back writes (an admission writes their initial values). */
const UPDATED = ['next_layer', 'last_run', 'ratio_sum', 'gamma', 'pred'] as const satisfies readonly TaskField[];

/** One bank: a memory per field, one read port (registered), one write port. */
export function buildTaskBank(f: SchedulerFormats): ModuleDef {
  const { rows, rowWidth: RW } = bankRows(f);
  const W = taskFieldWidths(f);
  const m = new ModuleBuilder(TASK_BANK, `One bank of the task table: ${rows} rows, a memory per field with one read and one write port.`, { ROWS: rows });
  m.input('clk', 1, { role: 'clock' });
  const rdRow = m.input('rd_row', RW, { doc: 'row read this cycle (data on rd_* next cycle)' });
  const admWe = m.input('adm_we', 1, { doc: 'write an admitted request' });
  const admRow = m.input('adm_row', RW);
  const adm: Partial<Record<TaskField | 'arrival', Signal>> = {};
  for (const k of admissionFields(f)) adm[k] = m.input(`adm_${k}`, W[k], { doc: FIELD_DOC[k] });
  adm.arrival = m.input('adm_arrival', f.timeWidth, { doc: 'arrival: the initial last-run time' });
  adm.pred = m.input('adm_pred', f.latencyWidth, { doc: 'initial P' });
  const wbWe = m.input('wb_we', 1, { doc: 'write back the predictor update of a row' });
  const wbRow = m.input('wb_row', RW);
  const wb: Partial<Record<TaskField, Signal>> = {};
  for (const k of UPDATED) wb[k] = m.input(`wb_${k}`, W[k], { doc: FIELD_DOC[k] });
  const scoreWe = m.input('score_we', 1, { doc: 'write a score computed during a selection' });
  const scoreRow = m.input('score_row', RW);
  const scoreData = m.input('score_data', f.scoreWidth);
  const gamma1 = m.localparam('GAMMA_ONE', gammaOne(f), f.gammaWidth, 'gamma = 1.0 at admission');

  const fields = taskFields(f);
  const mem = {} as Record<TaskField, Memory>;
  const rd = {} as Record<TaskField, Signal>;
  for (const k of fields) mem[k] = m.memory(`task_${k}`, { width: W[k], depth: rows, doc: FIELD_DOC[k] });
  for (const k of fields) rd[k] = m.output(`rd_${k}`, W[k], { doc: `${FIELD_DOC[k]} of rd_row, one cycle later` });
  const wrRow = m.named('wr_row', mux(admWe, admRow, wbRow), 'admission or write-back row');
  const initial: Record<(typeof UPDATED)[number], Expr> = {
    next_layer: lit(0, W.next_layer),
    last_run: adm.arrival,
    ratio_sum: lit(0, W.ratio_sum),
    gamma: gamma1,
    pred: adm.pred,
  };
  m.seq((b) => {
    for (const k of fields) b.set(rd[k], mem[k].at(rdRow));
    b.if(admWe, () => {
      for (const k of admissionFields(f)) b.write(mem[k], admRow, adm[k]!);
    });
    b.if(admWe.lor(wbWe), () => {
      for (const k of UPDATED) b.write(mem[k], wrRow, mux(admWe, initial[k], wb[k]!));
    });
    b.if(scoreWe, () => b.write(mem.score, scoreRow, scoreData));
  }, 'Read port (every field of rd_row), admission / write-back port, score port.');
  return m.build();
}

export interface TaskTableModules {
  table: ModuleDef;
  bank: ModuleDef;
}

/** Builds dysta_task_table with its bank and free-slot encoder. */
export function buildTaskTable(f: SchedulerFormats): TaskTableModules {
  const bank = buildTaskBank(f);
  const freeEncoder = buildFindFirstSet(f.tasks);
  const { rows, rowWidth: RW } = bankRows(f);
  const U = f.units;
  const D = f.slotWidth;
  const W = taskFieldWidths(f);
  const split = slotSplit(f);
  const m = new ModuleBuilder(TASK_TABLE, `Task table: ${f.tasks} slots in ${U} bank(s) of ${rows} rows, valid bits, admission sequence numbers.`, { TASKS: f.tasks, UNITS: U });
  const clk = m.input('clk', 1, { role: 'clock' });
  m.input('rst', 1, { role: 'reset', doc: 'synchronous, active high' });
  const admFire = m.input('adm_fire', 1, { doc: 'admission handshake: take free_slot' });
  const admIn: Record<string, Signal> = {
    variant: m.input('adm_variant', W.variant),
    deadline: m.input('adm_deadline', W.deadline),
    arrival: m.input('adm_arrival', f.timeWidth),
    scale: m.input('adm_scale', W.scale),
    ...(f.regression ? { coeff_bank: m.input('adm_coeff_bank', 1, { doc: 'regression coefficient bank of the request' }) } : {}),
  };
  const admPred = m.input('adm_pred', f.latencyWidth, { doc: 'initial P of the request admitted one cycle earlier' });
  const freeSlot = m.output('free_slot', D, { doc: 'lowest free slot' });
  const full = m.output('full', 1, { doc: 'every slot is valid' });
  const validCount = m.output('valid_count', f.countWidth, { reset: 0, doc: 'valid slots' });
  const unitValid = m.output('unit_valid', f.tasks, { doc: `valid bits by unit: unit u's rows at [u*${rows} +: ${rows}]` });
  const wbWe = m.input('wb_we', 1, { doc: 'predictor write-back of wb_slot' });
  const wbClear = m.input('wb_clear', 1, { doc: 'wb_slot completed: free it' });
  const wbSlot = m.input('wb_slot', D, { doc: 'the running task' });
  const wbIn: Record<string, Signal> = {};
  for (const k of UPDATED) wbIn[k] = m.input(`wb_${k}`, W[k]);
  const rdScan = m.input('rd_scan', 1, { doc: 'a selection reads scan_row of every unit' });
  const scanRow = m.input('scan_row', U * RW, { doc: 'row each unit reads (unit u at [u*RW +: RW])' });
  const rdUpdate = m.input('rd_update', 1, { doc: 'the predictor reads wb_slot' });
  const hostSlot = m.input('host_slot', D, { doc: 'otherwise: the slot the host reads' });
  const scoreWe = m.input('score_we', U, { doc: 'per unit: write score_data at score_row' });
  const scoreRow = m.input('score_row', U * RW);
  const scoreData = m.input('score_data', U * f.scoreWidth);
  const fields = taskFields(f);
  const rdOut = {} as Record<TaskField, Signal>;
  for (const k of fields) rdOut[k] = m.output(`rd_${k}`, U * W[k], { doc: `read data of every unit (${FIELD_DOC[k]})` });
  const runRatioSum = m.output('run_ratio_sum', W.ratio_sum, { doc: 'ratio sum of wb_slot (read while updating)' });
  const runBank = f.regression ? m.output('run_coeff_bank', 1, { doc: 'coefficient bank of wb_slot (read while updating)' }) : undefined;
  const hostValid = m.output('host_valid', 1, { doc: 'host_slot was valid one cycle earlier' });
  const hostOut = {} as Record<TaskField, Signal>;
  for (const k of fields) hostOut[k] = m.output(`host_${k}`, W[k], { doc: `${FIELD_DOC[k]} of host_slot, one cycle later` });

  // Valid bits, count, sequence numbers, the admission write stage.
  const valid = m.reg('valid', f.tasks, { reset: 0, doc: 'slot s valid in bit s' });
  const seqNext = m.reg('seq_next', f.seqWidth, { reset: 0, doc: 'sequence number of the next admission' });
  const freeSlots = m.named('free_slots', valid.not(), 'slots that can take a request');
  const freeFound = m.wire('free_found', 1);
  m.unused(freeFound, 'full is the AND of the valid bits');
  m.instance(freeEncoder, 'u_free_slot', { bits: freeSlots, index: freeSlot, found: freeFound });
  m.assign(full, valid.andReduce());
  const admW = {
    valid: m.reg('adm_w_valid', 1, { reset: 0, doc: 'an admitted request is written this cycle' }),
    slot: m.reg('adm_w_slot', D),
    variant: m.reg('adm_w_variant', W.variant),
    deadline: m.reg('adm_w_deadline', W.deadline),
    arrival: m.reg('adm_w_arrival', f.timeWidth),
    scale: m.reg('adm_w_scale', W.scale),
    seq: m.reg('adm_w_seq', W.seq),
    coeff_bank: f.regression ? m.reg('adm_w_coeff_bank', 1) : undefined,
  };
  const slotBit = (slot: Expr) => lit(1, f.tasks).shl(slot);
  const freeBit = lowestSetBit(m, 'free_bit', freeSlots, freeSlot, 'the lowest free slot as a bit');
  const admSet = m.named('adm_set', mux(admFire, freeBit, lit(0, f.tasks)), 'the slot an admission takes');
  const wbClr = m.named('wb_clear_mask', mux(wbClear, slotBit(wbSlot), lit(0, f.tasks)), 'the slot a completion frees');
  m.seq((b) => {
    b.set(valid, valid.or(admSet).and(wbClr.not()));
    b.switch(cat(admFire, wbClear), [
      [2, () => b.set(validCount, validCount.add(lit(1, f.countWidth)))],
      [1, () => b.set(validCount, validCount.sub(lit(1, f.countWidth)))],
    ]);
    b.if(admFire, () => b.set(seqNext, seqNext.add(lit(1, f.seqWidth))));
    b.set(admW.valid, admFire);
    b.if(admFire, () => {
      b.set(admW.slot, freeSlot);
      for (const k of ['variant', 'deadline', 'arrival', 'scale'] as const) b.set(admW[k], admIn[k]!);
      if (admW.coeff_bank) b.set(admW.coeff_bank, admIn.coeff_bank!);
      b.set(admW.seq, seqNext);
    });
  }, 'Valid bits and their count, sequence numbers, and the admission write stage (one cycle after the handshake).');

  // Valid bits by unit (slot u + U*r -> unit u, row r).
  if (U === 1) m.assign(unitValid, valid);
  else {
    m.generate('g_unit_valid', 'u', U, (g) => {
      g.generate('g_row', 'r', rows, (h) => {
        h.assign(h.part(unitValid, 1, g.index.timesPlus(rows, h.index)), h.part(valid, 1, h.index.timesPlus(U, g.index)));
      });
    });
  }

  // Read rows and write enables of each bank.
  const otherRow = m.named('rd_row_other', mux(rdUpdate, split.rowOf(wbSlot), split.rowOf(hostSlot)), 'row read outside a scan: the running task while updating, else the host\'s');
  const hostUnit = U === 1 ? undefined : m.reg('host_unit', f.unitWidth, { doc: 'unit of host_slot one cycle earlier' });
  m.seq((b) => {
    b.set(hostValid, valid.bitAt(hostSlot));
    if (hostUnit) b.set(hostUnit, split.unitOf(hostSlot));
  }, 'Host reads: valid bit and unit of the slot read, aligned with the read data.');

  const bankConn = (rdRow: Expr, admWe: Expr, wbWeB: Expr, sWe: Expr, sRow: Expr, sData: Expr, out: (k: TaskField) => Expr): Record<string, Expr> => ({
    clk,
    rd_row: rdRow,
    adm_we: admWe,
    adm_row: split.rowOf(admW.slot),
    adm_variant: admW.variant,
    adm_deadline: admW.deadline,
    adm_scale: admW.scale,
    adm_seq: admW.seq,
    ...(admW.coeff_bank ? { adm_coeff_bank: admW.coeff_bank } : {}),
    adm_arrival: admW.arrival,
    adm_pred: admPred,
    wb_we: wbWeB,
    wb_row: split.rowOf(wbSlot),
    ...Object.fromEntries(UPDATED.map((k) => [`wb_${k}`, wbIn[k]!])),
    score_we: sWe,
    score_row: sRow,
    score_data: sData,
    ...Object.fromEntries(fields.map((k) => [`rd_${k}`, out(k)])),
  });
  if (U === 1) {
    const rdRow = m.named('bank_rd_row', mux(rdScan, scanRow, otherRow), 'scan row, or the running task\'s / the host\'s');
    m.instance(bank, 'u_bank', bankConn(rdRow, admW.valid, wbWe, scoreWe, scoreRow, scoreData, (k) => rdOut[k]));
  } else {
    const admWe = m.named('adm_we_unit', mux(admW.valid, lit(1, U).shl(split.unitOf(admW.slot)), lit(0, U)), 'the bank an admission writes');
    const wbWeU = m.named('wb_we_unit', mux(wbWe, lit(1, U).shl(split.unitOf(wbSlot)), lit(0, U)), 'the bank the write-back writes');
    const bankRow = m.wire('bank_rd_row', U * RW, { doc: 'row each bank reads' });
    m.generate('g_bank', 'u', U, (g) => {
      g.assign(g.part(bankRow, RW), mux(rdScan, g.part(scanRow, RW), otherRow));
      g.instance(bank, 'u_bank', bankConn(g.part(bankRow, RW), g.part(admWe, 1), g.part(wbWeU, 1), g.part(scoreWe, 1), g.part(scoreRow, RW), g.part(scoreData, f.scoreWidth), (k) => g.part(rdOut[k], W[k])));
    });
  }

  // The running task's ratio sum and the host's fields come from their slot's bank.
  const fromUnit = (k: TaskField, unit: Expr): Expr => {
    let e: Expr = rdOut[k].bits(W[k] - 1, 0);
    for (let u = 1; u < U; u++) e = mux(unit.eq(lit(u, f.unitWidth)), rdOut[k].bits((u + 1) * W[k] - 1, u * W[k]), e);
    return e;
  };
  const runUnit = U === 1 ? undefined : m.named('run_unit', split.unitOf(wbSlot), 'bank of the running task');
  m.assign(runRatioSum, runUnit ? fromUnit('ratio_sum', runUnit) : rdOut.ratio_sum);
  if (runBank) m.assign(runBank, runUnit ? fromUnit('coeff_bank', runUnit) : rdOut.coeff_bank);
  for (const k of fields) m.assign(hostOut[k], hostUnit ? fromUnit(k, hostUnit) : rdOut[k]);
  return { table: m.build(), bank };
}

// ------------------------------------------------------------------ golden model (cycle for cycle)

export type TaskRecord = Record<TaskField, bigint>;

export interface TaskTableInputs {
  adm_fire: bigint;
  adm_variant: bigint;
  adm_deadline: bigint;
  adm_arrival: bigint;
  adm_scale: bigint;
  /** Regression builds. */
  adm_coeff_bank?: bigint;
  adm_pred: bigint;
  wb_we: bigint;
  wb_clear: bigint;
  wb_slot: bigint;
  wb_next_layer: bigint;
  wb_last_run: bigint;
  wb_ratio_sum: bigint;
  wb_gamma: bigint;
  wb_pred: bigint;
  rd_scan: bigint;
  /** Per unit. */
  scan_row: bigint[];
  rd_update: bigint;
  host_slot: bigint;
  score_we: bigint[];
  score_row: bigint[];
  score_data: bigint[];
}

export interface TaskTableOutputs {
  free_slot: bigint;
  full: bigint;
  valid_count: bigint;
  unit_valid: bigint;
  /** Per field, per unit. */
  rd: Record<TaskField, bigint[]>;
  run_ratio_sum: bigint;
  run_coeff_bank: bigint;
  host_valid: bigint;
  host: TaskRecord;
}

/**
 * The task table as registers and memories, clocked like the RTL: `outputs(inputs)` is what the
 * block shows during a cycle, `clock(inputs)` the edge at its end. Memories start at zero (the
 * tests write before they read).
 */
export class TaskTableModel {
  readonly rows: number;
  private valid = 0n;
  private count = 0n;
  private seqNext = 0n;
  private admW = { valid: false, slot: 0, variant: 0n, deadline: 0n, arrival: 0n, scale: 0n, seq: 0n, coeff_bank: 0n };
  private readonly mem: TaskRecord[][];
  private readonly rd: TaskRecord[];
  private hostValid = 0n;
  private hostUnit = 0;

  constructor(readonly f: SchedulerFormats) {
    this.rows = f.tasks / f.units;
    const zero = (): TaskRecord => Object.fromEntries([...TASK_FIELDS, 'coeff_bank'].map((k) => [k, 0n])) as TaskRecord;
    this.mem = Array.from({ length: f.units }, () => Array.from({ length: this.rows }, zero));
    this.rd = Array.from({ length: f.units }, zero);
  }

  outputs(i: Pick<TaskTableInputs, 'wb_slot'>): TaskTableOutputs {
    const f = this.f;
    let unitValid = 0n;
    for (let s = 0; s < f.tasks; s++) if ((this.valid >> BigInt(s)) & 1n) unitValid |= 1n << BigInt((s % f.units) * this.rows + Math.floor(s / f.units));
    const rd = Object.fromEntries(taskFields(f).map((k) => [k, this.rd.map((r) => r[k])])) as Record<TaskField, bigint[]>;
    return {
      free_slot: BigInt(findFirstSet(~this.valid & maxOf(f.tasks), f.tasks).index),
      full: this.valid === maxOf(f.tasks) ? 1n : 0n,
      valid_count: this.count,
      unit_valid: unitValid,
      rd,
      run_ratio_sum: this.rd[Number(i.wb_slot) % f.units]!.ratio_sum,
      run_coeff_bank: this.rd[Number(i.wb_slot) % f.units]!.coeff_bank,
      host_valid: this.hostValid,
      host: { ...this.rd[this.hostUnit]! },
    };
  }

  clock(i: TaskTableInputs): void {
    const f = this.f;
    const U = f.units;
    const free = findFirstSet(~this.valid & maxOf(f.tasks), f.tasks).index;
    // Memories: reads see the contents before this edge's writes.
    const otherSlot = Number(i.rd_update ? i.wb_slot : i.host_slot);
    for (let u = 0; u < U; u++) {
      const row = i.rd_scan ? Number(i.scan_row[u]) : Math.floor(otherSlot / U);
      this.rd[u] = { ...this.mem[u]![row]! };
    }
    if (this.admW.valid) {
      const r = this.mem[this.admW.slot % U]![Math.floor(this.admW.slot / U)]!;
      Object.assign(r, { variant: this.admW.variant, deadline: this.admW.deadline, scale: this.admW.scale, seq: this.admW.seq });
      if (f.regression) r.coeff_bank = this.admW.coeff_bank;
      Object.assign(r, { next_layer: 0n, last_run: this.admW.arrival, ratio_sum: 0n, gamma: gammaOne(f), pred: i.adm_pred });
    }
    const wbSlot = Number(i.wb_slot);
    const wbRow = this.mem[wbSlot % U]![Math.floor(wbSlot / U)]!;
    // An admission and a write-back never share a cycle; if they did, the RTL's single write port
    // would write the admission in its bank and only there.
    if (i.wb_we && !(this.admW.valid && this.admW.slot % U === wbSlot % U)) {
      Object.assign(wbRow, { next_layer: i.wb_next_layer, last_run: i.wb_last_run, ratio_sum: i.wb_ratio_sum, gamma: i.wb_gamma, pred: i.wb_pred });
    }
    for (let u = 0; u < U; u++) if (i.score_we[u]) this.mem[u]![Number(i.score_row[u])]!.score = i.score_data[u]!;
    this.hostValid = (this.valid >> i.host_slot) & 1n;
    this.hostUnit = Number(i.host_slot) % U;
    // Valid bits, count, sequence, admission stage.
    let v = this.valid;
    if (i.adm_fire) v |= 1n << BigInt(free);
    if (i.wb_clear) v &= ~(1n << i.wb_slot);
    this.valid = v;
    const cmax = maxOf(f.countWidth);
    if (i.adm_fire && !i.wb_clear) this.count = (this.count + 1n) & cmax;
    if (i.wb_clear && !i.adm_fire) this.count = (this.count - 1n) & cmax;
    this.admW = i.adm_fire
      ? { valid: true, slot: free, variant: i.adm_variant, deadline: i.adm_deadline, arrival: i.adm_arrival, scale: i.adm_scale, seq: this.seqNext, coeff_bank: i.adm_coeff_bank ?? 0n }
      : { ...this.admW, valid: false };
    if (i.adm_fire) this.seqNext = (this.seqNext + 1n) & maxOf(f.seqWidth);
  }
}
