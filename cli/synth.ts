// `dysta synth`: the FPGA engineer's report on a generated design: Verilator lint (-Wall), Yosys
// synthesis for a target (resources, fit, worst path from a per-cell delay model) and, on iCE40,
// place and route with nextpnr (measured Fmax), icetime and optionally the bitstream (icepack).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { CheckFailed, UserError } from './errors.ts';

const TARGETS = ['xc7', 'xcup', 'ice40-up5k', 'ice40-hx8k'] as const;

interface Args {
  rtl: string;
  config?: string;
  top?: string;
  all: boolean;
  target: (typeof TARGETS)[number];
  json?: string;
  bitstream: boolean;
  out: string;
  lint: boolean;
}

export const synthCommand: CommandModule<object, Args> = {
  builder: (y) =>
    y
      .option('top', { type: 'string', describe: 'top (or module) to synthesise; default npu_tile' })
      .option('all', { type: 'boolean', default: false, describe: 'every top of the design (not the _ooc wrappers)' })
      .option('target', { choices: TARGETS, default: 'xcup' as const, describe: 'xc7 (Zynq-7020), xcup (UltraScale+ ZU9EG), ice40-up5k, ice40-hx8k' })
      .option('config', { alias: 'c', type: 'string', describe: 'generate from this JSON config into a temporary folder instead of reading --rtl' })
      .option('rtl', { type: 'string', default: 'rtl-out', describe: 'generated folder (files.f, manifest.json) when no --config is given' })
      .option('json', { type: 'string', describe: 'write {"<top>": {target, luts, ffs, dsps, brams, worstPath, fmaxMHz, ...}} to FILE (- for stdout)' })
      .option('bitstream', { type: 'boolean', default: false, describe: 'iCE40: also write <top>.<target>.bin (icepack) into --out' })
      .option('out', { type: 'string', default: '.', describe: 'folder for bitstreams' })
      .option('lint', { type: 'boolean', default: true, describe: 'run verilator --lint-only -Wall first (--no-lint to skip)' })
      .example('$0 synth --all --target xcup --json synth.json', 'every top on UltraScale+: resources and the worst path')
      .example('$0 synth --top npu_tile --target ice40-up5k --config small.json --bitstream', 'place and route a small NPU tile, measured Fmax, bitstream')
      .epilog(
        'Folders: reads the design in --rtl (default rtl-out/), or with --config generates one into a temporary folder that is removed; ' +
          'writes nothing else there. Writes --json (- for standard output) and, with --bitstream, <top>.<target>.bin into --out, by the output rule ' +
          '(atomic, through symlinks, checked before any work). Tools (verilator, yosys, nextpnr-ice40) are checked before the first run.',
      ) as never,
  handler: async (args) => {
    const { synthesizeTop, readManifest, reportJson } = await import('../fpga/flow.ts');
    const { describePath, pathCells } = await import('../fpga/timing.ts');
    const { checkOutputFile, writeOutputFile } = await import('../output/index.ts');
    if (args.all && args.top) throw new UserError('--top and --all exclude each other: name one top, or --all for every top', 2);
    if (args.bitstream && !args.target.startsWith('ice40')) throw new UserError(`--bitstream needs an iCE40 target (--target ice40-up5k or ice40-hx8k), not ${args.target}`, 2);
    if (args.json) checkOutputFile(args.json, '--json');

    // With --json - the JSON owns standard output; the readable report goes to standard error.
    const say = (text: string) => (args.json === '-' ? process.stderr : process.stdout).write(text);
    let rtl = args.rtl;
    let temp: string | undefined;
    try {
      const { TARGETS: DEVICES } = await import('../fpga/devices.ts');
      const device = DEVICES[args.target];
      if (args.config) {
        const { generateDesign, parseConfig, readJsonFile, writeDesign } = await import('../hwgen/index.ts');
        const raw = readJsonFile(args.config, 'config file');
        const config = parseConfig(raw, args.config);
        // A target without multipliers gets the PE array's LUT multiplier unless the config chooses.
        if (device.capacity.dsps === 0 && !configNames(raw, 'peArray', 'multiplier')) {
          config.peArray.multiplier = 'lut';
          say(`peArray.multiplier: lut (${device.device} has no multipliers; set peArray.multiplier in ${args.config} to choose)\n`);
        }
        temp = mkdtempSync(join(tmpdir(), 'dysta-synth-rtl-'));
        rtl = join(temp, 'rtl');
        writeDesign(generateDesign(config), rtl);
      }
      const manifest = readManifest(rtl);
      const tops = args.all ? manifest.tops.filter((t) => !t.endsWith('_ooc')) : [args.top ?? 'npu_tile'];
      const names = manifest.modules.map((m) => m.name);
      const multiplier = (manifest.config as { peArray?: { multiplier?: string } } | undefined)?.peArray?.multiplier ?? 'dsp';
      if (!args.config && device.capacity.dsps === 0 && multiplier !== 'lut' && tops.some((t) => t === 'npu_tile' || t === 'dysta_system')) {
        say(`note: the PE array in ${rtl} multiplies in one stage (peArray.multiplier ${multiplier}), in LUTs on ${device.device}; generated with {"peArray": {"multiplier": "lut"}} it reaches a higher clock there\n`);
      }
      for (const t of tops) {
        if (!names.includes(t)) throw new UserError(`--top ${t} is not a module of ${rtl}; tops: ${manifest.tops.filter((x) => !x.endsWith('_ooc')).join(', ')} (all modules: ${names.join(', ')})`, 2);
      }

      if (args.bitstream) for (const t of tops) checkOutputFile(join(args.out, `${t}.${args.target}.bin`), '--out');
      // Every tool before any work: a missing Yosys is named before a lint run that would be wasted.
      const { requireTool } = await import('../cosim/tools.ts');
      if (args.lint) await requireTool('verilator');
      await requireTool('yosys');
      if (args.target.startsWith('ice40')) await requireTool('nextpnr-ice40');

      const results: Record<string, unknown> = {};
      let failed = false;
      for (const top of tops) {
        if (args.lint) {
          const { lintVerilog } = await import('../cosim/lint.ts');
          const lint = await lintVerilog(rtl, top);
          say(`${top}: verilator --lint-only -Wall: ${lint.clean ? 'clean' : 'WARNINGS'}\n`);
          if (!lint.clean) {
            say(lint.output + '\n');
            failed = true;
          }
        }
        const r = await synthesizeTop({ rtlDir: rtl, top, target: args.target, bitstream: args.bitstream, log: (l) => process.stderr.write(`synth ${top}: ${l}\n`) });
        results[top] = reportJson(r);
        const lines = [
          `${top} on ${r.target} (${r.device}${r.synthesized !== top ? `, synthesised as ${r.synthesized}` : ''}): LUT ${r.luts}  FF ${r.ffs}  DSP ${r.dsps}  BRAM ${r.brams}`,
        ];
        if (r.overflow) lines.push(`  ${r.overflow}`);
        if (r.worstPath) {
          lines.push(`  worst path ${describePath(r.worstPath)}`);
          lines.push(`    cells: ${pathCells(r.worstPath)}`);
        }
        if (r.fmaxMHz !== null) {
          lines.push(`  placed and routed: Fmax ${r.fmaxMHz} MHz (nextpnr), ${r.icetimeMHz} MHz (icetime); clock ${r.clockMHz} MHz${r.fmaxMHz < r.clockMHz ? ' NOT met' : ' met'}`);
        }
        if (r.bitstream) {
          const file = join(args.out, `${top}.${r.target}.bin`);
          await writeOutputFile(file, r.bitstream, '--bitstream');
          lines.push(`  bitstream: ${file} (${r.bitstream.length} bytes)`);
        }
        say(lines.join('\n') + '\n');
        if (!r.fits) failed = true;
      }
      if (args.json) await writeOutputFile(args.json, JSON.stringify(results, null, 2) + '\n', '--json');
      if (failed) throw new CheckFailed('a top does not fit its target or lint reported warnings (see above)');
    } finally {
      if (temp) rmSync(temp, { recursive: true, force: true });
    }
  },
};

/** Whether a raw config object names section.key (so a default may be chosen for the target). */
function configNames(raw: unknown, section: string, key: string): boolean {
  const sec = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[section] : undefined;
  return typeof sec === 'object' && sec !== null && Object.hasOwn(sec, key);
}
