// What the two executors share: a point runs as its own process, `dysta dse-point --plan P --index I`,
// which writes `points/<id>.json` and `logs/<id>.log` into the output folder. An executor only has to
// start those processes and say when each ended; the results are read from the files, so they are the
// same whichever executor ran them.
import { join } from 'node:path';
import type { Plan } from './plan.ts';

export interface ExecutorContext {
  plan: Plan;
  /** Absolute path of `<out>/plan.json`. */
  planPath: string;
  outDir: string;
  /** Aborted on Ctrl-C / SIGTERM: start nothing more, stop what runs (kill, scancel). */
  signal: AbortSignal;
  /** A point's process ended (its result file may be missing if it crashed or was killed). */
  onEnded(index: number, note?: string): void;
  /** Progress lines for the user (stderr). */
  log(line: string): void;
}

/** The command that runs one point (the project's own CLI entry, so every node runs the same code). */
export function pointCommand(ctx: ExecutorContext, index: number | string, executor: string): string[] {
  return [join(ctx.plan.projectRoot, 'bin', 'dysta.js'), 'dse-point', '--plan', ctx.planPath, '--index', String(index), '--executor', executor];
}

/** Orders points so the most expensive start first (a large task table costs most), which shortens the tail. */
export function costOrder(plan: Plan, indices: readonly number[]): number[] {
  const cost = (i: number) => {
    const c = plan.points[i]!.config.scheduler;
    return 2 ** c.log2Tasks * c.selectorUnits;
  };
  return [...indices].sort((a, b) => cost(b) - cost(a) || a - b);
}
