// The regression: planned suites, a case selection, waveforms per case, results in order. The
// caller (cli/cosim.ts, bench/cosim.ts, later `dysta mutate`) plans the suites for a design and
// gets back every case's result and the per-suite summary.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HwConfig } from '../hwgen/index.ts';
import { SUITE_NAMES, type CaseResult, type Instrument, type PlannedSuite, type SuiteName } from './types.ts';

export interface SuiteSummary {
  suite: SuiteName;
  /** The pass, when not the normal one (an X-pessimism pass). */
  pass?: string;
  cases: number;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  checked: number;
  unit: CaseResult['unit'];
  simCycles: number;
  wallSeconds: number;
  result: 'pass' | 'fail' | 'skipped';
}

export interface RegressionResult {
  cases: CaseResult[];
  suites: SuiteSummary[];
  wallSeconds: number;
  passed: boolean;
}

export interface RegressionOptions {
  rtlDir: string;
  config: HwConfig;
  suites: readonly PlannedSuite[];
  /** Cases to run (`name` or `suite/name`); all when empty. */
  only?: readonly string[];
  /** Waveform of a case: the file to record it into, or undefined. */
  waveFor?: (suite: SuiteName, name: string) => string | undefined;
  progress?: (line: string) => void;
  onCase?: (result: CaseResult) => void;
  /** Coverage, X values, held inputs, timeout (see Instrument); none by default. */
  instrument?: Instrument;
  /** A label for the results of this run (`X seed 1`). */
  pass?: string;
  /** Stop each suite at its first failing case. */
  stopAfterFailure?: boolean;
}

/** Error for a case selection that names no case (a usage error, exit code 2). */
export class SelectionError extends Error {
  readonly userError = true as const;
  readonly exitCode = 2;
}

/** Which cases of the planned suites `only` selects; throws SelectionError naming the unknown ones. */
export function selectCases(suites: readonly PlannedSuite[], only: readonly string[] = []): Map<SuiteName, Set<string>> {
  const selected = new Map<SuiteName, Set<string>>();
  for (const s of suites) selected.set(s.suite, new Set(only.length ? [] : s.cases.map((c) => c.name)));
  for (const want of only) {
    const slash = want.indexOf('/');
    const [suite, name] = slash > 0 && (SUITE_NAMES as readonly string[]).includes(want.slice(0, slash)) ? [want.slice(0, slash), want.slice(slash + 1)] : [undefined, want];
    const hits = suites.filter((s) => (suite === undefined || s.suite === suite) && s.cases.some((c) => c.name === name));
    if (!hits.length) {
      const known = suites.flatMap((s) => s.cases.map((c) => `${s.suite}/${c.name}`));
      throw new SelectionError(`--case ${want}: no such case in the selected suites; the cases are ${known.slice(0, 40).join(', ')}${known.length > 40 ? ', ...' : ''}`);
    }
    for (const s of hits) selected.get(s.suite)!.add(name);
  }
  return selected;
}

export function summarise(suite: PlannedSuite, results: readonly CaseResult[], wallSeconds: number, pass?: string): SuiteSummary {
  const n = (status: CaseResult['status']) => results.filter((r) => r.status === status).length;
  const failed = n('fail');
  const errors = n('error');
  const skippedCount = n('skipped');
  return {
    suite: suite.suite,
    ...(pass ? { pass } : {}),
    cases: results.length,
    passed: n('pass'),
    failed,
    errors,
    skipped: skippedCount,
    checked: results.reduce((a, r) => a + r.checked, 0),
    unit: suite.suite === 'npu' || suite.suite === 'system' ? 'layers' : 'decisions',
    simCycles: results.reduce((a, r) => a + r.simCycles, 0),
    wallSeconds,
    result: failed + errors > 0 ? 'fail' : skippedCount === results.length ? 'skipped' : 'pass',
  };
}

export async function runRegression(o: RegressionOptions): Promise<RegressionResult> {
  const started = performance.now();
  const selected = selectCases(o.suites, o.only);
  const workDir = mkdtempSync(join(tmpdir(), 'dysta-regression-'));
  const cases: CaseResult[] = [];
  const suites: SuiteSummary[] = [];
  try {
    for (const suite of o.suites) {
      const chosen = selected.get(suite.suite)!;
      if (!chosen.size) continue;
      const t0 = performance.now();
      const label = (r: CaseResult): CaseResult => (o.pass ? { ...r, pass: o.pass } : r);
      const results = (
        await suite.run(
          {
            rtlDir: o.rtlDir,
            config: o.config,
            workDir,
            waveFor: o.waveFor ?? (() => undefined),
            progress: o.progress ?? (() => {}),
            onCase: (r) => o.onCase?.(label(r)),
            instrument: o.instrument ?? {},
            stopAfterFailure: o.stopAfterFailure ?? false,
          },
          chosen,
        )
      ).map(label);
      cases.push(...results);
      suites.push(summarise(suite, results, (performance.now() - t0) / 1000, o.pass));
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  return { cases, suites, wallSeconds: (performance.now() - started) / 1000, passed: cases.every((c) => c.status === 'pass' || c.status === 'skipped') };
}

/** Several runs (a normal pass and X-pessimism passes) as one result, for the summary and the reports. */
export function mergeResults(results: readonly RegressionResult[]): RegressionResult {
  return {
    cases: results.flatMap((r) => r.cases),
    suites: results.flatMap((r) => r.suites),
    wallSeconds: results.reduce((a, r) => a + r.wallSeconds, 0),
    passed: results.every((r) => r.passed),
  };
}
