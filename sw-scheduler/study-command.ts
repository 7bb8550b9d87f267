// `dysta study`: the evidence for the policies beyond the paper, in one command. Fresh seeds per
// setting (arrival rate x SLO multiplier), every policy on the same traces (the sweep's worker
// threads), paired differences against dysta and against the best published policy with 95%
// t-intervals (study.ts), and a report folder written atomically: summary.md, settings.csv,
// points.csv and SVG plots. Default size: 3 loads x 6 SLO multipliers x 20 seeds x 1000 requests x 13
// policies (360 traces), about 25-40 s on this 2-core machine (README: 37.9 s CNN, 22.1 s attention).
import type { Argv, CommandModule } from 'yargs';
import { OUTPUT_RULE_HELP, checkReportTarget, formatTable, gridConfig, policyOptions, regressionNotes, reportTarget, seedRange, workloadOptions, type GridArgs } from './command-options.ts';
import { progressReporter } from './progress.ts';
import type { ReportTarget } from './report.ts';
import { SchedulerInputError } from './errors.ts';
import { policyColor } from './plot-style.ts';
import { parsePolicyList, POLICY_NAMES } from './policies/index.ts';
import { analyseStudy, STUDY_BASELINE, type StudyAnalysis } from './study.ts';
import type { Interval } from './stats.ts';
import { meanOverSeeds, type SweepConfig, type SweepPoint } from './sweep.ts';
import { defaultThreadCount, runSweep } from './sweep-runner.ts';

export const DEFAULT_STUDY_LOADS = '0.7,0.9,1.1';
export const DEFAULT_STUDY_SLO_MULTS = '2,4,6,8,10,12';
export const DEFAULT_STUDY_SEEDS = 20;
/** Fresh seeds: the sweep's defaults are 1-5 and MHG's parameters were tuned on other seeds. */
export const DEFAULT_STUDY_FIRST_SEED = 1001;

interface StudyArgs extends GridArgs {
  seeds: number;
  'first-seed': number;
  out?: string;
}

const f = (x: number, d = 4) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const signed = (x: number, d: number) => (Number.isFinite(x) ? (x >= 0 ? '+' : '') + x.toFixed(d) : '-');
const ci = (i: Interval, d = 4) => `${signed(i.mean, d)} [${signed(i.low, d)}, ${signed(i.high, d)}]`;

interface StudyReportInput {
  readonly config: SweepConfig;
  readonly workloadName: string;
  readonly capacity: number;
  readonly points: readonly SweepPoint[];
  readonly analysis: StudyAnalysis;
  readonly elapsedSeconds: number;
  readonly threads: number;
  readonly command: string;
  readonly notes: readonly string[];
}

function summaryMarkdown(input: StudyReportInput): string {
  const { config, workloadName, capacity, analysis, elapsedSeconds, threads, command, notes } = input;
  const { describeSettings } = reportHelpers!;
  const loads = config.rates.map((r) => r / capacity);
  const ranked = [...analysis.overall].sort((a, b) => a.violationRate - b.violationRate || a.antt - b.antt);
  const beyond = config.policies.filter((p) => !POLICY_NAMES.includes(p));
  const L: string[] = [];
  L.push(`# Scheduling study: ${workloadName}`, '');
  L.push(`Command: \`${command}\``, '');
  L.push(`- ${analysis.settingCount} settings: loads ${loads.map((x) => f(x, 2)).join(', ')} of capacity ${f(capacity, 2)} req/s (rates ${config.rates.map((r) => f(r, 3)).join(', ')} req/s) x SLO multipliers ${config.sloMults.join(', ')}`);
  L.push(`- ${config.seeds.length} fresh seeds per setting (${config.seeds[0]}..${config.seeds[config.seeds.length - 1]}, the same seeds in every setting), ${config.requests} requests per trace; every policy runs on the same traces`);
  L.push(`- Policies: ${config.policies.join(', ')}; ${describeSettings(config)}`);
  L.push(`- ${input.points.length} runs in ${f(elapsedSeconds, 1)} s on ${threads} worker thread(s)`);
  for (const n of notes) L.push(`- note: ${n}`);
  L.push('');
  L.push('Intervals: 95% Student t-intervals of the mean of *paired* per-seed differences (policy minus the reference on the same trace; n = seeds, df = n - 1).');
  L.push(`"Best published" is, per setting and per metric, the one of the eleven ALGORITHMS.md policies with the lowest mean, chosen after the fact (this favours the baseline). The overall intervals average each seed's differences over all settings first, then take the t-interval over seeds.`, '');
  L.push('## Overall (mean over settings)', '');
  L.push(
    `| policy | violation rate | ANTT | ANTT / dysta | dispatches/request | violation - dysta [95% CI] | ANTT - dysta [95% CI] | violation - best published [95% CI] | settings below dysta (significantly below / above) | settings below best published |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const o of ranked) {
    const isBase = o.policy === STUDY_BASELINE;
    L.push(
      `| ${o.policy} | ${f(o.violationRate)} | ${f(o.antt, 3)} | ${f(o.anttRatioVsDysta, 3)} | ${f(o.dispatchesPerRequest, 3)} | ${isBase ? '-' : ci(o.vsDysta.violationRate)} | ${isBase ? '-' : ci(o.vsDysta.antt, 3)} | ${ci(o.vsBestPublished.violationRate)} | ${isBase ? '-' : `${o.settingsBelowDysta}/${analysis.settingCount} (${o.settingsSignificantlyBelowDysta} / ${o.settingsSignificantlyAboveDysta})`} | ${o.settingsBelowBestPublished}/${analysis.settingCount} |`,
    );
  }
  L.push('');
  for (const policy of beyond) {
    L.push(`## ${policy} per setting`, '');
    L.push('| load | SLO x | dysta violation | best published (violation) | violation | - dysta [95% CI] | - best published [95% CI] | ANTT / dysta | ANTT - best published [95% CI] (best) |', '|---:|---:|---:|---|---:|---:|---:|---:|---:|');
    for (const s of analysis.settings.filter((x) => x.policy === policy)) {
      const dysta = analysis.settings.find((x) => x.policy === STUDY_BASELINE && x.rate === s.rate && x.sloMult === s.sloMult)!;
      const best = analysis.settings.find((x) => x.policy === s.vsBestPublished.bestForViolation && x.rate === s.rate && x.sloMult === s.sloMult)!;
      L.push(
        `| ${f(s.rate / capacity, 2)} | ${s.sloMult} | ${f(dysta.violationRate)} | ${best.policy} (${f(best.violationRate)}) | ${f(s.violationRate)} | ${ci(s.vsDysta.violationRate)} | ${ci(s.vsBestPublished.violationRate)} | ${f(s.antt / dysta.antt, 3)} | ${ci(s.vsBestPublished.antt, 3)} (${s.vsBestPublished.bestForAntt}) |`,
      );
    }
    L.push('');
  }
  L.push('## Files', '');
  L.push('- `violation-by-setting.svg`, `antt-by-setting.svg`: mean over seeds per setting, one panel per SLO multiplier');
  L.push('- `tradeoff.svg`: violation rate vs ANTT per policy; `diff-vs-dysta.svg`: paired violation difference vs dysta with 95% intervals');
  L.push('- `settings.csv`: per setting and policy, means and the paired intervals; `points.csv`: every (rate, SLO, seed, policy) run', '');
  return L.join('\n');
}

function settingsCsvRows(analysis: StudyAnalysis) {
  return analysis.settings.map((s) => ({
    rate: s.rate,
    sloMult: s.sloMult,
    policy: s.policy,
    seeds: s.seeds,
    violationRate: s.violationRate,
    antt: s.antt,
    dispatchesPerRequest: s.dispatchesPerRequest,
    violationVsDysta: s.vsDysta.violationRate.mean,
    violationVsDystaLow: s.vsDysta.violationRate.low,
    violationVsDystaHigh: s.vsDysta.violationRate.high,
    anttVsDysta: s.vsDysta.antt.mean,
    anttVsDystaLow: s.vsDysta.antt.low,
    anttVsDystaHigh: s.vsDysta.antt.high,
    bestPublishedForViolation: s.vsBestPublished.bestForViolation,
    violationVsBest: s.vsBestPublished.violationRate.mean,
    violationVsBestLow: s.vsBestPublished.violationRate.low,
    violationVsBestHigh: s.vsBestPublished.violationRate.high,
    bestPublishedForAntt: s.vsBestPublished.bestForAntt,
    anttVsBest: s.vsBestPublished.antt.mean,
    anttVsBestLow: s.vsBestPublished.antt.low,
    anttVsBestHigh: s.vsBestPublished.antt.high,
  }));
}

function diffChart(analysis: StudyAnalysis, capacity: number, policies: readonly string[]) {
  const values = analysis.settings
    .filter((s) => policies.includes(s.policy))
    .map((s) => ({ setting: `load ${f(s.rate / capacity, 2)}, SLO x${s.sloMult}`, policy: s.policy, mean: s.vsDysta.violationRate.mean, low: s.vsDysta.violationRate.low, high: s.vsDysta.violationRate.high }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'SLO violation rate minus dysta\'s, per setting', subtitle: 'mean of paired per-seed differences with 95% t-intervals; below 0 = fewer violations than dysta' },
    width: { step: 36 },
    height: 300,
    layer: [
      {
        data: { values },
        encoding: {
          x: { field: 'setting', type: 'nominal', sort: null, title: null, axis: { labelAngle: -40 } },
          xOffset: { field: 'policy', sort: null },
          color: policyColor,
        },
        layer: [
          { mark: { type: 'rule' }, encoding: { y: { field: 'low', type: 'quantitative', title: 'violation rate - dysta' }, y2: { field: 'high' } } },
          { mark: { type: 'point', filled: true }, encoding: { y: { field: 'mean', type: 'quantitative' } } },
        ],
      },
      { data: { values: [{}] }, mark: { type: 'rule', color: 'black', strokeDash: [4, 3] }, encoding: { y: { datum: 0 } } },
    ],
  };
}

// Loaded with the report (vega is slow to import); set in the handler.
let reportHelpers: typeof import('./report.ts') | undefined;

export async function writeStudyReport(target: ReportTarget, input: StudyReportInput): Promise<string[]> {
  reportHelpers ??= await import('./report.ts');
  const { renderSvg, lineChart, tradeoffChart, csvOf, writeReportFolder } = reportHelpers;
  const means = meanOverSeeds(input.config, input.points);
  const shown = input.config.policies.filter((p) => !POLICY_NAMES.includes(p) || p === 'dysta_oracle');
  /* eslint-disable @typescript-eslint/no-explicit-any */
  const files: Record<string, string> = {
    'summary.md': summaryMarkdown(input),
    'settings.csv': csvOf(settingsCsvRows(input.analysis)),
    'points.csv': csvOf(input.points),
    'violation-by-setting.svg': await renderSvg(lineChart(means, 'violationRate', 'rate', 'sloMult', 'SLO violation rate per setting (mean over seeds)')),
    'antt-by-setting.svg': await renderSvg(lineChart(means, 'antt', 'rate', 'sloMult', 'ANTT per setting (mean over seeds)')),
    'tradeoff.svg': await renderSvg(tradeoffChart(means)),
    'diff-vs-dysta.svg': await renderSvg(diffChart(input.analysis, input.capacity, shown) as any),
  };
  return writeReportFolder(target, files, 'study-report');
}

export const studyCommand: CommandModule<object, StudyArgs> = {
  builder: (y) =>
    policyOptions(workloadOptions(y))
      .option('rates', { type: 'string', describe: 'arrival rates in requests/s, comma-separated (overrides --loads)', group: 'Study:' })
      .option('loads', { type: 'string', default: DEFAULT_STUDY_LOADS, describe: 'arrival rates as fractions of the workload capacity', group: 'Study:' })
      .option('slo-mults', { type: 'string', default: DEFAULT_STUDY_SLO_MULTS, describe: 'SLO multipliers, comma-separated', group: 'Study:' })
      .option('seeds', { type: 'number', default: DEFAULT_STUDY_SEEDS, describe: 'number of seeds (traces) per setting', group: 'Study:' })
      .option('first-seed', { type: 'number', default: DEFAULT_STUDY_FIRST_SEED, describe: 'seeds are first-seed, first-seed + 1, ... (fresh: not the sweep defaults 1-5)', group: 'Study:' })
      .option('requests', { type: 'number', default: 1000, describe: 'requests per trace', group: 'Study:' })
      .option('threads', { type: 'number', default: defaultThreadCount(), describe: 'worker threads (0 = run on the main thread)', group: 'Study:' })
      .option('out', { type: 'string', describe: 'report folder (default reports/study-<workload>); created, or replaced if dysta wrote it, when the study succeeds', group: 'Output:' })
      .example('$0 study --workload cnn', '3 loads x 6 SLO multipliers x 20 seeds, all 13 policies')
      .example('$0 study --workload attention --seeds 10 --switch-cost 0.0002', 'with a context-switch cost of 0.2 ms')
      .epilog(OUTPUT_RULE_HELP) as unknown as Argv<StudyArgs>,
  handler: async (args) => {
    const seeds = seedRange(args.seeds, args['first-seed'], 2);
    const policies = parsePolicyList(args.policies).map((p) => p.name);
    if (!policies.includes(STUDY_BASELINE) || !policies.some((p) => POLICY_NAMES.includes(p))) {
      throw new SchedulerInputError(`--policies must include '${STUDY_BASELINE}' (the reference of the paired differences).`);
    }
    const { config, workload, capacity } = gridConfig(args, seeds);
    const out = reportTarget(args.out, 'study', workload.name);
    checkReportTarget(out); // before the long work: an unwritable or foreign folder fails now, not after it
    const total = config.rates.length * config.sloMults.length * seeds.length;
    process.stderr.write(
      `study ${workload.name}: ${config.rates.length} rates x ${config.sloMults.length} SLO multipliers x ${seeds.length} seeds x ${policies.length} policies, ${args.requests} requests each, ${args.threads} threads\n`,
    );
    const progress = progressReporter(total, 'study');
    const started = performance.now();
    let points: SweepPoint[];
    try {
      points = await runSweep(config, { threads: args.threads, onProgress: (done) => progress.update(done) });
    } finally {
      progress.stop();
    }
    const elapsedSeconds = (performance.now() - started) / 1000;
    const analysis = analyseStudy(config, points);
    const notes = regressionNotes(workload, parsePolicyList(args.policies), args);
    const command = `dysta study ${process.argv.slice(3).join(' ')}`.trim();
    reportHelpers ??= await import('./report.ts');
    const files = await writeStudyReport(out, { config, workloadName: workload.name, capacity, points, analysis, elapsedSeconds, threads: args.threads, command, notes });

    // The headline on stdout: the overall table.
    const ranked = [...analysis.overall].sort((a, b) => a.violationRate - b.violationRate || a.antt - b.antt);
    const rows = ranked.map((o) => [
      o.policy,
      f(o.violationRate),
      f(o.antt, 3),
      f(o.anttRatioVsDysta, 3),
      f(o.dispatchesPerRequest, 3),
      o.policy === STUDY_BASELINE ? '-' : ci(o.vsDysta.violationRate),
      ci(o.vsBestPublished.violationRate),
      o.policy === STUDY_BASELINE ? '-' : `${o.settingsBelowDysta}/${analysis.settingCount}`,
      `${o.settingsBelowBestPublished}/${analysis.settingCount}`,
    ]);
    process.stdout.write(`study ${workload.name}: ${points.length} runs in ${elapsedSeconds.toFixed(1)} s; mean over ${analysis.settingCount} settings, ${seeds.length} seeds each\n`);
    for (const n of notes) process.stdout.write(`note: ${n}\n`);
    process.stdout.write('\n');
    const header = ['policy', 'violation', 'ANTT', 'ANTT/dysta', 'disp/req', 'vio - dysta [95% CI]', 'vio - best published [95% CI]', 'settings < dysta', 'settings < best published'];
    process.stdout.write(formatTable(header, rows, header.map((_, i) => i > 0)) + '\n\n');
    process.stdout.write('95% CI: t-interval of paired per-seed differences (averaged over settings per seed).\n');
    process.stdout.write(`report in ${out.dir}/ (${files.length} files, start with summary.md)\n`);
  },
};
