// Running one case: time it, turn what went wrong into a status and a one-line message, and keep
// a simulator that crashed from spoiling the cases after it.
import { SimulatorError } from '../cosim/errors.ts';
import type { CaseResult, CaseStatus, PlannedCase, SuiteName } from './types.ts';

/** A difference between the RTL and the golden model, with the lines that show it. */
export class Mismatch extends Error {
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'Mismatch';
  }
}

/** The case's own checks found that it did not exercise what it is about (a scenario bug, not the RTL). */
export class ScenarioError extends Error {}

export interface CaseOutcome {
  checked: number;
  simCycles: number;
  /** A mismatch found while still producing figures (the case fails with them). */
  mismatch?: Mismatch;
  waveform?: string;
  gtkw?: string;
  data?: Record<string, unknown>;
}

function firstLine(text: string, max = 300): string {
  const line = text.split('\n')[0]!;
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}

/**
 * Runs `body` as the case `c` of `suite` and reports it. A SimulatorError from an `err` reply means
 * the RTL broke the host protocol (a failure); a crash or hang is an error, and `onDeadSimulator`
 * replaces the simulator before the next case.
 */
export async function runCase(
  suite: SuiteName,
  c: PlannedCase,
  unit: CaseResult['unit'],
  session: { logPath: string; replayCommand: string } | undefined,
  body: () => Promise<CaseOutcome>,
  onDeadSimulator?: () => Promise<void>,
): Promise<CaseResult> {
  const started = performance.now();
  const base = { suite, name: c.name, about: c.about, unit, commandLog: session?.logPath, replay: session?.replayCommand };
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const out = await body();
    const status: CaseStatus = out.mismatch ? 'fail' : 'pass';
    return {
      ...base,
      status,
      checked: out.checked,
      simCycles: out.simCycles,
      wallSeconds: seconds(),
      ...(out.mismatch ? { message: out.mismatch.message, detail: out.mismatch.detail } : {}),
      ...(out.waveform ? { waveform: out.waveform } : {}),
      ...(out.gtkw ? { gtkw: out.gtkw } : {}),
      ...(out.data ? { data: out.data } : {}),
    };
  } catch (err) {
    let status: CaseStatus = 'error';
    let message = firstLine(err instanceof Error ? err.message : String(err));
    let detail: string | undefined;
    if (err instanceof Mismatch) {
      status = 'fail';
      detail = err.detail;
    } else if (err instanceof SimulatorError) {
      if (err.kind === 'err') {
        status = 'fail';
        message = `the RTL broke the host protocol: ${message}`;
      } else if (onDeadSimulator) {
        await onDeadSimulator().catch(() => {});
      }
    } else if (!(err instanceof ScenarioError) && !(err as { userError?: boolean }).userError) {
      detail = err instanceof Error ? err.stack : undefined;
    }
    return { ...base, status, checked: 0, simCycles: 0, wallSeconds: seconds(), message, ...(detail ? { detail } : {}) };
  }
}

export function skipped(suite: SuiteName, c: PlannedCase, unit: CaseResult['unit'], why: string): CaseResult {
  return { suite, name: c.name, about: c.about, unit, status: 'skipped', checked: 0, simCycles: 0, wallSeconds: 0, message: why };
}

/** Every case of a suite whose simulator could not be built or started: an error each, with the reason. */
export function unopened(suite: SuiteName, cases: readonly PlannedCase[], unit: CaseResult['unit'], err: unknown, onCase: (r: CaseResult) => void): CaseResult[] {
  const message = `the ${suite} simulator could not be built or started: ${firstLine(err instanceof Error ? err.message : String(err))}`;
  return cases.map((c) => {
    const r: CaseResult = { suite, name: c.name, about: c.about, unit, status: 'error', checked: 0, simCycles: 0, wallSeconds: 0, message };
    onCase(r);
    return r;
  });
}

/** What every driver (NpuTileSim, SchedulerSim, SystemSim) offers: its session, and closing it. */
export interface OpenSimulator {
  session: { logPath: string; replayCommand: string };
  close(): Promise<void>;
}

/**
 * Runs `cases` on one simulator: opens it (every case is an error if that fails), runs each case
 * (reopening it after a crash), reports each to `onCase` as it finishes, and closes it.
 */
export async function runOnSimulator<S extends OpenSimulator, C extends PlannedCase>(
  suite: SuiteName,
  unit: CaseResult['unit'],
  cases: readonly C[],
  o: {
    open: () => Promise<S>;
    run: (sim: S, c: C) => Promise<CaseOutcome>;
    onCase: (r: CaseResult) => void;
    /** After a failed case, before the next (e.g. a reset). */
    afterFailure?: (sim: S) => Promise<void>;
    /** Skip the cases after the first failure (a mutation run). */
    stopAfterFailure?: boolean;
  },
): Promise<CaseResult[]> {
  let sim: S;
  try {
    sim = await o.open();
  } catch (err) {
    return unopened(suite, cases, unit, err, o.onCase);
  }
  const results: CaseResult[] = [];
  let stopped: string | undefined;
  try {
    for (const c of cases) {
      if (stopped) {
        const r = skipped(suite, c, unit, `not run: stopped after the first failure (${stopped})`);
        results.push(r);
        o.onCase(r);
        continue;
      }
      const result = await runCase(suite, c, unit, sim.session, () => o.run(sim, c), async () => {
        await sim.close().catch(() => {});
        sim = await o.open();
      });
      results.push(result);
      o.onCase(result);
      if (o.stopAfterFailure && (result.status === 'fail' || result.status === 'error')) stopped = c.name;
      if (result.status === 'fail' && o.afterFailure) await o.afterFailure(sim).catch(() => {});
    }
  } finally {
    await sim.close();
  }
  return results;
}

/** What a check is about; a function when building the text costs more than the check (one per clock edge). */
export type What = string | (() => string);
const text = (what: What) => (typeof what === 'string' ? what : what());

/** Fails the case (a Mismatch) unless `actual === expected`. */
export function expectEqual<T extends bigint | number | string | boolean>(actual: T, expected: T, what: What): void {
  if (actual !== expected) throw new Mismatch(`${text(what)}: RTL ${String(actual)}, expected ${String(expected)}`);
}

/** Fails the case (a Mismatch) with `what` unless `cond`. */
export function check(cond: boolean, what: What): void {
  if (!cond) throw new Mismatch(text(what));
}
