// `dysta sweep`: arrival rates x SLO multipliers x seeds x policies on worker threads, then a report
// folder with CSVs and plots (vega loads only then).
import type { Argv, CommandModule } from 'yargs';
import { OUTPUT_RULE_HELP, checkPolicyArgs, checkReportTarget, gridConfig, policyOptions, regressionNotes, reportTarget, seedRange, workloadOptions, type GridArgs } from './command-options.ts';
import { parsePolicyList } from './policies/index.ts';
import { progressReporter } from './progress.ts';
import { defaultThreadCount, runSweep } from './sweep-runner.ts';

interface SweepArgs extends GridArgs {
  seeds: number;
  'first-seed': number;
  out?: string;
}

export const DEFAULT_SWEEP_LOADS = '0.5,0.7,0.9,1.1,1.3';
export const DEFAULT_SWEEP_SLO_MULTS = '2,4,6,8,10,12';
export const DEFAULT_SWEEP_SEEDS = 5;
export const DEFAULT_SWEEP_FIRST_SEED = 1;

export const sweepCommand: CommandModule<object, SweepArgs> = {
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
