// Shared helpers of the scheduler suites: generate a design for a scheduler config into a temp
// folder, open the cached Verilator simulator, and check a run against the golden model.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { SchedulerSim, type SchedRun, type SchedScript } from '../../cosim/scheduler/driver.ts';
import { generateDesign, parseConfig, writeDesign, type HwConfig } from '../../hwgen/index.ts';
import { expectedLog } from '../../compare/scheduler-harness-model.ts';

export function schedulerDesign(scheduler: Record<string, number>, name: string): { config: HwConfig; dir: string } {
  const config = parseConfig({ scheduler });
  const dir = join(mkdtempSync(join(tmpdir(), `dysta-sched-${name}-`)), 'rtl');
  writeDesign(generateDesign(config), dir);
  return { config, dir };
}

export async function openScheduler(scheduler: Record<string, number>, name: string, trace: 'none' | 'fst' | 'vcd' = 'none'): Promise<{ config: HwConfig; sim: SchedulerSim; dir: string }> {
  const { config, dir } = schedulerDesign(scheduler, name);
  const sim = await SchedulerSim.open(dir, { trace, start: { logDir: join(dir, '..', 'logs') } });
  return { config, sim, dir };
}

/** Runs the script on the RTL and asserts the log equals the golden model's, line for line. */
export async function runAndCompare(sim: SchedulerSim, config: HwConfig, script: SchedScript, evStall = 0): Promise<SchedRun> {
  const expected = expectedLog(config.scheduler, script, evStall);
  const got = await sim.run(script, 1_000_000, { evStall });
  const firstDiff = expected.findIndex((line, i) => got.lines[i] !== line);
  if (firstDiff >= 0 || got.lines.length !== expected.length) {
    const i = firstDiff >= 0 ? firstDiff : Math.min(expected.length, got.lines.length);
    const ctx = (xs: string[]) => xs.slice(Math.max(0, i - 3), i + 3).join('\n      ');
    expect.fail(`RTL log differs from the golden model at line ${i} (session ${sim.session.logPath}):\n  golden:\n      ${ctx(expected)}\n  rtl:\n      ${ctx(got.lines)}`);
  }
  return got;
}

export interface ParsedDecision {
  tSel: bigint;
  tEvent: bigint;
  slot: number;
  req: number;
  layer: number;
  score: bigint;
  /** slot -> score of every valid slot at this decision. */
  scores: Map<number, bigint>;
  /** slot -> request index (admission order) of every valid slot at this decision. */
  occupants: Map<number, number>;
}

/** Decisions of a log with the scores read back and who occupied each slot. */
export function parseDecisions(lines: readonly string[]): ParsedDecision[] {
  const occ = new Map<number, number>();
  const out: ParsedDecision[] = [];
  let cur: ParsedDecision | undefined;
  for (const line of lines) {
    const p = line.split(' ');
    switch (p[0]) {
      case 'A':
        occ.set(Number(p[2]), Number(p[1]));
        break;
      case 'C':
        occ.delete(Number(p[1]));
        break;
      case 'D':
        cur = { tSel: BigInt(p[1]!), tEvent: BigInt(p[2]!), slot: Number(p[3]), req: Number(p[4]), layer: Number(p[5]), score: BigInt(p[6]!), scores: new Map(), occupants: new Map(occ) };
        out.push(cur);
        break;
      case 'S':
        cur!.scores.set(Number(p[1]), BigInt(p[2]!));
        break;
    }
  }
  return out;
}
