// Adapter: synthesis of one point's design, with a content-addressed result cache.
//
// Today this is Yosys `synth_xilinx` (7-series, cosim/lint.ts `synthesize` + `xilinxResources`):
// LUT / FF / DSP / BRAM of one top. Synthesis dominates a point's time (minutes at D = 9), and its
// result depends only on the Verilog, the top, the target and the Yosys version, so it is cached
// under the SHA-256 of those (`<project>/.cache/synth/<key>.json`, or $DYSTA_SYNTH_CACHE_DIR):
// a point whose RTL did not change (another workload, another seed, a resumed run) is not
// synthesised again. Like the Verilator cache, it is never pruned and always safe to delete.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { synthesize, xilinxResources } from '../cosim/lint.ts';
import { requireTool } from '../cosim/tools.ts';
import { ensureOutputDir, writeOutputFile } from '../output/index.ts';
import { PROJECT_ROOT } from './plan.ts';
import type { SynthTarget } from './spec.ts';

/** Bump when the synthesis recipe (script, resource counting) changes. */
const SYNTH_RECIPE = 'dse-synth-1';

export interface SynthMeasurement {
  target: SynthTarget;
  top: string;
  LUT: number;
  FF: number;
  DSP: number;
  BRAM: number;
  /** All cells after mapping. */
  cells: number;
}

export function synthCacheDir(): string {
  return process.env.DYSTA_SYNTH_CACHE_DIR ? resolve(process.env.DYSTA_SYNTH_CACHE_DIR) : join(PROJECT_ROOT, '.cache', 'synth');
}

function cacheKey(rtlDir: string, target: SynthTarget, top: string, yosys: string): string {
  const manifest = JSON.parse(readFileSync(join(rtlDir, 'manifest.json'), 'utf8')) as { files: { path: string; sha256: string }[] };
  const files = manifest.files.map((f) => `${f.path} ${f.sha256.toLowerCase()}`).sort();
  return createHash('sha256').update([SYNTH_RECIPE, yosys, target, top, ...files].join('\n')).digest('hex');
}

export async function measureSynthesis(
  rtlDir: string,
  target: SynthTarget,
  top: string,
  log: (line: string) => void,
): Promise<{ measurement: SynthMeasurement; seconds: number; cached: boolean }> {
  const { banner } = await requireTool('yosys');
  const key = cacheKey(rtlDir, target, top, banner);
  const dir = synthCacheDir();
  const entry = join(dir, `${key}.json`);
  try {
    const measurement = JSON.parse(readFileSync(entry, 'utf8')) as SynthMeasurement;
    log(`synth: reused cached result ${entry}`);
    return { measurement, seconds: 0, cached: true };
  } catch {
    // Not cached (or unreadable): synthesise.
  }
  log(`synth: yosys synth_xilinx (${target}) of ${top}...`);
  const t0 = performance.now();
  const r = await synthesize(rtlDir, top, 'xilinx');
  const seconds = (performance.now() - t0) / 1000;
  const measurement: SynthMeasurement = { target, top, ...xilinxResources(r.cells), cells: r.totalCells };
  log(`synth: LUT ${measurement.LUT} FF ${measurement.FF} DSP ${measurement.DSP} BRAM ${measurement.BRAM} in ${seconds.toFixed(1)} s`);
  ensureOutputDir(dir, 'synthesis cache', 'synthesis cache');
  await writeOutputFile(entry, JSON.stringify(measurement, null, 1) + '\n', 'synthesis cache entry');
  return { measurement, seconds, cached: false };
}
