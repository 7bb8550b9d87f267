// `dysta demo`: the newcomer's first run. Uses (or generates) the RTL, runs one convolution layer
// (lowered by im2col) on the sparse PE array in Verilator, checks it against the golden model and
// prints the cycles, the activation density and the sparsity monitor's counts.
import type { CommandModule } from 'yargs';
import { designFolderHelp, planDesignFromArgs } from './design-folder.ts';
import { CheckFailed, UserError } from './errors.ts';
import { openNpu } from './npu-run.ts';
import { checkWaveOption } from './wave-option.ts';
import { randomConvTile, runLayerGolden, type ConvShape } from '../hwgen/index.ts';

interface Args {
  density: number;
  seed: number;
  channels: number;
  size: number;
  out: string;
  config?: string;
  wave?: string;
}

export const demoCommand: CommandModule<object, Args> = {
  builder: (y) =>
    y
      .option('density', { type: 'number', default: 0.5, describe: 'fraction of non-zero input activations (0..1)' })
      .option('seed', { type: 'number', default: 1, describe: 'seed of the random layer' })
      .option('channels', { type: 'number', default: 16, describe: 'input channels (K = channels x 9)' })
      .option('size', { type: 'number', default: 8, describe: 'input height = width (rows = size^2 with padding 1)' })
      .option('out', { alias: 'o', type: 'string', default: 'rtl-out', describe: 'RTL folder: used if it matches, generated if missing or empty' })
      .option('config', { alias: 'c', type: 'string', describe: 'hardware config JSON (`dysta gen-rtl --list-params`): the design in --out must match it; without it, the design there is used as it is' })
      .option('wave', { type: 'string', describe: 'record a waveform (.fst, or .vcd) plus a .gtkw save file' })
      .example('$0 demo', 'density 0.5 on the default 16-lane array')
      .example('$0 demo --density 0.2 --wave demo.fst', 'then: gtkwave demo.gtkw')
      .epilog(designFolderHelp('demo')) as never,
  handler: async (args) => {
    if (!(args.density >= 0 && args.density <= 1)) throw new UserError(`--density ${args.density} must be from 0 to 1`);
    if (!Number.isSafeInteger(args.seed) || args.seed < 0) throw new UserError(`--seed ${args.seed} must be a non-negative integer`);
    const plan = planDesignFromArgs(args);
    const cfg = plan.config.peArray;
    const shape: ConvShape = { inChannels: args.channels, height: args.size, width: args.size, kernel: 3, stride: 1, pad: 1 };
    const k = shape.inChannels * 9;
    if (!(Number.isInteger(args.channels) && args.channels >= 1) || k > cfg.weightDepth) {
      throw new UserError(`--channels ${args.channels}: K = channels x 9 must be from 9 to peArray.weightDepth (${cfg.weightDepth})`);
    }
    if (!(Number.isInteger(args.size) && args.size >= 1) || args.size * args.size > cfg.maxRows) {
      throw new UserError(`--size ${args.size}: rows = size^2 must be from 1 to peArray.maxRows (${cfg.maxRows})`);
    }
    const waveFormat = await checkWaveOption(args.wave);
    const tile = randomConvTile(cfg, shape, args.density, args.seed);
    const { sim, finish } = await openNpu({ plan, wave: args.wave, waveFormat });
    let hw;
    let gtkw: string | undefined;
    try {
      await sim.loadWeights(tile.weights);
      hw = await sim.runLayer(tile);
    } finally {
      gtkw = await finish();
    }
    const gold = runLayerGolden(cfg, tile);
    const nonzeroIn = tile.beats.filter((b) => b.value !== 0).length;
    const denseCycles = tile.rows * k + 2;
    const match = JSON.stringify(hw.outputs) === JSON.stringify(gold.outputs) && hw.cycles === gold.cycles && hw.nonzero === gold.nonzero && hw.total === gold.total;
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    const lines = [
      `layer: 3x3 conv, ${shape.inChannels} -> ${cfg.lanes} channels on ${args.size}x${args.size} (im2col: ${tile.rows} rows x K=${k}), seed ${args.seed}`,
      `input activation density:   ${pct(nonzeroIn / (tile.rows * k))} (${nonzeroIn} non-zeros streamed of ${tile.rows * k})`,
      `cycles (RTL):                ${hw.cycles}  (golden model ${gold.cycles}; dense would take ${denseCycles}: ${(hw.cycles / denseCycles).toFixed(3)}x)`,
      `monitor: non-zero outputs    ${hw.nonzero} of ${hw.total} (output density ${pct(hw.total ? hw.nonzero / hw.total : 0)})`,
      `RTL vs golden model:         ${match ? 'identical outputs, cycles and counts' : 'MISMATCH'}`,
    ];
    if (gtkw) lines.push(`waveform: ${args.wave}  (open with: gtkwave ${gtkw})`);
    process.stdout.write(lines.join('\n') + '\n');
    if (!match) throw new CheckFailed('the RTL disagreed with the golden model; run `dysta cosim` for details');
  },
};
