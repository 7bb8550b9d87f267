// `dysta cosim`: verification run. Random layers at every density (and the corner cases a user
// would otherwise have to write by hand) on the generated NPU tile in Verilator, each compared
// with the golden model; prints one line per case and fails on the first disagreement.
import type { CommandModule } from 'yargs';
import { UserError } from './errors.ts';
import { openNpu } from './npu-run.ts';
import { compressRows, defaultConfig, loadConfigFile, randomTile, runLayerGolden, type LayerTile, type PeArrayConfig } from '../hwgen/index.ts';

interface Args {
  seeds: number;
  rows: number;
  k?: number;
  out: string;
  config?: string;
  wave?: string;
}

function cases(cfg: PeArrayConfig, seeds: number, rows: number, k: number): { name: string; tile: LayerTile }[] {
  const out: { name: string; tile: LayerTile }[] = [];
  for (let d = 0; d <= 10; d++) {
    for (let s = 0; s < seeds; s++) {
      const density = d / 10;
      out.push({
        name: `density ${density.toFixed(1)} seed ${s}`,
        tile: randomTile(cfg, { rows, k, density, seed: 100 * d + s, relu: s % 2 === 0, shift: (3 + 5 * s) % cfg.accWidth }),
      });
    }
  }
  const aMax = 2 ** (cfg.actWidth - 1) - 1;
  const aMin = -(2 ** (cfg.actWidth - 1));
  const wMax = 2 ** (cfg.weightWidth - 1) - 1;
  const full = Array.from({ length: k }, () => Array(cfg.lanes).fill(wMax));
  out.push({ name: 'all-max (saturate high)', tile: { weights: full, beats: compressRows([Array(k).fill(aMax)]), rows: 1, relu: false, shift: 0 } });
  out.push({ name: 'all-min (saturate low)', tile: { weights: full, beats: compressRows([Array(k).fill(aMin)]), rows: 1, relu: false, shift: 0 } });
  out.push({ name: `full depth K=${cfg.weightDepth}`, tile: randomTile(cfg, { rows: 2, k: cfg.weightDepth, density: 0.5, seed: 9, shift: 10 }) });
  return out;
}

export const cosimCommand: CommandModule<object, Args> = {
  command: 'cosim',
  describe: 'Verify the generated NPU tile RTL against its golden model in Verilator',
  builder: (y) =>
    y
      .option('seeds', { type: 'number', default: 2, describe: 'random layers per density (densities 0, 0.1, ..., 1)' })
      .option('rows', { type: 'number', default: 16, describe: 'output rows per random layer' })
      .option('k', { type: 'number', describe: 'reduction length K per random layer (default: min(128, weightDepth))' })
      .option('out', { alias: 'o', type: 'string', default: 'rtl-out', describe: 'where the RTL is generated' })
      .option('config', { alias: 'c', type: 'string', describe: 'hardware config JSON' })
      .option('wave', { type: 'string', describe: 'record a waveform (.fst, or .vcd) plus a .gtkw save file' })
      .example('$0 cosim', 'all densities, 2 seeds each, default hardware')
      .example('$0 cosim --config small.json --wave run.fst', 'then: gtkwave run.gtkw') as never,
  handler: async (args) => {
    const config = args.config ? loadConfigFile(args.config) : defaultConfig();
    const cfg = config.peArray;
    const k = args.k ?? Math.min(128, cfg.weightDepth);
    if (!(Number.isInteger(k) && k >= 1 && k <= cfg.weightDepth)) throw new UserError(`--k ${k} must be from 1 to peArray.weightDepth (${cfg.weightDepth})`);
    if (!(Number.isInteger(args.rows) && args.rows >= 1 && args.rows <= cfg.maxRows)) throw new UserError(`--rows ${args.rows} must be from 1 to peArray.maxRows (${cfg.maxRows})`);
    if (!(Number.isInteger(args.seeds) && args.seeds >= 1)) throw new UserError(`--seeds ${args.seeds} must be a positive integer`);
    const { sim, finish } = await openNpu({ config, rtlDir: args.out, wave: args.wave });
    let failed = 0;
    let total = 0;
    let gtkw: string | undefined;
    try {
      for (const c of cases(cfg, args.seeds, args.rows, k)) {
        total++;
        await sim.loadWeights(c.tile.weights);
        const hw = await sim.runLayer(c.tile);
        const gold = runLayerGolden(cfg, c.tile);
        const problems: string[] = [];
        if (JSON.stringify(hw.outputs) !== JSON.stringify(gold.outputs)) problems.push('outputs differ');
        if (hw.cycles !== gold.cycles) problems.push(`cycles ${hw.cycles} vs golden ${gold.cycles}`);
        if (hw.nonzero !== gold.nonzero || hw.total !== gold.total) problems.push(`monitor ${hw.nonzero}/${hw.total} vs golden ${gold.nonzero}/${gold.total}`);
        if (problems.length) failed++;
        process.stdout.write(`${problems.length ? 'FAIL' : 'ok  '} ${c.name.padEnd(28)} cycles ${String(hw.cycles).padStart(7)}  monitor ${hw.nonzero}/${hw.total}${problems.length ? '  ' + problems.join('; ') : ''}\n`);
      }
    } finally {
      gtkw = await finish();
    }
    process.stdout.write(`\n${total - failed} passed, ${failed} failed (NPU tile RTL vs golden model; command log: ${sim.session.logPath})\n`);
    if (gtkw) process.stdout.write(`waveform: ${args.wave}  (open with: gtkwave ${gtkw})\n`);
    if (failed) throw new UserError(`${failed} case(s) disagreed with the golden model; replay: ${sim.simulator.binary} < ${sim.session.logPath}`, 3);
  },
};
