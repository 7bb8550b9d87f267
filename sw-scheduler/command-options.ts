// What the scheduler's commands share: the workload and policy options, their checks (with messages
// that say what to change), the sweep/study grid, the output helpers and the table layout. Each
// command is its own module (workloads-command.ts, simulate-command.ts, sweep-command.ts,
// predictors-command.ts, study-command.ts), loaded only when it runs (cli/commands.ts).
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { checkOutputDir, excerpt, namesStandardOutput } from '../output/index.ts';
import { SchedulerInputError } from './errors.ts';
import { ALL_POLICIES, ALL_POLICY_NAMES, DEFAULT_POLICY_PARAMS, parsePolicyList, type PolicyDefinition, type PolicyParams } from './policies/index.ts';
import { DEFAULT_LAST_N_WINDOW, getPredictor, PREDICTOR_NAMES } from './predictors.ts';
import { DEFAULT_FIT_SPLIT, FIT_SPLIT_NAMES, FIT_SPLITS, regressionFallbacks } from './regression.ts';
import type { ReportTarget } from './report.ts';
import { SANGER_DEFAULT_SEQ_LEN } from './sanger.ts';
import { loadWorkload, workloadCapacity, type SweepConfig, type WorkloadSource } from './sweep.ts';
import type { Workload } from './workload.ts';
import { ZOO, ZOO_DEFAULT_SAMPLES, ZOO_DEFAULT_SEED } from './zoo/zoo.ts';
export interface WorkloadArgs {
  workload?: string;
  'csv-dir'?: string;
  'seq-len': number;
  'zoo-seed'?: number;
  'zoo-samples'?: number;
}

export interface PolicyArgs {
  policies: string;
  alpha: number;
  beta: number;
  sigma?: number;
  lambda?: number;
  tau?: number;
  predictor?: string;
  'last-n': number;
  /** Unset = not given (the default split, parity); kept unset so that an ignored --fit-split can be named. */
  'fit-split'?: string;
  'switch-cost': number;
}

export function workloadOptions<T>(y: Argv<T>) {
  return y
    .option('workload', { type: 'string', describe: `built-in workload: ${ZOO.map((z) => z.name).join(' | ')} (default cnn)`, group: 'Workload:' })
    .option('csv-dir', { type: 'string', describe: 'folder of artifact-format CSV files, one per variant (instead of --workload)', group: 'Workload:' })
    .option('seq-len', { type: 'number', default: SANGER_DEFAULT_SEQ_LEN, describe: "sequence length for Sanger CSVs' latency model", group: 'Workload:' })
    .option('zoo-seed', { type: 'number', describe: `seed of the zoo's per-sample sparsity (default ${ZOO_DEFAULT_SEED})`, group: 'Workload:' })
    .option('zoo-samples', { type: 'number', describe: `samples per zoo variant (default ${ZOO_DEFAULT_SAMPLES})`, group: 'Workload:' })
    .conflicts('workload', 'csv-dir')
    .conflicts('csv-dir', ['zoo-seed', 'zoo-samples']);
}

export function policyOptions<T>(y: Argv<T>, policiesDefault = 'all') {
  return y
    .option('policies', { type: 'string', default: policiesDefault, describe: `comma-separated list or 'all': ${ALL_POLICY_NAMES.join(', ')}`, group: 'Policies:' })
    .option('alpha', { type: 'number', default: DEFAULT_POLICY_PARAMS.alpha, describe: "sdrm3's fairness weight", group: 'Policies:' })
    .option('beta', { type: 'number', default: DEFAULT_POLICY_PARAMS.beta, describe: "dysta's urgency/penalty weight", group: 'Policies:' })
    .option('sigma', { type: 'number', describe: 'mhg: a late task may run if P <= sigma * smallest margin (default 0.25 mhg, 0.1 mhg_vio)', group: 'Policies:' })
    .option('lambda', { type: 'number', describe: 'mhg: run the protected kept task when the cost of the best exceeds lambda (default 1 mhg, 3 mhg_vio)', group: 'Policies:' })
    .option('tau', { type: 'number', describe: 'mhg: mark late the first kept task with P >= (1 - tau) * max P (default 0.1)', group: 'Policies:' })
    .option('predictor', {
      type: 'string',
      choices: PREDICTOR_NAMES as unknown as string[],
      describe: "predicted remaining latency P of every monitor policy (default: each policy's own, average = the paper's; regression for mhg)",
      group: 'Policies:',
    })
    .option('last-n', { type: 'number', default: DEFAULT_LAST_N_WINDOW, describe: 'window of --predictor last-n (layers)', group: 'Policies:' })
    .option('fit-split', {
      type: 'string',
      choices: FIT_SPLIT_NAMES,
      // No yargs default: the handlers need to know whether it was given (see ignoredOptionNotes).
      describe: `training samples of the regression predictor (default ${DEFAULT_FIT_SPLIT}): ${FIT_SPLITS.map((f) => `${f.name} = ${f.description}`).join('; ')}`,
      group: 'Policies:',
    })
    .option('switch-cost', { type: 'number', default: 0, describe: 'seconds added when a layer runs for another task than the previous layer (0 = the published semantics)', group: 'Policies:' });
}

export function workloadSource(args: WorkloadArgs): WorkloadSource {
  if (args['csv-dir'] !== undefined) return { kind: 'csv', dir: args['csv-dir'], seqLen: args['seq-len'] };
  return { kind: 'zoo', name: args.workload ?? 'cnn', seed: args['zoo-seed'], samples: args['zoo-samples'] };
}

export function checkFinite(name: string, value: number, positive = false): void {
  if (!Number.isFinite(value) || (positive && value <= 0)) throw new SchedulerInputError(`--${name} must be a ${positive ? 'positive ' : ''}number, got ${value}.`);
}

export function checkPolicyArgs(args: PolicyArgs): void {
  checkFinite('alpha', args.alpha);
  checkFinite('beta', args.beta);
  if (args.sigma !== undefined && !(Number.isFinite(args.sigma) && args.sigma >= 0)) throw new SchedulerInputError(`--sigma must be a number >= 0, got ${args.sigma}.`);
  if (args.lambda !== undefined) checkFinite('lambda', args.lambda);
  if (args.tau !== undefined && !(args.tau >= 0 && args.tau <= 1)) throw new SchedulerInputError(`--tau must be a number from 0 to 1, got ${args.tau}.`);
  if (!(Number.isFinite(args['switch-cost']) && args['switch-cost'] >= 0)) throw new SchedulerInputError(`--switch-cost must be a non-negative number of seconds, got ${args['switch-cost']}.`);
  getPredictor(args.predictor ?? 'average', args['last-n'], args['fit-split']); // fail here, not in every worker
}

export function policyParams(args: PolicyArgs): PolicyParams {
  return { alpha: args.alpha, beta: args.beta, sigma: args.sigma, lambda: args.lambda, tau: args.tau };
}

/** Whether any of the policies runs the regression predictor (its own default or --predictor regression). */
function usesRegression(policies: readonly PolicyDefinition[], args: PolicyArgs): boolean {
  return policies.some((p) => p.prediction === 'monitor' && (args.predictor ?? p.defaultPredictor) === 'regression');
}

/** Lines saying which variants fall back from the regression predictor, if any policy uses it. */
export function regressionNotes(workload: Workload, policies: readonly PolicyDefinition[], args: PolicyArgs): string[] {
  return usesRegression(policies, args) ? regressionFallbacks(workload, args['fit-split']) : [];
}

/**
 * `note:` lines (with the prefix) for --predictor and --fit-split when they were given but none of the
 * selected policies uses them, so that they are not silently ignored. Empty otherwise.
 */
export function ignoredOptionNotes(policies: readonly PolicyDefinition[], args: PolicyArgs): string[] {
  const monitored = ALL_POLICIES.filter((p) => p.prediction === 'monitor');
  const notes: string[] = [];
  if (args.predictor !== undefined && !policies.some((p) => p.prediction === 'monitor')) {
    notes.push(`note: --predictor applies only to ${monitored.map((p) => p.name).join(', ')}; none of the selected policies uses it`);
  }
  if (args['fit-split'] !== undefined && !usesRegression(policies, args)) {
    const byDefault = monitored.filter((p) => p.defaultPredictor === 'regression').map((p) => p.name);
    notes.push(
      `note: --fit-split applies only to the regression predictor (${byDefault.join(', ')} by default, or ${monitored.map((p) => p.name).join(', ')} with --predictor regression); none of the selected policies uses it`,
    );
  }
  return notes;
}

export function writeIgnoredOptionNotes(policies: readonly PolicyDefinition[], args: PolicyArgs): void {
  for (const line of ignoredOptionNotes(policies, args)) process.stderr.write(`${line}\n`);
}

/** Parse a comma-separated list of numbers for option `name`; an empty item (`0.9,,1`) is an error. */
export function parseNumberList(name: string, text: string, options: { integer?: boolean; positive?: boolean } = {}): number[] {
  const parts = String(text).split(',').map((s) => s.trim());
  if (parts.every((p) => p === '')) throw new SchedulerInputError(`--${name} needs at least one value (comma-separated).`);
  return parts.map((p, i) => {
    if (p === '') throw new SchedulerInputError(`--${name}: item ${i + 1} of '${excerpt(String(text), 80)}' is empty; remove the extra comma.`);
    const v = Number(p);
    if (!Number.isFinite(v) || (options.integer && !Number.isInteger(v)) || (options.positive && v <= 0) || (options.integer && v < 0)) {
      throw new SchedulerInputError(`--${name}: '${excerpt(p, 40)}' is not a ${options.positive ? 'positive ' : options.integer ? 'non-negative ' : ''}${options.integer ? 'whole number' : 'number'}.`);
    }
    return v;
  });
}

/** Most worker threads a sweep may start: more than this only costs memory (each loads the workload). */
export function maxThreads(): number {
  return Math.max(16, 4 * availableParallelism());
}

/**
 * The stream for a command's human-readable lines: stdout, unless one of its file outputs is `-`
 * (standard output), then stderr, so the machine-readable output stays clean. At most one output may
 * be `-`, and two outputs may not name the same file.
 */
export function textStream(outputs: Record<string, string | undefined>): NodeJS.WriteStream {
  const given = Object.entries(outputs).filter((e): e is [string, string] => e[1] !== undefined);
  const toStdout = given.filter(([, path]) => namesStandardOutput(path));
  if (toStdout.length > 1) throw new SchedulerInputError(`${toStdout.map(([flag]) => flag).join(' and ')} both name standard output (-); send one of them to a file.`);
  for (let i = 0; i < given.length; i++) {
    for (let j = i + 1; j < given.length; j++) {
      if (!namesStandardOutput(given[i]![1]) && resolve(given[i]![1]) === resolve(given[j]![1])) {
        throw new SchedulerInputError(`${given[i]![0]} and ${given[j]![0]} name the same file ${excerpt(given[i]![1])}; give each its own.`);
      }
    }
  }
  return toStdout.length ? process.stderr : process.stdout;
}

/** A path for "wrote ..." lines: `-` reads as standard output. */
export function shownPath(path: string): string {
  return path === '-' ? 'standard output' : excerpt(path);
}

/** The --out of a report command (sweep, predictors, study): the given folder, or reports/<kind>-<workload>. */
export function reportTarget(out: string | undefined, kind: string, workloadName: string): ReportTarget {
  return out !== undefined ? { dir: out, isDefault: false } : { dir: `reports/${kind}-${workloadName}`, isDefault: true };
}

/** Checks a report folder before the long work starts (the write applies the same rule). */
export function checkReportTarget(target: ReportTarget): void {
  checkOutputDir(target.dir, '--out', { parents: target.isDefault });
}

export function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/** The --help paragraph of the commands that write files: the one output rule, in a user's words. */
export const OUTPUT_RULE_HELP =
  'Outputs: a file option takes a path, or - for standard output (the tables then go to stderr); a regular file is replaced atomically, ' +
  'a symlink is written through, a device or FIFO is written directly. A folder option (--out, --export-csv) creates the folder, or replaces ' +
  'one that dysta wrote (it holds a .dysta-output marker; files you added to it are kept); any other folder, the working folder and its parents are never replaced. ' +
  'Every output is checked before the work starts.';

export function formatTable(header: string[], rows: string[][], rightAligned: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i], rightAligned[i])).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * `--seeds N --first-seed S` -> [S, S+1, ..., S+N-1]. `--seeds` is a count in every command (sweep,
 * study, cosim); a list such as `1,2,3` is refused by the CLI with the equivalent count.
 */
export function seedRange(count: number, first: number, least = 1): number[] {
  if (!(Number.isInteger(count) && count >= least && count <= 100_000)) {
    throw new SchedulerInputError(`--seeds must be a whole number from ${least} to 100000${least > 1 ? ` (intervals need ${least})` : ''}, got ${count}.`);
  }
  if (!(Number.isInteger(first) && first >= 0 && first + count - 1 <= 0x7fffffff)) {
    throw new SchedulerInputError(`--first-seed must be a whole number >= 0 (and the last seed <= 2147483647), got ${first}.`);
  }
  return Array.from({ length: count }, (_, i) => first + i);
}
export interface GridArgs extends WorkloadArgs, PolicyArgs {
  rates?: string;
  loads: string;
  'slo-mults': string;
  requests: number;
  threads: number;
}

/** The sweep/study grid from the command line (rates or loads x SLO multipliers x the given seeds). */
export function gridConfig(args: GridArgs, seeds: number[]): { config: SweepConfig; workload: Workload; capacity: number } {
  checkPolicyArgs(args);
  const definitions = parsePolicyList(args.policies);
  writeIgnoredOptionNotes(definitions, args);
  const policies = definitions.map((p) => p.name);
  const source = workloadSource(args);
  const workload = loadWorkload(source);
  const capacity = workloadCapacity(workload);
  const rates = args.rates !== undefined ? parseNumberList('rates', args.rates, { positive: true }) : parseNumberList('loads', args.loads, { positive: true }).map((l) => l * capacity);
  const sloMults = parseNumberList('slo-mults', args['slo-mults'], { positive: true });
  if (!(Number.isInteger(args.requests) && args.requests >= 1)) throw new SchedulerInputError(`--requests must be a whole number >= 1, got ${args.requests}.`);
  if (!(Number.isInteger(args.threads) && args.threads >= 0 && args.threads <= maxThreads())) {
    throw new SchedulerInputError(`--threads must be a whole number from 0 to ${maxThreads()} (this machine has ${availableParallelism()} cores), got ${args.threads}.`);
  }
  const config: SweepConfig = {
    source,
    rates,
    sloMults,
    seeds,
    requests: args.requests,
    policies,
    params: policyParams(args),
    predictor: args.predictor,
    lastN: args['last-n'],
    fitSplit: args['fit-split'],
    switchCost: args['switch-cost'],
  };
  return { config, workload, capacity };
}
