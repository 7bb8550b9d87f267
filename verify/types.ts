// What every suite of the regression shares: the names, a case's result, the context a suite runs
// in, and how a suite is planned (its case names, known before anything runs) and run.
import type { HwConfig } from '../hwgen/index.ts';

export const SUITE_NAMES = ['npu', 'scheduler', 'trace', 'system'] as const;
export type SuiteName = (typeof SUITE_NAMES)[number];

/** pass: equal to the golden model; fail: a difference (or the RTL broke the host protocol); error: the run could not finish. */
export type CaseStatus = 'pass' | 'fail' | 'error' | 'skipped';

export interface CaseResult {
  suite: SuiteName;
  name: string;
  /** The pass it ran in, when not the normal one (`X seed 2`: an X-pessimism pass). */
  pass?: string;
  /** What the case exercises. */
  about: string;
  status: CaseStatus;
  /** Layers (npu, system) or decisions (scheduler, trace) compared with the golden model. */
  checked: number;
  unit: 'layers' | 'decisions';
  /** Clock cycles of the design the case covered (scheduler time includes waits skipped in one step). */
  simCycles: number;
  wallSeconds: number;
  /** One line: the first mismatch (fail), what went wrong (error), why not run (skipped). */
  message?: string;
  /** More lines for the report: the first difference with both models' scores, and so on. */
  detail?: string;
  waveform?: string;
  gtkw?: string;
  /** The simulator's command log, and the shell command that replays it without Node. */
  commandLog?: string;
  replay?: string;
  /** Suite-specific figures for the JSON report (the trace suite's whole report). */
  data?: Record<string, unknown>;
}

export interface PlannedCase {
  name: string;
  about: string;
}

export interface SuiteContext {
  /** The design under test: a folder with manifest.json and its configuration. */
  rtlDir: string;
  config: HwConfig;
  /** A private scratch folder (generated variant designs); removed after the run. */
  workDir: string;
  /** Where a case's waveform goes (.fst or .vcd), or undefined for none. */
  waveFor(suite: SuiteName, name: string): string | undefined;
  /** Progress for long runs (stderr). */
  progress(line: string): void;
  /** Called as soon as a case is done (the per-case line). */
  onCase(result: CaseResult): void;
  /** How the simulators of the design under test are built and started (coverage, X values, held inputs). */
  instrument: Instrument;
  /** Stop a suite at its first failing case (the rest are skipped): a mutation run needs one failure. */
  stopAfterFailure: boolean;
}

/** Builds and runs beyond the plain one; each is a different binary (cache key) or run option. */
export interface Instrument {
  /** Line and toggle coverage: every session on the design under test writes a .dat into this folder. */
  coverageDir?: string;
  /** X-pessimism: build with --x-assign/--x-initial unique, start every register without a reset from this seed. */
  xSeed?: number;
  /** Inputs held for the whole run (a mutant selector). */
  pokes?: Readonly<Record<string, bigint | number>>;
  /** Milliseconds one simulator command may take before it counts as hung. */
  timeoutMs?: number;
}

let sessions = 0;

/**
 * Build and start options of a simulator of `suite` on the design under test (`ownDesign`), or on a
 * variant design the suite generated itself (then only the held inputs and the timeout apply: its
 * coverage would not belong to the design under test, and its X pass is the design's own).
 */
export function instrumented(ctx: Pick<SuiteContext, 'instrument'>, suite: SuiteName, ownDesign = true) {
  const i = ctx.instrument;
  const coverage = ownDesign && i.coverageDir !== undefined;
  return {
    build: { coverage, xUnique: ownDesign && i.xSeed !== undefined },
    start: {
      ...(i.timeoutMs ? { timeoutMs: i.timeoutMs } : {}),
      ...(ownDesign && i.xSeed !== undefined ? { randomSeed: i.xSeed } : {}),
      ...(coverage ? { coverageFile: `${i.coverageDir}/${suite}-${process.pid}-${++sessions}.dat` } : {}),
      ...(i.pokes ? { pokes: i.pokes } : {}),
    },
  };
}

export interface PlannedSuite {
  suite: SuiteName;
  cases: PlannedCase[];
  /** Runs the selected cases in order; returns their results (onCase was called for each). */
  run(ctx: SuiteContext, selected: ReadonlySet<string>): Promise<CaseResult[]>;
}

/** The trace flavour a simulator needs for the waves of its selected cases. */
export function traceFlavour(waves: readonly (string | undefined)[]): 'none' | 'fst' | 'vcd' {
  const first = waves.find((w) => w !== undefined);
  return first === undefined ? 'none' : /\.vcd$/i.test(first) ? 'vcd' : 'fst';
}
