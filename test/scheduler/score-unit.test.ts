// dysta_score_unit against its golden model (ScoreUnitModel), cycle for cycle: random selections over
// random bank contents, played as the task table would (the fields of issue_row arrive one cycle
// later), with the corners mixed in: deadlines long past and far away, last runs after t_sel, zero
// and saturated penalty scales, saturated P, equal scores (ties to the sequence number), empty and
// full banks. Independently of the model, every score written must equal scoreOf() and every
// selection's best must be the minimum of its rows by (score, sequence number).
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../hwgen/index.ts';
import { invN, maxOf, schedulerFormats, type SchedulerFormats } from '../../hwgen/scheduler/formats.ts';
import { ScoreUnitModel, buildScoreUnit, scoreInDoubles, scoreOf, scoreValue, type ScoreUnitInputs } from '../../hwgen/scheduler/score-unit.ts';
import { compareCycles, openBlock, type Values } from './block-helpers.ts';
import { Rng } from './scenarios.ts';
import type { VectorSim } from '../../cosim/scheduler/vectors.ts';

interface Row {
  deadline: bigint;
  pred: bigint;
  last_run: bigint;
  scale: bigint;
  seq: bigint;
  variant: bigint;
  next_layer: bigint;
}

function randomRow(f: SchedulerFormats, rng: Rng, tSel: bigint, twin?: Row): Row {
  if (twin && rng.chance(0.5)) return { ...twin, seq: (twin.seq + BigInt(rng.int(1, 5))) & maxOf(f.seqWidth) };
  // A share of rows whose score is not saturated (small P, a deadline close by, a small scale), so
  // that the idle time's own saturation shows in the score.
  const inScore = 1n << BigInt(f.scoreShift + f.scoreWidth - 3);
  const pred = rng.chance(0.05) ? maxOf(f.latencyWidth) : rng.chance(0.4) ? rng.big(0n, inScore) : rng.big(0n, 1n << BigInt(Math.min(f.latencyWidth, 30)));
  const dmode = rng.int(0, 9);
  const deadline = dmode === 0 ? rng.big(0n, tSel) : dmode === 1 ? maxOf(f.timeWidth) : dmode < 5 ? tSel + pred + rng.big(0n, inScore) : tSel + rng.big(0n, 1n << 32n);
  // Idle times around 2^idleWidth (in range, at the bound, above it), and some whose subtraction
  // borrows across bit 25 (the RTL splits 49-bit differences there) or just misses it.
  const near = 1n << BigInt(f.idleWidth + 1);
  const boundary = (tSel >> 25n) << 25n;
  const lmode = rng.int(0, 19);
  const lastRunAny =
    lmode < 2 ? tSel + rng.big(1n, 1000n)
    : lmode === 2 ? 0n
    : lmode < 6 ? tSel - rng.big(0n, near)
    : lmode === 6 ? tSel - (1n << BigInt(f.idleWidth)) + BigInt(rng.int(-1, 1))
    : lmode < 9 && boundary >= near ? boundary - rng.big(0n, near) + BigInt(rng.int(0, 1))
    : tSel - rng.big(0n, tSel < 1n << 34n ? tSel : 1n << 34n);
  const lastRun = lastRunAny < 0n ? 0n : lastRunAny;
  const smode = rng.int(0, 9);
  const scale = smode === 0 ? 0n : smode === 1 ? maxOf(f.penaltyScaleWidth) : smode < 5 ? rng.big(1n, 16n) : rng.big(0n, 1n << BigInt(f.penaltyScaleFrac + 6));
  return {
    deadline,
    pred,
    last_run: lastRun,
    scale,
    seq: rng.big(0n, maxOf(f.seqWidth)),
    variant: BigInt(rng.int(0, f.variants - 1)),
    next_layer: BigInt(rng.int(0, f.maxLayers - 1)),
  };
}

const INPUTS = ['start', 'scanning', 'valid_rows', 't_sel', 'inv_n', 'rd_deadline', 'rd_pred', 'rd_last_run', 'rd_scale', 'rd_seq', 'rd_variant', 'rd_next_layer'] as const;
const OUTPUTS = ['issue_row', 'score_we', 'score_row', 'score_data', 'busy', 'best_valid', 'best_score', 'best_seq', 'best_row', 'best_variant', 'best_layer'] as const;

const sims: VectorSim[] = [];
afterAll(async () => Promise.all(sims.map((s) => s.close())));

describe('dysta_score_unit vs ScoreUnitModel', () => {
  it.each([
    ['D=6, one unit (64 rows)', { log2Tasks: 6 }, 80],
    ['16-bit score, 2^3-cycle units, narrow idle and scale', { log2Tasks: 5, selectorUnits: 2, scoreWidth: 16, scoreShift: 3, idleWidth: 20, penaltyScaleWidth: 12, penaltyScaleFracBits: 4, betaPpm: 250000, seqWidth: 8 }, 150],
  ] as const)('%s: random selections and corners', async (name, scheduler, selections) => {
    const f = schedulerFormats(parseConfig({ scheduler }).scheduler);
    const sim = await openBlock(buildScoreUnit(f), `score${name.replace(/[^A-Za-z0-9]/g, '')}`);
    sims.push(sim);
    const rows = f.tasks / f.units;
    const rng = new Rng(rows * 7 + selections);
    const model = new ScoreUnitModel(f);
    const stimulus: Values[] = [];
    const expected: Partial<Values>[] = [];
    let scoresChecked = 0;
    let ties = 0;
    const idleInputs = (i: Partial<ScoreUnitInputs>): ScoreUnitInputs => ({
      start: 0n, scanning: 0n, valid_rows: 0n, t_sel: 0n, inv_n: 0n, rd_deadline: 0n, rd_pred: 0n, rd_last_run: 0n, rd_scale: 0n, rd_seq: 0n, rd_variant: 0n, rd_next_layer: 0n, ...i,
    });
    const step = (i: ScoreUnitInputs, check: (o: ReturnType<ScoreUnitModel['outputs']>) => void = () => {}) => {
      const o = model.outputs();
      check(o);
      stimulus.push(i as unknown as Values);
      const e: Partial<Values> = { issue_row: o.issue_row, score_we: o.score_we, busy: o.busy, best_valid: o.best_valid };
      if (o.score_we) Object.assign(e, { score_row: o.score_row, score_data: o.score_data });
      if (o.best_valid) Object.assign(e, { best_score: o.best_score, best_seq: o.best_seq, best_row: o.best_row, best_variant: o.best_variant, best_layer: o.best_layer });
      expected.push(e);
      model.clock(i);
      return o;
    };
    for (let s = 0; s < selections; s++) {
      const anyTime = rng.big(1n << 20n, 1n << BigInt(f.timeWidth - 2));
      // Some selections just above a multiple of 2^25, so that idle times below 2^idleWidth borrow
      // across the RTL's split of the 49-bit difference.
      const tSel = rng.chance(0.3) ? ((anyTime >> 25n) << 25n) + rng.big(0n, 1n << BigInt(f.idleWidth - 1)) : anyTime;
      const n = rng.int(1, f.tasks);
      const bank: Row[] = [];
      for (let r = 0; r < rows; r++) bank.push(randomRow(f, rng, tSel, r > 0 && rng.chance(0.2) ? bank[r - 1] : undefined));
      const mode = rng.int(0, 9);
      let mask = 0n;
      for (let r = 0; r < rows; r++) if (mode === 0 || (mode > 1 && rng.chance(0.5))) mask |= 1n << BigInt(r);
      if (mode === 1) mask = 0n;
      const sel = { t_sel: tSel, inv_n: invN(f, n) };
      // A few idle cycles with garbage on the read port, then start, then scan until done.
      for (let k = rng.int(0, 3); k > 0; k--) step(idleInputs({ ...sel, rd_pred: rng.big(0n, 99n), valid_rows: rng.big(0n, maxOf(rows)) }));
      step(idleInputs({ ...sel, start: 1n, valid_rows: mask }));
      let address: bigint | undefined;
      const left = [...Array(rows).keys()].filter((r) => (mask >> BigInt(r)) & 1n);
      const want = new Map<bigint, bigint>();
      for (let c = 0; ; c++) {
        // The table reads whatever issue_row addressed in the previous cycle.
        const row = address === undefined ? undefined : bank[Number(address)]!;
        const i = idleInputs({ ...sel, scanning: 1n, ...(row ? Object.fromEntries(Object.entries(row).map(([k, v]) => [`rd_${k}`, v])) : { rd_deadline: rng.big(0n, 5n) }) });
        const o = step(i, (out) => {
          if (out.score_we) {
            const r = bank[Number(out.score_row)]!;
            const independent = scoreOf(f, { deadline: r.deadline, lastRun: r.last_run, pred: r.pred, scale: r.scale }, tSel, n).score;
            expect(out.score_data).toBe(independent);
            want.set(out.score_row, independent);
            scoresChecked++;
          }
        });
        // Rows go out lowest first, one per cycle, from the second scanning cycle (the pick is
        // registered); the table answers one cycle later.
        address = o.issue_row;
        if (c >= 1 && c - 1 < left.length) expect(o.issue_row).toBe(BigInt(left[c - 1]!));
        if (!o.busy) break;
        expect(c).toBeLessThan(rows + 24);
      }
      // The best of the selection is the minimum over its rows by (score, seq).
      const o = model.outputs();
      const validRows = [...want.keys()];
      expect(validRows.length).toBe([...Array(rows).keys()].filter((r) => (mask >> BigInt(r)) & 1n).length);
      if (validRows.length) {
        const min = validRows.reduce((a, b) => {
          const sa = want.get(a)!;
          const sb = want.get(b)!;
          return sb < sa || (sb === sa && bank[Number(b)]!.seq < bank[Number(a)]!.seq) ? b : a;
        });
        expect(o.best_row).toBe(min);
        if (validRows.filter((r) => want.get(r) === want.get(min)).length > 1) ties++;
      } else expect(o.best_valid).toBe(0n);
    }
    const compared = await compareCycles(sim, INPUTS, OUTPUTS, stimulus, expected);
    expect(compared).toBeGreaterThan(stimulus.length * 4);
    expect(scoresChecked).toBeGreaterThan(selections);
    expect(ties).toBeGreaterThan(0);
  });
});

// The golden scheduler's selections use scoreValue (the score without its terms): it must equal
// scoreOf's score everywhere, clamps included, on the default and on extreme widths.
describe('scoreValue (the golden selection) equals scoreOf', () => {
  it.each([
    ['default', {}, 'products'],
    // beta = 1 and a small table: an off-by-one in any term reaches the score.
    ['beta 1, D = 2', { betaPpm: 1000000, log2Tasks: 1 }, 'products'],
    ['narrow: 12-bit score, 20-bit idle, 8-bit scale', { scoreWidth: 12, scoreShift: 3, idleWidth: 20, penaltyScaleWidth: 8, penaltyScaleFracBits: 2, betaPpm: 250000, invNFracBits: 8 }, 'doubles'],
    ['wide: 64-bit time, 48-bit score and latency, 40-bit scale', { timeWidth: 64, latencyWidth: 48, scoreWidth: 48, scoreShift: 16, idleWidth: 64, penaltyScaleWidth: 40, penaltyScaleFracBits: 32, betaFracBits: 40, invNFracBits: 32, betaPpm: 1000000 }, 'both'],
  ] as const)('%s', (_name, scheduler, paths) => {
    const f = schedulerFormats(parseConfig({ scheduler }).scheduler);
    const rng = new Rng(4243);
    let clamped = 0;
    let doubles = 0;
    let wideProducts = 0;
    let bigints = 0;
    for (let i = 0; i < 4000; i++) {
      const tSel = rng.chance(0.1) ? maxOf(f.timeWidth) - rng.big(0n, 1000n) : rng.big(0n, 1n << BigInt(Math.min(f.timeWidth - 1, 50)));
      const r = randomRow(f, rng, tSel);
      // Every other input isolates the penalty: no urgency, idle time and scale log-uniform over their widths.
      const logUniform = (width: number) => rng.big(0n, 1n << BigInt(rng.int(0, width)));
      const t = i % 2
        ? { deadline: r.deadline, pred: r.pred, lastRun: r.last_run, scale: r.scale }
        : { deadline: 0n, pred: r.pred, lastRun: tSel - (logUniform(f.idleWidth) % (tSel + 1n)), scale: logUniform(f.penaltyScaleWidth) };
      const n = rng.int(1, f.tasks);
      const detail = scoreOf(f, t, tSel, n);
      if (Object.values(detail.saturated).some(Boolean)) clamped++;
      expect(scoreValue(f, t, tSel, n)).toBe(detail.score);
      // The doubles path on its own: the exact score, or -1 (left to bigints) where a value reaches 2^53.
      const fits = [t.deadline, t.lastRun, t.pred, t.scale, tSel].every((v) => v < 2n ** 53n);
      const inDoubles = fits ? scoreInDoubles(f, Number(t.deadline), Number(t.lastRun), Number(t.pred), Number(t.scale), Number(tSel), n) : -1;
      if (inDoubles >= 0) {
        expect(BigInt(inDoubles)).toBe(detail.score);
        doubles++;
        // A product of the score's steps reached 2^53 (computed as one bigint product there):
        // idle x scale, the first penalty x 1/N, or the sum x beta, written out again here.
        const idle = t.lastRun > tSel ? 0n : tSel - t.lastRun < maxOf(f.idleWidth) ? tSel - t.lastRun : maxOf(f.idleWidth);
        const pen1 = (idle * t.scale) >> BigInt(f.penaltyScaleFrac + f.scoreShift);
        const pen1Sat = pen1 < maxOf(f.termWidth) ? pen1 : maxOf(f.termWidth);
        const sum = detail.urgency + detail.penalty < maxOf(f.termWidth) ? detail.urgency + detail.penalty : maxOf(f.termWidth);
        if ([idle * t.scale, pen1Sat * invN(f, n), sum * f.betaQ].some((p) => p >= 2n ** 53n)) wideProducts++;
      } else bigints++;
    }
    expect(clamped).toBeGreaterThan(10);
    // Products from 2^53 in the doubles path, on the formats whose clamps are below 2^53.
    if (paths === 'products') expect(wideProducts).toBeGreaterThan(50);
    // The paths each case is for ran: narrow widths never leave doubles, nor does the default with its
    // products from 2^53 as bigint products; 64-bit widths (clamps from 2^53) need scoreOf itself.
    expect(doubles).toBeGreaterThan(50);
    if (paths === 'both') expect(bigints).toBeGreaterThan(50);
    else expect(bigints).toBe(0);
  });
});
