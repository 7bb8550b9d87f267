// `dysta workloads`: the built-in model zoo, or one workload (zoo or CSV folder) described as tables
// or JSON, optionally exported as artifact-format CSVs.
import type { Argv, CommandModule } from 'yargs';
import { checkOutputDir, checkOutputFile, namesStandardOutput, writeOutputFile } from '../output/index.ts';
import { OUTPUT_RULE_HELP, formatTable, workloadOptions, workloadSource, type WorkloadArgs } from './command-options.ts';
import { exportCsvFolder } from './csv.ts';
import { loadWorkload, workloadCapacity } from './sweep.ts';
import { describeWorkload, type Workload } from './workload.ts';
import { ZOO } from './zoo/zoo.ts';

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
