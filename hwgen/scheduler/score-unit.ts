// The Dysta score unit (dysta_score_unit), with its golden model beside it. One unit serves one bank
// of the task table during a selection:
//   start      (the selection's first cycle) scan_mask = the bank's valid rows, no best yet;
//   scanning   each cycle the lowest row left in scan_mask is issued (issue_row = the bank's read
//              address) and cleared; its fields arrive one cycle later (stage 1);
//   stages     1: slack, urgency, P in score units, idle time; 2: idle x scale; 3: x 1/N;
//              4: + urgency, x beta, + P = score (written back to the score memory); 5: compare:
//              the unit keeps the lowest (score, sequence number) as its best.
// A row issued at cycle t reaches the compare at t + 5; `busy` is high while rows are left or in
// flight. Cost: three multipliers (idle x scale, x 1/N, x beta).
import { lit, mux, ModuleBuilder, type ModuleDef, type Signal } from '../hdl/index.ts';
import { buildFindFirstSet, findFirstSet } from './find-first-set.ts';
import { invN, maxOf, sat, type SchedulerFormats } from './formats.ts';
import { bankRows, satTo, shrBy } from './datapath.ts';

export const SCORE_UNIT = 'dysta_score_unit';

/** Cycles from a row's issue to its compare (stage 5). */
export const SCORE_PIPELINE = 5;

export function buildScoreUnit(f: SchedulerFormats): ModuleDef {
  const { rows, rowWidth: RW } = bankRows(f);
  const T = f.timeWidth;
  const SW = f.scoreWidth;
  const TW = f.termWidth;
  const LW = f.layerWidth;
  const VW = f.variantWidth;
  const SQ = f.seqWidth;
  const KW = f.penaltyScaleWidth;
  const encoder = buildFindFirstSet(rows);
  const m = new ModuleBuilder(
    SCORE_UNIT,
    'Dysta score unit: scans one bank\'s valid rows, scores each in a 5-stage pipeline and keeps the minimum.\n' +
      'score = P + beta * (max(0, deadline - t_sel - P) + idle * scale / N); ties to the lower sequence number.',
    { ROWS: rows, SCORE_WIDTH: SW, SCORE_SHIFT: f.scoreShift, TERM_WIDTH: TW, BETA_Q: Number(f.betaQ) },
  );
  m.input('clk', 1, { role: 'clock' });
  m.input('rst', 1, { role: 'reset', doc: 'synchronous, active high' });
  const start = m.input('start', 1, { doc: 'a selection starts: scan the rows of valid_rows' });
  const scanning = m.input('scanning', 1, { doc: 'the selection runs: issue one row per cycle' });
  const validRows = m.input('valid_rows', rows, { doc: 'valid rows of this bank (sampled with start)' });
  const tSel = m.input('t_sel', T, { doc: 'selection time' });
  const invNIn = m.input('inv_n', f.invNWidth, { doc: '1/N, N = valid tasks' });
  const rd: Record<string, Signal> = {
    deadline: m.input('rd_deadline', T),
    pred: m.input('rd_pred', f.latencyWidth),
    last_run: m.input('rd_last_run', T),
    scale: m.input('rd_scale', KW),
    seq: m.input('rd_seq', SQ),
    variant: m.input('rd_variant', VW),
    next_layer: m.input('rd_next_layer', f.layerCountWidth),
  };
  m.unused(rd.next_layer!, 'a valid task\'s next layer is below 2^log2MaxLayers: its top bit is always 0');
  const issueRow = m.output('issue_row', RW, { doc: 'row read this cycle (its fields arrive next cycle)' });
  const scoreWe = m.output('score_we', 1, { doc: 'stage 4: write score_data at score_row' });
  const scoreRow = m.output('score_row', RW);
  const score = m.output('score_data', SW, { doc: 'score of the row in stage 4' });
  const busy = m.output('busy', 1, { doc: 'rows left to issue or in the pipeline' });
  const best = {
    valid: m.output('best_valid', 1, { reset: 0, doc: 'some row was scored in this selection' }),
    score: m.output('best_score', SW, { doc: 'lowest score so far' }),
    seq: m.output('best_seq', SQ, { doc: 'its sequence number' }),
    row: m.output('best_row', RW),
    variant: m.output('best_variant', VW),
    layer: m.output('best_layer', LW),
  };
  const betaQ = m.localparam('BETA_Q', f.betaQ, f.betaWidth, `beta = ${f.cfg.betaPpm} ppm with ${f.betaFrac} fraction bits`);

  // Scan: one valid row per cycle, lowest first.
  const scanMask = m.reg('scan_mask', rows, { reset: 0, doc: 'valid rows not yet issued in this selection' });
  const rowsLeft = m.wire('rows_left', 1);
  m.instance(encoder, 'u_next_row', { bits: scanMask, index: issueRow, found: rowsLeft });
  const issue = m.named('issue', scanning.land(rowsLeft), 'a row is issued this cycle');

  // Stage registers.
  const s1 = { valid: m.reg('s1_valid', 1, { reset: 0 }), row: m.reg('s1_row', RW) };
  const s2 = { valid: m.reg('s2_valid', 1, { reset: 0 }), row: m.reg('s2_row', RW), seq: m.reg('s2_seq', SQ), variant: m.reg('s2_variant', VW), layer: m.reg('s2_layer', LW), pred: m.reg('s2_pred', SW), urgency: m.reg('s2_urgency', TW), product: m.reg('s2_idle_scaled', f.idleWidth + KW) };
  const s3 = { valid: m.reg('s3_valid', 1, { reset: 0 }), row: m.reg('s3_row', RW), seq: m.reg('s3_seq', SQ), variant: m.reg('s3_variant', VW), layer: m.reg('s3_layer', LW), pred: m.reg('s3_pred', SW), urgency: m.reg('s3_urgency', TW), product: m.reg('s3_penalty_n', TW + f.invNWidth) };
  const s4 = { valid: m.reg('s4_valid', 1, { reset: 0 }), row: m.reg('s4_row', RW), seq: m.reg('s4_seq', SQ), variant: m.reg('s4_variant', VW), layer: m.reg('s4_layer', LW), pred: m.reg('s4_pred', SW), product: m.reg('s4_beta_sum', TW + f.betaWidth) };
  const s5 = { valid: m.reg('s5_valid', 1, { reset: 0 }), row: m.reg('s5_row', RW), seq: m.reg('s5_seq', SQ), variant: m.reg('s5_variant', VW), layer: m.reg('s5_layer', LW), score: m.reg('s5_score', SW) };

  // Stage 1 (memory data): slack, urgency, P in score units, idle time.
  const ext = (e: Signal) => e.resize(T + 2).asSigned();
  const slack = m.named('slack', ext(rd.deadline!).sub(ext(tSel)).sub(ext(rd.pred!)), 'deadline - t_sel - P (signed)');
  const slackUnits = m.named('slack_units', shrBy(slack.asUnsigned(), f.scoreShift), 'slack in score units (when positive)');
  const urgency = m.named('urgency', mux(slack.msb(), lit(0, TW), satTo(slackUnits, TW)), 'max(0, slack) in score units');
  const predFull = m.named('pred_units_full', shrBy(rd.pred!, f.scoreShift), 'P in score units');
  const predUnits = m.named('pred_units', satTo(predFull, SW), 'P in score units, saturated');
  const idleFull = m.named('idle_full', tSel.sub(rd.last_run!), 't_sel - last run');
  const idle = m.named('idle', mux(rd.last_run!.gt(tSel), lit(0, f.idleWidth), satTo(idleFull, f.idleWidth)), 'max(0, t_sel - last run), saturated');
  // Stage 2 -> 3: x 1/N; stage 3 -> 4: + urgency, x beta; stage 4: + P.
  const penScaledFull = m.named('penalty_scaled_full', s2.product.shr(f.penaltyScaleFrac + f.scoreShift), 'idle x scale in score units');
  const penScaled = m.named('penalty_scaled', satTo(penScaledFull, TW), 'idle x scale, saturated');
  const penaltyFull = m.named('penalty_full', s3.product.shr(f.invNFrac), 'idle x scale / N');
  const penalty = m.named('penalty', satTo(penaltyFull, TW), 'idle x scale / N, saturated');
  const sumFull = m.named('urgency_penalty_full', s3.urgency.resize(TW + 1).add(penalty.resize(TW + 1)), 'urgency + penalty');
  const sum = m.named('urgency_penalty', satTo(sumFull, TW), 'urgency + penalty, saturated');
  const betaTermFull = m.named('beta_term_full', s4.product.shr(f.betaFrac), 'beta x (urgency + penalty)');
  const betaTerm = m.named('beta_term', satTo(betaTermFull, SW), 'beta x (urgency + penalty), saturated');
  const scoreFull = m.named('score_full', s4.pred.resize(SW + 1).add(betaTerm.resize(SW + 1)), 'P + beta term');
  m.assign(score, satTo(scoreFull, SW));
  m.assign(scoreWe, s4.valid);
  m.assign(scoreRow, s4.row);
  m.assign(busy, rowsLeft.lor(s1.valid).lor(s2.valid).lor(s3.valid).lor(s4.valid).lor(s5.valid));

  m.seq((b) => {
    b.set(s1.valid, issue);
    b.set(s1.row, issueRow);
    b.set(s2.valid, s1.valid);
    b.set(s2.row, s1.row);
    b.set(s2.seq, rd.seq!);
    b.set(s2.variant, rd.variant!);
    b.set(s2.layer, rd.next_layer!.bits(LW - 1, 0));
    b.set(s2.pred, predUnits);
    b.set(s2.urgency, urgency);
    b.set(s2.product, idle.mul(rd.scale!));
    // What a task carries from stage to stage unchanged.
    const carry = <K extends 'valid' | 'row' | 'seq' | 'variant' | 'layer' | 'pred' | 'urgency'>(to: Record<K, Signal>, from: Record<K, Signal>, keys: readonly K[]) => {
      for (const k of keys) b.set(to[k], from[k]);
    };
    carry(s3, s2, ['valid', 'row', 'seq', 'variant', 'layer', 'pred', 'urgency']);
    b.set(s3.product, penScaled.mul(invNIn));
    carry(s4, s3, ['valid', 'row', 'seq', 'variant', 'layer', 'pred']);
    b.set(s4.product, sum.mul(betaQ));
    carry(s5, s4, ['valid', 'row', 'seq', 'variant', 'layer']);
    b.set(s5.score, score);
  }, 'Score pipeline: read, idle x scale, x 1/N, x beta, + P (one multiplier per stage).');

  const better = m.named('better', s5.valid.land(best.valid.lnot().lor(s5.score.lt(best.score)).lor(s5.score.eq(best.score).land(s5.seq.lt(best.seq)))), 'stage 5 beats the best so far: lower score, or equal and admitted earlier');
  m.seq((b) => {
    b.if(start, () => {
      b.set(scanMask, validRows);
      b.set(best.valid, lit(0, 1));
    }, () => {
      b.if(issue, () => b.set(scanMask, scanMask.and(lit(1, rows).shl(issueRow).not())));
      b.if(better, () => {
        b.set(best.valid, lit(1, 1));
        b.set(best.score, s5.score);
        b.set(best.seq, s5.seq);
        b.set(best.row, s5.row);
        b.set(best.variant, s5.variant);
        b.set(best.layer, s5.layer);
      });
    });
  }, 'Scan mask and the running minimum.');
  return m.build();
}

// ------------------------------------------------------------------ golden model

export interface ScoreInputs {
  deadline: bigint;
  lastRun: bigint;
  pred: bigint;
  scale: bigint;
}

export interface ScoreDetail {
  score: bigint;
  /** P and beta x (urgency + penalty) in score units; urgency and penalty in score units, termWidth bits. */
  pred: bigint;
  urgency: bigint;
  penalty: bigint;
  betaTerm: bigint;
  saturated: { pred: boolean; urgency: boolean; idle: boolean; penalty: boolean; sum: boolean; score: boolean };
}

/** The shift amounts of a format as bigints, and its 1/N table as far as used (a selection scores N tasks with one N). */
const SCORE_CONSTANTS = new WeakMap<SchedulerFormats, { scoreShift: bigint; penaltyShift: bigint; invNFrac: bigint; betaFrac: bigint; invN: bigint[] }>();
function scoreConstants(f: SchedulerFormats) {
  let k = SCORE_CONSTANTS.get(f);
  if (!k) {
    k = { scoreShift: BigInt(f.scoreShift), penaltyShift: BigInt(f.penaltyScaleFrac + f.scoreShift), invNFrac: BigInt(f.invNFrac), betaFrac: BigInt(f.betaFrac), invN: [] };
    SCORE_CONSTANTS.set(f, k);
  }
  return k;
}

/** The score of one task: every step as the RTL pipeline computes it. `n` = valid tasks (>= 1). */
export function scoreOf(f: SchedulerFormats, t: ScoreInputs, tSel: bigint, n: number): ScoreDetail {
  const k = scoreConstants(f);
  const s = k.scoreShift;
  const SW = f.scoreWidth;
  const TW = f.termWidth;
  const rawPred = t.pred >> s;
  const pred = sat(rawPred, SW);
  const slack = t.deadline - tSel - t.pred;
  const rawUrg = slack <= 0n ? 0n : slack >> s;
  const urgency = sat(rawUrg, TW);
  const rawIdle = t.lastRun > tSel ? 0n : tSel - t.lastRun;
  const idle = sat(rawIdle, f.idleWidth);
  const rawPen1 = (idle * t.scale) >> k.penaltyShift;
  const pen1 = sat(rawPen1, TW);
  const penalty = sat((pen1 * (k.invN[n] ??= invN(f, n))) >> k.invNFrac, TW);
  const rawSum = urgency + penalty;
  const sum = sat(rawSum, TW);
  const betaTerm = sat((sum * f.betaQ) >> k.betaFrac, SW);
  const rawScore = pred + betaTerm;
  const score = sat(rawScore, SW);
  return {
    score,
    pred,
    urgency,
    penalty,
    betaTerm,
    saturated: { pred: rawPred !== pred, urgency: rawUrg !== urgency, idle: rawIdle !== idle, penalty: rawPen1 !== pen1, sum: rawSum !== sum, score: rawScore !== score },
  };
}

/** Selector order: lower score first, then earlier admission (lower sequence number). */
export function beats(a: { score: bigint; seq: bigint }, b: { score: bigint; seq: bigint }): boolean {
  return a.score < b.score || (a.score === b.score && a.seq < b.seq);
}

export interface ScoreUnitInputs {
  start: bigint;
  scanning: bigint;
  valid_rows: bigint;
  t_sel: bigint;
  inv_n: bigint;
  rd_deadline: bigint;
  rd_pred: bigint;
  rd_last_run: bigint;
  rd_scale: bigint;
  rd_seq: bigint;
  rd_variant: bigint;
  rd_next_layer: bigint;
}

export interface ScoreUnitOutputs {
  issue_row: bigint;
  score_we: bigint;
  score_row: bigint;
  score_data: bigint;
  busy: bigint;
  best_valid: bigint;
  best_score: bigint;
  best_seq: bigint;
  best_row: bigint;
  best_variant: bigint;
  best_layer: bigint;
}

interface Stage {
  valid: boolean;
  row: bigint;
  seq: bigint;
  variant: bigint;
  layer: bigint;
  pred: bigint;
  urgency: bigint;
  product: bigint;
}

/**
 * dysta_score_unit cycle for cycle. Each stage is written out separately (the tests also check that
 * the stages compose to scoreOf).
 */
export class ScoreUnitModel {
  readonly rows: number;
  private mask = 0n;
  private s1 = { valid: false, row: 0n };
  private s2: Stage = { valid: false, row: 0n, seq: 0n, variant: 0n, layer: 0n, pred: 0n, urgency: 0n, product: 0n };
  private s3: Stage = { ...this.s2 };
  private s4: Stage = { ...this.s2 };
  private s5 = { valid: false, row: 0n, seq: 0n, variant: 0n, layer: 0n, score: 0n };
  private best = { valid: false, score: 0n, seq: 0n, row: 0n, variant: 0n, layer: 0n };

  constructor(readonly f: SchedulerFormats) {
    this.rows = f.tasks / f.units;
  }

  private stage4Score(): bigint {
    const f = this.f;
    const betaTerm = sat(this.s4.product >> BigInt(f.betaFrac), f.scoreWidth);
    return sat(this.s4.pred + betaTerm, f.scoreWidth);
  }

  outputs(): ScoreUnitOutputs {
    const next = findFirstSet(this.mask, this.rows);
    return {
      issue_row: BigInt(next.index),
      score_we: this.s4.valid ? 1n : 0n,
      score_row: this.s4.row,
      score_data: this.stage4Score(),
      busy: next.found || this.s1.valid || this.s2.valid || this.s3.valid || this.s4.valid || this.s5.valid ? 1n : 0n,
      best_valid: this.best.valid ? 1n : 0n,
      best_score: this.best.score,
      best_seq: this.best.seq,
      best_row: this.best.row,
      best_variant: this.best.variant,
      best_layer: this.best.layer,
    };
  }

  clock(i: ScoreUnitInputs): void {
    const f = this.f;
    const s = BigInt(f.scoreShift);
    const next = findFirstSet(this.mask, this.rows);
    const issue = i.scanning !== 0n && next.found;
    // Stage 1 -> 2.
    const slack = i.rd_deadline - i.t_sel - i.rd_pred;
    const urgency = slack < 0n ? 0n : sat(slack >> s, f.termWidth);
    const idle = i.rd_last_run > i.t_sel ? 0n : sat(i.t_sel - i.rd_last_run, f.idleWidth);
    const s2: Stage = {
      valid: this.s1.valid,
      row: this.s1.row,
      seq: i.rd_seq,
      variant: i.rd_variant,
      layer: i.rd_next_layer & maxOf(f.layerWidth),
      pred: sat(i.rd_pred >> s, f.scoreWidth),
      urgency,
      product: idle * i.rd_scale,
    };
    // Stage 2 -> 3.
    const penScaled = sat(this.s2.product >> BigInt(f.penaltyScaleFrac + f.scoreShift), f.termWidth);
    const s3: Stage = { ...this.s2, product: penScaled * i.inv_n };
    // Stage 3 -> 4.
    const penalty = sat(this.s3.product >> BigInt(f.invNFrac), f.termWidth);
    const sum = sat(this.s3.urgency + penalty, f.termWidth);
    const s4: Stage = { ...this.s3, product: sum * f.betaQ };
    // Stage 4 -> 5, and the compare in stage 5.
    const s5 = { valid: this.s4.valid, row: this.s4.row, seq: this.s4.seq, variant: this.s4.variant, layer: this.s4.layer, score: this.stage4Score() };
    const better = this.s5.valid && (!this.best.valid || beats(this.s5, this.best));
    if (i.start) {
      this.mask = i.valid_rows;
      this.best = { ...this.best, valid: false };
    } else {
      if (issue) this.mask &= ~(1n << BigInt(next.index));
      if (better) this.best = { valid: true, score: this.s5.score, seq: this.s5.seq, row: this.s5.row, variant: this.s5.variant, layer: this.s5.layer };
    }
    this.s1 = { valid: issue, row: BigInt(next.index) };
    this.s2 = s2;
    this.s3 = s3;
    this.s4 = s4;
    this.s5 = s5;
  }
}
