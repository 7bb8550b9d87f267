// Shared by `dysta demo` and `dysta cosim`: prepare the RTL folder by the design-folder rule, open
// the NPU tile in Verilator (cached build), and optionally record a waveform with a GTKWave save file
// whose groups show the array's control, stream, MAC, output and monitor signals.
import { resolve } from 'node:path';
import { outputFilePath } from '../output/index.ts';
import { NpuTileSim, npuWaveGroups } from '../cosim/npu/driver.ts';
import { waveScope, writeGtkw } from '../cosim/gtkw.ts';
import { requireTool } from '../cosim/tools.ts';
import { applyDesign, type DesignPlan } from './design-folder.ts';
import type { WaveFormat } from './wave-option.ts';

export interface OpenOptions {
  /** The RTL folder and its configuration (planDesign, checked before any work). */
  plan: DesignPlan;
  /** Record a waveform here (checked by checkWaveOption). */
  wave?: string;
  waveFormat?: WaveFormat | 'none';
  quiet?: boolean;
}

export async function openNpu(o: OpenOptions): Promise<{ sim: NpuTileSim; finish: () => Promise<string | undefined> }> {
  const say = (line: string) => {
    if (!o.quiet) process.stderr.write(`${line}\n`);
  };
  await requireTool('verilator'); // before any output is written: one clear line if it is missing
  applyDesign(o.plan, say);
  const trace = o.waveFormat ?? 'none';
  say('building the Verilator model (cached by content; the first build takes a few seconds)...');
  const sim = await NpuTileSim.open(o.plan.dir, { trace, log: (l) => say(l) });
  const wave = o.wave ? resolve(o.wave) : undefined;
  // The simulator writes the file itself: give it the symlink's target, so a link stays a link.
  if (wave) await sim.session.waveOn(outputFilePath(wave, '--wave'));
  const finish = async () => {
    await sim.close();
    if (!wave) return undefined;
    // About 200 cycles: weight loading and the first rows of the layer.
    return writeGtkw({ wave, scope: waveScope('npu_tile'), zoom: -19, groups: npuWaveGroups() });
  };
  return { sim, finish };
}
