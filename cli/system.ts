// `dysta system`: the integrated Sparse-DySta loop in Verilator. The scheduler RTL decides, the host
// loads the decided layer of a tiny int8 CNN into the PE array RTL, the array's outputs feed the
// scheduler's monitor and predictor; every line of the run is checked against the system golden
// model (GoldenScheduler + runLayerGolden), and a per-request table is printed.
import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { applyDesign, designFolderHelp, planDesignFromArgs } from './design-folder.ts';
import { CheckFailed, UserError } from './errors.ts';
import { checkWaveOption } from './wave-option.ts';
import { outputFilePath } from '../output/index.ts';
import { SystemSim } from '../cosim/system/driver.ts';
import { requireTool } from '../cosim/tools.ts';
import { buildWorkload, inputDensity, runSystemGolden, systemSetup } from '../hwgen/system/index.ts';

interface Args {
  requests: number;
  seed: number;
  load: number;
  out: string;
  config?: string;
  wave?: string;
  zoom: number;
}

export const systemCommand: CommandModule<object, Args> = {
  command: 'system',
  describe: 'Run requests of tiny sparse CNNs through the integrated scheduler + PE array RTL, checked against the golden model',
  builder: (y) =>
    y
      .option('requests', { alias: 'n', type: 'number', default: 20, describe: 'requests (mixed models and input densities)' })
      .option('seed', { type: 'number', default: 1, describe: 'seed of arrivals, models chosen, densities and inputs' })
      .option('load', { type: 'number', default: 1.0, describe: 'offered load: mean isolated latency / mean inter-arrival gap' })
      .option('out', { alias: 'o', type: 'string', default: 'rtl-out', describe: 'RTL folder: used if it matches, generated if missing or empty' })
      .option('config', { alias: 'c', type: 'string', describe: 'hardware config JSON (`dysta gen-rtl --list-params`): the design in --out must match it; without it, the design there is used as it is' })
      .option('wave', { type: 'string', describe: 'record a waveform (.fst, or .vcd) plus a .gtkw save file' })
      .option('zoom', { type: 'number', default: -19, describe: 'GTKWave zoom of the .gtkw (-19: about 200 cycles; more negative = wider)' })
      .example('$0 system', '20 requests on the default design')
      .example('$0 system -n 40 --load 1.3 --wave sys.fst', 'then: gtkwave sys.gtkw')
      .epilog(designFolderHelp('system')) as never,
  handler: async (args) => {
    if (!(Number.isInteger(args.requests) && args.requests >= 1 && args.requests <= 10_000)) throw new UserError(`--requests ${args.requests} must be an integer from 1 to 10000`);
    if (!(args.load > 0 && args.load <= 100)) throw new UserError(`--load ${args.load} must be above 0 (and at most 100)`);
    if (!(Number.isSafeInteger(args.seed) && args.seed >= 0)) throw new UserError(`--seed ${args.seed} must be a non-negative integer`);
    if (!Number.isFinite(args.zoom)) throw new UserError(`--zoom ${args.zoom} must be a number`);
    const plan = planDesignFromArgs(args);
    const config = plan.config;
    const trace = await checkWaveOption(args.wave);
    const say = (line: string) => process.stderr.write(`${line}\n`);
    await requireTool('verilator');
    applyDesign(plan, say);
    const wl = buildWorkload(config, { requests: args.requests, seed: args.seed, load: args.load });
    const t0 = performance.now();
    const gold = runSystemGolden(wl);
    const goldenSeconds = (performance.now() - t0) / 1000;
    const sim = await SystemSim.open(args.out, { trace, log: say });
    let run;
    try {
      const t1 = performance.now();
      run = await sim.run(systemSetup(wl), (req, layer, previous) => wl.passes(req, layer, previous), {
        wave: args.wave ? resolve(args.wave) : undefined,
        // The simulator writes the file itself: give it the symlink's target, so a link stays a link.
        waveFile: args.wave ? outputFilePath(args.wave, '--wave') : undefined,
        zoom: args.zoom,
      });
      say(`RTL run: ${((performance.now() - t1) / 1000).toFixed(2)} s; golden model: ${goldenSeconds.toFixed(2)} s`);
    } finally {
      await sim.close();
    }
    const same = run.lines.filter((l, i) => l === gold.lines[i]).length;
    const firstDiff = run.lines.findIndex((l, i) => l !== gold.lines[i]);
    const outputsEqual = JSON.stringify(run.outputs) === JSON.stringify(gold.outputs);
    const finish = new Map<number, bigint>();
    for (const l of run.lines) {
      const p = l.split(' ');
      if (p[0] === 'C') finish.set(Number(p[2]), BigInt(p[3]!));
    }
    const rows = wl.requests.map((r, i) => {
      const f = finish.get(i);
      const model = wl.variants[r.variant]!.model.name;
      return [String(i), model, inputDensity(r.image).toFixed(2), String(r.arrival), f === undefined ? '-' : String(f), f === undefined ? '-' : String(f - r.arrival), String(r.deadline), f === undefined ? '-' : f <= r.deadline ? 'yes' : 'no'];
    });
    const head = ['req', 'model', 'density', 'arrival', 'finish', 'latency', 'deadline', 'met'];
    const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
    const fmt = (r: string[]) => r.map((x, c) => (c === 1 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  ');
    const met = rows.filter((r) => r[7] === 'yes').length;
    const decisions = run.lines.filter((l) => l.startsWith('D ')).length;
    const refusals = run.lines.filter((l) => l.startsWith('B ')).length;
    const gammas = gold.layers.map((l) => Number(l.gamma) / 2 ** config.scheduler.gammaFracBits);
    const lines = [
      fmt(head),
      ...rows.map(fmt),
      '',
      `deadlines met: ${met} / ${rows.length}; ${decisions} decisions (one per layer), ${refusals} admission refusals (table full), last cycle ${gold.lines.at(-1)!.split(' ').at(-1)}`,
      `gamma after each layer: ${Math.min(...gammas).toFixed(3)} .. ${Math.max(...gammas).toFixed(3)}`,
      `RTL vs golden model: ${same} / ${gold.lines.length} log lines identical${run.lines.length === gold.lines.length ? '' : ` (RTL wrote ${run.lines.length})`}` +
        ` (decisions, scores, gamma/P read-backs, admissions, layer cycles and monitor counts, completions, counters); layer outputs ${outputsEqual ? 'identical' : 'DIFFER'}`,
    ];
    if (firstDiff >= 0) lines.push(`first difference at line ${firstDiff}: RTL "${run.lines[firstDiff]}", golden "${gold.lines[firstDiff] ?? '(none)'}" (session log ${sim.session.logPath})`);
    if (run.gtkw) lines.push(`waveform: ${args.wave}  (open with: gtkwave ${run.gtkw})`);
    process.stdout.write(lines.join('\n') + '\n');
    if (firstDiff >= 0 || run.lines.length !== gold.lines.length || !outputsEqual) throw new CheckFailed('the RTL disagreed with the system golden model');
  },
};
