// Suite `scheduler`: the scheduler RTL (dysta_scheduler, the configured table size and score path)
// on the seeded random scenarios and corner cases of scheduler-cases.ts, the documented numbers of
// scheduler-literal.ts and the hostile host of scheduler-contract.ts. A script case is one
// `sched_run` transaction; its log must equal the golden model's line for line (every decision,
// score, gamma, P, time, admission, refusal, completion and counter), and the case's own independent
// checks hold (selection rule, literal timing, tables by an independent formula). A hostile case
// drives the ports cycle by cycle and checks the interface contract at every edge.
import { resolve } from 'node:path';
import { SchedulerSim } from '../cosim/scheduler/driver.ts';
import type { HwConfig } from '../hwgen/index.ts';
import { CompactLog, compareLogs, describeDifference } from '../compare/log-diff.ts';
import { playHarness } from '../compare/scheduler-harness-model.ts';
import { runBeside } from '../compare/trace-cosim.ts';
import { Mismatch, ScenarioError, runOnSimulator, skipped } from './case-run.ts';
import { checkSelectionRule, parseDecisions, rememberDecisions, schedulerCases, type ParsedDecision } from './scheduler-cases.ts';
import { hostileCases } from './scheduler-contract.ts';
import { checkDocumentedTiming, literalCases } from './scheduler-literal.ts';
import { instrumented, traceFlavour, type PlannedSuite } from './types.ts';
import { schedulerFormats } from '../hwgen/index.ts';

export function planScheduler(config: HwConfig, o: { seed: number }): PlannedSuite {
  const cases = [...schedulerCases(config.scheduler, { seed: o.seed, lanes: config.peArray.lanes, maxRows: config.peArray.maxRows }), ...literalCases(config.scheduler), ...hostileCases(config.scheduler, o.seed)];
  const units = schedulerFormats(config.scheduler).units;
  // Each script case's golden log, computed once (the X-pessimism passes run the same scripts),
  // kept compactly (CompactLog: the S lines, most of a log, as numbers, never formatted unless a
  // report needs them) and compared with the RTL's log text in place. Once the RTL's log has equalled
  // it, line for line, that text is the golden log's text: later passes compare with it as one string.
  //
  // The checks that read only the log (the selection rule, the documented timing, a case's own) run
  // on the RTL log only once it equals the golden log line for line, so their outcome is the one on
  // the golden log: found once per case, while the simulator runs the first pass, from the golden
  // model's decisions as it logged them (no text parsed back) and its other lines.
  type Outcome = { mismatch?: string; scenario?: string; error?: unknown };
  const expected = new Map<string, { log: CompactLog | string; outcome: Outcome }>();
  const logChecks = (c: (typeof cases)[number], lines: readonly string[]): Outcome => {
    try {
      const rule = checkSelectionRule(parseDecisions(lines));
      if (rule) return { mismatch: `selection rule: ${rule}` };
      if (c.timed) checkDocumentedTiming(c.script!, lines, units);
      c.verify?.(lines);
      const own = c.check?.(lines);
      return own ? { scenario: own } : {};
    } catch (error) {
      return { error };
    }
  };
  const golden = (c: (typeof cases)[number]) => {
    let g = expected.get(c.name);
    if (!g) {
      const log = new CompactLog();
      const decisions: ParsedDecision[] = [];
      playHarness(config.scheduler, c.script!, { evStall: c.evStall ?? 0, onLogged: (d) => decisions.push(d), onScore: (slot, score) => log.score(slot, score) }, (line) => log.add(line));
      rememberDecisions(log.textLines(), decisions);
      expected.set(c.name, (g = { log, outcome: logChecks(c, log.textLines()) }));
    }
    return g;
  };
  return {
    suite: 'scheduler',
    cases: cases.map(({ name, about }) => ({ name, about })),
    async run(ctx, selected) {
      const chosen = cases.filter((c) => selected.has(c.name));
      const runnable = chosen.filter((c) => !c.skip);
      const trace = traceFlavour(runnable.map((c) => ctx.waveFor('scheduler', c.name)));
      const { build, start } = instrumented(ctx, 'scheduler');
      if (runnable.length) ctx.progress(`scheduler: opening the dysta_scheduler simulator (D = ${config.scheduler.log2Tasks}; built once per design, then cached)`);
      const ran = runnable.length
        ? await runOnSimulator('scheduler', 'decisions', runnable, {
            open: () => SchedulerSim.open(ctx.rtlDir, { trace, log: ctx.progress, ...build, start: { timeoutMs: 600_000, ...start } }),
            onCase: ctx.onCase,
            stopAfterFailure: ctx.stopAfterFailure,
            // A cycle-level case may have stopped anywhere: start the next case from reset.
            afterFailure: (sim) => sim.session.reset(2).then(() => {}),
            run: async (sim, c) => {
              const wave = ctx.waveFor('scheduler', c.name);
              if (c.run) {
                if (wave) await sim.session.waveOn(resolve(wave));
                try {
                  return { ...(await c.run(sim)), ...(wave ? { waveform: wave } : {}) };
                } finally {
                  if (wave) await sim.session.waveOff();
                }
              }
              const { run, value: gold } = await runBeside(sim, c.script!, { evStall: c.evStall ?? 0, ...(wave ? { wave: resolve(wave) } : {}) }, () => golden(c));
              const figures = { checked: run.decisions, simCycles: Number(run.endTime), ...(wave ? { waveform: wave } : {}), ...(run.gtkw ? { gtkw: run.gtkw } : {}) };
              const same = typeof gold.log === 'string' ? run.text === gold.log : gold.log.equals(run.text);
              if (same) gold.log = run.text;
              const cmp = same ? undefined : compareLogs(run.lines, typeof gold.log === 'string' ? gold.log.split('\n').slice(0, -1) : gold.log.toLines());
              if (cmp && !cmp.identical) {
                const message = `RTL log differs from the golden model at line ${cmp.first!.line + 1} of ${cmp.goldenLines}: RTL "${cmp.first!.rtl ?? '(end)'}", golden "${cmp.first!.golden ?? '(end)'}"`;
                return { ...figures, mismatch: new Mismatch(message, `${describeDifference(cmp)}\n  RTL log: ${run.logPath}`) };
              }
              const checked = gold.outcome;
              if (checked.mismatch) return { ...figures, mismatch: new Mismatch(checked.mismatch) };
              if (checked.error) throw checked.error;
              if (checked.scenario) throw new ScenarioError(`the case did not exercise what it is for: ${checked.scenario}`);
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
