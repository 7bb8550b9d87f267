// The Dysta policy block (dysta_policy): the score unit(s), one per bank of the task table, and the
// selector over their minima, plus what a selection shares: the 1/N ROM and the 1/N register loaded
// when a selection starts. Its contract with the scheduler top:
//   start     (the selection's first cycle) sample N and the valid rows;
//   scanning  each unit drives its bank's read row (scan_row) and writes the scores it computes back
//             (score_we/row/data); `done` rises the cycle after the units have drained, with the
//             winner (win_*) registered: the decision logic of the top and the comparator tree over
//             the units are on different register-to-register paths (issue 13).
// A selection started at t_sel with at most K valid slots per bank is done at t_sel + K + 19.
import { lit, ModuleBuilder, type Expr, type ModuleDef, type Signal } from '../hdl/index.ts';
import { invN, type SchedulerFormats } from './formats.ts';
import { bankRows } from './datapath.ts';
import { buildScoreUnit } from './score-unit.ts';
import { buildSelector } from './selector.ts';

export const DYSTA_POLICY = 'dysta_policy';

/** Table fields a policy reads during a scan, per unit. */
export const SCAN_FIELDS = ['deadline', 'pred', 'last_run', 'scale', 'seq', 'variant', 'next_layer'] as const;

export function buildDystaPolicy(f: SchedulerFormats): ModuleDef {
  const unit = buildScoreUnit(f);
  const selector = buildSelector(f);
  const U = f.units;
  const { rows, rowWidth: RW } = bankRows(f);
  const m = new ModuleBuilder(DYSTA_POLICY, `Dysta policy: ${U} score unit(s) over the task table's banks, the selector over their minima, the 1/N ROM.`, { UNITS: U, TASKS: f.tasks });
  const clk = m.input('clk', 1, { role: 'clock' });
  const rst = m.input('rst', 1, { role: 'reset', doc: 'synchronous, active high' });
  const start = m.input('start', 1, { doc: 'a selection starts: sample N and the valid rows' });
  const scanning = m.input('scanning', 1, { doc: 'the selection runs' });
  const numValid = m.input('num_valid', f.countWidth, { doc: 'N, valid tasks' });
  const tSel = m.input('t_sel', f.timeWidth, { doc: 'selection time' });
  const unitValid = m.input('unit_valid', f.tasks, { doc: `valid rows of unit u at [u*${rows} +: ${rows}]` });
  const widths: Record<(typeof SCAN_FIELDS)[number], number> = {
    deadline: f.timeWidth,
    pred: f.latencyWidth,
    last_run: f.timeWidth,
    scale: f.penaltyScaleWidth,
    seq: f.seqWidth,
    variant: f.variantWidth,
    next_layer: f.layerCountWidth,
  };
  const rd = {} as Record<(typeof SCAN_FIELDS)[number], Signal>;
  for (const k of SCAN_FIELDS) rd[k] = m.input(`rd_${k}`, U * widths[k], { doc: `table read data of every unit: ${k}` });
  const scanRow = m.output('scan_row', U * RW, { doc: 'row each unit reads this cycle' });
  const scoreWe = m.output('score_we', U);
  const scoreRow = m.output('score_row', U * RW);
  const scoreData = m.output('score_data', U * f.scoreWidth);
  const done = m.output('done', 1, { doc: 'the selection is decided' });
  const win = {
    slot: m.output('win_slot', f.slotWidth, { doc: 'the winner (registered)' }),
    variant: m.output('win_variant', f.variantWidth),
    layer: m.output('win_layer', f.layerWidth),
    score: m.output('win_score', f.scoreWidth),
  };
  const drained = m.wire('drained', 1, { doc: 'the selector: every unit has drained, its winner is final' });
  const drainedQ = m.reg('drained_q', 1, { reset: 0, doc: 'drained, one cycle later' });
  const sel = {
    slot: m.wire('sel_slot', f.slotWidth, { doc: 'the selector\'s winner' }),
    variant: m.wire('sel_variant', f.variantWidth),
    layer: m.wire('sel_layer', f.layerWidth),
    score: m.wire('sel_score', f.scoreWidth),
  };
  m.seq((b) => {
    b.set(drainedQ, drained);
    b.set(win.slot, sel.slot);
    b.set(win.variant, sel.variant);
    b.set(win.layer, sel.layer);
    b.set(win.score, sel.score);
  }, 'The selector\'s result, registered (the bests no longer change once the units have drained).');
  m.assign(done, drainedQ.land(scanning));

  const invNValue = m.reg('inv_n_value', f.invNWidth, { doc: '1/N table output' });
  m.comb((b) => {
    b.set(invNValue, lit(0, f.invNWidth));
    b.switch(numValid, Array.from({ length: f.tasks }, (_, i) => [i + 1, () => b.set(invNValue, lit(invN(f, i + 1), f.invNWidth))] as const));
  }, `1/N table: round(2^${f.invNFrac} / N).`);
  const invNRead = m.reg('inv_n', f.invNWidth, { doc: '1/N of this selection' });
  // A large 1/N ROM maps to a block RAM whose read register is inv_n: the score units multiply a
  // second copy, so that RAM and their multipliers are on different paths (used 8 cycles later).
  const invNReg = m.reg('inv_n_q', f.invNWidth, { doc: 'inv_n again: the multiplier operand' });
  m.seq((b) => {
    b.if(start, () => b.set(invNRead, invNValue));
    b.set(invNReg, invNRead);
  }, '1/N is sampled when the selection starts, and registered again for the multipliers.');

  const busy = m.wire('unit_busy', U);
  const best = {
    valid: m.wire('best_valid', U),
    score: m.wire('best_score', U * f.scoreWidth),
    seq: m.wire('best_seq', U * f.seqWidth),
    row: m.wire('best_row', U * RW),
    variant: m.wire('best_variant', U * f.variantWidth),
    layer: m.wire('best_layer', U * f.layerWidth),
  };
  const unitConn = (part: (s: Signal, w: number) => Expr): Record<string, Expr> => ({
    clk,
    rst,
    start,
    scanning,
    valid_rows: part(unitValid, rows),
    t_sel: tSel,
    inv_n: invNReg,
    ...Object.fromEntries(SCAN_FIELDS.map((k) => [`rd_${k}`, part(rd[k], widths[k])])),
    issue_row: part(scanRow, RW),
    score_we: part(scoreWe, 1),
    score_row: part(scoreRow, RW),
    score_data: part(scoreData, f.scoreWidth),
    busy: part(busy, 1),
    best_valid: part(best.valid, 1),
    best_score: part(best.score, f.scoreWidth),
    best_seq: part(best.seq, f.seqWidth),
    best_row: part(best.row, RW),
    best_variant: part(best.variant, f.variantWidth),
    best_layer: part(best.layer, f.layerWidth),
  });
  if (U === 1) m.instance(unit, 'u_score', unitConn((s) => s));
  else m.generate('g_unit', 'u', U, (g) => g.instance(unit, 'u_score', unitConn((s, w) => g.part(s, w))));
  m.instance(selector, 'u_selector', {
    scanning,
    busy,
    best_valid: best.valid,
    best_score: best.score,
    best_seq: best.seq,
    best_row: best.row,
    best_variant: best.variant,
    best_layer: best.layer,
    done: drained,
    win_slot: sel.slot,
    win_variant: sel.variant,
    win_layer: sel.layer,
    win_score: sel.score,
  });
  return m.build();
}
