// dysta_selector (the comparator tree over the score units' minima) against its golden model, for 2
// units (the root alone) and 8 (two generate levels and the root): random candidates with many ties (equal scores decided by the sequence number,
// equal scores and sequence numbers decided by the lower unit), units without a candidate, and the
// done condition (scanning and no unit busy). Independently of the tree model: the winner is a
// minimum by (score, sequence number) among the valid units, the lowest such unit.
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../hwgen/index.ts';
import { maxOf, schedulerFormats } from '../../hwgen/scheduler/formats.ts';
import { buildSelector, selectWinner, selectorDone, type UnitBest } from '../../hwgen/scheduler/selector.ts';
import { clocked, compareCycles, openBlock, pack, type Values } from './block-helpers.ts';
import { Rng } from './scenarios.ts';
import type { VectorSim } from '../../cosim/scheduler/vectors.ts';

const sims: VectorSim[] = [];
afterAll(async () => Promise.all(sims.map((s) => s.close())));

describe('dysta_selector vs selectWinner', () => {
  it.each([2, 8])('%i units: random candidates with ties', async (units) => {
    const f = schedulerFormats(parseConfig({ scheduler: { log2Tasks: 5, selectorUnits: units, seqWidth: 8 } }).scheduler);
    const sim = await openBlock(clocked(buildSelector(f)), `selector${units}`);
    sims.push(sim);
    const rows = f.tasks / units;
    const RW = Math.log2(rows);
    const rng = new Rng(units);
    const stimulus: Values[] = [];
    const expected: Values[] = [];
    let ties = 0;
    for (let c = 0; c < 3000; c++) {
      const narrow = rng.chance(0.5);
      const bests: UnitBest[] = Array.from({ length: units }, () => ({
        valid: rng.chance(0.8),
        score: narrow ? BigInt(rng.int(0, 3)) : rng.chance(0.05) ? maxOf(f.scoreWidth) : rng.big(0n, maxOf(f.scoreWidth)),
        seq: narrow ? BigInt(rng.int(0, 3)) : rng.big(0n, maxOf(f.seqWidth)),
        row: BigInt(rng.int(0, rows - 1)),
        variant: BigInt(rng.int(0, f.variants - 1)),
        layer: BigInt(rng.int(0, f.maxLayers - 1)),
      }));
      if (c % 97 === 0) bests.forEach((b) => (b.valid = false));
      const busy = Array.from({ length: units }, () => rng.chance(0.3));
      const scanning = rng.chance(0.8);
      stimulus.push({
        scanning: scanning ? 1n : 0n,
        busy: pack(busy.map((b) => (b ? 1n : 0n)), 1),
        best_valid: pack(bests.map((b) => (b.valid ? 1n : 0n)), 1),
        best_score: pack(bests.map((b) => b.score), f.scoreWidth),
        best_seq: pack(bests.map((b) => b.seq), f.seqWidth),
        best_row: pack(bests.map((b) => b.row), RW),
        best_variant: pack(bests.map((b) => b.variant), f.variantWidth),
        best_layer: pack(bests.map((b) => b.layer), f.layerWidth),
      });
      const w = selectWinner(f, bests);
      expected.push({ done: selectorDone(scanning, busy) ? 1n : 0n, win_slot: w.slot, win_variant: w.variant, win_layer: w.layer, win_score: w.score });
      // Independent statement of the rule.
      const valid = bests.map((b, u) => ({ ...b, u })).filter((b) => b.valid);
      if (valid.length) {
        const min = valid.reduce((a, b) => (b.score < a.score || (b.score === a.score && b.seq < a.seq) ? b : a));
        expect(w.slot).toBe(min.row * BigInt(units) + BigInt(min.u));
        if (valid.filter((b) => b.score === min.score).length > 1) ties++;
      } else expect(w.slot).toBe(bests[0]!.row * BigInt(units));
    }
    const compared = await compareCycles(sim, Object.keys(stimulus[0]!), ['done', 'win_slot', 'win_variant', 'win_layer', 'win_score'], stimulus, expected);
    expect(compared).toBe(5 * stimulus.length);
    if (units > 1) expect(ties).toBeGreaterThan(100);
  });
});
