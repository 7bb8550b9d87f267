// `dysta profile`: the MNIST variants on real test digits through the cycle-exact golden model (and,
// with --rtl, the PE array RTL in Verilator) -> one artifact-format CSV per variant + manifest.json.
// The heavy modules (digits, weights, golden models, Verilator) load only when the command runs.
import type { CommandModule } from 'yargs';

interface Args {
  models: string;
  samples: number;
  config?: string;
  out: string;
  rtl: boolean;
  'rtl-dir': string;
  weights?: string;
}

export const profileCommand: CommandModule<object, Args> = {
  builder: (y) =>
    y
      .option('models', { type: 'string', default: 'all', describe: "comma-separated variants (see models/README.md) or 'all'" })
      .option('samples', { alias: 'n', type: 'number', default: 200, describe: 'test digits per variant (the first N, balanced over the classes)' })
      .option('config', { alias: 'c', type: 'string', describe: 'hardware config JSON (see `dysta gen-rtl --list-params`): lanes, weightDepth, clockMHz, ...' })
      .option('out', { alias: 'o', type: 'string', default: 'reports/profile-mnist', describe: 'profile folder: <variant>.csv per variant and manifest.json' })
      .option('weights', { type: 'string', describe: 'folder of int8 weights files (default: the committed models/weights)' })
      .option('rtl', { type: 'boolean', default: false, describe: 'also run every pass on the PE array RTL in Verilator; it must agree exactly' })
      .option('rtl-dir', { type: 'string', default: 'rtl-out', describe: 'with --rtl: the RTL folder: used if it matches --config (without --config: as it is), generated if missing or empty' })
      .example('$0 profile', 'all 9 variants, 200 digits each, into reports/profile-mnist/')
      .example('$0 profile --models slim_dense --samples 20 --rtl', 'one variant, checked against the RTL')
      .example('$0 simulate --csv-dir reports/profile-mnist --load 0.9', 'then schedule it') as never,
  handler: async (args) => {
    const [{ checkOutputDir, writeOutputDir }, { defaultConfig, loadConfigFile }, profile, { parseModelList }, { planDesignFromArgs }] = await Promise.all([
      import('../output/index.ts'),
      import('../hwgen/config/index.ts'),
      import('../models/profile.ts'),
      import('../models/weights.ts'),
      import('./design-folder.ts'),
    ]);
    // With --rtl the design folder rule decides the configuration (the design in --rtl-dir as it is,
    // or --config, which it must match); without, --config or the default.
    const plan = args.rtl ? planDesignFromArgs({ out: args['rtl-dir'], config: args.config }) : undefined;
    const config = plan ? plan.config : args.config ? loadConfigFile(args.config) : defaultConfig();
    const variants = parseModelList(args.models);
    profile.checkSamples(args.samples);
    checkOutputDir(args.out, '--out');
    const say = (line: string) => process.stderr.write(`${line}\n`);
    let rtl: import('../models/profile.ts').PassRunner | undefined;
    let close = async () => {};
    if (plan) {
      const { openNpu } = await import('./npu-run.ts');
      const { sim, finish } = await openNpu({ plan });
      close = async () => void (await finish());
      rtl = async (pass) => {
        await sim.loadWeights(pass.initial);
        return sim.runLayer({ beats: pass.ops, rows: pass.rows, relu: pass.relu, shift: pass.shift });
      };
    }
    const t0 = performance.now();
    let runs;
    try {
      let last = t0;
      runs = await profile.profileModels({
        config,
        variants,
        samples: args.samples,
        weightsDir: args.weights,
        rtl,
        progress: (variant, done, total) => {
          const now = performance.now();
          if (done === total) {
            say(`profiled ${variant}: ${total} digits${args.rtl ? ' (golden model and RTL agree)' : ''}, ${((now - last) / 1000).toFixed(1)} s`);
            last = now;
          } else if (total >= 400 && done % Math.ceil(total / 4) === 0) {
            say(`  ${variant}: ${done} / ${total} digits`);
          }
        },
      });
    } finally {
      await close();
    }
    const command = ['dysta profile', ...process.argv.slice(3)].join(' ');
    const manifest = profile.profileManifest(runs, config, { command, samples: args.samples, rtl: args.rtl });
    const files: [string, string][] = runs.map((r) => [`${r.net.variant}.csv`, profile.profileCsv(r, config.scheduler.clockMHz)]);
    files.push(['manifest.json', JSON.stringify(manifest, null, 1) + '\n']);
    writeOutputDir(args.out, files, 'profile', '--out');
    process.stdout.write(profile.profileTable(manifest) + '\n');
    process.stdout.write(
      `\n${runs.length} variants x ${args.samples} test digits in ${((performance.now() - t0) / 1000).toFixed(1)} s -> ${args.out}/ (one CSV per variant, manifest.json)\n` +
        `use it with: dysta simulate --csv-dir ${args.out}   (the committed default profile is --workload mnist)\n`,
    );
  },
};
