// The FPGA flow behind `dysta synth`, on any generated folder (files.f + manifest.json):
//   Xilinx (xc7, xcup): Yosys synth_xilinx of the top (no I/O buffers: out of context), resources,
//     fit against the target's device, worst path from the delay model.
//   iCE40 (up5k, hx8k): Yosys synth_ice40 of the top's out-of-context wrapper <top>_ooc (six pins),
//     resources and fit, worst path from the model, then nextpnr-ice40 at the configured clock
//     (measured Fmax), icetime (its own Fmax) and, on request, icepack (bitstream).
// Costs: Yosys seconds (small tops) to minutes (D = 10 scheduler); nextpnr 10-60 s on iCE40 sizes.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { execa } from 'execa';
import { requireTool, ToolError } from '../cosim/tools.ts';
import { overflowMessage, resourcesOf, TARGETS, type Capacity, type TargetName } from './devices.ts';
import { nextpnrError, parseIcetime, parseNextpnrReport, parseYosysStat, ReportError, type NextpnrReport } from './reports.ts';
import { worstPath, type WorstPath, type YosysModule } from './timing.ts';

export class FlowError extends Error {
  readonly userError = true as const;
  constructor(message: string) {
    super(message);
    this.name = 'FlowError';
  }
}

export interface SynthOptions {
  rtlDir: string;
  /** A module of the folder (a top, or any module on Xilinx targets). */
  top: string;
  target: TargetName;
  /** iCE40: also run icepack; the bitstream's bytes are returned. */
  bitstream?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface SynthReport {
  top: string;
  target: TargetName;
  device: string;
  /** The module Yosys synthesised: the top, or its <top>_ooc wrapper on iCE40. */
  synthesized: string;
  luts: number;
  ffs: number;
  dsps: number;
  brams: number;
  cells: Record<string, number>;
  worstPath: WorstPath | null;
  /** Placed and routed Fmax (nextpnr), MHz; null where not placed and routed. */
  fmaxMHz: number | null;
  /** icetime's Fmax of the routed design, MHz; null where not run. */
  icetimeMHz: number | null;
  /** The clock the constraints ask for, MHz. */
  clockMHz: number;
  fits: boolean;
  /** Which resource does not fit and by how much. */
  overflow: string | null;
  pnr: NextpnrReport | null;
  bitstream: Uint8Array | null;
  seconds: number;
}

interface ManifestLike {
  config?: { scheduler?: { clockMHz?: number } };
  tops: string[];
  modules: { name: string }[];
}

export function readManifest(rtlDir: string): ManifestLike {
  const path = join(rtlDir, 'manifest.json');
  if (!existsSync(path) || !existsSync(join(rtlDir, 'files.f'))) {
    throw new FlowError(`${rtlDir} has no manifest.json/files.f; run \`dysta gen-rtl --out ${rtlDir}\` first, or pass --config`);
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ManifestLike;
  } catch (err) {
    throw new FlowError(`${path} is not valid JSON (${(err as Error).message}); regenerate with \`dysta gen-rtl\``);
  }
}

function sources(rtlDir: string): string[] {
  return readFileSync(join(rtlDir, 'files.f'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && !l.startsWith('//'))
    .map((l) => resolve(rtlDir, l));
}

/** A command from fpga-icestorm, which has no version option: present on PATH or a clear error. */
function requireCommand(command: string, aptPackage: string): void {
  const found = (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, command)));
  if (!found) throw new ToolError(`${command} is required but was not found on PATH: install it with \`make setup\` (or \`apt-get install ${aptPackage}\`).`);
}

async function run(cmd: string, args: string[], cwd: string, what: string, logFile: string): Promise<string> {
  const r = await execa(cmd, args, { cwd, reject: false, all: true });
  const out = r.all ?? '';
  if (r.exitCode !== 0 && r.exitCode !== undefined && !(cmd === 'icetime' && /Total path delay/.test(out))) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : out;
    const why = (cmd === 'nextpnr-ice40' ? nextpnrError(log) : undefined) ?? out.trim().split('\n').slice(-4).join(' / ');
    throw new FlowError(`${what} failed: ${why} (work folder kept: ${cwd})`);
  }
  if (r.failed && r.exitCode === undefined) throw new FlowError(`${what} could not start: ${r.shortMessage}`);
  return out;
}

export async function synthesizeTop(o: SynthOptions): Promise<SynthReport> {
  const started = performance.now();
  const target = TARGETS[o.target];
  const log = o.log ?? (() => {});
  const manifest = readManifest(o.rtlDir);
  const names = manifest.modules.map((m) => m.name);
  if (!names.includes(o.top)) throw new FlowError(`${o.top} is not a module of ${o.rtlDir}; tops: ${manifest.tops.filter((t) => !t.endsWith('_ooc')).join(', ')}`);
  const wrapper = `${o.top}_ooc`;
  const synthesized = target.vendor === 'ice40' ? wrapper : o.top;
  if (!names.includes(synthesized)) {
    throw new FlowError(`${o.top} has no out-of-context wrapper ${wrapper} in ${o.rtlDir}, which place and route on ${target.device} needs (the design's tops have one; regenerate with \`dysta gen-rtl\`)`);
  }
  if (o.bitstream && target.vendor !== 'ice40') throw new FlowError(`--bitstream needs an iCE40 target (ice40-up5k, ice40-hx8k); ${o.target} has no open bitstream tools`);
  const clockMHz = manifest.config?.scheduler?.clockMHz ?? 200;

  await requireTool('yosys');
  if (target.vendor === 'ice40') {
    await requireTool('nextpnr-ice40');
    requireCommand('icetime', 'fpga-icestorm');
    if (o.bitstream) requireCommand('icepack', 'fpga-icestorm');
  }

  const work = mkdtempSync(join(tmpdir(), `dysta-synth-${o.top}-`));
  let keep = false;
  try {
    const synthCmd = target.vendor === 'xilinx' ? `${target.synth} -noiopad -top ${synthesized}` : `${target.synth} -top ${synthesized}`;
    const script = [
      `read_verilog ${sources(o.rtlDir).join(' ')}`,
      `hierarchy -check -top ${synthesized}`,
      synthCmd,
      'check -assert',
      'tee -q -o stat.json stat -json',
      'write_json netlist.json',
    ].join('\n');
    writeFileSync(join(work, 'synth.ys'), script + '\n');
    log(`yosys ${target.synth.split(' ')[0]} of ${synthesized}...`);
    const t0 = performance.now();
    keep = true;
    await run('yosys', ['-q', '-l', 'yosys.log', '-s', 'synth.ys'], work, `yosys synthesis of ${synthesized}`, join(work, 'yosys.log'));
    log(`yosys done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const cells = parseYosysStat(readFileSync(join(work, 'stat.json'), 'utf8'), synthesized);
    const used: Capacity = resourcesOf(cells, target.vendor);
    const netlist = JSON.parse(readFileSync(join(work, 'netlist.json'), 'utf8')) as { modules: Record<string, YosysModule> };
    const mod = netlist.modules[synthesized];
    if (!mod) throw new ReportError(`yosys netlist has no module ${synthesized}`);
    const path = worstPath(mod, o.target) ?? null;
    const over = overflowMessage(used, target) ?? null;
    const report: SynthReport = {
      top: o.top, target: o.target, device: target.device, synthesized, ...used, cells, worstPath: path, fmaxMHz: null, icetimeMHz: null,
      clockMHz, fits: over === null, overflow: over, pnr: null, bitstream: null, seconds: 0,
    };
    if (target.vendor === 'ice40' && over === null) {
      const pnr = target.pnr!;
      log(`nextpnr-ice40 ${pnr.flag} --package ${pnr.package} at ${clockMHz} MHz...`);
      const t1 = performance.now();
      await run('nextpnr-ice40', [pnr.flag, '--package', pnr.package, '--json', 'netlist.json', '--asc', 'routed.asc', '--freq', String(clockMHz),
        '--pcf-allow-unconstrained', '--timing-allow-fail', '--seed', '1', '--report', 'pnr.json', '--log', 'nextpnr.log', '-q'], work, `nextpnr-ice40 place and route of ${synthesized}`, join(work, 'nextpnr.log'));
      log(`nextpnr done in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
      report.pnr = parseNextpnrReport(readFileSync(join(work, 'pnr.json'), 'utf8'));
      report.fmaxMHz = report.pnr.fmaxMHz;
      const it = await run('icetime', ['-d', pnr.icetime, '-P', pnr.package, '-c', String(clockMHz), '-t', 'routed.asc'], work, 'icetime', join(work, 'icetime.log'));
      report.icetimeMHz = parseIcetime(it).fmaxMHz;
      if (o.bitstream) {
        await run('icepack', ['routed.asc', 'bitstream.bin'], work, 'icepack', join(work, 'icepack.log'));
        report.bitstream = readFileSync(join(work, 'bitstream.bin'));
      }
    }
    keep = false;
    report.seconds = Math.round((performance.now() - started) / 100) / 10;
    return report;
  } finally {
    if (!keep) rmSync(work, { recursive: true, force: true });
  }
}

/** The report as the JSON of `dysta synth --json` (one entry per top). */
export function reportJson(r: SynthReport): Record<string, unknown> {
  return {
    target: r.target,
    device: r.device,
    synthesized: r.synthesized,
    luts: r.luts,
    ffs: r.ffs,
    dsps: r.dsps,
    brams: r.brams,
    fits: r.fits,
    overflow: r.overflow,
    worstPath: r.worstPath,
    fmaxMHz: r.fmaxMHz,
    icetimeMHz: r.icetimeMHz,
    clockMHz: r.clockMHz,
    seconds: r.seconds,
  };
}
