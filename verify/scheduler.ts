// Suite `scheduler`: the scheduler RTL (dysta_scheduler, the configured table size and score path)
// on the seeded random scenarios and corner cases of scheduler-cases.ts. Each case is one `sched_run`
// transaction; its log must equal the golden model's line for line (every decision, score, gamma,
// P, time, admission, refusal, completion and counter), and the case's own independent checks hold.
import { resolve } from 'node:path';
import { SchedulerSim } from '../cosim/scheduler/driver.ts';
import type { HwConfig } from '../hwgen/index.ts';
import { compareLogs, describeDifference } from '../compare/log-diff.ts';
import { expectedLog } from '../compare/scheduler-harness-model.ts';
import { runBeside } from '../compare/trace-cosim.ts';
import { Mismatch, ScenarioError, runOnSimulator, skipped } from './case-run.ts';
import { checkSelectionRule, parseDecisions, schedulerCases } from './scheduler-cases.ts';
import { traceFlavour, type PlannedSuite } from './types.ts';

export function planScheduler(config: HwConfig, o: { seed: number }): PlannedSuite {
  const cases = schedulerCases(config.scheduler, { seed: o.seed, lanes: config.peArray.lanes });
  return {
    suite: 'scheduler',
    cases: cases.map(({ name, about }) => ({ name, about })),
    async run(ctx, selected) {
      const chosen = cases.filter((c) => selected.has(c.name));
      const runnable = chosen.filter((c) => !c.skip);
      const trace = traceFlavour(runnable.map((c) => ctx.waveFor('scheduler', c.name)));
      if (runnable.length) ctx.progress(`scheduler: opening the dysta_scheduler simulator (D = ${config.scheduler.log2Tasks}; built once per design, then cached)`);
      const ran = runnable.length
        ? await runOnSimulator('scheduler', 'decisions', runnable, {
            open: () => SchedulerSim.open(ctx.rtlDir, { trace, log: ctx.progress }),
            onCase: ctx.onCase,
            run: async (sim, c) => {
              const wave = ctx.waveFor('scheduler', c.name);
              const { run, value: golden } = await runBeside(sim, c.script!, { evStall: c.evStall ?? 0, ...(wave ? { wave: resolve(wave) } : {}) }, () => expectedLog(config.scheduler, c.script!, c.evStall ?? 0));
              const cmp = compareLogs(run.lines, golden);
              const figures = { checked: run.decisions, simCycles: Number(run.endTime), ...(wave ? { waveform: wave } : {}), ...(run.gtkw ? { gtkw: run.gtkw } : {}) };
              if (!cmp.identical) {
                const message = `RTL log differs from the golden model at line ${cmp.first!.line + 1} of ${cmp.goldenLines}: RTL "${cmp.first!.rtl ?? '(end)'}", golden "${cmp.first!.golden ?? '(end)'}"`;
                return { ...figures, mismatch: new Mismatch(message, `${describeDifference(cmp)}\n  RTL log: ${run.logPath}`) };
              }
              const rule = checkSelectionRule(parseDecisions(run.lines));
              if (rule) return { ...figures, mismatch: new Mismatch(`selection rule: ${rule}`) };
              const own = c.check?.(run.lines);
              if (own) throw new ScenarioError(`the case did not exercise what it is for: ${own}`);
              return figures;
            },
          })
        : [];
      // Skipped cases are reported in their planned place.
      return chosen.map((c) => {
        if (!c.skip) return ran.find((r) => r.name === c.name)!;
        const r = skipped('scheduler', c, 'decisions', c.skip);
        ctx.onCase(r);
        return r;
      });
    },
  };
}
