// Shared helpers of the scheduler suites: generate a design for a scheduler config into a temp
// folder, open the cached Verilator simulator, and check a run against the golden model.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { SchedulerSim, type SchedRun, type SchedScript } from '../../cosim/scheduler/driver.ts';
import { generateDesign, parseConfig, writeDesign, type HwConfig } from '../../hwgen/index.ts';
import { expectedLog } from '../../compare/scheduler-harness-model.ts';
import type { Decision } from '../../hwgen/scheduler/golden.ts';

export function schedulerDesign(scheduler: Record<string, number | string>, name: string): { config: HwConfig; dir: string } {
  const config = parseConfig({ scheduler });
  const dir = join(mkdtempSync(join(tmpdir(), `dysta-sched-${name}-`)), 'rtl');
  writeDesign(generateDesign(config), dir);
  return { config, dir };
}

export async function openScheduler(scheduler: Record<string, number | string>, name: string, trace: 'none' | 'fst' | 'vcd' = 'none'): Promise<{ config: HwConfig; sim: SchedulerSim; dir: string }> {
  const { config, dir } = schedulerDesign(scheduler, name);
  const sim = await SchedulerSim.open(dir, { trace, start: { logDir: join(dir, '..', 'logs') } });
  return { config, sim, dir };
}

/** Runs the script on the RTL and asserts the log equals the golden model's, line for line. */
export async function runAndCompare(sim: SchedulerSim, config: HwConfig, script: SchedScript, evStall = 0, onDecision?: (d: Decision) => void): Promise<SchedRun> {
  const expected = expectedLog(config.scheduler, script, evStall, { onDecision });
  const got = await sim.run(script, 1_000_000, { evStall });
  const firstDiff = expected.findIndex((line, i) => got.lines[i] !== line);
  if (firstDiff >= 0 || got.lines.length !== expected.length) {
    const i = firstDiff >= 0 ? firstDiff : Math.min(expected.length, got.lines.length);
    const ctx = (xs: string[]) => xs.slice(Math.max(0, i - 3), i + 3).join('\n      ');
    expect.fail(`RTL log differs from the golden model at line ${i} (session ${sim.session.logPath}):\n  golden:\n      ${ctx(expected)}\n  rtl:\n      ${ctx(got.lines)}`);
  }
  return got;
}

export { parseDecisions, type ParsedDecision } from '../../verify/scheduler-cases.ts';
