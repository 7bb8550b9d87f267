// The Dysta score unit (dysta_score_unit), with its golden model beside it. One unit serves one bank
// of the task table during a selection:
//   start      (the selection's first cycle) scan_mask = the bank's valid rows, no best yet;
//   scanning   each cycle the lowest row left in scan_mask is picked and cleared; the pick is
//              registered (issue_row = the bank's read address, one cycle later) and its fields
//              arrive one cycle after that;
//   stages     r: the fields' output register; d: the low halves of t_sel - last run and deadline -
//              t_sel (the high halves for either borrow); e: idle = max(0, t_sel - last run)
//              saturated, P in score units, the halves of slack = (deadline - t_sel) - P; the slack
//              is complete one stage later, beside the first multiply; then three pipelined multiplies (multiplier.ts,
//              MUL_LATENCY cycles each) with one stage between them: idle x scale; penalty = that in
//              score units, saturated, x 1/N; urgency + penalty, saturated, x beta; score = P + that,
//              saturated (the score stage: written back to the score memory, and compared: the unit
//              keeps the lowest (score, sequence number) as its best).
// No register-to-register path holds more than one multiplier or the table's RAM, and no carry chain
// is longer than about half the time width (splitSub: 25 bits of 49 at the default 48) (issue 13). A row
// picked at cycle t reaches the compare at t + SCORE_PIPELINE; `busy` is high while rows are left or
// in flight. Cost: three pipelined multipliers (idle x scale, x 1/N, x beta).
import { cat, lit, litHex, mux, ModuleBuilder, type Block, type Expr, type ModuleDef, type Signal } from '../hdl/index.ts';
import { buildFindFirstSet, findFirstSet, lowestSetBit } from './find-first-set.ts';
import { invN, maxOf, sat, type SchedulerFormats } from './formats.ts';
import { bankRows, satTo, shrBy, splitSub } from './datapath.ts';
import { MUL_LATENCY, MulPipe, pipelinedMul } from './multiplier.ts';

export const SCORE_UNIT = 'dysta_score_unit';

/**
 * Cycles from a row's pick to its compare: the pick register, the table read, the output register,
 * stages d and e, three multiplies of MUL_LATENCY with one stage after each (the last is the score stage).
 */
export const SCORE_PIPELINE = 5 + 3 * (MUL_LATENCY + 1);

/** What a row carries from stage to stage beside the arithmetic. */
const CARRIED = ['row', 'seq', 'variant', 'layer', 'pred'] as const;

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
    `Dysta score unit: scans one bank's valid rows, scores each in a ${SCORE_PIPELINE}-cycle pipeline and keeps the minimum.\n` +
      'score = P + beta * (max(0, deadline - t_sel - P) + idle * scale / N); ties to the lower sequence number.',
    { ROWS: rows, SCORE_WIDTH: SW, SCORE_SHIFT: f.scoreShift, TERM_WIDTH: TW, BETA_Q: Number(f.betaQ) },
  );
  m.input('clk', 1, { role: 'clock' });
  m.input('rst', 1, { role: 'reset', doc: 'synchronous, active high' });
  const start = m.input('start', 1, { doc: 'a selection starts: scan the rows of valid_rows' });
  const scanning = m.input('scanning', 1, { doc: 'the selection runs: issue one row per cycle' });
  const validRows = m.input('valid_rows', rows, { doc: 'valid rows of this bank (sampled with start)' });
  const tSel = m.input('t_sel', T, { doc: 'selection time' });
  const invNIn = m.input('inv_n', f.invNWidth, { doc: '1/N, N = valid tasks (a register, constant during a selection)' });
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
  const scoreWe = m.output('score_we', 1, { doc: 'score stage: write score_data at score_row' });
  const scoreRow = m.output('score_row', RW);
  const score = m.output('score_data', SW, { doc: 'score of the row in the score stage' });
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

  // Scan: one valid row per cycle, lowest first; the pick is registered before it addresses the table.
  const scanMask = m.reg('scan_mask', rows, { reset: 0, doc: 'valid rows not yet issued in this selection' });
  const pick = m.wire('pick_row', RW, { doc: 'lowest row left in scan_mask' });
  const rowsLeft = m.wire('rows_left', 1);
  m.instance(encoder, 'u_next_row', { bits: scanMask, index: pick, found: rowsLeft });
  const issue = m.named('issue', scanning.land(rowsLeft), 'a row is picked this cycle');
  const pickBit = lowestSetBit(m, 'pick_bit', scanMask, pick, 'the picked row as a bit');
  const issueValid = m.reg('issue_valid', 1, { reset: 0, doc: 'issue_row is a picked row (read this cycle)' });
  const issueQ = m.reg('issue_row_q', RW, { doc: 'the picked row: the table\'s read address' });
  m.assign(issueRow, issueQ);

  const widths = { row: RW, seq: SQ, variant: VW, layer: LW, pred: SW, urgency: TW } as const;
  type Field = keyof typeof widths;
  const stage = (name: string, fields: readonly Field[]) => {
    const st = { valid: m.reg(`${name}_valid`, 1, { reset: 0 }) } as Record<Field | 'valid', Signal>;
    for (const k of fields) st[k] = m.reg(`${name}_${k}`, widths[k], { doc: `meaningful with ${name}_valid` });
    return st;
  };
  // s1: the table's read data (rd_*) belongs to this row; r: the RAM output register.
  const s1 = stage('s1', ['row']);
  const r = {
    valid: m.reg('r_valid', 1, { reset: 0 }),
    row: m.reg('r_row', RW),
    deadline: m.reg('r_deadline', T),
    pred: m.reg('r_pred', f.latencyWidth),
    last_run: m.reg('r_last_run', T),
    scale: m.reg('r_scale', KW),
    seq: m.reg('r_seq', SQ),
    variant: m.reg('r_variant', VW),
    layer: m.reg('r_layer', LW),
  };
  // d: the first halves of t_sel - last run and deadline - t_sel; P and the scale wait beside them.
  const d = stage('d', ['row', 'seq', 'variant', 'layer']);
  const dPred = m.reg('d_pred', f.latencyWidth);
  const dScale = m.reg('d_scale', KW);
  // e: idle (the first multiply's operand), scale, P in score units, the halves of the slack.
  const e = stage('e', CARRIED);
  const eIdle = m.reg('e_idle', f.idleWidth, { doc: 'max(0, t_sel - last run), saturated: multiplier operand' });
  const eScale = m.reg('e_scale', KW, { doc: 'penalty scale: multiplier operand' });
  // Stages beside the multipliers: m1_* beside idle x scale, p1 (its result saturated, operand of
  // x 1/N), m2_*, p2 (urgency + penalty, operand of x beta), m3_*, then the score stage sc.
  // The slack is complete in m1_1 (the multiplexer of its high half), clamped to the urgency into m1_2.
  const m1 = Array.from({ length: MUL_LATENCY }, (_, k) => stage(`m1_${k + 1}`, k === 0 ? CARRIED : [...CARRIED, 'urgency']));
  const m1Slack = m.reg('m1_1_slack', T + 2, { doc: 'deadline - t_sel - P (two\'s complement)' });
  const p1 = stage('p1', [...CARRIED, 'urgency']);
  const p1Pen = m.reg('p1_penalty_scaled', TW, { doc: 'idle x scale in score units, saturated: multiplier operand' });
  const m2 = Array.from({ length: MUL_LATENCY }, (_, k) => stage(`m2_${k + 1}`, [...CARRIED, 'urgency']));
  const p2 = stage('p2', CARRIED);
  const p2Sum = m.reg('p2_urgency_penalty', TW, { doc: 'urgency + penalty, saturated: multiplier operand' });
  const m3 = Array.from({ length: MUL_LATENCY }, (_, k) => stage(`m3_${k + 1}`, CARRIED));
  const sc = stage('sc', ['row', 'seq', 'variant', 'layer']);
  const scScore = m.reg('sc_score', SW, { doc: 'the row\'s score' });

  const idleScaled = pipelinedMul(m, 'idle_scaled', eIdle, eScale, 'idle x penalty scale');
  const penaltyN = pipelinedMul(m, 'penalty_n', p1Pen, invNIn, 'penalty x 1/N');
  const betaSum = pipelinedMul(m, 'beta_sum', p2Sum, betaQ, 'beta x (urgency + penalty)', f.betaQ);

  // Stage d (from the output register): t_sel - last run and deadline - t_sel, each in two halves.
  const idleSub = splitSub(m, 'idle_full', tSel, r.last_run, T + 1, 't_sel - last run; bit T set when the last run is later');
  let idleHiZero: { load: (b: Block) => void } | undefined;
  const ahead = splitSub(m, 'deadline_ahead', r.deadline, tSel, T + 2, 'deadline - t_sel (signed)');
  // Stage e: idle, P in score units, the halves of (deadline - t_sel) - P.
  const IW = f.idleWidth;
  const IL = idleSub.lo.width;
  let idle: Signal;
  if (IW < IL) {
    // The idle width is below the low half: saturation is "the high half is not zero or the low
    // half's top bits are not". That high half is zero (for either borrow) exactly when the
    // operands' high halves are equal, or t_sel's is one more: equalities of flip-flops, made in
    // stage d beside the chains (t_sel is steady through a selection: its high half minus one is
    // registered once per cycle), so stage e has no wide OR of the chains' outputs.
    const IH = idleSub.hi0.width;
    const tHi = tSel.bits(T - 1, IL).resize(IH);
    const lastHi = r.last_run.bits(T - 1, IL).resize(IH);
    const tHiDec = m.reg('t_sel_hi_dec', IH, { doc: 't_sel\'s high half - 1 (t_sel is steady through a selection)' });
    m.seq((b) => b.set(tHiDec, tHi.sub(lit(1, IH))), 't_sel\'s high half - 1, for the idle time\'s saturation test.');
    const hiZero0 = m.reg('idle_hi_zero0', 1, { doc: 'high half of t_sel - last run is 0 without a borrow' });
    const hiZero1 = m.reg('idle_hi_zero1', 1, { doc: 'high half of t_sel - last run is 0 with a borrow' });
    idleHiZero = { load: (b) => {
      b.set(hiZero0, tHi.eq(lastHi));
      b.set(hiZero1, tHiDec.eq(lastHi));
    } };
    const fits = m.named('idle_fits', mux(idleSub.borrow, hiZero1, hiZero0).land(idleSub.lo.bits(IL - 1, IW).orReduce().lnot()), 't_sel - last run is below 2^idleWidth (and not negative)');
    m.unused(idleSub.hi0, 'only the sign bit is read: the rest of the high half is tested by equality in stage d');
    m.unused(idleSub.hi1, 'only the sign bit is read: the rest of the high half is tested by equality in stage d');
    const later = m.named('idle_negative', mux(idleSub.borrow, idleSub.hi1.msb(), idleSub.hi0.msb()), 'the last run is later than t_sel');
    idle = m.named('idle', mux(fits, idleSub.lo.bits(IW - 1, 0), mux(later, lit(0, IW), litHex(maxOf(IW), IW))), 'max(0, t_sel - last run), saturated');
  } else {
    const idleFull = idleSub.value;
    const idleDiff = m.named('idle_diff', idleFull.bits(T - 1, 0), 't_sel - last run (when not later)');
    idle = m.named('idle', mux(idleFull.msb(), lit(0, IW), satTo(idleDiff, IW)), 'max(0, t_sel - last run), saturated');
  }
  const slackSub = splitSub(m, 'slack', ahead, dPred, T + 2, 'deadline - t_sel - P (signed)');
  const predFull = m.named('pred_units_full', shrBy(dPred, f.scoreShift), 'P in score units');
  const predUnits = m.named('pred_units', satTo(predFull, SW), 'P in score units, saturated');
  // After the multipliers.
  const slackUnits = m.named('slack_units', shrBy(m1Slack, f.scoreShift), 'slack in score units (when positive)');
  const urgency = m.named('urgency', mux(m1Slack.msb(), lit(0, TW), satTo(slackUnits, TW)), 'max(0, slack) in score units');
  const penScaledFull = m.named('penalty_scaled_full', idleScaled.shr(f.penaltyScaleFrac + f.scoreShift), 'idle x scale in score units');
  const penScaled = m.named('penalty_scaled', satTo(penScaledFull, TW), 'idle x scale, saturated');
  const penaltyFull = m.named('penalty_full', penaltyN.shr(f.invNFrac), 'idle x scale / N');
  const penalty = m.named('penalty', satTo(penaltyFull, TW), 'idle x scale / N, saturated');
  const last2 = m2[MUL_LATENCY - 1]!;
  const sumFull = m.named('urgency_penalty_full', last2.urgency.resize(TW + 1).add(penalty.resize(TW + 1)), 'urgency + penalty');
  const sum = m.named('urgency_penalty', satTo(sumFull, TW), 'urgency + penalty, saturated');
  const betaTermFull = m.named('beta_term_full', betaSum.shr(f.betaFrac), 'beta x (urgency + penalty)');
  const betaTerm = m.named('beta_term', satTo(betaTermFull, SW), 'beta x (urgency + penalty), saturated');
  const last3 = m3[MUL_LATENCY - 1]!;
  const scoreFull = m.named('score_full', last3.pred.resize(SW + 1).add(betaTerm.resize(SW + 1)), 'P + beta term');
  m.assign(score, scScore);
  m.assign(scoreWe, sc.valid);
  m.assign(scoreRow, sc.row);
  // Rows in flight: the OR of every stage's valid bit, kept as a register of its own (computed from
  // the valids that move into the stages), so `busy` is one gate after a flip-flop.
  const feeding = [issue, issueValid, s1.valid, r.valid, d.valid, e.valid, ...m1.map((x) => x.valid), p1.valid, ...m2.map((x) => x.valid), p2.valid, ...m3.map((x) => x.valid)];
  const inFlight = m.reg('in_flight', 1, { reset: 0, doc: 'some stage holds a row (the OR of the stages\' valid bits)' });
  m.seq((b) => b.set(inFlight, feeding.slice(1).reduce<Expr>((a, x) => a.lor(x), feeding[0]!)), 'Rows in flight next cycle.');
  m.assign(busy, rowsLeft.lor(inFlight));

  m.seq((b) => {
    const copy = (to: Record<string, Signal>, from: Record<string, Signal>, keys: readonly string[]) => {
      for (const k of keys) b.set(to[k]!, from[k]!);
    };
    b.set(issueValid, issue);
    b.set(issueQ, pick);
    b.set(s1.valid, issueValid);
    b.set(s1.row, issueQ);
    b.set(r.valid, s1.valid);
    b.set(r.row, s1.row);
    for (const k of ['deadline', 'pred', 'last_run', 'scale', 'seq', 'variant'] as const) b.set(r[k], rd[k]!);
    b.set(r.layer, rd.next_layer!.bits(LW - 1, 0));
    copy(d, r, ['valid', 'row', 'seq', 'variant', 'layer']);
    b.set(dPred, r.pred);
    b.set(dScale, r.scale);
    idleSub.load(b);
    idleHiZero?.load(b);
    ahead.load(b);
    copy(e, d, ['valid', 'row', 'seq', 'variant', 'layer']);
    b.set(e.pred, predUnits);
    slackSub.load(b);
    b.set(eIdle, idle);
    b.set(eScale, dScale);
    copy(m1[0]!, e, ['valid', ...CARRIED]);
    b.set(m1Slack, slackSub.value);
    copy(m1[1]!, m1[0]!, ['valid', ...CARRIED]);
    b.set(m1[1]!.urgency, urgency);
    for (let k = 2; k < MUL_LATENCY; k++) copy(m1[k]!, m1[k - 1]!, ['valid', ...CARRIED, 'urgency']);
    copy(p1, m1[MUL_LATENCY - 1]!, ['valid', ...CARRIED, 'urgency']);
    b.set(p1Pen, penScaled);
    copy(m2[0]!, p1, ['valid', ...CARRIED, 'urgency']);
    for (let k = 1; k < MUL_LATENCY; k++) copy(m2[k]!, m2[k - 1]!, ['valid', ...CARRIED, 'urgency']);
    copy(p2, last2, ['valid', ...CARRIED]);
    b.set(p2Sum, sum);
    copy(m3[0]!, p2, ['valid', ...CARRIED]);
    for (let k = 1; k < MUL_LATENCY; k++) copy(m3[k]!, m3[k - 1]!, ['valid', ...CARRIED]);
    copy(sc, last3, ['valid', 'row', 'seq', 'variant', 'layer']);
    b.set(scScore, satTo(scoreFull, SW));
  }, 'Score pipeline: pick register, read, output register, stages d and e, idle x scale, x 1/N, x beta, score.');

  // The running minimum is a loop (best -> compare -> best). (score, sequence number) in lexicographic
  // order is one unsigned compare, written as a subtraction so that it maps onto one carry chain (its
  // borrow is the comparison) rather than a compare, an equality and a second compare in LUTs. The
  // sequence numbers are known a stage before the score: their compare is made there, against the best
  // the row will meet (the row ahead of it if that one wins, else the best), and registered, so the
  // loop's chain is the score's bits and that one bit, not the score's and the sequence number's.
  const seqBelow = m.reg('sc_seq_below', 1, { doc: 'sc_seq < the best\'s sequence number (compared a stage earlier)' });
  const scKey = m.named('sc_key', cat(scScore, lit(0, 1)), '{score, 0} of the score stage');
  const bestKey = m.named('best_key', cat(best.score, seqBelow), '{score, sc_seq < its sequence number} of the best so far');
  const keyDiff = m.named('key_diff', scKey.resize(SW + 2).sub(bestKey.resize(SW + 2)), 'sc_key - best_key; the top bit is sc_key < best_key');
  m.unused(keyDiff, 'only the borrow (the top bit) is read');
  const better = m.named('better', sc.valid.land(best.valid.lnot().lor(keyDiff.msb())), 'the score stage beats the best so far: lower score, or equal and admitted earlier');
  const seqBelowSc = m.named('seq_below_sc', last3.seq.lt(sc.seq), 'the next row\'s sequence number is below the score stage\'s');
  const seqBelowBest = m.named('seq_below_best', last3.seq.lt(best.seq), 'the next row\'s sequence number is below the best\'s');
  m.seq((b) => b.set(seqBelow, mux(better, seqBelowSc, seqBelowBest)), 'The sequence-number compare of the next row, against the best it will meet.');
  m.seq((b) => {
    b.if(start, () => {
      b.set(scanMask, validRows);
      b.set(best.valid, lit(0, 1));
    }, () => {
      b.if(issue, () => b.set(scanMask, scanMask.and(pickBit.not())));
      // best_valid || better is best_valid || sc_valid (without a best, any row is better): the valid
      // bit does not wait for the compare.
      b.set(best.valid, best.valid.lor(sc.valid));
    });
  }, 'Scan mask and the running minimum\'s valid bit.');
  // The best's fields have no reset and no row is in flight when a selection starts (the last one
  // drained before the decision), so they load on `better` alone: their enable is the compare, not
  // the compare, start and reset.
  m.seq((b) => b.if(better, () => {
    b.set(best.score, scScore);
    b.set(best.seq, sc.seq);
    b.set(best.row, sc.row);
    b.set(best.variant, sc.variant);
    b.set(best.layer, sc.layer);
  }), 'The running minimum.');
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

/** A format's clamps, shifts and constants as doubles, for scoreValue's exact-in-doubles path. */
interface NumberConstants {
  /** 2^w - 1 for each width used (Infinity from 53 bits: no value below 2^53 reaches it). */
  maxScore: number;
  maxTerm: number;
  maxIdle: number;
  scoreDiv: number;
  penaltyDiv: number;
  invNDiv: number;
  betaDiv: number;
  betaQ: number;
  invN: number[];
  /** The divisors' exponents, for a product computed as a bigint. */
  penaltyShift: bigint;
  invNShift: bigint;
  betaShift: bigint;
}
const NUMBER_CONSTANTS = new WeakMap<SchedulerFormats, NumberConstants>();
const SAFE = 2 ** 53;
const SAFE_BIG = 2n ** 53n;
function numberConstants(f: SchedulerFormats): NumberConstants {
  let c = NUMBER_CONSTANTS.get(f);
  if (!c) {
    const max = (w: number) => (w >= 53 ? Infinity : 2 ** w - 1);
    c = { maxScore: max(f.scoreWidth), maxTerm: max(f.termWidth), maxIdle: max(f.idleWidth), scoreDiv: 2 ** f.scoreShift, penaltyDiv: 2 ** (f.penaltyScaleFrac + f.scoreShift), invNDiv: 2 ** f.invNFrac, betaDiv: 2 ** f.betaFrac, betaQ: f.betaQ < SAFE_BIG ? Number(f.betaQ) : Infinity, invN: [], penaltyShift: BigInt(f.penaltyScaleFrac + f.scoreShift), invNShift: BigInt(f.invNFrac), betaShift: BigInt(f.betaFrac) };
    NUMBER_CONSTANTS.set(f, c);
  }
  return c;
}

/**
 * min(floor(a x b / div), max), div = 2^shift, for non-negative integers a and b: in doubles while
 * the product is below 2^53 (a floor division by a power of two is exact), else as one bigint
 * product (the default format's idle penalty and 1/N products reach 2^53 in a sixth of a random
 * scenario's scores). -1 where that is not exact: an input from 2^53, or no clamp below 2^53 (a
 * quotient from 2^53 rounds in a double, which only a clamp below it makes harmless).
 */
function mulShiftClamped(a: number, b: number, div: number, shift: bigint, max: number): number {
  const p = a * b;
  if (p < SAFE) return Math.min(Math.floor(p / div), max);
  if (max >= SAFE || a >= SAFE || b >= SAFE) return -1;
  return Math.min(Number((BigInt(a) * BigInt(b)) >> shift), max);
}

/**
 * The score in doubles: exact while every value stays below 2^53 (non-negative integers; the
 * products by mulShiftClamped). Returns -1 where that is not so, and the caller computes that score
 * with bigints.
 */
export function scoreInDoubles(f: SchedulerFormats, deadline: number, lastRun: number, pred: number, scale: number, tSel: number, n: number): number {
  const c = numberConstants(f);
  // deadline - tSel is exact; when the slack is not positive only its sign matters.
  const slack = deadline - tSel - pred;
  const urgency = slack <= 0 ? 0 : Math.min(Math.floor(slack / c.scoreDiv), c.maxTerm);
  const idle = lastRun > tSel ? 0 : Math.min(tSel - lastRun, c.maxIdle);
  const pen1 = mulShiftClamped(idle, scale, c.penaltyDiv, c.penaltyShift, c.maxTerm);
  if (pen1 < 0) return -1;
  const penalty = mulShiftClamped(pen1, (c.invN[n] ??= Number(invN(f, n))), c.invNDiv, c.invNShift, c.maxTerm);
  if (penalty < 0) return -1;
  const sum = Math.min(urgency + penalty, c.maxTerm);
  const betaTerm = mulShiftClamped(sum, c.betaQ, c.betaDiv, c.betaShift, c.maxScore);
  if (betaTerm < 0) return -1;
  return Math.min(Math.min(Math.floor(pred / c.scoreDiv), c.maxScore) + betaTerm, c.maxScore);
}

/**
 * The score alone, as scoreOf computes it (the same steps and clamps) without the intermediate
 * terms: a selection scores every valid task, and the golden model needs only the scores. In
 * doubles where that is exact (the common case), else scoreOf itself. test/scheduler checks it equals
 * scoreOf(...).score on random and extreme inputs, on both paths.
 */
export function scoreValue(f: SchedulerFormats, t: ScoreInputs, tSel: bigint, n: number): bigint {
  if (t.deadline < SAFE_BIG && t.lastRun < SAFE_BIG && t.pred < SAFE_BIG && t.scale < SAFE_BIG && tSel < SAFE_BIG) {
    const score = scoreInDoubles(f, Number(t.deadline), Number(t.lastRun), Number(t.pred), Number(t.scale), Number(tSel), n);
    if (score >= 0) return BigInt(score);
  }
  // Beyond doubles (wide formats or a product over 2^53, rare): the bigint definition itself.
  return scoreOf(f, t, tSel, n).score;
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

interface Carried {
  valid: boolean;
  row: bigint;
  seq: bigint;
  variant: bigint;
  layer: bigint;
  /** P in score units, saturated. */
  pred: bigint;
  /** max(0, slack) in score units (from the first multiply's second stage to the second's end). */
  urgency: bigint;
  /** deadline - t_sel - P (in the first multiply's first stage). */
  slack: bigint;
}

const EMPTY: Carried = { valid: false, row: 0n, seq: 0n, variant: 0n, layer: 0n, pred: 0n, urgency: 0n, slack: 0n };

/**
 * dysta_score_unit cycle for cycle. Each stage is written out separately (the tests also check that
 * the stages compose to scoreOf); a multiplier is a MulPipe (its product MUL_LATENCY cycles later).
 */
export class ScoreUnitModel {
  readonly rows: number;
  private mask = 0n;
  private issue = { valid: false, row: 0n };
  private s1 = { valid: false, row: 0n };
  private r = { valid: false, row: 0n, deadline: 0n, pred: 0n, lastRun: 0n, scale: 0n, seq: 0n, variant: 0n, layer: 0n };
  /** Stage d holds t_sel - last run (before the clamp) and deadline - t_sel; P raw. */
  private d = { valid: false, row: 0n, seq: 0n, variant: 0n, layer: 0n, pred: 0n, scale: 0n, idleDiff: 0n, ahead: 0n };
  private e = { ...EMPTY, slack: 0n, idle: 0n, scale: 0n };
  private m1: Carried[] = new Array<Carried>(MUL_LATENCY).fill(EMPTY);
  private p1 = { ...EMPTY, penScaled: 0n };
  private m2: Carried[] = new Array<Carried>(MUL_LATENCY).fill(EMPTY);
  private p2 = { ...EMPTY, sum: 0n };
  private m3: Carried[] = new Array<Carried>(MUL_LATENCY).fill(EMPTY);
  private sc = { valid: false, row: 0n, seq: 0n, variant: 0n, layer: 0n, score: 0n };
  private readonly idleScaled = new MulPipe();
  private readonly penaltyN = new MulPipe();
  private readonly betaSum = new MulPipe();
  private best = { valid: false, score: 0n, seq: 0n, row: 0n, variant: 0n, layer: 0n };

  constructor(readonly f: SchedulerFormats) {
    this.rows = f.tasks / f.units;
  }

  outputs(): ScoreUnitOutputs {
    const next = findFirstSet(this.mask, this.rows);
    const inFlight = [this.issue, this.s1, this.r, this.d, this.e, ...this.m1, this.p1, ...this.m2, this.p2, ...this.m3, this.sc].some((x) => x.valid);
    return {
      issue_row: this.issue.row,
      score_we: this.sc.valid ? 1n : 0n,
      score_row: this.sc.row,
      score_data: this.sc.score,
      busy: next.found || inFlight ? 1n : 0n,
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
    // Stage d, from the output register r: the two differences with t_sel.
    const rr = this.r;
    const d = {
      valid: rr.valid, row: rr.row, seq: rr.seq, variant: rr.variant, layer: rr.layer, pred: rr.pred, scale: rr.scale,
      idleDiff: i.t_sel - rr.lastRun,
      ahead: rr.deadline - i.t_sel,
    };
    // Stage e: idle clamped, P in score units, the slack.
    const dd = this.d;
    const e = {
      valid: dd.valid, row: dd.row, seq: dd.seq, variant: dd.variant, layer: dd.layer,
      pred: sat(dd.pred >> s, f.scoreWidth),
      urgency: 0n,
      slack: dd.ahead - dd.pred,
      idle: dd.idleDiff < 0n ? 0n : sat(dd.idleDiff, f.idleWidth),
      scale: dd.scale,
    };
    // Beside idle x scale: the slack enters the first stage, the urgency (clamped) the second.
    const first = this.m1[0]!;
    const urgency = first.slack < 0n ? 0n : sat(first.slack >> s, f.termWidth);
    const m1 = [
      { valid: this.e.valid, row: this.e.row, seq: this.e.seq, variant: this.e.variant, layer: this.e.layer, pred: this.e.pred, urgency: 0n, slack: this.e.slack },
      { ...first, urgency, slack: 0n },
      ...this.m1.slice(1, MUL_LATENCY - 1),
    ];
    const m1Last = this.m1[MUL_LATENCY - 1]!;
    const p1 = { ...m1Last, penScaled: sat(this.idleScaled.product >> BigInt(f.penaltyScaleFrac + f.scoreShift), f.termWidth) };
    const m2 = [{ ...this.p1 }, ...this.m2.slice(0, MUL_LATENCY - 1)];
    const m2Last = this.m2[MUL_LATENCY - 1]!;
    const penalty = sat(this.penaltyN.product >> BigInt(f.invNFrac), f.termWidth);
    const p2 = { ...m2Last, urgency: 0n, sum: sat(m2Last.urgency + penalty, f.termWidth) };
    const m3 = [{ ...this.p2, urgency: 0n }, ...this.m3.slice(0, MUL_LATENCY - 1)];
    const m3Last = this.m3[MUL_LATENCY - 1]!;
    const betaTerm = sat(this.betaSum.product >> BigInt(f.betaFrac), f.scoreWidth);
    const sc = { valid: m3Last.valid, row: m3Last.row, seq: m3Last.seq, variant: m3Last.variant, layer: m3Last.layer, score: sat(m3Last.pred + betaTerm, f.scoreWidth) };
    // The compare in the score stage.
    const better = this.sc.valid && (!this.best.valid || beats(this.sc, this.best));
    if (i.start) {
      this.mask = i.valid_rows;
      this.best = { ...this.best, valid: false };
    } else {
      if (issue) this.mask &= ~(1n << BigInt(next.index));
      if (better) this.best = { valid: true, score: this.sc.score, seq: this.sc.seq, row: this.sc.row, variant: this.sc.variant, layer: this.sc.layer };
    }
    // The multipliers take this cycle's operand registers.
    this.idleScaled.clock(this.e.idle, this.e.scale);
    this.penaltyN.clock(this.p1.penScaled, i.inv_n);
    this.betaSum.clock(this.p2.sum, f.betaQ);
    this.sc = sc;
    this.m3 = m3;
    this.p2 = p2;
    this.m2 = m2;
    this.p1 = p1;
    this.m1 = m1;
    this.e = e;
    this.d = d;
    this.r = {
      valid: this.s1.valid, row: this.s1.row, deadline: i.rd_deadline, pred: i.rd_pred, lastRun: i.rd_last_run, scale: i.rd_scale, seq: i.rd_seq, variant: i.rd_variant,
      layer: i.rd_next_layer & maxOf(f.layerWidth),
    };
    this.s1 = { ...this.issue };
    this.issue = { valid: issue, row: BigInt(next.index) };
  }
}
