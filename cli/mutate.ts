// `dysta mutate`: mutation coverage of the regression, as YosysHQ's mcy measures it. Yosys's
// `mutate` plants N seeded mutations in the flattened generated top (one netlist, each mutant
// selected by an extra input), the regression suites for that top run against every mutant in
// Verilator (`--jobs` at a time, one shared build), and each mutant is killed (a check failed) or
// survived. Reviewed equivalent mutants (verify/equivalent-mutants.json) are not counted.
// Prints the score per generated module and every survivor with its place in the generated Verilog;
// `--json` and `--junit` write the same as files. The builder is light; the work loads in the handler.
import type { CommandModule } from 'yargs';
import { packageFile } from '../input/package-files.ts';
import { UserError } from './errors.ts';

interface Args {
  top: string;
  mutants: number;
  seed: number;
  suite?: string;
  json?: string;
  junit?: string;
  jobs?: number;
  equivalents?: string;
  'stimulus-seed': number;
  'min-score'?: number;
  timeout: number;
  out: string;
  config?: string;
}

/** The suites that drive each top on the design folder itself (so a mutant of it is judged by them). */
const SUITES_OF: Record<string, readonly string[]> = { npu_tile: ['npu'], dysta_scheduler: ['scheduler'], dysta_system: ['system'] };
/** Cases that run on a design of their own (another configuration), not on the mutant netlist. */
const OWN_DESIGN_CASES = new Set(['system/small-table']);

export const mutateCommand: CommandModule<object, Args> = {
  builder: (y) =>
    y
      .option('top', { type: 'string', demandOption: true, describe: `generated top to mutate (${Object.keys(SUITES_OF).join(', ')})` })
      .option('mutants', { type: 'number', default: 200, describe: 'mutations to plant (yosys mutate -list N)' })
      .option('seed', { type: 'number', default: 1, describe: 'seed of the mutation sampling (yosys mutate -seed)' })
      .option('suite', { type: 'string', describe: 'suite that judges the mutants (default: the one driving --top)' })
      .option('json', { type: 'string', describe: 'write {score, killed, survived, equivalent, mutants: [...]} to this file (- for stdout)' })
      .option('junit', { type: 'string', describe: 'write a JUnit XML report (one test case per mutant) to this file' })
      .option('jobs', { alias: 'j', type: 'number', describe: 'mutants run in parallel (default: the available cores)' })
      .option('equivalents', { type: 'string', describe: "reviewed list of equivalent mutants, not counted (default: the project's verify/equivalent-mutants.json)" })
      .option('stimulus-seed', { type: 'number', default: 1, describe: "seed of the regression's random stimulus" })
      .option('min-score', { type: 'number', describe: 'exit 1 when the score (0..1) is below this' })
      .option('timeout', { type: 'number', default: 120, describe: 'seconds one simulator command may take before the mutant counts as hung (killed)' })
      .option('out', { alias: 'o', type: 'string', default: 'rtl-out', describe: 'the design folder: used when its manifest matches --config, generated when missing (never overwritten)' })
      .option('config', { alias: 'c', type: 'string', describe: 'hardware config JSON' })
      .example('$0 mutate --top npu_tile', '200 mutants of the NPU tile against the npu suite')
      .example('$0 mutate --top dysta_scheduler --mutants 20 --json m.json --junit m.xml', 'a quick sample with reports') as never,
  handler: async (args) => {
    const suites = SUITES_OF[args.top];
    if (!suites) throw new UserError(`--top ${args.top} is not a generated top; choose from ${Object.keys(SUITES_OF).join(', ')}`, 2);
    if (args.suite !== undefined && !suites.includes(args.suite)) throw new UserError(`--suite ${args.suite} does not drive ${args.top}: a mutant of ${args.top} is judged by ${suites.join(', ')}`, 2);
    if (!(Number.isInteger(args.mutants) && args.mutants >= 1 && args.mutants <= 10_000)) throw new UserError(`--mutants ${args.mutants} must be an integer from 1 to 10000`, 2);
    if (!(Number.isInteger(args.seed) && args.seed >= 0)) throw new UserError(`--seed ${args.seed} must be a non-negative integer`, 2);
    if (!(Number.isInteger(args['stimulus-seed']) && args['stimulus-seed'] >= 0)) throw new UserError(`--stimulus-seed ${args['stimulus-seed']} must be a non-negative integer`, 2);
    if (args['min-score'] !== undefined && !(args['min-score'] >= 0 && args['min-score'] <= 1)) throw new UserError(`--min-score ${args['min-score']} must be from 0 to 1`, 2);
    if (!(args.timeout > 0)) throw new UserError(`--timeout ${args.timeout} must be a positive number of seconds`, 2);
    const os = await import('node:os');
    const jobs = args.jobs ?? os.availableParallelism();
    if (!(Number.isInteger(jobs) && jobs >= 1 && jobs <= 256)) throw new UserError(`--jobs ${jobs} must be an integer from 1 to 256`, 2);
    const { checkOutputFile, writeOutputFile } = await import('../output/index.ts');
    if (args.json && args.json !== '-') checkOutputFile(args.json, '--json');
    if (args.junit) checkOutputFile(args.junit, '--junit');

    const { join, resolve } = await import('node:path');
    const { rmSync } = await import('node:fs');
    const hw = await import('../hwgen/index.ts');
    const { requireTool } = await import('../cosim/tools.ts');
    const { defaultCacheDir } = await import('../cosim/build.ts');
    const { createMutants, readEquivalents, runMutants, summariseMutants, mutationText, MUTANT_SELECT } = await import('../cosim/mutate.ts');
    const { junitXml } = await import('../cosim/junit.ts');
    const verify = await import('../verify/index.ts');

    const { applyDesign, planDesignFromArgs } = await import('./design-folder.ts');
    // The design-folder rule of every simulating command: --out is used when its manifest matches, generated when missing.
    const plan = planDesignFromArgs(args);
    const config = plan.config;
    // Entries marked "config": "default" hold for the default configuration only.
    const isDefault = JSON.stringify(config) === JSON.stringify(hw.defaultConfig());
    const equivalents = readEquivalents(args.equivalents ?? packageFile('verify', 'equivalent-mutants.json')).filter((e) => e.config !== 'default' || isDefault);
    await requireTool('verilator');
    await requireTool('yosys');
    const say = (l: string) => process.stderr.write(`${l}\n`);
    applyDesign(plan, say);
    // Scratch space beside the build cache: the mutant netlist and Yosys's files.
    const work = join(defaultCacheDir(), '..', 'mutate', `${args.top}-n${args.mutants}-s${args.seed}-${process.pid}`);
    rmSync(work, { recursive: true, force: true });
    const design = await createMutants({ rtlDir: args.out, top: args.top, count: args.mutants, seed: args.seed, outDir: work, log: say });

    const chosen = args.suite ? [args.suite] : suites;
    const planned = chosen.map((s) =>
      s === 'npu' ? verify.planNpu(config.peArray, { seeds: 2, rows: 16, seed: args['stimulus-seed'] }) : s === 'scheduler' ? verify.planScheduler(config, { seed: args['stimulus-seed'] }) : verify.planSystem(config, { seed: args['stimulus-seed'] }),
    );
    const only = planned.flatMap((p) => p.cases.map((c) => `${p.suite}/${c.name}`)).filter((n) => !OWN_DESIGN_CASES.has(n));
    const regress = async (select: number) => {
      const result = await verify.runRegression({
        rtlDir: design.dir,
        config,
        suites: planned,
        only,
        stopAfterFailure: true,
        instrument: { pokes: { [MUTANT_SELECT]: select }, timeoutMs: args.timeout * 1000 },
        progress: select === 0 ? say : () => {},
      });
      const first = result.cases.find((c) => c.status === 'fail' || c.status === 'error');
      return first ? ({ failed: true, detail: `${first.suite}/${first.name}: ${first.message ?? first.status}` } as const) : ({ failed: false } as const);
    };
    say(`mutate: the unmutated netlist first (must pass ${chosen.join(', ')}), then ${design.mutants.length} mutants, ${jobs} at a time`);
    const t0 = performance.now();
    const results = await runMutants({
      design,
      regress,
      jobs,
      equivalents,
      onResult: (r, done, total) => {
        const what = r.status === 'killed' ? `killed by ${r.detail.slice(0, 90)}` : r.status;
        say(`[${String(done).padStart(String(total).length)}/${total}] #${r.id} ${r.mode} ${r.signal} (${r.location}): ${what} (${r.seconds.toFixed(1)} s)`);
      },
    });
    rmSync(work, { recursive: true, force: true });
    const seconds = (performance.now() - t0) / 1000;
    const summary = summariseMutants(args.top, args.seed, results);
    // With --json - the JSON owns standard output; the table goes to standard error.
    const text = args.json === '-' ? process.stderr : process.stdout;
    text.write(`${mutationText(summary)}\nmutation score ${(100 * summary.score).toFixed(1)}% (${summary.killed} killed, ${summary.survived} survived, ${summary.equivalent} equivalent) of ${args.mutants} mutants of ${args.top} (seed ${args.seed}) against ${chosen.join(', ')}, ${seconds.toFixed(0)} s on ${jobs} jobs\n`);
    if (args.json) {
      const json = { ...summary, count: args.mutants, suites: chosen, stimulusSeed: args['stimulus-seed'], design: resolve(args.out), seconds, config };
      await writeOutputFile(args.json, JSON.stringify(json, (_k, v) => (typeof v === 'bigint' ? Number(v) : v), 2) + '\n', '--json');
    }
    if (args.junit) {
      const suitesXml = summary.modules.map((m) => ({
        name: `mutate.${args.top}.${m.module}`,
        cases: results
          .filter((r) => r.module === m.module)
          .map((r) => ({
            name: `#${r.id} ${r.mode} ${r.signal}`,
            classname: `mutate.${args.top}.${m.module}`,
            seconds: r.seconds,
            ...(r.status === 'survived' ? { failure: { message: `mutant survived: ${r.mode} of ${r.signal} at ${r.location}`, details: `yosys mutate ${r.mutation}\nno check of ${chosen.join(', ')} failed` } } : {}),
            ...(r.status === 'equivalent' ? { skipped: `equivalent: ${r.detail}` } : {}),
          })),
      }));
      await writeOutputFile(args.junit, junitXml(`dysta mutate ${args.top}`, suitesXml), '--junit');
    }
    if (args['min-score'] !== undefined && summary.score < args['min-score']) {
      throw new UserError(`mutation score ${(100 * summary.score).toFixed(1)}% is below --min-score ${(100 * args['min-score']).toFixed(1)}%`, 1);
    }
  },
};
