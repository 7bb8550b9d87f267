// The stored fields of admitted tasks read back through READ_TASK, every bit: the script cases' log
// reads status, gamma, P, ratio sum, last run and sequence number, but the deadline and the penalty
// scale only reach the log through scores, where a saturated urgency or penalty hides their high
// bits. This case fills the table with requests whose deadlines, arrivals and scales are random over
// their whole widths (every bit set in some slot and clear in another), then reads fields 5, 7 and 8
// of every slot and compares them with the golden model's task table.
import type { SchedulerConfig } from '../hwgen/config/index.ts';
import { GoldenScheduler, schedulerFormats } from '../hwgen/scheduler/golden.ts';
import { TASK_FIELD, maxOf } from '../hwgen/scheduler/formats.ts';
import { SCHED_CMD, type ScriptVariant } from '../cosim/scheduler/driver.ts';
import { Mismatch, expectEqual } from './case-run.ts';
import { SchedCycleHost, admitted } from './scheduler-host.ts';
import { Rng } from './scheduler-scenarios.ts';
import type { SchedulerCase } from './scheduler-cases.ts';

export function taskFieldsCase(cfg: SchedulerConfig, seed: number, variant: ScriptVariant): SchedulerCase {
  const f = schedulerFormats(cfg);
  return {
    name: 'task-fields',
    about: `all ${f.tasks} slots admitted with deadlines, arrivals and penalty scales random over every bit; READ_TASK fields 5, 7, 8 of each compared with the golden model`,
    run: async (sim) => {
      const rng = new Rng(seed * 131 + 17);
      const h = new SchedCycleHost(sim.session, sim.shape, { timeSkip: cfg.timeSkip === 1 });
      const golden = new GoldenScheduler(cfg);
      await h.reset();
      await h.program(variant);
      golden.program(variant.variant, { nlayers: variant.nlayers, suffix0: variant.suffix0, layers: variant.layers.map((l) => ({ recip: { mant: l.mant, shift: l.shift }, suffixNext: l.suffixNext })) });
      // Half of each field's values in its top half, so the top bits are both set and clear.
      const value = (width: number) => (rng.chance(0.5) ? rng.big(0n, maxOf(width)) : rng.big(0n, maxOf(width - 1)));
      for (let i = 0; i < f.tasks; i++) {
        const r = { variant: variant.variant, deadline: value(f.timeWidth), arrival: value(f.timeWidth), scale: value(f.penaltyScaleWidth) };
        h.offer(r);
        let e = await h.edge();
        for (let wait = 0; !admitted(e); wait++) {
          if (wait > 10_000) throw new Mismatch(`admission ${i} not accepted within 10000 cycles`);
          e = await h.edge();
        }
        h.offer(undefined);
        const slot = golden.admit(r);
        expectEqual(Number(e.adm_slot!), slot ?? -1, `slot of admission ${i}`);
      }
      let checked = 0;
      for (let slot = 0; slot < f.tasks; slot++) {
        const t = golden.task(slot)!;
        expectEqual(await h.read(SCHED_CMD.READ_TASK, slot, BigInt(TASK_FIELD.DEADLINE)), t.deadline, `READ_TASK deadline of slot ${slot}`);
        expectEqual(await h.read(SCHED_CMD.READ_TASK, slot, BigInt(TASK_FIELD.PENALTY_SCALE)), t.scale, `READ_TASK penalty scale of slot ${slot}`);
        expectEqual(await h.read(SCHED_CMD.READ_TASK, slot, BigInt(TASK_FIELD.SEQ)), t.seq, `READ_TASK sequence number of slot ${slot}`);
        checked++;
      }
      return { checked, simCycles: h.edgeCount };
    },
  };
}
