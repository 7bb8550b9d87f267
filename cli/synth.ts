// `dysta synth`: the FPGA engineer's check of a generated folder: Verilator lint (-Wall) and Yosys
// synthesis (generic or Xilinx) of one top, with the latch check and the cell counts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { lintVerilog, synthesize, xilinxResources, type SynthFlow } from '../cosim/lint.ts';
import { UserError } from './errors.ts';

interface Args {
  rtl: string;
  top: string;
  flow: SynthFlow;
}

export const synthCommand: CommandModule<object, Args> = {
  command: 'synth',
  describe: 'Lint (-Wall) and synthesise a generated top with Yosys; print cell counts',
  builder: (y) =>
    y
      .option('rtl', { type: 'string', default: 'rtl-out', describe: 'generated folder (files.f, manifest.json)' })
      .option('top', { type: 'string', default: 'npu_tile', describe: 'top module to synthesise' })
      .option('flow', { choices: ['generic', 'xilinx'] as const, default: 'generic' as SynthFlow, describe: 'yosys `synth` or `synth_xilinx`' })
      .example('$0 gen-rtl && $0 synth --flow xilinx', 'LUT/FF/DSP/BRAM of the NPU tile') as never,
  handler: async (args) => {
    if (!existsSync(join(args.rtl, 'files.f'))) throw new UserError(`${args.rtl}/files.f not found; run \`dysta gen-rtl --out ${args.rtl}\` first`);
    const manifest = JSON.parse(readFileSync(join(args.rtl, 'manifest.json'), 'utf8')) as { modules: { name: string }[]; tops: string[] };
    const names = manifest.modules.map((m) => m.name);
    if (!names.includes(args.top)) {
      throw new UserError(`--top ${args.top} is not a module of ${args.rtl}; tops: ${manifest.tops.join(', ')} (all modules: ${names.join(', ')})`);
    }
    const lint = await lintVerilog(args.rtl, args.top);
    process.stdout.write(`verilator --lint-only -Wall: ${lint.clean ? 'clean' : 'WARNINGS'}\n`);
    if (!lint.clean) process.stdout.write(lint.output + '\n');
    process.stderr.write(`yosys ${args.flow} synthesis of ${args.top}...\n`);
    const r = await synthesize(args.rtl, args.top, args.flow);
    process.stdout.write(`yosys: no latches, check -assert passed; ${r.totalCells} cells\n`);
    if (args.flow === 'xilinx') {
      const res = xilinxResources(r.cells);
      process.stdout.write(`resources: LUT ${res.LUT}  FF ${res.FF}  DSP ${res.DSP}  BRAM ${res.BRAM}\n`);
    }
    for (const [type, n] of Object.entries(r.cells).sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${type.padEnd(20)} ${n}\n`);
    if (!lint.clean) throw new UserError('lint reported warnings', 1);
  },
};
