// Adapter: synthesis (and, on iCE40, place and route) of one point's design through the FPGA flow of
// `dysta synth` (fpga/flow.ts `synthesizeTop`), with a content-addressed result cache.
//
// Xilinx targets (xc7, xcup): Yosys synth_xilinx, LUT / FF / DSP / BRAM, whether it fits the target's
// device, and the worst register-to-register path with its estimated delay (fpga/timing.ts).
// iCE40 targets: the same through the top's out-of-context wrapper, then nextpnr-ice40 at the
// configured clock: the placed and routed Fmax (and icetime's).
// Synthesis dominates a point's time (minutes at D = 9), and its result depends only on the Verilog,
// the top, the target, the tool versions and the flow's own sources, so it is cached under the
// SHA-256 of those (`<project>/.cache/synth/<key>.json`, or $DYSTA_SYNTH_CACHE_DIR): a point whose
// RTL did not change (another workload, another seed, a resumed run) is not synthesised again. Like
// the Verilator cache, it is never pruned and always safe to delete.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { requireTool } from '../cosim/tools.ts';
import { synthesizeTop, type SynthReport } from '../fpga/flow.ts';
import type { TargetName } from '../fpga/devices.ts';
import { ensureOutputDir, writeOutputFile } from '../output/index.ts';
import { PROJECT_ROOT } from './plan.ts';

/** Bump when what is kept from a synthesis report changes. */
const SYNTH_RECIPE = 'dse-synth-2';

export interface SynthMeasurement {
  target: TargetName;
  device: string;
  top: string;
  LUT: number;
  FF: number;
  DSP: number;
  /** RAMB36 on Xilinx (a RAMB18 counts one half), SB_RAM40_4K on iCE40. */
  BRAM: number;
  fits: boolean;
  /** Which resource does not fit and by how much (then nothing is placed). */
  overflow: string | null;
  /** The worst register-to-register path, estimated from the per-cell delay model. */
  worstPath: { delayNs: number; estimatedMHz: number; lutLevels: number; carryBits: number; dsps: number; brams: number; from: string; to: string } | null;
  /** Placed and routed Fmax (nextpnr-ice40), MHz; null where not placed and routed. */
  fmaxMHz: number | null;
  icetimeMHz: number | null;
}

export function synthCacheDir(): string {
  return process.env.DYSTA_SYNTH_CACHE_DIR ? resolve(process.env.DYSTA_SYNTH_CACHE_DIR) : join(PROJECT_ROOT, '.cache', 'synth');
}

/** The flow's own sources (scripts, delay model, parsers): a change there changes the results. */
function flowSourcesHash(): string {
  const dir = join(PROJECT_ROOT, 'fpga');
  const h = createHash('sha256');
  for (const f of (readdirSync(dir) as string[]).filter((f) => f.endsWith('.ts')).sort()) h.update(`${f}\0${createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')}\n`);
  return h.digest('hex');
}

async function cacheKey(rtlDir: string, target: TargetName, top: string): Promise<string> {
  const manifest = JSON.parse(readFileSync(join(rtlDir, 'manifest.json'), 'utf8')) as { files: { path: string; sha256: string }[] };
  const files = manifest.files.map((f) => `${f.path} ${f.sha256.toLowerCase()}`).sort();
  const tools = [(await requireTool('yosys')).banner, ...(target.startsWith('ice40') ? [(await requireTool('nextpnr-ice40')).banner] : [])];
  return createHash('sha256').update([SYNTH_RECIPE, flowSourcesHash(), ...tools, target, top, ...files].join('\n')).digest('hex');
}

function measurementOf(r: SynthReport): SynthMeasurement {
  const p = r.worstPath;
  return {
    target: r.target,
    device: r.device,
    top: r.top,
    LUT: r.luts,
    FF: r.ffs,
    DSP: r.dsps,
    BRAM: r.brams,
    fits: r.fits,
    overflow: r.overflow,
    worstPath: p ? { delayNs: p.delayNs, estimatedMHz: p.estimatedMHz, lutLevels: p.lutLevels, carryBits: p.carryBits, dsps: p.dsps, brams: p.brams, from: p.from, to: p.to } : null,
    fmaxMHz: r.fmaxMHz,
    icetimeMHz: r.icetimeMHz,
  };
}

export async function measureSynthesis(
  rtlDir: string,
  target: TargetName,
  top: string,
  log: (line: string) => void,
): Promise<{ measurement: SynthMeasurement; seconds: number; cached: boolean }> {
  const key = await cacheKey(rtlDir, target, top);
  const dir = synthCacheDir();
  const entry = join(dir, `${key}.json`);
  try {
    const measurement = JSON.parse(readFileSync(entry, 'utf8')) as SynthMeasurement;
    log(`synth: ${target} ${top}: reused cached result ${entry}`);
    return { measurement, seconds: 0, cached: true };
  } catch {
    // Not cached (or unreadable): synthesise.
  }
  const t0 = performance.now();
  const measurement = measurementOf(await synthesizeTop({ rtlDir, top, target, log: (line) => log(`synth: ${line}`) }));
  const seconds = (performance.now() - t0) / 1000;
  const m = measurement;
  const clock = [m.worstPath ? `worst path ${m.worstPath.delayNs.toFixed(2)} ns (est. ${m.worstPath.estimatedMHz.toFixed(0)} MHz)` : '', m.fmaxMHz !== null ? `placed and routed ${m.fmaxMHz.toFixed(1)} MHz` : ''].filter(Boolean).join(', ');
  log(`synth: ${target} ${top}: LUT ${m.LUT} FF ${m.FF} DSP ${m.DSP} BRAM ${m.BRAM}${m.fits ? '' : ` (${m.overflow})`}${clock ? `; ${clock}` : ''} in ${seconds.toFixed(1)} s`);
  ensureOutputDir(dir, 'synthesis cache', 'synthesis cache');
  await writeOutputFile(entry, JSON.stringify(m, null, 1) + '\n', 'synthesis cache entry');
  return { measurement, seconds, cached: false };
}
