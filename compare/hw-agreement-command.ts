// `dysta hw-agreement`: the fixed-point scheduler (golden model = RTL) against the float `dysta`,
// `mhg` or `mhg_vio` policy on one zoo trace: fraction of identical decisions (lockstep), every flip with its
// float score gap, and violation rate / ANTT of both when the fixed-point scheduler runs on its own.
// This is the one place that joins hwgen and sw-scheduler; both stay independent of each other.
import type { CommandModule } from 'yargs';
import {
  compileTrace,
  computeDeadlines,
  computeMetrics,
  generatePoissonTrace,
  getPolicy,
  getPredictor,
  createMhgSelector,
  simulateWithDecisionLog,
  workloadCapacity,
  zooWorkload,
  type DecisionRecord,
  type TaskTable,
} from '../sw-scheduler/index.ts';
import { ConfigError, MHG_RESET, MHG_VIO, loadConfigFile, mhgParamsQ, parseConfig, schedulerFormats, type SchedulerConfig } from '../hwgen/index.ts';
import { checkOutputFile, namesStandardOutput, writeOutputFile } from '../output/index.ts';
import { freeRun, lockstep, type Flip } from './hw-agreement.ts';
import { lockstepMhg, type FloatMhgView, type MhgFlip } from './mhg-agreement.ts';
import { plainTrace } from './trace-script.ts';

/** The policies the hardware runs: dysta (score units), and mhg / mhg_vio (one mhg_policy build, its registers). */
export const HW_POLICIES = ['dysta', 'mhg', 'mhg_vio'] as const;
export type HwPolicy = (typeof HW_POLICIES)[number];

/** sigma, lambda, tau of an MHG variant (BEYOND.md section 2). */
export function mhgParamsOf(policy: HwPolicy): { sigma: number; lambda: number; tau: number } {
  return policy === 'mhg_vio' ? { ...MHG_VIO } : { ...MHG_RESET };
}

export interface AgreementOptions {
  /** Default dysta. mhg / mhg_vio need scheduler.policy = "mhg". */
  policy?: HwPolicy;
  workload: string;
  requests: number;
  load: number;
  sloMult: number;
  seed: number;
  scheduler: SchedulerConfig;
}

export interface AgreementReport {
  options: Omit<AgreementOptions, 'scheduler'> & { rate: number; scheduler: SchedulerConfig };
  decisions: number;
  identical: number;
  flips: (Flip & { explanation: string })[];
  /** mhg / mhg_vio: the flipped decisions, each named by the stage where float and fixed point part. */
  mhgFlips: MhgFlip[];
  float: { violationRate: number; antt: number };
  fixed: { violationRate: number; antt: number; identicalChoices: number; firstDivergence: number; refusals: number };
  fixedRtlLatency: { violationRate: number; antt: number; refusals: number };
}

/** A flip happens when the float gap is smaller than how far the fixed-point scores moved. */
function explain(flip: Flip): string {
  const gap = flip.floatGapCycles;
  const [a, b] = flip.deviationCycles;
  const moved = a - b;
  const tie = flip.fixedScores[0] === flip.fixedScores[1] ? ' (equal fixed scores: the earlier admission wins)' : '';
  if (flip.saturated.length) return `saturation: ${flip.saturated.join(', ')} clamped, moving the scores by ${a.toFixed(1)} and ${b.toFixed(1)} cycles against a float gap of ${gap.toFixed(1)}${tie}`;
  return `near tie: float gap ${gap.toFixed(1)} cycles, fixed-point rounding moved the two scores by ${a.toFixed(1)} and ${b.toFixed(1)} cycles (net ${moved.toFixed(1)} >= gap)${tie}`;
}

/** The float MHG on one logged decision's ready set: what it saw (for naming a flipped decision). */
function floatMhgView(d: DecisionRecord, deadline: ArrayLike<number>, iso: (x: number) => number, params: { sigma: number; lambda: number; tau: number }): FloatMhgView {
  const n = d.ready.length;
  const tasks = { deadline: new Float64Array(n), predicted: new Float64Array(n), isoEst: new Float64Array(n) } as unknown as TaskTable;
  d.ready.forEach((x, p) => {
    tasks.deadline[p] = deadline[x]!;
    tasks.predicted[p] = d.predicted[p]!;
    tasks.isoEst[p] = iso(x);
  });
  const select = createMhgSelector(tasks, { alpha: 1, beta: 0.01, ...params }, n);
  select(Int32Array.from({ length: n }, (_, p) => p), n, d.time, new Float64Array(n));
  return select.explain();
}

export function runAgreement(o: AgreementOptions): AgreementReport {
  const policy = o.policy ?? 'dysta';
  const mhg = policy !== 'dysta';
  if (mhg !== (o.scheduler.policy === 'mhg')) throw new ConfigError(`--policy ${policy} needs scheduler.policy = "${mhg ? 'mhg' : 'dysta'}"`);
  const workload = zooWorkload(o.workload);
  const rate = o.load * workloadCapacity(workload);
  const trace = generatePoissonTrace(workload, { rate, count: o.requests, seed: o.seed, sloMult: o.sloMult });
  const compiled = compileTrace(workload, trace, o.sloMult);
  const predictor = o.scheduler.predictor === 'regression' ? getPredictor('regression') : getPredictor('average');
  const { result, decisions } = simulateWithDecisionLog(compiled, getPolicy(policy), { predictor });
  const float = computeMetrics(result);
  const { variants, requests: req } = plainTrace(workload, compiled);
  const params = mhgParamsOf(policy);
  const q = mhgParamsQ(schedulerFormats(o.scheduler), params);
  const deadlines = computeDeadlines(compiled);
  const iso = (x: number) => workload.variants[compiled.variantIndex[x]!]!.patSuffix[0]!;
  const ls = mhg
    ? lockstepMhg(o.scheduler, variants, req, decisions, q, params, (k) => floatMhgView(decisions[k]!, deadlines, iso, params))
    : { ...lockstep(o.scheduler, variants, req, decisions), mhgFlips: [] as MhgFlip[] };
  const fr = freeRun(o.scheduler, variants, req, mhg ? { mhgParams: q } : {});
  const frl = freeRun(o.scheduler, variants, req, { rtlLatency: true, ...(mhg ? { mhgParams: q } : {}) });
  const floatChoices = decisions.map((d) => d.chosen);
  let same = 0;
  let first = -1;
  for (let i = 0; i < Math.min(floatChoices.length, fr.choices.length); i++) {
    if (floatChoices[i] === fr.choices[i]) same++;
    else if (first < 0) first = i;
  }
  return {
    options: { policy, workload: o.workload, requests: o.requests, load: o.load, sloMult: o.sloMult, seed: o.seed, rate, scheduler: o.scheduler },
    decisions: ls.decisions,
    identical: ls.identical,
    flips: mhg ? [] : (ls.flips as Flip[]).map((fl) => ({ ...fl, explanation: explain(fl) })),
    mhgFlips: mhg ? (ls.flips as MhgFlip[]) : [],
    float: { violationRate: float.violationRate, antt: float.antt },
    fixed: { violationRate: fr.violationRate, antt: fr.antt, identicalChoices: same / Math.max(1, floatChoices.length), firstDivergence: first, refusals: fr.refusals },
    fixedRtlLatency: { violationRate: frl.violationRate, antt: frl.antt, refusals: frl.refusals },
  };
}

export function formatAgreement(r: AgreementReport): string {
  const o = r.options;
  const pct = (x: number) => `${(100 * x).toFixed(3)}%`;
  const lines = [
    `hw-agreement: ${o.workload} zoo, ${o.requests} requests, load ${o.load} (${o.rate.toFixed(2)} req/s), SLO x${o.sloMult}, seed ${o.seed}; ${o.policy ?? 'dysta'}${o.policy && o.policy !== 'dysta' ? ` (sigma ${mhgParamsOf(o.policy).sigma}, lambda ${mhgParamsOf(o.policy).lambda}, tau ${mhgParamsOf(o.policy).tau})` : ''} with the ${o.scheduler.predictor === 'regression' ? 'regression predictor (float: --predictor regression, cross-fitted by sample parity; RTL: coefficient bank = the fit)' : 'gamma predictor (the paper\'s)'}`,
    `fixed point: D=${o.scheduler.log2Tasks}, score ${o.scheduler.scoreWidth} bits (LSB 2^${o.scheduler.scoreShift} cycles), gamma ${o.scheduler.gammaIntBits}.${o.scheduler.gammaFracBits}, beta ${o.scheduler.betaPpm} ppm / 2^${o.scheduler.betaFracBits}, ${o.scheduler.clockMHz} MHz`,
    '',
    `lockstep decisions identical: ${r.identical} / ${r.decisions} = ${pct(r.identical / Math.max(1, r.decisions))}`,
    `flips: ${r.flips.length + r.mhgFlips.length}`,
    ...r.flips.slice(0, 50).map((fl) => `  #${fl.index} t=${fl.time.toFixed(6)} s, ${fl.readyCount} ready: float chose ${fl.floatChoice} (score ${fl.floatScores[0]}), fixed chose ${fl.fixedChoice} (${fl.fixedScores[1]} vs ${fl.fixedScores[0]} cycles); ${fl.explanation}`),
    ...r.mhgFlips.slice(0, 50).map((fl) => `  #${fl.index} t=${fl.time.toFixed(6)} s, ${fl.readyCount} ready: float chose ${fl.floatChoice}, fixed chose ${fl.fixedChoice}; ${fl.explanation}`),
    ...(r.flips.length + r.mhgFlips.length > 50 ? [`  ... more (--json lists all)`] : []),
    '',
    '| run | violation rate | ANTT |',
    '|---|---|---|',
    `| float ${o.policy ?? 'dysta'}${r.options.scheduler.predictor === 'regression' ? ' --predictor regression' : ''} | ${pct(r.float.violationRate)} | ${r.float.antt.toFixed(4)} |`,
    `| fixed point (ideal timing) | ${pct(r.fixed.violationRate)} | ${r.fixed.antt.toFixed(4)} |`,
    `| fixed point + RTL decision latency | ${pct(r.fixedRtlLatency.violationRate)} | ${r.fixedRtlLatency.antt.toFixed(4)} |`,
    '',
    `differences (fixed ideal - float): violation rate ${(100 * (r.fixed.violationRate - r.float.violationRate)).toFixed(3)} points, ANTT ${(r.fixed.antt - r.float.antt).toExponential(3)}`,
    `free-running decision sequence identical to the float's: ${pct(r.fixed.identicalChoices)}${r.fixed.firstDivergence >= 0 ? ` (first divergence at decision ${r.fixed.firstDivergence})` : ''}; admissions deferred by a full table: ${r.fixed.refusals}`,
  ];
  return lines.join('\n') + '\n';
}

interface Args {
  workload: string;
  requests: number;
  load: number;
  'slo-mult': number;
  seed: number;
  'log2-tasks': number;
  predictor?: string;
  policy: HwPolicy;
  config?: string;
  json?: string;
}

export const hwAgreementCommand: CommandModule<object, Args> = {
  builder: (y) =>
    y
      .option('workload', { type: 'string', default: 'cnn', choices: ['cnn', 'attention', 'mnist'], describe: 'built-in workload (mnist: the measured MNIST profile)' })
      .option('requests', { type: 'number', default: 1000, describe: 'requests in the Poisson trace' })
      .option('load', { type: 'number', default: 0.9, describe: 'arrival rate as a fraction of the zoo\'s capacity' })
      .option('slo-mult', { type: 'number', default: 10, describe: 'deadline = arrival + Tarch x this' })
      .option('seed', { type: 'number', default: 1, describe: 'trace seed' })
      .option('log2-tasks', { type: 'number', default: 10, describe: 'task table size D for the free run (10 = never full for 1000 requests)' })
      .option('policy', { type: 'string', choices: [...HW_POLICIES], default: 'dysta', describe: 'dysta, or mhg / mhg_vio (scheduler.policy = mhg with their sigma, lambda, tau; default predictor regression, as the float mhg)' })
      .option('predictor', { type: 'string', choices: ['gamma', 'regression'], describe: 'scheduler.predictor (default: the config\'s, else gamma for dysta and regression for mhg); regression compares with the float --predictor regression' })
      .option('config', { type: 'string', describe: 'JSON config; its scheduler section sets the formats' })
      .option('json', { type: 'string', describe: 'write the full report as JSON to this file (- for standard output, instead of the text)' })
      .epilog('Outputs: --json follows the output rule (a regular file is replaced atomically, a symlink is written through, - is standard output); it is checked before the work starts.') as never,
  handler: async (args) => {
    if (args.json !== undefined) checkOutputFile(args.json, '--json');
    const positive = (flag: string, v: number) => {
      if (!(v > 0) || !Number.isFinite(v)) throw new ConfigError(`--${flag} ${v} must be a positive number`);
    };
    positive('load', args.load);
    positive('slo-mult', args['slo-mult']);
    if (!Number.isSafeInteger(args.requests) || args.requests < 1) throw new ConfigError(`--requests ${args.requests} must be a positive integer`);
    if (!Number.isSafeInteger(args.seed) || args.seed < 0) throw new ConfigError(`--seed ${args.seed} must be a non-negative integer`);
    // The table size goes through the config's own validation (range 1..10, named in the error);
    // an explicit --log2-tasks overrides the config file's.
    const fromFile = args.config ? (loadConfigFile(args.config).scheduler as unknown as Record<string, number>) : {};
    const explicitD = process.argv.some((a) => a === '--log2-tasks' || a.startsWith('--log2-tasks='));
    const log2Tasks = explicitD || !args.config ? args['log2-tasks'] : fromFile.log2Tasks;
    const mhg = args.policy !== 'dysta';
    const predictor = args.predictor ?? (fromFile.predictor as unknown as string | undefined) ?? (mhg ? 'regression' : undefined);
    const scheduler = parseConfig({ scheduler: { ...fromFile, log2Tasks, ...(predictor ? { predictor } : {}), ...(mhg ? { policy: 'mhg', selectorUnits: 1 } : { policy: 'dysta' }) } }, args.config ?? '--log2-tasks').scheduler;
    const report = runAgreement({ policy: args.policy, workload: args.workload, requests: args.requests, load: args.load, sloMult: args['slo-mult'], seed: args.seed, scheduler });
    const jsonToStdout = args.json !== undefined && namesStandardOutput(args.json);
    if (!jsonToStdout) process.stdout.write(formatAgreement(report));
    if (args.json !== undefined) {
      await writeOutputFile(args.json, JSON.stringify(report, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n', '--json');
      if (!jsonToStdout) process.stdout.write(`wrote ${args.json}\n`);
    }
  },
};
