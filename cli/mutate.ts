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
  top?: string;
  mutants?: number;
  seed?: number;
  ids?: string;
  rerun?: string;
  suite?: string;
  json?: string;
  junit?: string;
  jobs?: number;
  equivalents?: string;
  'stimulus-seed'?: number;
  'min-score'?: number;
  timeout: number;
  out: string;
  config?: string;
}

/** The suites that drive each top on the design folder itself (so a mutant of it is judged by them). */
const SUITES_OF: Record<string, readonly string[]> = { npu_tile: ['npu'], dysta_scheduler: ['scheduler'], dysta_system: ['system'] };
/** Cases that run on a design of their own (another configuration), not on the mutant netlist. */
const OWN_DESIGN_CASES = new Set(['system/small-table']);

/** `--ids 3,17,40-45` -> [3, 17, 40, ..., 45] (each a mutant's number, 1 or more; ranges inclusive). */
export function parseMutantIds(text: string): number[] {
  const out = new Set<number>();
  const parts = String(text).split(',').map((p) => p.trim());
  for (const [i, part] of parts.entries()) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    const lo = Number(m?.[1]);
    const hi = m?.[2] === undefined ? lo : Number(m[2]);
    if (!m || lo < 1 || hi < lo || hi - lo > 100_000) {
      throw new UserError(`--ids: item ${i + 1} ${JSON.stringify(part)} is not a mutant number or a range (e.g. --ids 3,17,40-45)`, 2);
    }
    for (let id = lo; id <= hi; id++) out.add(id);
  }
  return [...out].sort((a, b) => a - b);
}

/** [1, 2, 3, 5] -> "1-3,5". */
function describeIds(ids: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < ids.length; ) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j]! + 1) j++;
    out.push(j > i ? `${ids[i]}-${ids[j]}` : String(ids[i]));
    i = j + 1;
  }
  return out.join(',');
}

/** What `--rerun FILE` takes from an earlier `--json` report: the run it describes and its survivors. */
interface EarlierRun {
  top: string;
  count: number;
  seed: number;
  stimulusSeed: number;
  config: unknown;
  survivors: number[];
}

function readEarlierRun(file: string, readFileSync: (f: string, e: 'utf8') => string): EarlierRun {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new UserError(`--rerun ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not a JSON report of dysta mutate (${(err as Error).message})`}`, 2);
  }
  const mutants = raw['mutants'];
  const ok = typeof raw['top'] === 'string' && Number.isInteger(raw['count']) && Number.isInteger(raw['seed']) && Array.isArray(mutants);
  if (!ok) throw new UserError(`--rerun ${file}: not a JSON report of dysta mutate --json (needs top, count, seed and mutants)`, 2);
  const survivors = (mutants as { id?: unknown; status?: unknown }[]).filter((m) => m.status === 'survived' && Number.isInteger(m.id)).map((m) => m.id as number);
  return { top: raw['top'] as string, count: raw['count'] as number, seed: raw['seed'] as number, stimulusSeed: Number.isInteger(raw['stimulusSeed']) ? (raw['stimulusSeed'] as number) : 1, config: raw['config'], survivors };
}

export const mutateCommand: CommandModule<object, Args> = {
  builder: (y) =>
    y
      .option('top', { type: 'string', describe: `generated top to mutate (${Object.keys(SUITES_OF).join(', ')}); required unless --rerun gives it` })
      .option('mutants', { type: 'number', describe: 'mutations to plant (yosys mutate -list N) [default: 200]' })
      .option('seed', { type: 'number', describe: 'seed of the mutation sampling (yosys mutate -seed) [default: 1]' })
      .option('ids', { type: 'string', describe: 'run only these mutants of the N listed (their numbers, as printed: 3,17,40-45); the others are not run or counted' })
      .option('rerun', { type: 'string', describe: "run again the survivors of an earlier --json report, with its top, mutants, seeds and configuration (after adding stimulus)" })
      .option('suite', { type: 'string', describe: 'suite that judges the mutants (default: the one driving --top)' })
      .option('json', { type: 'string', describe: 'write {score, killed, survived, equivalent, mutants: [...]} to this file (- for stdout)' })
      .option('junit', { type: 'string', describe: 'write a JUnit XML report (one test case per mutant) to this file' })
      .option('jobs', { alias: 'j', type: 'number', describe: 'mutants run in parallel (default: the available cores)' })
      .option('equivalents', { type: 'string', describe: "reviewed list of equivalent mutants, not counted (default: the project's verify/equivalent-mutants.json)" })
      .option('stimulus-seed', { type: 'number', describe: "seed of the regression's random stimulus [default: 1]" })
      .option('min-score', { type: 'number', describe: 'exit 1 when the score (0..1) is below this' })
      .option('timeout', { type: 'number', default: 120, describe: 'seconds one simulator command may take before the mutant counts as hung (killed)' })
      .option('out', { alias: 'o', type: 'string', default: 'rtl-out', describe: 'the design folder: used when its manifest matches --config, generated when missing (never overwritten)' })
      .option('config', { alias: 'c', type: 'string', describe: 'hardware config JSON' })
      .example('$0 mutate --top npu_tile', '200 mutants of the NPU tile against the npu suite')
      .example('$0 mutate --top dysta_scheduler --mutants 20 --json m.json --junit m.xml', 'a quick sample with reports')
      .example('$0 mutate --top dysta_scheduler --ids 7,42,113', 'three mutants of the 200 (seed 1) again')
      .example('$0 mutate --rerun m.json --json m2.json', "the survivors of m.json's run again") as never,
  handler: async (args) => {
    const { readFileSync } = await import('node:fs');
    const earlier = args.rerun === undefined ? undefined : readEarlierRun(args.rerun, readFileSync);
    if (earlier) {
      // The run is the earlier one: what the command line gives must agree with it.
      const given: [string, unknown, unknown][] = [['--top', args.top, earlier.top], ['--mutants', args.mutants, earlier.count], ['--seed', args.seed, earlier.seed], ['--stimulus-seed', args['stimulus-seed'], earlier.stimulusSeed]];
      for (const [name, value, there] of given) {
        if (value !== undefined && value !== there) throw new UserError(`${name} ${String(value)} differs from the run in --rerun ${args.rerun} (${String(there)}); leave it out to rerun that run`, 2);
      }
      if (args.ids !== undefined) throw new UserError('--ids and --rerun both choose the mutants to run; give one', 2);
    }
    const top = args.top ?? earlier?.top;
    if (top === undefined) throw new UserError('--top is required (or --rerun FILE, an earlier --json report)', 2);
    const count = args.mutants ?? earlier?.count ?? 200;
    const seed = args.seed ?? earlier?.seed ?? 1;
    const stimulusSeed = args['stimulus-seed'] ?? earlier?.stimulusSeed ?? 1;
    const suites = SUITES_OF[top];
    if (!suites) throw new UserError(`--top ${top} is not a generated top; choose from ${Object.keys(SUITES_OF).join(', ')}`, 2);
    if (args.suite !== undefined && !suites.includes(args.suite)) throw new UserError(`--suite ${args.suite} does not drive ${top}: a mutant of ${top} is judged by ${suites.join(', ')}`, 2);
    if (!(Number.isInteger(count) && count >= 1 && count <= 10_000)) throw new UserError(`--mutants ${count} must be an integer from 1 to 10000`, 2);
    if (!(Number.isInteger(seed) && seed >= 0)) throw new UserError(`--seed ${seed} must be a non-negative integer`, 2);
    if (!(Number.isInteger(stimulusSeed) && stimulusSeed >= 0)) throw new UserError(`--stimulus-seed ${stimulusSeed} must be a non-negative integer`, 2);
    const ids = earlier ? earlier.survivors : args.ids !== undefined ? parseMutantIds(args.ids) : undefined;
    if (earlier && ids?.length === 0) throw new UserError(`--rerun ${args.rerun}: that run left no survivors, so there is nothing to rerun`, 2);
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
    const { applicableEquivalents, createMutants, readEquivalents, runMutants, summariseMutants, mutationText, MUTANT_SELECT } = await import('../cosim/mutate.ts');
    const { junitXml } = await import('../cosim/junit.ts');
    const verify = await import('../verify/index.ts');

    const { applyDesign, planDesignFromArgs } = await import('./design-folder.ts');
    // The design-folder rule of every simulating command: --out is used when its manifest matches, generated when missing.
    const plan = planDesignFromArgs(args);
    const config = plan.config;
    if (earlier && JSON.stringify(earlier.config) !== JSON.stringify(config)) {
      throw new UserError(`--rerun ${args.rerun} was measured on another configuration than the design in ${args.out}; use the --config or --out of that run`, 2);
    }
    // Entries marked "config": "default" hold for the default configuration only.
    const isDefault = JSON.stringify(config) === JSON.stringify(hw.defaultConfig());
    const equivalents = readEquivalents(args.equivalents ?? packageFile('verify', 'equivalent-mutants.json')).filter((e) => e.config !== 'default' || isDefault);
    await requireTool('verilator');
    await requireTool('yosys');
    const say = (l: string) => process.stderr.write(`${l}\n`);
    applyDesign(plan, say);
    // Scratch space beside the build cache: the mutant netlist and Yosys's files.
    const work = join(defaultCacheDir(), '..', 'mutate', `${top}-n${count}-s${seed}-${process.pid}`);
    rmSync(work, { recursive: true, force: true });
    const listed = await createMutants({ rtlDir: args.out, top, count, seed, outDir: work, log: say });
    // --ids / --rerun: the same N mutations and netlist (so the same build), only some of them run.
    let design = listed;
    if (ids !== undefined) {
      const known = new Set(listed.mutants.map((m) => m.id));
      const unknown = ids.filter((id) => !known.has(id));
      if (unknown.length) {
        rmSync(work, { recursive: true, force: true });
        throw new UserError(`--ids ${unknown.slice(0, 5).join(',')}${unknown.length > 5 ? ',...' : ''}: no such mutant among the ${count} of ${top} with seed ${seed} (their numbers: ${describeIds(listed.mutants.map((m) => m.id))})`, 2);
      }
      const wanted = new Set(ids);
      design = { ...listed, mutants: listed.mutants.filter((m) => wanted.has(m.id)) };
    }

    const stale = equivalents.filter((e) => e.top === top).length - applicableEquivalents(equivalents, listed).length;
    if (stale > 0) say(`mutate: ${stale} reviewed equivalent mutant(s) of ${top} were reviewed on another version of the generated Verilog (design ${listed.designHash.slice(0, 12)} now) and are not applied; review the survivors again`);
    const chosen = args.suite ? [args.suite] : suites;
    const planned = chosen.map((s) =>
      s === 'npu' ? verify.planNpu(config.peArray, { seeds: 2, rows: 16, seed: stimulusSeed }) : s === 'scheduler' ? verify.planScheduler(config, { seed: stimulusSeed }) : verify.planSystem(config, { seed: stimulusSeed }),
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
    const summary = summariseMutants(top, seed, results);
    // With --json - the JSON owns standard output; the table goes to standard error.
    const text = args.json === '-' ? process.stderr : process.stdout;
    text.write(`${mutationText(summary)}\nmutation score ${(100 * summary.score).toFixed(1)}% (${summary.killed} killed, ${summary.survived} survived, ${summary.equivalent} equivalent) of ${ids === undefined ? '' : `${design.mutants.length} chosen (--${earlier ? 'rerun' : 'ids'}) of the `}${count} mutants of ${top} (seed ${seed}) against ${chosen.join(', ')}, ${seconds.toFixed(0)} s on ${jobs} jobs\n`);
    if (args.json) {
      const json = { ...summary, designHash: design.designHash, count, ...(ids !== undefined ? { ids: design.mutants.map((m) => m.id) } : {}), suites: chosen, stimulusSeed, design: resolve(args.out), seconds, config };
      await writeOutputFile(args.json, JSON.stringify(json, (_k, v) => (typeof v === 'bigint' ? Number(v) : v), 2) + '\n', '--json');
    }
    if (args.junit) {
      const suitesXml = summary.modules.map((m) => ({
        name: `mutate.${top}.${m.module}`,
        cases: results
          .filter((r) => r.module === m.module)
          .map((r) => ({
            name: `#${r.id} ${r.mode} ${r.signal}`,
            classname: `mutate.${top}.${m.module}`,
            seconds: r.seconds,
            ...(r.status === 'survived' ? { failure: { message: `mutant survived: ${r.mode} of ${r.signal} at ${r.location}`, details: `yosys mutate ${r.mutation}\nno check of ${chosen.join(', ')} failed` } } : {}),
            ...(r.status === 'equivalent' ? { skipped: `equivalent: ${r.detail}` } : {}),
          })),
      }));
      await writeOutputFile(args.junit, junitXml(`dysta mutate ${top}`, suitesXml), '--junit');
    }
    if (args['min-score'] !== undefined && summary.score < args['min-score']) {
      throw new UserError(`mutation score ${(100 * summary.score).toFixed(1)}% is below --min-score ${(100 * args['min-score']).toFixed(1)}%`, 1);
    }
  },
};
