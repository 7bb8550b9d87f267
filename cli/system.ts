// `dysta system`: the integrated Sparse-DySta loop in Verilator. The scheduler RTL decides, the host
// loads the decided layer of a CNN into the PE array RTL (one pass per `lanes` output channels), the
// array's outputs feed the scheduler's monitor and predictor; every line of the run is checked against
// the system golden model (GoldenScheduler + the PE-array golden model), and a per-request table is
// printed. Default workload: the trained MNIST variants on real test digits (models/), each request's
// predicted digit taken from the RTL's classifier outputs; `--workload tiny`: random tiny CNNs.
// Heavy modules load only when the command runs.
import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { applyDesign, designFolderHelp, planDesignFromArgs } from './design-folder.ts';
import { CheckFailed, UserError } from './errors.ts';
import { checkWaveOption } from './wave-option.ts';

interface Args {
  workload: string;
  models: string;
  weights?: string;
  requests: number;
  seed: number;
  load: number;
  out: string;
  config?: string;
  json?: string;
  wave?: string;
  zoom: number;
}

export const systemCommand: CommandModule<object, Args> = {
  builder: (y) =>
    y
      .option('workload', { type: 'string', choices: ['mnist', 'tiny'], default: 'mnist', describe: 'mnist: trained CNNs on test digits; tiny: random tiny CNNs at random input densities' })
      .option('models', { type: 'string', default: 'all', describe: "mnist: comma-separated variants (models/README.md) or 'all'" })
      .option('weights', { type: 'string', describe: 'mnist: folder of int8 weights files (default: the committed models/weights)' })
      .option('requests', { alias: 'n', type: 'number', default: 20, describe: 'requests (mixed models and inputs)' })
      .option('seed', { type: 'number', default: 1, describe: 'seed of arrivals, models chosen and inputs' })
      .option('load', { type: 'number', default: 1.0, describe: 'offered load: mean isolated latency / mean inter-arrival gap' })
      .option('out', { alias: 'o', type: 'string', default: 'rtl-out', describe: 'RTL folder: used if it matches, generated if missing or empty' })
      .option('config', { alias: 'c', type: 'string', describe: 'hardware config JSON (`dysta gen-rtl --list-params`): the design in --out must match it; without it, the design there is used as it is' })
      .option('json', { type: 'string', describe: 'write {"accuracy", "deadlinesMet", "requests": [...], ...} to this file (- = stdout)' })
      .option('wave', { type: 'string', describe: 'record a waveform (.fst, or .vcd) plus a .gtkw save file' })
      .option('zoom', { type: 'number', default: -19, describe: 'GTKWave zoom of the .gtkw (-19: about 200 cycles; more negative = wider)' })
      .example('$0 system', '20 requests of the 9 MNIST variants on real test digits')
      .example('$0 system -n 40 --json run.json', 'accuracy and per-request records as JSON')
      .example('$0 system --workload tiny -n 40 --load 1.3 --wave sys.fst', 'random tiny CNNs; then: gtkwave sys.gtkw')
      .epilog(designFolderHelp('system')) as never,
  handler: async (args) => {
    if (!(Number.isInteger(args.requests) && args.requests >= 1 && args.requests <= 10_000)) throw new UserError(`--requests ${args.requests} must be an integer from 1 to 10000`);
    if (!(args.load > 0 && args.load <= 100)) throw new UserError(`--load ${args.load} must be above 0 (and at most 100)`);
    if (!(Number.isSafeInteger(args.seed) && args.seed >= 0)) throw new UserError(`--seed ${args.seed} must be a non-negative integer`);
    if (!Number.isFinite(args.zoom)) throw new UserError(`--zoom ${args.zoom} must be a number`);
    const [{ SystemSim }, { requireTool }, sys, out] = await Promise.all([
      import('../cosim/system/driver.ts'),
      import('../cosim/tools.ts'),
      import('../hwgen/system/index.ts'),
      import('../output/index.ts'),
    ]);
    const plan = planDesignFromArgs(args);
    const config = plan.config;
    const trace = await checkWaveOption(args.wave);
    if (args.json) out.checkOutputFile(args.json, '--json');
    const say = (line: string) => process.stderr.write(`${line}\n`);
    const mnist = args.workload === 'mnist' ? await import('../models/system.ts') : undefined;
    let wl;
    if (mnist) {
      const { parseModelList } = await import('../models/weights.ts');
      wl = mnist.buildMnistWorkload(config, { variants: parseModelList(args.models), weightsDir: args.weights, requests: args.requests, seed: args.seed, load: args.load });
    } else {
      if (args.models !== 'all' || args.weights) throw new UserError('--models and --weights apply to --workload mnist only');
      wl = sys.buildWorkload(config, { requests: args.requests, seed: args.seed, load: args.load });
    }
    await requireTool('verilator');
    applyDesign(plan, say);
    const t0 = performance.now();
    const gold = sys.runSystemGolden(wl);
    const goldenSeconds = (performance.now() - t0) / 1000;
    const sim = await SystemSim.open(args.out, { trace, log: say });
    let run;
    let rtlSeconds = 0;
    try {
      const t1 = performance.now();
      run = await sim.run(sys.systemSetup(wl), (req, layer, previous) => wl.passes(req, layer, previous), {
        wave: args.wave ? resolve(args.wave) : undefined,
        // The simulator writes the file itself: give it the symlink's target, so a link stays a link.
        waveFile: args.wave ? out.outputFilePath(args.wave, '--wave') : undefined,
        zoom: args.zoom,
      });
      rtlSeconds = (performance.now() - t1) / 1000;
      say(`RTL run: ${rtlSeconds.toFixed(2)} s; golden model: ${goldenSeconds.toFixed(2)} s`);
    } finally {
      await sim.close();
    }
    const same = run.lines.filter((l, i) => l === gold.lines[i]).length;
    const firstDiff = run.lines.findIndex((l, i) => l !== gold.lines[i]);
    const outputsEqual = JSON.stringify(run.outputs) === JSON.stringify(gold.outputs);
    const agree = firstDiff < 0 && run.lines.length === gold.lines.length && outputsEqual;
    const finish = new Map<number, bigint>();
    for (const l of run.lines) {
      const p = l.split(' ');
      if (p[0] === 'C') finish.set(Number(p[2]), BigInt(p[3]!));
    }
    const predicted = mnist ? mnist.predictions(wl, run.outputs) : undefined;
    const records = wl.requests.map((r, i) => {
      const f = finish.get(i);
      return {
        req: i,
        model: wl.variants[r.variant]!.model.name,
        ...(r.sample !== undefined ? { digit: r.sample } : {}),
        ...(r.label !== undefined ? { label: r.label, predicted: predicted![i]!, correct: predicted![i] === r.label } : {}),
        density: r.density,
        arrival: Number(r.arrival),
        finish: f === undefined ? null : Number(f),
        latency: f === undefined ? null : Number(f - r.arrival),
        deadline: Number(r.deadline),
        met: f !== undefined && f <= r.deadline,
      };
    });
    const dash = (v: unknown) => (v === undefined || v === null ? '-' : String(v));
    const rows = records.map((r) => [
      String(r.req),
      r.model,
      ...(mnist ? [dash(r.digit), dash(r.label), dash(r.predicted), r.correct ? 'yes' : 'no'] : []),
      r.density.toFixed(2),
      String(r.arrival),
      dash(r.finish),
      dash(r.latency),
      String(r.deadline),
      r.met ? 'yes' : 'no',
    ]);
    const head = ['req', 'model', ...(mnist ? ['digit', 'label', 'pred', 'right'] : []), 'density', 'arrival', 'finish', 'latency', 'deadline', 'met'];
    const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
    const fmt = (r: string[]) => r.map((x, c) => (c === 1 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  ');
    const met = records.filter((r) => r.met).length;
    const correct = records.filter((r) => r.correct).length;
    const accuracy = mnist ? correct / records.length : null;
    const decisions = run.lines.filter((l) => l.startsWith('D ')).length;
    const passes = run.lines.filter((l) => l.startsWith('L ')).length;
    const refusals = run.lines.filter((l) => l.startsWith('B ')).length;
    const lastCycle = Number(gold.lines.at(-1)!.split(' ').at(-1));
    const gammas = gold.layers.map((l) => Number(l.gamma) / 2 ** config.scheduler.gammaFracBits);
    const lines = [
      fmt(head),
      ...rows.map(fmt),
      '',
      ...(mnist ? [`accuracy (argmax of the RTL's classifier outputs): ${correct} / ${records.length} = ${(100 * accuracy!).toFixed(1)}%`] : []),
      `deadlines met: ${met} / ${rows.length}; ${decisions} decisions (one per layer), ${passes} PE-array passes, ${refusals} admission refusals (table full), last cycle ${lastCycle}`,
      `gamma after each layer: ${Math.min(...gammas).toFixed(3)} .. ${Math.max(...gammas).toFixed(3)}`,
      `RTL vs golden model: ${same} / ${gold.lines.length} log lines identical${run.lines.length === gold.lines.length ? '' : ` (RTL wrote ${run.lines.length})`}` +
        ` (decisions, scores, gamma/P read-backs, admissions, pass cycles and monitor counts, completions, counters); layer outputs ${outputsEqual ? 'identical' : 'DIFFER'}`,
    ];
    if (firstDiff >= 0) lines.push(`first difference at line ${firstDiff}: RTL "${run.lines[firstDiff]}", golden "${gold.lines[firstDiff] ?? '(none)'}" (session log ${sim.session.logPath})`);
    if (run.gtkw) lines.push(`waveform: ${args.wave}  (open with: gtkwave ${run.gtkw})`);
    if (args.json) {
      const report = {
        workload: args.workload,
        accuracy,
        deadlinesMet: met / records.length,
        rtlMatchesGolden: agree,
        decisions,
        passes,
        refusals,
        lastCycle,
        clockMHz: config.scheduler.clockMHz,
        seconds: { rtl: rtlSeconds, golden: goldenSeconds },
        requests: records,
      };
      await out.writeOutputFile(args.json, JSON.stringify(report, null, 1) + '\n', '--json');
    }
    if (args.json !== '-') process.stdout.write(lines.join('\n') + '\n');
    if (!agree) throw new CheckFailed('the RTL disagreed with the system golden model');
  },
};
