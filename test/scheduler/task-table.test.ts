// dysta_task_table (with its banks) against its golden model (TaskTableModel), cycle for cycle:
// admissions until the table is full (free slot = the lowest free one), completions freeing random
// slots, predictor write-backs, score writes, scan / update / host reads in every unit, admission and
// write-back in the same cycle (outside the scheduler's contract: the admission wins its bank), and
// a count that goes 0 -> 2^D -> 0. Independently of the model: the valid count equals the number of
// slots admitted and not freed, and a slot read back holds what was last written to it.
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../hwgen/index.ts';
import { maxOf, schedulerFormats } from '../../hwgen/scheduler/formats.ts';
import { TaskTableModel, buildTaskTable, taskFieldWidths, taskFields, type TaskTableInputs } from '../../hwgen/scheduler/task-table.ts';
import { compareCycles, openBlock, pack, type Values } from './block-helpers.ts';
import { Rng } from './scenarios.ts';
import type { VectorSim } from '../../cosim/scheduler/vectors.ts';

const sims: VectorSim[] = [];
afterAll(async () => Promise.all(sims.map((s) => s.close())));

describe('dysta_task_table vs TaskTableModel', () => {
  it.each([
    ['D=1 (2 slots)', { log2Tasks: 1 }],
    ['D=4, 4 banks', { log2Tasks: 4, selectorUnits: 4 }],
    ['D=6, 8 banks, narrow fields', { log2Tasks: 6, selectorUnits: 8, seqWidth: 8, log2Variants: 1, log2MaxLayers: 1 }],
    ['D=3, 2 banks, regression (coefficient bank field)', { log2Tasks: 3, selectorUnits: 2, predictor: 'regression' }],
  ] as const)('%s: random traffic and corners', async (name, scheduler) => {
    const f = schedulerFormats(parseConfig({ scheduler }).scheduler);
    const { table } = buildTaskTable(f);
    const sim = await openBlock(table, `table${name.replace(/[^A-Za-z0-9]/g, '')}`);
    sims.push(sim);
    const U = f.units;
    const rows = f.tasks / U;
    const RW = Math.log2(rows);
    const W = taskFieldWidths(f);
    const rng = new Rng(f.tasks * 31 + U);
    const model = new TaskTableModel(f);
    const stimulus: Values[] = [];
    const expected: Partial<Values>[] = [];
    const rand = (w: number) => rng.big(0n, maxOf(w));
    let admitted = 0;
    let freed = 0;
    let readsCompared = false;
    let fullSeen = 0;
    const base = (): TaskTableInputs => ({
      adm_fire: 0n, adm_variant: rand(W.variant), adm_deadline: rand(W.deadline), adm_arrival: rand(f.timeWidth), adm_scale: rand(W.scale), adm_pred: rand(f.latencyWidth),
      ...(f.regression ? { adm_coeff_bank: rand(1) } : {}),
      wb_we: 0n, wb_clear: 0n, wb_slot: BigInt(rng.int(0, f.tasks - 1)), wb_next_layer: rand(W.next_layer), wb_last_run: rand(W.last_run), wb_ratio_sum: rand(W.ratio_sum), wb_gamma: rand(W.gamma), wb_pred: rand(W.pred),
      rd_scan: 0n, scan_row: Array.from({ length: U }, () => BigInt(rng.int(0, rows - 1))), rd_update: 0n, host_slot: BigInt(rng.int(0, f.tasks - 1)),
      score_we: Array.from({ length: U }, () => 0n), score_row: Array.from({ length: U }, () => BigInt(rng.int(0, rows - 1))), score_data: Array.from({ length: U }, () => rand(f.scoreWidth)),
    });
    const validSlots = new Set<number>();
    const step = (i: TaskTableInputs) => {
      const o = model.outputs(i);
      const flat: Values = { ...(i as unknown as Values), scan_row: pack(i.scan_row, RW), score_we: pack(i.score_we, 1), score_row: pack(i.score_row, RW), score_data: pack(i.score_data, f.scoreWidth) };
      stimulus.push(flat);
      const e: Partial<Values> = { free_slot: o.free_slot, full: o.full, valid_count: o.valid_count, unit_valid: o.unit_valid };
      if (readsCompared) {
        for (const k of taskFields(f)) {
          e[`rd_${k}`] = pack(o.rd[k], W[k]);
          e[`host_${k}`] = o.host[k];
        }
        e.run_ratio_sum = o.run_ratio_sum;
        if (f.regression) e.run_coeff_bank = o.run_coeff_bank;
        e.host_valid = o.host_valid;
      }
      expected.push(e);
      // Independent of the model: the count is admissions minus completions.
      expect(o.valid_count).toBe(BigInt(validSlots.size));
      if (o.full) fullSeen++;
      if (i.adm_fire) {
        expect(o.full).toBe(0n);
        const lowest = [...Array(f.tasks).keys()].find((s) => !validSlots.has(s))!;
        expect(o.free_slot).toBe(BigInt(lowest));
        validSlots.add(lowest);
        admitted++;
      }
      if (i.wb_clear) {
        validSlots.delete(Number(i.wb_slot));
        freed++;
      }
      model.clock(i);
    };
    // 1. Fill the table (every row of every bank written), then write every score, then free all.
    for (let s = 0; s < f.tasks; s++) step({ ...base(), adm_fire: 1n });
    for (let r = 0; r < rows; r++) step({ ...base(), score_we: Array(U).fill(1n), score_row: Array(U).fill(BigInt(r)) });
    for (let s = 0; s < f.tasks; s++) step({ ...base(), wb_we: 1n, wb_clear: 1n, wb_slot: BigInt(s), rd_update: 1n });
    step(base());
    readsCompared = true;
    // 2. Random traffic.
    for (let c = 0; c < 3000; c++) {
      const i = base();
      const mode = rng.int(0, 9);
      if (mode < 4 && validSlots.size < f.tasks) i.adm_fire = 1n;
      if (mode >= 4 && mode < 7 && validSlots.size > 0) {
        const slots = [...validSlots];
        i.wb_slot = BigInt(rng.pick(slots));
        i.wb_we = 1n;
        i.rd_update = 1n;
        i.wb_clear = rng.chance(0.4) ? 1n : 0n;
        // Outside the contract: an admission in the same cycle as a write-back.
        if (rng.chance(0.05) && validSlots.size < f.tasks) i.adm_fire = 1n;
      }
      if (mode >= 7) {
        i.rd_scan = 1n;
        i.score_we = i.score_we.map(() => (rng.chance(0.5) ? 1n : 0n));
      }
      step(i);
    }
    // 3. Free everything again (the count returns to 0).
    for (const s of [...validSlots]) step({ ...base(), wb_we: 1n, wb_clear: 1n, wb_slot: BigInt(s), rd_update: 1n });
    step(base());
    expect(model.outputs(base()).valid_count).toBe(0n);
    const outs = ['free_slot', 'full', 'valid_count', 'unit_valid', 'run_ratio_sum', 'host_valid', ...taskFields(f).flatMap((k) => [`rd_${k}`, `host_${k}`]), ...(f.regression ? ['run_coeff_bank'] : [])];
    const compared = await compareCycles(sim, Object.keys(stimulus[0]!), outs, stimulus, expected);
    expect(compared).toBeGreaterThan(stimulus.length * 10);
    expect(admitted).toBeGreaterThan(f.tasks * 2);
    expect(freed).toBe(admitted);
    expect(fullSeen).toBeGreaterThan(0);
  });

  it('a slot reads back what was last written to it (model alone, every field)', () => {
    const f = schedulerFormats(parseConfig({ scheduler: { log2Tasks: 3, selectorUnits: 2 } }).scheduler);
    const model = new TaskTableModel(f);
    const idle = (): TaskTableInputs => ({
      adm_fire: 0n, adm_variant: 0n, adm_deadline: 0n, adm_arrival: 0n, adm_scale: 0n, adm_pred: 0n, wb_we: 0n, wb_clear: 0n, wb_slot: 0n, wb_next_layer: 0n, wb_last_run: 0n, wb_ratio_sum: 0n, wb_gamma: 0n, wb_pred: 0n,
      rd_scan: 0n, scan_row: [0n, 0n], rd_update: 0n, host_slot: 0n, score_we: [0n, 0n], score_row: [0n, 0n], score_data: [0n, 0n],
    });
    for (let s = 0; s < 3; s++) model.clock({ ...idle(), adm_fire: 1n, adm_variant: BigInt(s + 1), adm_deadline: 1000n + BigInt(s), adm_arrival: 50n, adm_scale: 7n });
    model.clock({ ...idle(), adm_pred: 4242n }); // the third admission's write stage
    model.clock({ ...idle(), wb_we: 1n, wb_slot: 1n, wb_next_layer: 2n, wb_last_run: 99n, wb_ratio_sum: 5n, wb_gamma: 6n, wb_pred: 77n });
    model.clock({ ...idle(), host_slot: 2n });
    const slot2 = model.outputs(idle()).host;
    expect(slot2).toMatchObject({ variant: 3n, deadline: 1002n, scale: 7n, seq: 2n, next_layer: 0n, last_run: 50n, ratio_sum: 0n, gamma: 1n << BigInt(f.gammaFrac), pred: 4242n });
    model.clock({ ...idle(), host_slot: 1n });
    expect(model.outputs(idle())).toMatchObject({ host_valid: 1n, host: { variant: 2n, seq: 1n, next_layer: 2n, last_run: 99n, ratio_sum: 5n, gamma: 6n, pred: 77n }, valid_count: 3n, free_slot: 3n });
  });
});
