// The selector (dysta_selector), with its golden model beside it: the comparator tree over the score
// units' minima. Combinational: in the cycle all units have drained (done), the winner is the lowest
// (score, sequence number) of the units' bests, ties to the lower unit. With one unit it passes the
// unit's best through. Cost: (U - 1) comparators of score + sequence number, log2(U) levels.
import { cat, mux, ModuleBuilder, type Expr, type GenIndex, type ModuleDef, type Signal } from '../hdl/index.ts';
import type { SchedulerFormats } from './formats.ts';
import { bankRows } from './datapath.ts';
import { beats } from './score-unit.ts';

export const SELECTOR = 'dysta_selector';

interface Level {
  valid: Signal;
  score: Signal;
  seq: Signal;
  slot: Signal;
  variant: Signal;
  layer: Signal;
}

export function buildSelector(f: SchedulerFormats): ModuleDef {
  const U = f.units;
  const { rowWidth: RW } = bankRows(f);
  const D = f.slotWidth;
  const SW = f.scoreWidth;
  const SQ = f.seqWidth;
  const VW = f.variantWidth;
  const LW = f.layerWidth;
  const m = new ModuleBuilder(SELECTOR, `Selector: the lowest (score, sequence number) of ${U} score unit(s); the decision is made when every unit has drained.`, { UNITS: U });
  const scanning = m.input('scanning', 1, { doc: 'a selection runs' });
  const busy = m.input('busy', U, { doc: 'per unit: rows left or in flight' });
  const inValid = m.input('best_valid', U);
  const inScore = m.input('best_score', U * SW);
  const inSeq = m.input('best_seq', U * SQ);
  const inRow = m.input('best_row', U * RW);
  const inVariant = m.input('best_variant', U * VW);
  const inLayer = m.input('best_layer', U * LW);
  const done = m.output('done', 1, { doc: 'every unit has drained: the winner is final' });
  const winSlot = m.output('win_slot', D, { doc: 'the winner\'s slot (row x units + unit)' });
  const winVariant = m.output('win_variant', VW);
  const winLayer = m.output('win_layer', LW);
  const winScore = m.output('win_score', SW);
  m.assign(done, scanning.land(busy.orReduce().lnot()));
  if (U === 1) {
    m.unused(inValid, 'a finished selection always has a winner');
    m.unused(inSeq, 'the sequence number breaks ties inside the unit');
    m.assign(winSlot, inRow);
    m.assign(winVariant, inVariant);
    m.assign(winLayer, inLayer);
    m.assign(winScore, inScore);
    return m.build();
  }
  const UW = f.unitWidth;
  // Leaves: each unit's best, with its slot = {row, unit}.
  const unitIndex = m.localparam('UNIT_INDEX', Array.from({ length: U }, (_, u) => BigInt(u) << BigInt(u * UW)).reduce((a, b) => a | b), U * UW, 'unit u at [u*UNIT_WIDTH +: UNIT_WIDTH]');
  const leafSlot = m.wire('leaf_slot', U * D, { doc: 'slot of each unit\'s best' });
  m.generate('g_leaf', 'u', U, (g) => g.assign(g.part(leafSlot, D), cat(g.part(inRow, RW), g.part(unitIndex, UW))));
  // The tree: at each node the right candidate wins only if strictly better. Levels with several
  // nodes are generate loops over packed vectors; the root is plain wires.
  interface Candidate { valid: Expr; score: Expr; seq: Expr; slot: Expr; variant: Expr; layer: Expr }
  const takeRight = (a: Candidate, c: Candidate): Expr => c.valid.land(a.valid.lnot().lor(c.score.lt(a.score)).lor(c.score.eq(a.score).land(c.seq.lt(a.seq))));
  const widths: Record<keyof Candidate, number> = { valid: 1, score: SW, seq: SQ, slot: D, variant: VW, layer: LW };
  const keys = Object.keys(widths) as (keyof Candidate)[];
  let level: Level = { valid: inValid, score: inScore, seq: inSeq, slot: leafSlot, variant: inVariant, layer: inLayer };
  let n = U;
  for (let depth = 1; n > 2; depth++) {
    n /= 2;
    const next = Object.fromEntries(keys.map((k) => [k, m.wire(`level${depth}_${k}`, n * widths[k])])) as unknown as Level;
    const take = m.wire(`level${depth}_take_right`, n, { doc: 'per node: the right candidate wins' });
    const prev = level;
    m.generate(`g_level${depth}`, `n${depth}`, n, (g) => {
      const pick = (at: GenIndex) => Object.fromEntries(keys.map((k) => [k, g.part(prev[k], widths[k], at)])) as unknown as Candidate;
      const left = pick(g.index.times(2));
      const right = pick(g.index.times(2).plus(1));
      g.assign(g.part(take, 1), takeRight(left, right));
      for (const k of keys) g.assign(g.part(next[k], widths[k]), mux(g.part(take, 1), right[k], left[k]));
    });
    level = next;
  }
  const half = (s: Signal, k: keyof Candidate, i: number) => s.bits((i + 1) * widths[k] - 1, i * widths[k]);
  const left = Object.fromEntries(keys.map((k) => [k, half(level[k], k, 0)])) as unknown as Candidate;
  const right = Object.fromEntries(keys.map((k) => [k, half(level[k], k, 1)])) as unknown as Candidate;
  const rootTake = m.named('root_take_right', takeRight(left, right), 'the right half of the tree has the winner');
  const root = Object.fromEntries(keys.map((k) => [k, m.named(`winner_${k}`, mux(rootTake, right[k], left[k]))])) as unknown as Level;
  level = root;
  m.unused(level.valid, 'a finished selection always has a winner');
  m.unused(level.seq, 'the sequence number only breaks ties inside the tree');
  m.assign(winSlot, level.slot);
  m.assign(winVariant, level.variant);
  m.assign(winLayer, level.layer);
  m.assign(winScore, level.score);
  return m.build();
}

// ------------------------------------------------------------------ golden model

export interface UnitBest {
  valid: boolean;
  score: bigint;
  seq: bigint;
  row: bigint;
  variant: bigint;
  layer: bigint;
}

/** The tree: pairs of units, then pairs of pairs; the right one wins only if strictly better. */
export function selectWinner(f: SchedulerFormats, bests: readonly UnitBest[]): UnitBest & { slot: bigint } {
  let level = bests.map((b, u) => ({ ...b, slot: f.units === 1 ? b.row : b.row * BigInt(f.units) + BigInt(u) }));
  while (level.length > 1) {
    const next: typeof level = [];
    for (let i = 0; i < level.length; i += 2) {
      const a = level[i]!;
      const c = level[i + 1]!;
      next.push(c.valid && (!a.valid || beats(c, a)) ? c : a);
    }
    level = next;
  }
  return level[0]!;
}

/** done = scanning and no unit busy. */
export function selectorDone(scanning: boolean, busy: readonly boolean[]): boolean {
  return scanning && !busy.some(Boolean);
}
