// The MHG policy block (mhg_policy): BEYOND.md section 2 in hardware, a drop-in replacement of
// dysta_policy (same ports to the task table and the top, plus the admission strobe and its host
// registers). Golden model: mhg-golden.ts (mhgDecide, mhgSelectCycles, MhgList).
//
// State kept across decisions: a deadline-ordered list (memories edf_deadline / edf_seq / edf_slot,
// `list_count` entries) and a bit per slot admitted since the last selection (`unsorted`). Per
// variant, iso (cycles) and 1/iso (table words the host writes); sigma, lambda, tau (registers).
//
// A selection, one phase after the other (one list position per cycle, memories read one cycle
// ahead; N tasks, n list entries):
//   INS_PICK / INS_KEY / INS_SCAN  each unsorted task: read its deadline and sequence number from the
//                  task table, stream the list and write it in at its place: n + 4 cycles;
//   COPY           stream the list: drop entries of completed tasks (compaction), read each task's
//                  P, variant, next layer from the table and iso, 1/iso from the variant table, and
//                  write P, key = P x iso, 1/iso, variant, layer into scratch memories by position;
//   MARK           Moore-Hodgson: C += P; on C > D - t a victim search (VICTIM) walks the kept
//                  positions right to left: position + 1 cycles per victim;
//   MARGIN         margins, M, allowed kept tasks, j*, the best allowed kept task;
//   LATE           allowed late tasks, the best allowed task (ties: EDF order); score words written
//                  to the task table's score memory;
//   PROTECT / COST when j* is not allowed: the sums over S, then cost > lambda (2 multipliers);
//   DONE           the decision (held until the top takes it).
// Cost: O(N) per phase, O(N) per admission (the insertion), position + 1 per victim search: worst
// case O(N^2) when a decision marks many tasks late (see README: decision latency).
import { cat, lit, mux, ModuleBuilder, type Const, type Expr, type ModuleDef, type Signal } from '../hdl/index.ts';
import { MHG_PARAM, type SchedulerFormats } from './formats.ts';
import { buildFindFirstSet } from './find-first-set.ts';
import { satTo } from './datapath.ts';
import { MHG_RESET, encodeMhgParam } from './mhg-golden.ts';
import { SCAN_FIELDS } from './dysta-policy.ts';

export const MHG_POLICY = 'mhg_policy';

export const MHG_PHASE = { IDLE: 0, INS_PICK: 1, INS_KEY: 2, INS_SCAN: 3, COPY: 4, MARK: 5, VICTIM: 6, MARGIN: 7, LATE: 8, PROTECT: 9, COST: 10, DONE: 11 } as const;

export function buildMhgPolicy(f: SchedulerFormats): ModuleDef {
  if (f.units !== 1) throw new RangeError('mhg_policy needs selectorUnits = 1');
  const D = f.slotWidth;
  const CNT = D + 1;
  const T = f.timeWidth;
  const LAT = f.latencyWidth;
  const SQ = f.seqWidth;
  const VW = f.variantWidth;
  const LW = f.layerWidth;
  const KW = f.keyWidth;
  const IW = f.invIsoWidth;
  const PW = f.mhgParamWidth;
  const Q = f.mhgParamFrac;
  const SW = f.scoreWidth;
  const encoder = buildFindFirstSet(f.tasks);
  const m = new ModuleBuilder(
    MHG_POLICY,
    'MHG policy (BEYOND.md section 2): a deadline-ordered list kept across decisions, then sequential passes for the\n' +
      'Moore-Hodgson marking, the margins, the allowed set, the best key and the protection test. Phases: hwgen/scheduler/mhg-policy.ts.',
    { TASKS: f.tasks, PARAM_FRAC_BITS: Q, INV_ISO_FRAC_BITS: f.invIsoFrac, INV_ISO_WIDTH: IW },
  );
  m.input('clk', 1, { role: 'clock' });
  m.input('rst', 1, { role: 'reset', doc: 'synchronous, active high' });
  const start = m.input('start', 1, { doc: 'a selection starts (its passes run while scanning)' });
  const scanning = m.input('scanning', 1, { doc: 'the selection runs (the policy owns the table read port)' });
  const numValid = m.input('num_valid', f.countWidth, { doc: 'N (the copy pass counts the tasks itself)' });
  m.unused(numValid, 'the copy pass counts the valid tasks itself');
  const tSel = m.input('t_sel', T, { doc: 'selection time' });
  const valid = m.input('unit_valid', f.tasks, { doc: 'valid bits, slot s in bit s' });
  const widths: Record<(typeof SCAN_FIELDS)[number], number> = { deadline: T, pred: LAT, last_run: T, scale: f.penaltyScaleWidth, seq: SQ, variant: VW, next_layer: f.layerCountWidth };
  const rd = {} as Record<(typeof SCAN_FIELDS)[number], Signal>;
  for (const k of SCAN_FIELDS) rd[k] = m.input(`rd_${k}`, widths[k], { doc: `task table read data: ${k}` });
  m.unused(rd.last_run!, 'MHG does not use the idle time');
  m.unused(rd.scale!, 'MHG does not use the penalty scale');
  m.unused(rd.next_layer!, 'a valid task\'s next layer is below 2^log2MaxLayers: its top bit is always 0');
  const scanRow = m.output('scan_row', D, { doc: 'table row read this cycle' });
  const scoreWe = m.output('score_we', 1);
  const scoreRow = m.output('score_row', D);
  const scoreData = m.output('score_data', SW, { doc: '{late, allowed, key >> latencyWidth}' });
  const done = m.output('done', 1, { doc: 'the decision is made' });
  const winSlot = m.output('win_slot', D);
  const winVariant = m.output('win_variant', VW);
  const winLayer = m.output('win_layer', LW);
  const winScore = m.output('win_score', SW);
  const admit = m.input('admit', 1, { doc: 'an admission takes admit_slot (insert it at the next selection)' });
  const admitSlot = m.input('admit_slot', D);
  const wrIso = m.input('wr_iso', 1, { doc: 'host writes a variant\'s iso and 1/iso' });
  const wrIsoAddr = m.input('wr_iso_addr', VW);
  const wrIsoValue = m.input('wr_iso_value', LAT, { doc: 'iso: isolated latency estimate (cycles)' });
  const wrInvIso = m.input('wr_inv_iso', IW, { doc: `round(2^${f.invIsoFrac} / iso)` });
  const wrParam = m.input('wr_param', 1, { doc: 'host writes sigma (0), lambda (1) or tau (2)' });
  const wrParamAddr = m.input('wr_param_addr', 2);
  const wrParamValue = m.input('wr_param_value', PW, { doc: `${Q} fraction bits` });

  const PH = Object.fromEntries(Object.entries(MHG_PHASE).map(([k, v]) => [k, m.localparam(`PH_${k}`, v, 4)])) as Record<keyof typeof MHG_PHASE, Const>;
  const PARAM = Object.fromEntries(Object.entries(MHG_PARAM).map(([k, v]) => [k, m.localparam(`PARAM_${k}`, v, 2)])) as Record<keyof typeof MHG_PARAM, Const>;
  const ONE = m.localparam('PARAM_ONE', 1n << BigInt(Q), PW, '1.0 in the parameter format');

  // ---------------------------------------------------------------- registers and memories
  const phase = m.reg('phase', 4, { reset: PH.IDLE, doc: 'PH_*' });
  const sigma = m.reg('sigma', PW, { reset: encodeMhgParam(f, MHG_RESET.sigma), doc: 'late tasks may run when P <= sigma x M' });
  const lambda = m.reg('lambda', PW, { reset: encodeMhgParam(f, MHG_RESET.lambda), doc: 'protection threshold' });
  const tau = m.reg('tau', PW, { reset: encodeMhgParam(f, MHG_RESET.tau), doc: 'victim: P >= (1 - tau) x Pmax' });
  const unsorted = m.reg('unsorted', f.tasks, { reset: 0, doc: 'slots admitted since the last selection (not yet in the list)' });
  const listCount = m.reg('list_count', CNT, { reset: 0, doc: 'entries of the deadline-ordered list' });
  const varIso = m.memory('var_iso', { width: LAT, depth: f.variants, doc: 'iso (cycles) of each variant' });
  const varInvIso = m.memory('var_inv_iso', { width: IW, depth: f.variants, doc: '1/iso of each variant' });
  const edf = {
    deadline: m.memory('edf_deadline', { width: T, depth: f.tasks, doc: 'list entry: deadline' }),
    seq: m.memory('edf_seq', { width: SQ, depth: f.tasks, doc: 'list entry: admission sequence number' }),
    slot: m.memory('edf_slot', { width: D, depth: f.tasks, doc: 'list entry: slot' }),
  };
  const sc = {
    pred: m.memory('pos_pred', { width: LAT, depth: f.tasks, doc: 'P by list position (this selection)' }),
    key: m.memory('pos_key', { width: KW, depth: f.tasks, doc: 'key = P x iso by position' }),
    invIso: m.memory('pos_inv_iso', { width: IW, depth: f.tasks, doc: '1/iso by position' }),
    variant: m.memory('pos_variant', { width: VW, depth: f.tasks, doc: 'variant by position' }),
    layer: m.memory('pos_layer', { width: LW, depth: f.tasks, doc: 'next layer by position' }),
  };
  const kept = m.reg('kept', f.tasks, { doc: 'by position: kept (not marked late)' });
  const allowed = m.reg('allowed', f.tasks, { doc: 'by position: allowed to run' });
  const is = (p: Const) => phase.eq(p);

  // ---------------------------------------------------------------- host writes
  m.seq((b) => {
    b.if(wrIso, () => {
      b.write(varIso, wrIsoAddr, wrIsoValue);
      b.write(varInvIso, wrIsoAddr, wrInvIso);
    });
  }, 'Variant table: iso and 1/iso, written by the host.');
  m.seq((b) => {
    b.if(wrParam, () =>
      b.switch(wrParamAddr, [
        [PARAM.SIGMA, () => b.set(sigma, wrParamValue)],
        [PARAM.LAMBDA, () => b.set(lambda, wrParamValue)],
        [PARAM.TAU, () => b.set(tau, wrParamValue)],
      ]),
    );
  }, 'sigma, lambda and tau: reset to mhg\'s values, written by the host (mhg_vio: 0.1, 3, 0.1).');

  // ---------------------------------------------------------------- read ports
  // The list and the scratch memories are read at one address: the insertion / copy stream pointer,
  // or the position of a pass. All reads are registered (data one cycle later).
  const posAddr = m.wire('pos_addr', D, { doc: 'list position read this cycle' });
  const listRd = { deadline: m.reg('list_rd_deadline', T), seq: m.reg('list_rd_seq', SQ), slot: m.reg('list_rd_slot', D) };
  const posRd = { pred: m.reg('pos_rd_pred', LAT), key: m.reg('pos_rd_key', KW), invIso: m.reg('pos_rd_inv_iso', IW), variant: m.reg('pos_rd_variant', VW), layer: m.reg('pos_rd_layer', LW) };
  const varRdAddr = m.wire('var_rd_addr', VW);
  const isoRd = m.reg('iso_rd', LAT);
  const invIsoRd = m.reg('inv_iso_rd', IW);

  // ---------------------------------------------------------------- insertion
  const pending = m.named('pending', unsorted.and(valid), 'admitted since the last selection, still valid');
  const pendingSlot = m.wire('pending_slot', D);
  const pendingAny = m.wire('pending_any', 1);
  m.instance(encoder, 'u_pending', { bits: pending, index: pendingSlot, found: pendingAny });
  const ins = {
    slot: m.reg('ins_slot', D, { doc: 'the task being inserted' }),
    deadline: m.reg('ins_deadline', T),
    seq: m.reg('ins_seq', SQ),
    pos: m.reg('ins_pos', CNT, { doc: 'stream position: reads pos, writes pos - 1' }),
    placed: m.reg('ins_placed', 1, { doc: 'the new entry is written; the rest shifts by one' }),
    carry: { deadline: m.reg('ins_carry_deadline', T), seq: m.reg('ins_carry_seq', SQ), slot: m.reg('ins_carry_slot', D) },
  };
  const insProcess = m.named('ins_process', is(PH.INS_SCAN).land(ins.pos.ne(lit(0, CNT))).land(ins.pos.le(listCount)), 'an entry read last cycle is compared now');
  const insFinal = m.named('ins_final', is(PH.INS_SCAN).land(ins.pos.eq(listCount.add(lit(1, CNT)))), 'the last write (position = list length)');
  const newFirst = m.named('ins_new_first', ins.deadline.lt(listRd.deadline).lor(ins.deadline.eq(listRd.deadline).land(ins.seq.lt(listRd.seq))), 'the new entry comes before the entry read');

  // ---------------------------------------------------------------- copy pipeline (stages 1..3)
  const cp = {
    pos: m.reg('copy_pos', CNT, { doc: 'next list position to read' }),
    count: m.reg('copy_count', CNT, { doc: 'entries kept so far (write position)' }),
    s1: m.reg('copy_s1_valid', 1, { reset: 0, doc: 'list data arrives' }),
    s2: m.reg('copy_s2_valid', 1, { reset: 0, doc: 'table data arrives' }),
    s2Entry: { deadline: m.reg('copy_s2_deadline', T), seq: m.reg('copy_s2_seq', SQ), slot: m.reg('copy_s2_slot', D) },
    s2SlotValid: m.reg('copy_s2_slot_valid', 1),
    s3: m.reg('copy_s3_valid', 1, { reset: 0, doc: 'variant table data arrives' }),
    s3Pos: m.reg('copy_s3_pos', D),
    s3Pred: m.reg('copy_s3_pred', LAT),
    s3Variant: m.reg('copy_s3_variant', VW),
    s3Layer: m.reg('copy_s3_layer', LW),
  };
  const copyKeep = m.named('copy_keep', cp.s2.land(cp.s2SlotValid).land(rd.seq!.eq(cp.s2Entry.seq)), 'the entry\'s task is still in the table');
  const copyIssue = m.named('copy_issue', is(PH.COPY).land(cp.pos.lt(listCount)), 'a list entry is read this cycle');
  const copyDone = m.named('copy_done', is(PH.COPY).land(cp.pos.eq(listCount)).land(cp.s1.lnot()).land(cp.s2.lnot()), 'the last entry is in stage 3 (or none is left): the copy ends with this cycle');
  const key = m.named('copy_key', cp.s3Pred.mul(isoRd), 'P x iso');

  // ---------------------------------------------------------------- passes over positions
  const n = m.reg('task_count', CNT, { doc: 'N, tasks in the list after the copy' });
  const fwd = m.reg('pass_pos', CNT, { doc: 'next position to read in a forward pass' });
  const procValid = m.reg('pass_valid', 1, { reset: 0, doc: 'the position read last cycle is processed now' });
  const procPos = m.reg('pass_proc_pos', D);
  const last = m.named('pass_last', procValid.land(procPos.resize(CNT).eq(n.sub(lit(1, CNT)))), 'the last position is processed');
  const keptNow = m.named('pos_kept', kept.bitAt(procPos), 'kept flag of the processed position');
  const P = posRd.pred;
  const Dd = listRd.deadline;

  // Marking.
  const CW = LAT + D + 1;
  const XW = Math.max(T, CW) + 1;
  const c = m.reg('mark_sum', CW, { doc: 'C: P of the kept tasks so far' });
  const keptCount = m.reg('kept_count', CNT);
  const cNew = m.named('mark_sum_next', c.add(P.resize(CW)), 'C + P of the processed position');
  const overdue = (sum: Expr, dl: Expr) => sum.resize(XW).add(tSel.resize(XW)).gt(dl.resize(XW));
  const violation = m.named('mark_violation', is(PH.MARK).land(procValid).land(overdue(cNew, Dd)), 'C > D - t after adding this task');
  const vic = {
    pos: m.reg('victim_pos', CNT, { doc: 'next position the search reads (counts down)' }),
    at: m.reg('victim_at', D, { doc: 'the forward position whose deadline is violated' }),
    deadline: m.reg('victim_deadline', T),
    max: m.reg('victim_max', LAT, { doc: 'largest P of the kept positions searched so far' }),
    cand: m.reg('victim_cand', D, { doc: 'leftmost qualifying kept position so far' }),
    candPred: m.reg('victim_cand_pred', LAT),
  };
  const one = ONE;
  const tauFactor = m.named('tau_factor', mux(tau.ge(one), lit(0, PW), one.sub(tau)), '(1 - tau) in the parameter format, 0 when tau >= 1');
  const searchMax = m.named('victim_max_next', mux(P.gt(vic.max), P, vic.max), 'max(largest so far, P)');
  const qualifies = m.named('victim_qualifies', is(PH.VICTIM).land(procValid).land(keptNow).land(P.resize(LAT + PW).shl(Q).ge(tauFactor.mul(searchMax).resize(LAT + PW))), 'P x 2^q >= (1 - tau) x max');
  const searchLast = m.named('victim_last', is(PH.VICTIM).land(procValid).land(procPos.eq(lit(0, D))), 'position 0 is processed: the victim is known');
  const victim = m.named('victim', mux(qualifies, procPos, vic.cand), 'the position marked late');
  const victimPred = m.named('victim_pred', mux(qualifies, P, vic.candPred), 'its P');
  const countAfter = m.named('kept_count_after', keptCount.sub(lit(1, CNT)), 'kept tasks after the victim');
  const cAfter = m.named('mark_sum_after', mux(countAfter.eq(lit(0, CNT)), lit(0, CW), c.sub(victimPred.resize(CW))), 'C after the victim (0 when nothing is kept)');
  const stillOver = m.named('mark_still_over', countAfter.ne(lit(0, CNT)).land(overdue(cAfter, vic.deadline)), 'another victim is needed');

  // Margins, j*, the best allowed kept task.
  const MW = XW + 1;
  const prefix = m.reg('margin_prefix', CW);
  const prefixNew = m.named('margin_prefix_next', prefix.add(P.resize(CW)), 'P of the kept tasks up to this one');
  const margin = m.named('margin', Dd.resize(MW).asSigned().sub(tSel.resize(MW).asSigned()).sub(prefixNew.resize(MW).asSigned()), 'D - t - prefix (signed)');
  const hasMin = m.reg('margin_found', 1, { doc: 'some task is kept' });
  const minMargin = m.reg('margin_min', MW, { signed: true, doc: 'M so far' });
  const allowedKept = m.named('allowed_kept', hasMin.lnot().lor(P.resize(MW).asSigned().le(minMargin)), 'P <= the smallest margin before it');
  const best = { valid: m.reg('best_valid', 1), pos: m.reg('best_pos', D), key: m.reg('best_key', KW), pred: m.reg('best_pred', LAT), invIso: m.reg('best_inv_iso', IW), slot: m.reg('best_slot', D), variant: m.reg('best_variant', VW), layer: m.reg('best_layer', LW), late: m.reg('best_late', 1) };
  const jstar = { valid: m.reg('jstar_valid', 1), pos: m.reg('jstar_pos', D), key: m.reg('jstar_key', KW), slot: m.reg('jstar_slot', D), variant: m.reg('jstar_variant', VW), layer: m.reg('jstar_layer', LW) };
  const K = posRd.key;

  // Late tasks.
  const lateLimitOk = m.named('late_fits', minMargin.msb().lnot().land(P.resize(LAT + Q).shl(Q).resize(LAT + Q + PW + MW).le(sigma.mul(minMargin.asUnsigned()).resize(LAT + Q + PW + MW))), 'P x 2^q <= sigma x M (M >= 0)');
  const allowedLate = m.named('allowed_late', hasMin.lnot().lor(lateLimitOk), 'a late task may run: nothing kept, or P <= sigma x M');
  const allowedNow = m.named('pos_allowed', mux(keptNow, allowed.bitAt(procPos), allowedLate), 'allowed flag of the processed position');
  const betterLate = m.named('late_better', allowedLate.land(best.valid.lnot().lor(K.lt(best.key)).lor(K.eq(best.key).land(procPos.lt(best.pos)))), 'a smaller key, or equal and earlier in EDF order');

  // Protection.
  const SIW = IW + D + 1;
  const SPW = LAT + D + 1;
  const sumInv = m.reg('protect_sum_inv_iso', SIW);
  const sumPred = m.reg('protect_sum_pred', SPW);
  const inS = m.named('protect_in_s', procValid.land(procPos.ne(best.pos)).land(K.lt(best.key)), 'x != best and key_x < key_best');
  const PRW = Math.max(LAT + SIW, SPW + IW, PW + f.invIsoFrac - Q) + 1;
  const costGain = m.named('protect_gain', best.pred.mul(sumInv).resize(PRW).asSigned(), 'P_best x sum(1/iso)');
  const costLoss = m.named('protect_loss', sumPred.mul(best.invIso).resize(PRW).asSigned(), 'sum(P) / iso_best');
  const cost = m.named('protect_cost', costGain.sub(costLoss), 'cost of running best instead of j* (2^invIsoFrac units)');
  const threshold = m.named('protect_threshold', lambda.resize(PRW).shl(f.invIsoFrac - Q).asSigned(), 'lambda in cost units');
  const protectRuns = m.named('protect_needed', jstar.valid.land(allowed.bitAt(jstar.pos).lnot()), 'j* is not allowed: the protection test runs');

  // ---------------------------------------------------------------- read addresses
  // The list and the scratch memories share one read address: the insertion / copy stream position,
  // a pass's next position, or the victim search's (which starts at the violated position and counts
  // down; after the last position it starts again, or the forward pass resumes).
  const searchNext = m.named('victim_next_addr', mux(stillOver, vic.at, fwd.bits(D - 1, 0)), 'after a victim: search again from the violated position, or resume the pass');
  const posAddrReg = m.reg('pos_addr_sel', D, { doc: 'list position read this cycle' });
  m.comb((b) => {
    b.set(posAddrReg, fwd.bits(D - 1, 0));
    b.switch(phase, [
      [PH.INS_SCAN, () => b.set(posAddrReg, ins.pos.bits(D - 1, 0))],
      [PH.COPY, () => b.set(posAddrReg, cp.pos.bits(D - 1, 0))],
      [PH.MARK, () => b.if(violation, () => b.set(posAddrReg, procPos))],
      [PH.VICTIM, () => b.set(posAddrReg, mux(searchLast, searchNext, vic.pos.bits(D - 1, 0)))],
    ]);
  }, 'Read address of the list and scratch memories.');
  m.assign(posAddr, posAddrReg);
  m.assign(varRdAddr, rd.variant!);
  m.assign(scanRow, mux(is(PH.INS_PICK), pendingSlot, listRd.slot));
  m.seq((b) => {
    b.set(listRd.deadline, edf.deadline.at(posAddr));
    b.set(listRd.seq, edf.seq.at(posAddr));
    b.set(listRd.slot, edf.slot.at(posAddr));
    b.set(posRd.pred, sc.pred.at(posAddr));
    b.set(posRd.key, sc.key.at(posAddr));
    b.set(posRd.invIso, sc.invIso.at(posAddr));
    b.set(posRd.variant, sc.variant.at(posAddr));
    b.set(posRd.layer, sc.layer.at(posAddr));
    b.set(isoRd, varIso.at(varRdAddr));
    b.set(invIsoRd, varInvIso.at(varRdAddr));
  }, 'Read ports: the list and the per-position scratch at pos_addr; the variant table at the copied task\'s variant.');

  // ---------------------------------------------------------------- list writes
  const listWe = m.named('list_we', insFinal.lor(insProcess.land(ins.placed.lor(newFirst))).lor(is(PH.COPY).land(copyKeep)), 'an insertion or the compaction writes the list');
  const insWrPos = m.named('ins_write_pos', ins.pos.bits(D - 1, 0).sub(lit(1, D)), 'insertion: the position read last cycle');
  const listWrAddr = m.named('list_wr_addr', mux(is(PH.COPY), cp.count.bits(D - 1, 0), mux(insFinal, listCount.bits(D - 1, 0), insWrPos)), 'insertion: the position just read (or the end); copy: the next kept position');
  const takeNew = m.named('list_wr_new', insFinal.land(ins.placed.lnot()).lor(insProcess.land(ins.placed.lnot())), 'the new entry is written (else the carried or copied one)');
  const wrEntry = (k: 'deadline' | 'seq' | 'slot', newV: Expr) => mux(is(PH.COPY), cp.s2Entry[k], mux(takeNew, newV, ins.carry[k]));
  m.seq((b) => {
    b.if(listWe, () => {
      b.write(edf.deadline, listWrAddr, wrEntry('deadline', ins.deadline));
      b.write(edf.seq, listWrAddr, wrEntry('seq', ins.seq));
      b.write(edf.slot, listWrAddr, wrEntry('slot', ins.slot));
    });
    b.if(is(PH.COPY).land(cp.s3), () => {
      b.write(sc.pred, cp.s3Pos, cp.s3Pred);
      b.write(sc.key, cp.s3Pos, key);
      b.write(sc.invIso, cp.s3Pos, invIsoRd);
      b.write(sc.variant, cp.s3Pos, cp.s3Variant);
      b.write(sc.layer, cp.s3Pos, cp.s3Layer);
    });
  }, 'List writes (insertion, compaction) and the scratch by position (copy stage 3).');

  // ---------------------------------------------------------------- the state machine
  const chooseJstar = m.reg('choose_jstar', 1, { doc: 'the protection test chose j*' });
  const posBit = (pos: Expr) => lit(1, f.tasks).shl(pos);
  const resetPass = (b: Parameters<Parameters<ModuleBuilder['seq']>[0]>[0]) => {
    b.set(fwd, lit(0, CNT));
    b.set(procValid, lit(0, 1));
  };
  // The marking is over (its forward pass or a victim search ended it): the margin pass starts.
  const startMargins = (b: Parameters<Parameters<ModuleBuilder['seq']>[0]>[0]) => {
    resetPass(b);
    b.set(prefix, lit(0, CW));
    b.set(hasMin, lit(0, 1));
    b.set(best.valid, lit(0, 1));
    b.set(jstar.valid, lit(0, 1));
    b.set(phase, PH.MARGIN);
  };
  // A forward pass: process the position read last cycle, read the next one.
  const advance = (b: Parameters<Parameters<ModuleBuilder['seq']>[0]>[0], next: () => void) => {
    b.if(last, next, () => {
      b.set(procValid, fwd.lt(n));
      b.set(procPos, fwd.bits(D - 1, 0));
      b.if(fwd.lt(n), () => b.set(fwd, fwd.add(lit(1, CNT))));
    });
  };
  m.seq((b) => {
    b.if(admit, () => b.set(unsorted, unsorted.or(posBit(admitSlot))));
    b.switch(phase, [
      [PH.IDLE, () => b.if(start, () => {
        b.set(phase, PH.INS_PICK);
        b.set(chooseJstar, lit(0, 1));
      })],
      [PH.INS_PICK, () => b.if(pendingAny, () => {
        b.set(ins.slot, pendingSlot);
        b.set(unsorted, unsorted.and(posBit(pendingSlot).not()));
        b.set(phase, PH.INS_KEY);
      }, () => {
        b.set(cp.pos, lit(0, CNT));
        b.set(cp.count, lit(0, CNT));
        b.set(phase, PH.COPY);
      })],
      [PH.INS_KEY, () => {
        b.set(ins.deadline, rd.deadline!);
        b.set(ins.seq, rd.seq!);
        b.set(ins.pos, lit(0, CNT));
        b.set(ins.placed, lit(0, 1));
        b.set(phase, PH.INS_SCAN);
      }],
      [PH.INS_SCAN, () => {
        b.set(ins.pos, ins.pos.add(lit(1, CNT)));
        b.if(insProcess.land(ins.placed.lor(newFirst)), () => {
          b.set(ins.placed, lit(1, 1));
          b.set(ins.carry.deadline, listRd.deadline);
          b.set(ins.carry.seq, listRd.seq);
          b.set(ins.carry.slot, listRd.slot);
        });
        b.if(insFinal, () => {
          b.set(listCount, listCount.add(lit(1, CNT)));
          b.set(phase, PH.INS_PICK);
        });
      }],
      [PH.COPY, () => {
        b.if(copyIssue, () => b.set(cp.pos, cp.pos.add(lit(1, CNT))));
        b.if(copyKeep, () => b.set(cp.count, cp.count.add(lit(1, CNT))));
        b.if(copyDone, () => {
          b.set(n, cp.count);
          b.set(listCount, cp.count);
          b.set(c, lit(0, CW));
          b.set(keptCount, lit(0, CNT));
          b.set(kept, lit(0, f.tasks));
          resetPass(b);
          b.set(phase, PH.MARK);
        });
      }],
      [PH.MARK, () => {
        b.if(procValid, () => {
          b.set(c, cNew);
          b.set(keptCount, keptCount.add(lit(1, CNT)));
          b.set(kept, kept.or(posBit(procPos)));
        });
        b.if(violation, () => {
          b.set(vic.at, procPos);
          b.set(vic.deadline, Dd);
          b.set(vic.pos, procPos.resize(CNT).sub(lit(1, CNT)));
          b.set(vic.max, lit(0, LAT));
          b.set(fwd, procPos.resize(CNT).add(lit(1, CNT)));
          b.set(phase, PH.VICTIM);
        }, () => advance(b, () => startMargins(b)));
      }],
      [PH.VICTIM, () => {
        b.if(keptNow, () => b.set(vic.max, searchMax));
        b.if(qualifies, () => {
          b.set(vic.cand, procPos);
          b.set(vic.candPred, P);
        });
        b.if(searchLast, () => {
          b.set(kept, kept.and(posBit(victim).not()));
          b.set(c, cAfter);
          b.set(keptCount, countAfter);
          b.if(stillOver, () => {
            b.set(procPos, vic.at);
            b.set(vic.pos, vic.at.resize(CNT).sub(lit(1, CNT)));
            b.set(vic.max, lit(0, LAT));
          }, () => b.if(fwd.lt(n), () => {
            b.set(procPos, fwd.bits(D - 1, 0));
            b.set(fwd, fwd.add(lit(1, CNT)));
            b.set(phase, PH.MARK);
          }, () => startMargins(b)));
        }, () => {
          b.set(procPos, vic.pos.bits(D - 1, 0));
          b.set(vic.pos, vic.pos.sub(lit(1, CNT)));
        });
      }],
      [PH.MARGIN, () => {
        b.if(procValid.land(keptNow), () => {
          b.set(prefix, prefixNew);
          b.set(allowed, mux(allowedKept, allowed.or(posBit(procPos)), allowed.and(posBit(procPos).not())));
          b.set(hasMin, lit(1, 1));
          b.if(hasMin.lnot().lor(margin.lt(minMargin)), () => b.set(minMargin, margin));
          b.if(jstar.valid.lnot().lor(K.lt(jstar.key)), () => {
            b.set(jstar.valid, lit(1, 1));
            b.set(jstar.pos, procPos);
            b.set(jstar.key, K);
            b.set(jstar.slot, listRd.slot);
            b.set(jstar.variant, posRd.variant);
            b.set(jstar.layer, posRd.layer);
          });
          b.if(allowedKept.land(best.valid.lnot().lor(K.lt(best.key))), () => setBest(b, lit(0, 1)));
        });
        advance(b, () => {
          resetPass(b);
          b.set(phase, PH.LATE);
        });
      }],
      [PH.LATE, () => {
        b.if(procValid.land(keptNow.lnot()), () => {
          b.set(allowed, mux(allowedLate, allowed.or(posBit(procPos)), allowed.and(posBit(procPos).not())));
          b.if(betterLate, () => setBest(b, lit(1, 1)));
        });
        advance(b, () => {
          resetPass(b);
          b.set(sumInv, lit(0, SIW));
          b.set(sumPred, lit(0, SPW));
          b.set(phase, mux(protectRuns, PH.PROTECT, PH.DONE));
        });
      }],
      [PH.PROTECT, () => {
        b.if(inS, () => {
          b.set(sumInv, sumInv.add(posRd.invIso.resize(SIW)));
          b.set(sumPred, sumPred.add(P.resize(SPW)));
        });
        advance(b, () => b.set(phase, PH.COST));
      }],
      [PH.COST, () => {
        b.set(chooseJstar, cost.gt(threshold));
        b.set(phase, PH.DONE);
      }],
      [PH.DONE, () => b.if(scanning.lnot(), () => b.set(phase, PH.IDLE))],
    ]);
  }, 'The selection: insertions, copy, marking with victim searches, margins, late tasks, protection.');
  function setBest(b: Parameters<Parameters<ModuleBuilder['seq']>[0]>[0], late: Expr): void {
    b.set(best.valid, lit(1, 1));
    b.set(best.pos, procPos);
    b.set(best.key, K);
    b.set(best.pred, P);
    b.set(best.invIso, posRd.invIso);
    b.set(best.slot, listRd.slot);
    b.set(best.variant, posRd.variant);
    b.set(best.layer, posRd.layer);
    b.set(best.late, late);
  }

  // Copy pipeline stages 1..3 (they run every cycle of COPY).
  m.seq((b) => {
    b.set(cp.s1, copyIssue);
    b.set(cp.s2, cp.s1);
    b.set(cp.s2Entry.deadline, listRd.deadline);
    b.set(cp.s2Entry.seq, listRd.seq);
    b.set(cp.s2Entry.slot, listRd.slot);
    b.set(cp.s2SlotValid, valid.bitAt(listRd.slot));
    b.set(cp.s3, copyKeep);
    b.set(cp.s3Pos, cp.count.bits(D - 1, 0));
    b.set(cp.s3Pred, rd.pred!);
    b.set(cp.s3Variant, rd.variant!);
    b.set(cp.s3Layer, rd.next_layer!.bits(LW - 1, 0));
  }, 'Copy pipeline: list entry -> table row -> variant table -> scratch.');

  // ---------------------------------------------------------------- outputs
  const keyUnits = (k: Expr, name: string) => satTo(m.named(name, k.shr(LAT), 'key >> latencyWidth'), SW - 2);
  m.assign(scoreWe, is(PH.LATE).land(procValid));
  m.assign(scoreRow, listRd.slot);
  m.assign(scoreData, cat(keptNow.lnot(), allowedNow, keyUnits(K, 'score_key')));
  m.assign(done, is(PH.DONE).land(scanning));
  m.assign(winSlot, mux(chooseJstar, jstar.slot, best.slot));
  m.assign(winVariant, mux(chooseJstar, jstar.variant, best.variant));
  m.assign(winLayer, mux(chooseJstar, jstar.layer, best.layer));
  m.assign(winScore, mux(chooseJstar, cat(lit(0, 2), keyUnits(jstar.key, 'jstar_key_units')), cat(best.late, lit(1, 1), keyUnits(best.key, 'best_key_units'))));
  void numValid;
  return m.build();
}
