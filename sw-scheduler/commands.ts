// The scheduler's commands: `dysta workloads`, `dysta simulate`, `dysta sweep`, `dysta predictors`,
// `dysta study` (the last two in predictors-command.ts and study-command.ts). Thin wrappers over
// the library (index.ts); all parsing of lists and checks of option values happen here, with
// messages that say what to change.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Argv, CommandModule } from 'yargs';
import { checkOutputDir, checkOutputFile, excerpt, namesStandardOutput, openOutputStream, writeOutputFile, type OutputStream } from '../output/index.ts';
import { exportCsvFolder } from './csv.ts';
import { simulate, type DecisionRecord } from './engine.ts';
import { SchedulerInputError } from './errors.ts';
import { computeMetrics, metricWarnings, precisionWarnings, requestRecords, type Metrics, type RequestRecord } from './metrics.ts';
import { ALL_POLICIES, ALL_POLICY_NAMES, DEFAULT_POLICY_PARAMS, parsePolicyList, type PolicyDefinition, type PolicyParams } from './policies/index.ts';
import { DEFAULT_LAST_N_WINDOW, getPredictor, predictorFor, PREDICTOR_NAMES } from './predictors.ts';
import { DEFAULT_FIT_SPLIT, FIT_SPLIT_NAMES, FIT_SPLITS, regressionFallbacks } from './regression.ts';
// predictors-command.ts and study-command.ts import helpers from here; the cycle is safe because neither module calls
// the other at load time.
import { predictorsCommand } from './predictors-command.ts';
import { studyCommand } from './study-command.ts';
import type { ReportTarget } from './report.ts';
import { compileTrace, generatePoissonTrace, readTraceFile, traceJson, type Trace } from './requests.ts';
import { SANGER_DEFAULT_SEQ_LEN } from './sanger.ts';
import { loadWorkload, workloadCapacity, type SweepConfig, type WorkloadSource } from './sweep.ts';
import { defaultThreadCount, runSweep } from './sweep-runner.ts';
import { describeWorkload, type Workload } from './workload.ts';
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

function checkFinite(name: string, value: number, positive = false): void {
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

function writeIgnoredOptionNotes(policies: readonly PolicyDefinition[], args: PolicyArgs): void {
  for (const line of ignoredOptionNotes(policies, args)) process.stderr.write(`${line}\n`);
}

/** Parse a comma-separated list of numbers for option `name`. */
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

// ---------------------------------------------------------------------------------------------
// dysta workloads

interface WorkloadsArgs extends WorkloadArgs {
  'export-csv'?: string;
  json?: string;
}

/** Coefficient of variation (sd / mean) of a sample's isolated latency over the variant's samples. */
export function isolatedLatencyCv(v: Workload['variants'][number]): number {
  const n = v.sampleIds.length;
  const iso = Array.from({ length: n }, (_, s) => v.trueSuffix[s * (v.layers + 1)]);
  const mean = iso.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(iso.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return sd / mean;
}

function variantRows(workload: Workload): string[][] {
  // Sub-millisecond workloads (the profiled MNIST CNNs) get more decimals.
  const ms = (x: number) => (x * 1e3).toFixed(x < 1e-3 ? 5 : 3);
  return workload.variants.map((v) => {
    let sparsity = 0;
    for (let l = 0; l < v.layers; l++) sparsity += v.Savg[l];
    return [v.name, v.architecture, String(v.layers), String(v.sampleIds.length), ms(v.Tpat), ms(v.Tarch), (sparsity / v.layers).toFixed(3), `${(100 * isolatedLatencyCv(v)).toFixed(1)}%`];
  });
}

export const workloadsCommand: CommandModule<object, WorkloadsArgs> = {
  command: 'workloads',
  describe: 'List the built-in model zoo, or describe one workload (zoo or CSV folder)',
  builder: (y) =>
    workloadOptions(y)
      .option('export-csv', { type: 'string', describe: 'write the workload as artifact-format CSVs (Eyeriss flavour) into this new folder', group: 'Output:' })
      .option('json', { type: 'string', describe: 'write the description as JSON to this file (- for standard output) instead of tables', group: 'Output:' })
      .example('$0 workloads', 'list the built-in workloads')
      .example('$0 workloads --workload cnn', 'per-variant latency and sparsity of the CNN zoo')
      .example('$0 workloads --csv-dir data/eyerissv2 --json -', 'check and describe a folder of CSVs, as JSON')
      .epilog(OUTPUT_RULE_HELP) as unknown as Argv<WorkloadsArgs>,
  handler: async (args) => {
    if (args['export-csv'] !== undefined) checkOutputDir(args['export-csv'], '--export-csv');
    if (args.json !== undefined) checkOutputFile(args.json, '--json');
    const detailed = args.workload !== undefined || args['csv-dir'] !== undefined || args['export-csv'] !== undefined || args['zoo-seed'] !== undefined || args['zoo-samples'] !== undefined;
    const workloads = detailed ? [loadWorkload(workloadSource(args))] : ZOO.map((z) => loadWorkload({ kind: 'zoo', name: z.name }));
    if (args['export-csv'] !== undefined) {
      const files = exportCsvFolder(workloads[0], args['export-csv']);
      (args.json !== undefined && namesStandardOutput(args.json) ? process.stderr : process.stdout).write(`wrote ${files.length} CSV files to ${args['export-csv']}\n`);
    }
    if (args.json !== undefined) {
      const out = workloads.map((w) => ({
        name: w.name,
        flavour: w.flavour,
        capacity: workloadCapacity(w),
        variants: w.variants.map((v) => ({ name: v.name, architecture: v.architecture, layers: v.layers, samples: v.sampleIds.length, Tpat: v.Tpat, Tarch: v.Tarch, latencyCv: isolatedLatencyCv(v) })),
      }));
      await writeOutputFile(args.json, JSON.stringify(out, null, 1) + '\n', '--json');
      if (!namesStandardOutput(args.json)) process.stdout.write(`wrote ${args.json}\n`);
      return;
    }
    if (args['export-csv'] !== undefined) return;
    for (const w of workloads) {
      const d = describeWorkload(w);
      const entry = ZOO.find((z) => z.name === w.name && !args['csv-dir']);
      process.stdout.write(`${w.name} (${w.flavour} flavour): ${d.variants} variants of ${d.architectures} architectures, >= ${d.samplesMin} samples each\n`);
      if (entry) process.stdout.write(`  ${entry.description}\n`);
      process.stdout.write(`  mean isolated latency ${(d.meanIsolatedLatency * 1e3).toFixed(3)} ms, capacity ${workloadCapacity(w).toFixed(2)} req/s\n\n`);
      process.stdout.write(
        formatTable(['variant', 'architecture', 'layers', 'samples', 'Tpat (ms)', 'Tarch (ms)', 'mean sparsity', 'latency CV'], variantRows(w), [false, false, true, true, true, true, true, true]) + '\n\n',
      );
    }
    if (!detailed) process.stdout.write('Use --workload NAME with simulate/sweep; see sw-scheduler/README.md for the latency model and statistics.\n');
  },
};

// ---------------------------------------------------------------------------------------------
// dysta simulate

interface SimulateArgs extends WorkloadArgs, PolicyArgs {
  trace?: string;
  rate?: number;
  load?: number;
  requests?: number;
  seed?: number;
  'slo-mult'?: number;
  json?: string;
  'trace-out'?: string;
  'decision-log'?: string;
}

export interface SimulationReport {
  readonly policies: Record<string, Metrics & { dispatchesPerRequest: number; requests: RequestRecord[] }>;
}

export const simulateCommand: CommandModule<object, SimulateArgs> = {
  command: 'simulate',
  describe: 'Run scheduling policies on one request trace (given or generated) and report SLO violations, ANTT and STP',
  builder: (y) =>
    policyOptions(workloadOptions(y))
      .option('trace', { type: 'string', describe: 'replay this trace JSON ({"sloMult", "requests": [...]}) instead of generating one', group: 'Requests:' })
      .option('rate', { type: 'number', describe: 'Poisson arrival rate in requests/s', group: 'Requests:' })
      .option('load', { type: 'number', describe: 'arrival rate as a fraction of the workload capacity (default 0.9 when neither --rate nor --trace)', group: 'Requests:' })
      // No yargs defaults here: yargs would count them as given and trip the --trace conflicts.
      .option('requests', { type: 'number', describe: 'number of generated requests (default 1000)', group: 'Requests:' })
      .option('seed', { type: 'number', describe: 'seed of the request generator (default 1)', group: 'Requests:' })
      .option('slo-mult', { type: 'number', describe: "SLO multiplier: deadline = arrival + Tarch * M (default: the trace's, or 10)", group: 'Requests:' })
      .option('json', { type: 'string', describe: 'write metrics and per-request records of every policy to this JSON file (- for standard output)', group: 'Output:' })
      .option('trace-out', { type: 'string', describe: 'save the requests (generated or replayed) as a trace JSON file (- for standard output)', group: 'Output:' })
      .option('decision-log', {
        type: 'string',
        describe: 'stream every decision (time, ready set, chosen, P, score) as JSON lines to this file (- for standard output); grows with the ready set, so overloaded runs write gigabytes',
        group: 'Output:',
      })
      .conflicts('trace', ['rate', 'load', 'requests', 'seed'])
      .conflicts('rate', 'load')
      .example('$0 simulate --workload cnn --rate 10 --requests 1000 --seed 1', 'all policies on a generated CNN trace')
      .example('$0 simulate --trace t.json --policies dysta,sjf --json out.json', 'replay a trace')
      .epilog(OUTPUT_RULE_HELP) as unknown as Argv<SimulateArgs>,
  handler: async (args) => {
    // Every output is checked before any work, and the human-readable lines move to stderr when an
    // output is standard output.
    const outputs = { '--json': args.json, '--trace-out': args['trace-out'], '--decision-log': args['decision-log'] };
    const text = textStream(outputs);
    for (const [flag, path] of Object.entries(outputs)) if (path !== undefined) checkOutputFile(path, flag);
    checkPolicyArgs(args);
    const policies = parsePolicyList(args.policies);
    writeIgnoredOptionNotes(policies, args);
    const workload = loadWorkload(workloadSource(args));
    let trace: Trace;
    let origin: string;
    if (args.trace !== undefined) {
      trace = readTraceFile(args.trace, workload);
      origin = `trace ${excerpt(args.trace)} (${trace.requests.length} requests)`;
    } else {
      const capacity = workloadCapacity(workload);
      if (args.load !== undefined) checkFinite('load', args.load, true);
      const rate = args.rate ?? (args.load ?? 0.9) * capacity;
      const count = args.requests ?? 1000;
      const seed = args.seed ?? 1;
      trace = generatePoissonTrace(workload, { rate, count, seed, sloMult: args['slo-mult'] ?? 10 });
      origin = `Poisson, rate ${rate.toPrecision(4)} req/s (load ${(rate / capacity).toFixed(2)}), ${count} requests, seed ${seed}`;
    }
    const sloMult = args['slo-mult'] ?? trace.sloMult;
    const compiled = compileTrace(workload, trace, sloMult);
    const warnings = precisionWarnings(compiled);

    const report: SimulationReport = { policies: {} };
    const rows: string[][] = [];
    // The decision log is streamed as the simulation runs: memory stays bounded however many
    // gigabytes it grows to (a 10000-request overloaded trace writes tens of GB for all policies).
    const log: OutputStream | undefined = args['decision-log'] !== undefined ? openOutputStream(args['decision-log'], '--decision-log') : undefined;
    let decisions = 0;
    let logBytes = 0;
    try {
      for (const policy of policies) {
        const onDecision = log
          ? (d: DecisionRecord) => {
              decisions++;
              const line = JSON.stringify({ policy: policy.name, ...d }) + '\n';
              logBytes += line.length;
              log.write(line);
            }
          : undefined;
        const predictor = predictorFor(policy, args.predictor, args['last-n'], args['fit-split']);
        const result = simulate(compiled, policy, { params: policyParams(args), predictor, switchCost: args['switch-cost'], onDecision });
        const metrics = computeMetrics(result);
        warnings.push(...metricWarnings(policy.name, metrics));
        const dispatchesPerRequest = result.dispatches / compiled.count;
        report.policies[policy.name] = { ...metrics, dispatchesPerRequest, requests: requestRecords(result) };
        rows.push([policy.name, metrics.violationRate.toFixed(4), metrics.antt.toFixed(3), metrics.stp.toFixed(2), dispatchesPerRequest.toFixed(3)]);
        if (log && policies.length > 1) process.stderr.write(`simulate: ${policy.name} done; decision log so far: ${decisions} decisions, ${(logBytes / 1e6).toFixed(1)} MB\n`);
      }
      await log?.commit();
    } catch (err) {
      log?.abort();
      throw err;
    }
    const switchNote = args['switch-cost'] > 0 ? `; switch cost ${args['switch-cost']} s` : '';
    text.write(`workload ${workload.name}; ${origin}; SLO multiplier ${sloMult}${switchNote}\n`);
    for (const note of regressionNotes(workload, policies, args)) text.write(`note: ${note}\n`);
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    text.write('\n');
    text.write(formatTable(['policy', 'violation rate', 'ANTT', 'STP (inf/s)', 'dispatches/req'], rows, [false, true, true, true, true]) + '\n');
    if (args.json !== undefined) {
      await writeOutputFile(args.json, JSON.stringify(report) + '\n', '--json');
      text.write(`\nwrote ${shownPath(args.json)}\n`);
    }
    if (log) text.write(`wrote ${decisions} decisions to ${shownPath(args['decision-log']!)}\n`);
    if (args['trace-out'] !== undefined) {
      await writeOutputFile(args['trace-out'], traceJson({ sloMult, requests: trace.requests }), '--trace-out');
      text.write(`wrote trace ${shownPath(args['trace-out'])}\n`);
    }
  },
};

// ---------------------------------------------------------------------------------------------
// dysta sweep

interface SweepArgs extends GridArgs {
  seeds: number;
  'first-seed': number;
  out?: string;
}

export const DEFAULT_SWEEP_LOADS = '0.5,0.7,0.9,1.1,1.3';
export const DEFAULT_SWEEP_SLO_MULTS = '2,4,6,8,10,12';
export const DEFAULT_SWEEP_SEEDS = 5;
export const DEFAULT_SWEEP_FIRST_SEED = 1;

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

export function progressReporter(total: number, label = 'sweep'): { update: (done: number) => void; stop: () => void } {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: `${label} [{bar}] {percentage}% | {value}/{total} jobs | ETA {eta_formatted}`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return { update: (done) => bar.update(done), stop: () => bar.stop() };
  }
  // Not a terminal (CI, a pipe): a line every ~10% instead of a redrawn bar.
  let lastTenth = 0;
  const started = Date.now();
  return {
    update: (done) => {
      const tenth = Math.floor((done * 10) / total);
      if (tenth > lastTenth || done === total) {
        lastTenth = tenth;
        process.stderr.write(`${label}: ${done}/${total} jobs (${Math.round((done * 100) / total)}%), ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      }
    },
    stop: () => {},
  };
}

export const sweepCommand: CommandModule<object, SweepArgs> = {
  command: 'sweep',
  describe: 'Sweep arrival rates x SLO multipliers x seeds x policies in parallel and write a report folder with plots',
  builder: (y) =>
    policyOptions(workloadOptions(y))
      .option('rates', { type: 'string', describe: 'arrival rates in requests/s, comma-separated (overrides --loads)', group: 'Sweep:' })
      .option('loads', { type: 'string', default: DEFAULT_SWEEP_LOADS, describe: 'arrival rates as fractions of the workload capacity', group: 'Sweep:' })
      .option('slo-mults', { type: 'string', default: DEFAULT_SWEEP_SLO_MULTS, describe: 'SLO multipliers, comma-separated', group: 'Sweep:' })
      .option('seeds', { type: 'number', default: DEFAULT_SWEEP_SEEDS, describe: 'number of request-generator seeds (traces) per setting', group: 'Sweep:' })
      .option('first-seed', { type: 'number', default: DEFAULT_SWEEP_FIRST_SEED, describe: 'seeds are first-seed, first-seed + 1, ...', group: 'Sweep:' })
      .option('requests', { type: 'number', default: 1000, describe: 'requests per trace', group: 'Sweep:' })
      .option('threads', { type: 'number', default: defaultThreadCount(), describe: 'worker threads (0 = run on the main thread)', group: 'Sweep:' })
      .option('out', { type: 'string', describe: 'report folder (default reports/sweep-<workload>); created, or replaced if dysta wrote it, when the sweep succeeds', group: 'Output:' })
      .example('$0 sweep --workload cnn --policies fcfs,sjf,sjf_sparse,prema,prema_sparse,planaria,sdrm3,sdrm3_sparse,dysta,dysta_naive,dysta_oracle', "the paper's CNN study: 5 loads x 6 SLO multipliers x 5 seeds x 11 policies")
      .example('$0 sweep --workload attention --rates 100,150,200 --seeds 2 --out reports/att', 'a smaller custom sweep (seeds 1 and 2)')
      .epilog(OUTPUT_RULE_HELP) as unknown as Argv<SweepArgs>,
  handler: async (args) => {
    checkPolicyArgs(args);
    const seeds = seedRange(args.seeds, args['first-seed']);
    const { config, workload, capacity } = gridConfig(args, seeds);
    const { rates, sloMults, policies } = config;
    const out = reportTarget(args.out, 'sweep', workload.name);
    checkReportTarget(out); // before the long work: an unwritable or foreign folder fails now, not after it
    const total = rates.length * sloMults.length * seeds.length;
    process.stderr.write(
      `sweep ${workload.name}: ${rates.length} rates x ${sloMults.length} SLO multipliers x ${seeds.length} seeds x ${policies.length} policies, ${args.requests} requests each, ${args.threads} threads\n`,
    );
    const progress = progressReporter(total);
    const started = performance.now();
    let points;
    try {
      points = await runSweep(config, { threads: args.threads, onProgress: (done) => progress.update(done) });
    } finally {
      progress.stop();
    }
    const elapsedSeconds = (performance.now() - started) / 1000;
    // vega and vega-lite take ~0.5 s to load: only the sweep needs them.
    const { writeSweepReport } = await import('./report.ts');
    const files = await writeSweepReport(out, { config, workloadName: workload.name, capacity, points, elapsedSeconds, threads: args.threads });
    process.stdout.write(`${points.length} points in ${elapsedSeconds.toFixed(1)} s; report in ${out.dir}/ (${files.length} files, start with summary.md)\n`);
    for (const note of regressionNotes(workload, parsePolicyList(args.policies), args)) process.stdout.write(`note: ${note}\n`);
  },
};

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

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const schedulerCommands: CommandModule<any, any>[] = [workloadsCommand, simulateCommand, sweepCommand, predictorsCommand, studyCommand];
