// `dysta cosim`: the verification regression of all the generated hardware (verify/). Suites npu,
// scheduler, trace and system, each RTL against its golden model in Verilator; a line per case, one
// summary table, JUnit/JSON reports, waveforms per case, exit code 1 on any disagreement. After the
// normal pass, X-pessimism passes (`--x-seeds`, default 1,2) run npu, scheduler and system again on
// builds with --x-assign/--x-initial unique, every register without a reset starting at a seeded
// random value. `--coverage [DIR]` builds with line and toggle coverage and writes reports/coverage/.
// The builder only declares options; the handler loads the heavy modules when the command runs.
import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { designFolderHelp } from './design-folder.ts';
import { CheckFailed, UserError } from './errors.ts';

interface Args {
  suite: string;
  case?: string[];
  seed: number;
  config?: string;
  out: string;
  rtl?: string;
  junit?: string;
  json?: string;
  wave?: string;
  'wave-dir'?: string;
  'keep-waves': boolean;
  seeds: number;
  rows: number;
  k?: number;
  workload?: string;
  'csv-dir'?: string;
  trace?: string;
  rate?: number;
  load?: number;
  requests?: number;
  'slo-mult'?: number;
  'seq-len': number;
  'read-scores': boolean;
  'x-seeds': string;
  coverage?: string;
}

const SUITES = ['npu', 'scheduler', 'trace', 'system'] as const;

function usage(message: string): UserError {
  return new UserError(message);
}

/** Suites that run again in the X-pessimism passes (trace is the scheduler's RTL again, on long runs). */
const X_SUITES: readonly string[] = ['npu', 'scheduler', 'system'];

/** `--x-seeds 1,2` -> [1, 2]; `none` or `0` -> no X-pessimism pass. */
export function parseXSeeds(text: string): number[] {
  const t = String(text).trim();
  if (t === '' || t === 'none' || t === '0') return [];
  return t.split(',').map((s) => {
    const n = Number(s.trim());
    if (!(Number.isInteger(n) && n >= 1 && n < 2 ** 31)) throw usage(`--x-seeds ${JSON.stringify(text)}: each seed must be a whole number from 1 to 2147483647 (or none)`);
    return n;
  });
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Options that shape the cases (so a rerun of one case reproduces it), as given. */
function caseOptions(args: Args): string[] {
  const out: string[] = ['--seed', String(args.seed)];
  if (args.rtl) out.push('--rtl', resolve(args.rtl));
  else {
    if (args.config) out.push('--config', resolve(args.config));
    if (args.out !== 'rtl-out') out.push('--out', args.out);
  }
  if (args.seeds !== 2) out.push('--seeds', String(args.seeds));
  if (args.rows !== 16) out.push('--rows', String(args.rows));
  if (args.k !== undefined) out.push('--k', String(args.k));
  for (const key of ['workload', 'csv-dir', 'trace', 'rate', 'load', 'requests', 'slo-mult'] as const) {
    const v = args[key];
    if (v !== undefined) out.push(`--${key}`, key === 'csv-dir' || key === 'trace' ? resolve(String(v)) : String(v));
  }
  if (args['seq-len'] !== 512) out.push('--seq-len', String(args['seq-len']));
  if (args['read-scores']) out.push('--read-scores');
  return out;
}

export const cosimCommand: CommandModule<object, Args> = {
  builder: (y) =>
    y
      .option('suite', { type: 'string', default: SUITES.join(','), describe: 'suites to run, comma-separated: npu (PE array tile), scheduler (random scenarios + corner cases), trace (workload traces, RTL vs golden vs float), system (integrated loop)', group: 'Regression:' })
      .option('case', { type: 'string', array: true, describe: 'run only this case (name or suite/name, as the per-case lines show); repeatable', group: 'Regression:' })
      .option('seed', { type: 'number', default: 1, describe: 'seed of every random case and generated trace (same seed, same cases)', group: 'Regression:' })
      .option('config', { alias: 'c', type: 'string', describe: 'hardware config JSON (`dysta gen-rtl --list-params`): the design in --out must match it; without it, the design there is used as it is', group: 'Design:' })
      .option('out', { alias: 'o', type: 'string', default: 'rtl-out', describe: 'RTL folder: used if its manifest matches, generated if missing or empty, refused otherwise', group: 'Design:' })
      .option('rtl', { type: 'string', describe: 'verify this existing design folder as it is (read; its manifest gives the config) instead of generating one', group: 'Design:' })
      .option('junit', { type: 'string', describe: 'write JUnit XML: one testcase per case, failures with the first mismatch', group: 'Reports:' })
      .option('json', { type: 'string', describe: 'write the JSON report (one case: its own figures at the top level)', group: 'Reports:' })
      .option('wave', { type: 'string', describe: 'record the one selected case as a waveform (.fst, or .vcd) plus a .gtkw save file', group: 'Reports:' })
      .option('wave-dir', { type: 'string', describe: 'record every case into this folder; waves of passing cases are deleted unless --keep-waves', group: 'Reports:' })
      .option('keep-waves', { type: 'boolean', default: false, describe: 'with --wave-dir, keep the waves of passing cases too', group: 'Reports:' })
      .option('x-seeds', { type: 'string', default: '1,2', describe: 'X-pessimism passes after the normal one: npu, scheduler and system again on a build with --x-assign/--x-initial unique, registers without a reset random under each seed (none: skip)', group: 'Regression:' })
      .option('coverage', { type: 'string', describe: 'build with line and toggle coverage, merge every run (all passes) and write the report to this folder (default reports/coverage): coverage.dat, coverage.info (lcov), html/, annotated/, summary', group: 'Reports:' })
      .option('seeds', { type: 'number', default: 2, describe: 'npu: random layers per density (densities 0, 0.1, ..., 1)', group: 'Suite npu:' })
      .option('rows', { type: 'number', default: 16, describe: 'npu: output rows per random layer', group: 'Suite npu:' })
      .option('k', { type: 'number', describe: 'npu: reduction length K per random layer (default min(128, weightDepth))', group: 'Suite npu:' })
      .option('workload', { type: 'string', describe: 'trace: built-in workload, cnn, attention or mnist (default: cnn and attention)', group: 'Suite trace:' })
      .option('csv-dir', { type: 'string', describe: 'trace: folder of artifact-format CSV files, one per variant (instead of --workload)', group: 'Suite trace:' })
      .option('trace', { type: 'string', describe: 'trace: replay this trace JSON (as `dysta simulate --trace-out` writes) instead of generating one', group: 'Suite trace:' })
      .option('rate', { type: 'number', describe: 'trace: Poisson arrival rate in requests/s', group: 'Suite trace:' })
      .option('load', { type: 'number', describe: "trace: arrival rate as a fraction of the workload's capacity (default 1.0: queues build up)", group: 'Suite trace:' })
      .option('requests', { type: 'number', describe: 'trace: generated requests per workload (default 300)', group: 'Suite trace:' })
      .option('slo-mult', { type: 'number', describe: "trace: deadline = arrival + Tarch x M (default: the trace's own, or 10)", group: 'Suite trace:' })
      .option('seq-len', { type: 'number', default: 512, describe: "trace: sequence length for Sanger CSVs' latency model", group: 'Suite trace:' })
      .option('read-scores', { type: 'boolean', default: false, describe: 'trace: also read back and compare every waiting task\'s score at every decision (about 2x the RTL cycles; the scheduler suite always does)', group: 'Suite trace:' })
      .conflicts('rtl', ['config'])
      .conflicts('workload', 'csv-dir')
      .conflicts('trace', ['rate', 'load', 'requests'])
      .conflicts('rate', 'load')
      .conflicts('wave', 'wave-dir')
      .example('$0 cosim', 'the whole regression on the default design, then two X-pessimism passes')
      .example('$0 cosim --coverage', 'also write reports/coverage/ and print line and toggle coverage per module')
      .example('$0 cosim --suite trace --workload cnn --requests 1000 --json t.json', 'a CNN-zoo trace through the scheduler RTL, golden and float models')
      .example('$0 cosim --suite scheduler --case table-full --wave full.fst', 'one case with a waveform; then: gtkwave full.gtkw')
      .example('$0 cosim --junit results.xml --wave-dir waves', 'for CI: JUnit XML, waves of failing cases kept')
      .epilog(
        `${designFolderHelp('cosim')} With --rtl it reads that folder instead and writes nothing in it. ` +
          'Reports (--junit, --json) are written whole when the run ends (- is standard output); --wave-dir is created, or reused only if dysta made it, and keeps your files.',
      ) as never,
  // A bad input (config, workload, trace, path) is a usage error (exit code 2) and a failed check is
  // 1, by the CLI's one rule (cli/errors.ts).
  handler: (args) => run(args),
};

async function run(args: Args): Promise<void> {
  const suites = String(args.suite).split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = suites.filter((s) => !(SUITES as readonly string[]).includes(s));
  if (!suites.length || unknown.length) throw usage(`--suite ${JSON.stringify(args.suite)}: ${unknown.length ? `unknown suite ${unknown.join(', ')}; ` : ''}choose from ${SUITES.join(', ')} (comma-separated)`);
  const positiveInt = (flag: string, v: number | undefined, max = 1e9) => {
    if (v !== undefined && !(Number.isInteger(v) && v >= 1 && v <= max)) throw usage(`--${flag} ${v} must be a whole number from 1 to ${max}`);
  };
  if (!(Number.isInteger(args.seed) && args.seed >= 0 && args.seed <= 0x7fffffff)) throw usage(`--seed ${args.seed} must be a whole number from 0 to 2147483647`);
  positiveInt('seeds', args.seeds, 1000);
  positiveInt('rows', args.rows);
  positiveInt('k', args.k);
  positiveInt('requests', args.requests, 1_000_000);
  for (const flag of ['rate', 'load', 'slo-mult', 'seq-len'] as const) {
    const v = args[flag];
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw usage(`--${flag} ${v} must be a positive number`);
  }
  const { checkWaveOption } = await import('./wave-option.ts');
  await checkWaveOption(args.wave);
  const waveDir = args['wave-dir'];
  if (waveDir !== undefined && /\s/.test(resolve(waveDir))) throw usage(`--wave-dir ${JSON.stringify(waveDir.slice(0, 80))}: the path must not contain spaces (the simulator's command protocol splits on them); choose another folder`);
  const xSeeds = parseXSeeds(args['x-seeds']);
  const coverageOut = args.coverage === undefined ? undefined : args.coverage === '' ? 'reports/coverage' : args.coverage;
  if (coverageOut && (args.wave || waveDir !== undefined)) throw usage('--coverage cannot be combined with --wave or --wave-dir (a waveform needs a traced build, coverage an instrumented one): run them separately');

  const [{ checkOutputDir, checkOutputFile, ensureOutputDir, outputFilePath, writeOutputDir, writeOutputFile }, { requireTool }, hw, verify, { applyDesign, planDesignFromArgs }, { parseJsonStrict }] = await Promise.all([
    import('../output/index.ts'),
    import('../cosim/tools.ts'),
    import('../hwgen/index.ts'),
    import('../verify/index.ts'),
    import('./design-folder.ts'),
    import('../input/index.ts'),
  ]);
  if (args.json) checkOutputFile(args.json, '--json');
  if (args.junit) checkOutputFile(args.junit, '--junit');
  if (coverageOut) checkOutputDir(coverageOut, '--coverage');
  // The tools answer (`verilator --version` is a Perl start-up: 0.1-0.7 s) while the design and the
  // inputs are checked; a missing tool is reported before anything is written or simulated.
  const tools = Promise.all([
    requireTool('verilator'),
    waveDir !== undefined ? requireTool('fst2vcd') : undefined, // the .gtkw save file of each FST wave
    coverageOut ? requireTool('verilator_coverage') : undefined,
    coverageOut ? requireTool('genhtml') : undefined,
  ]);
  tools.catch(() => {}); // awaited below; an input error found first is reported first
  const say = (line: string) => process.stderr.write(`${line}\n`);

  // The design under test: --rtl as it is (edits included, nothing written), or --out by the
  // design-folder rule (used when its manifest matches, generated when missing; decided here, written
  // only after every check).
  let rtlDir: string;
  let config;
  let plan;
  if (args.rtl) {
    rtlDir = args.rtl;
    const { readFileSync } = await import('node:fs');
    const manifestPath = resolve(rtlDir, 'manifest.json');
    let text: string;
    try {
      text = readFileSync(manifestPath, 'utf8');
    } catch (err) {
      throw usage(`--rtl ${rtlDir}: cannot read its manifest.json (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); name a folder written by \`dysta gen-rtl\``);
    }
    const manifest = parseJsonStrict(text, manifestPath) as { config?: unknown } | null;
    if (manifest?.config === undefined) throw usage(`--rtl ${rtlDir}: manifest.json has no config; regenerate the folder with \`dysta gen-rtl\``);
    config = hw.parseConfig(manifest.config, `${rtlDir}/manifest.json`);
  } else {
    plan = planDesignFromArgs(args);
    config = plan.config;
    rtlDir = plan.dir;
  }
  if (args.k !== undefined && args.k > config.peArray.weightDepth) throw usage(`--k ${args.k} must be at most peArray.weightDepth (${config.peArray.weightDepth})`);

  // Plan every selected suite (trace inputs are loaded and checked here: a bad input stops before any simulation).
  const traceGiven = [args.workload, args['csv-dir'], args.trace, args.rate, args.load, args.requests, args['slo-mult']].some((v) => v !== undefined);
  if (traceGiven && !suites.includes('trace')) say('note: the trace options apply to the trace suite, which is not selected');
  const planned = [];
  for (const suite of SUITES.filter((s) => suites.includes(s))) {
    if (suite === 'npu') planned.push(verify.planNpu(config.peArray, { seeds: args.seeds, rows: args.rows, k: args.k, seed: args.seed }));
    if (suite === 'scheduler') planned.push(verify.planScheduler(config, { seed: args.seed }));
    if (suite === 'system') planned.push(verify.planSystem(config, { seed: args.seed }));
    if (suite === 'trace') {
      let sources;
      const sloMult = args['slo-mult'];
      if (args.workload === undefined && args['csv-dir'] === undefined && args.trace === undefined) {
        sources = verify.defaultTraceSources(args.seed, { requests: args.requests, rate: args.rate, load: args.load, sloMult });
      } else {
        const workload = args['csv-dir'] !== undefined ? { kind: 'csv' as const, dir: args['csv-dir'], seqLen: args['seq-len'] } : args.workload !== undefined ? { kind: 'zoo' as const, name: args.workload } : verify.workloadForTraceFile(args.trace!);
        const requests = args.trace !== undefined ? { kind: 'file' as const, path: args.trace } : { kind: 'poisson' as const, count: args.requests ?? verify.TRACE_DEFAULTS.requests, seed: args.seed, rate: args.rate, load: args.load };
        sources = [{ workload, requests, sloMult }];
      }
      planned.push(verify.planTrace(config, verify.prepareTraces(config, sources), { scoreReads: args['read-scores'] }));
    }
  }
  const only = args.case ?? [];
  const selection = verify.selectCases(planned, only);
  const selectedCount = [...selection.values()].reduce((a, s) => a + s.size, 0);

  await tools;
  // Waveforms: one case into --wave, or every case into --wave-dir.
  let waveFor: ((suite: string, name: string) => string | undefined) | undefined;
  if (args.wave) {
    if (selectedCount !== 1) throw usage(`--wave records one case, but ${selectedCount} are selected: pick one with --suite and --case (or use --wave-dir DIR to record every case)`);
    // The simulator writes the file itself: hand it a symlink's target so the link stays a link
    // (the .gtkw save file then sits beside that target).
    const wave = outputFilePath(args.wave, '--wave');
    waveFor = () => wave;
  } else if (args['wave-dir']) {
    const dir = ensureOutputDir(args['wave-dir'], 'cosim waveforms', '--wave-dir');
    waveFor = (suite, name) => resolve(dir, `${suite}-${name}.fst`);
  }

  if (plan) applyDesign(plan, say);

  // A failure of an X pass reruns with its seed (the waveform is of the normal pass, the X pass follows it).
  const rerun = (r: { suite: string; name: string; pass?: string }) =>
    ['npx', 'dysta', 'cosim', '--suite', r.suite, '--case', r.name, ...caseOptions(args), '--x-seeds', r.pass?.startsWith('X seed ') ? r.pass.slice(7) : 'none', '--wave', `${r.suite}-${r.name}.fst`].map(shellQuote).join(' ');
  const command = ['dysta', 'cosim', ...process.argv.slice(3)].map(shellQuote).join(' ');
  // X-pessimism passes: the selected cases of npu, scheduler and system again, one pass per seed.
  const xPlanned = planned.filter((s) => X_SUITES.includes(s.suite) && selection.get(s.suite)?.size);
  const xCount = xPlanned.reduce((a, s) => a + selection.get(s.suite)!.size, 0);
  const xOnly = xPlanned.flatMap((s) => [...selection.get(s.suite)!].map((name) => `${s.suite}/${name}`));
  const total = selectedCount + xSeeds.length * xCount;
  say(`cosim: ${selectedCount} cases in ${planned.map((s) => s.suite).join(', ')}${xSeeds.length && xCount ? `, then ${xCount} in ${xSeeds.length} X-pessimism pass(es) (seeds ${xSeeds.join(', ')})` : ''} (seed ${args.seed}; design ${resolve(rtlDir)})`);
  const { mkdtempSync, readdirSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const coverageDir = coverageOut ? mkdtempSync(resolve(tmpdir(), 'dysta-coverage-')) : undefined;
  let done = 0;
  const onCase = (r: Parameters<typeof verify.caseLine>[0]) => {
    done++;
    const counter = `[${String(done).padStart(String(total).length)}/${total}]`;
    process.stdout.write(`${counter} ${verify.caseLine(r)}\n`);
    const text = r.data?.text;
    if (typeof text === 'string') process.stdout.write(`${text}\n`);
  };
  let result;
  try {
    const passes = [await verify.runRegression({ rtlDir, config, suites: planned, only, waveFor, progress: say, onCase, instrument: coverageDir ? { coverageDir } : {} })];
    for (const xSeed of xPlanned.length ? xSeeds : []) {
      passes.push(await verify.runRegression({ rtlDir, config, suites: xPlanned, only: xOnly, progress: say, onCase, pass: `X seed ${xSeed}`, instrument: { xSeed, ...(coverageDir ? { coverageDir } : {}) } }));
    }
    result = verify.mergeResults(passes);
    if (coverageDir && coverageOut) {
      const { coverageReport, coverageText } = await import('../cosim/coverage.ts');
      const dats = readdirSync(coverageDir).filter((f) => f.endsWith('.dat')).map((f) => resolve(coverageDir, f));
      const report = await coverageReport(dats, rtlDir);
      const dir = writeOutputDir(coverageOut, report.files, 'coverage report', '--coverage');
      process.stdout.write(`\ncoverage of ${dats.length} simulator runs on ${resolve(rtlDir)} (line: every block and branch point on the line reached; the trace suite and the system suite's variant design are not counted):\n${coverageText(report.modules)}report: ${dir}/ (coverage.dat, coverage.info, html/index.html, annotated/, summary.txt, summary.json)\n`);
    }
  } finally {
    if (coverageDir) rmSync(coverageDir, { recursive: true, force: true });
  }

  // Waves of passing cases go unless asked to keep them; failing ones stay.
  if (args['wave-dir'] && !args['keep-waves']) {
    for (const c of result.cases) {
      if (c.status === 'pass' && c.waveform) {
        rmSync(c.waveform, { force: true });
        if (c.gtkw) rmSync(c.gtkw, { force: true });
        delete c.waveform;
        delete c.gtkw;
      }
    }
  }

  const failures = verify.failureReport(result, rerun);
  process.stdout.write(`\n${verify.summaryTable(result)}\n${failures ? `\n${failures}\n` : ''}`);
  if (args.junit) {
    await writeOutputFile(args.junit, verify.junitXml(result, { timestamp: new Date(), rerun, properties: { seed: String(args.seed), design: resolve(rtlDir), command } }), '--junit');
    say(`wrote ${args.junit}`);
  }
  if (args.json) {
    await writeOutputFile(args.json, JSON.stringify(verify.jsonReport(result, { seed: args.seed, command, rerun }), null, 1) + '\n', '--json');
    say(`wrote ${args.json}`);
  }
  if (!result.passed) {
    const bad = result.cases.filter((c) => c.status === 'fail' || c.status === 'error').length;
    throw new CheckFailed(`${bad} of ${result.cases.length} cases disagreed with the golden model or did not finish (details above)`);
  }
}
