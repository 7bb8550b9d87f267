// Shared by `dysta demo`, `dysta cosim` and the PE-array benchmark: generate the RTL for a config,
// open the NPU tile in Verilator (cached build), and optionally record a waveform with a GTKWave
// save file whose groups show the array's control, stream, MAC, output and monitor signals.
import { resolve } from 'node:path';
import { NpuTileSim, npuWaveGroups } from '../cosim/npu/driver.ts';
import { waveScope, writeGtkw } from '../cosim/gtkw.ts';
import { requireTool } from '../cosim/tools.ts';
import { generateDesign, writeDesign, type HwConfig } from '../hwgen/index.ts';

export interface OpenOptions {
  config: HwConfig;
  /** Folder the RTL is written to (replaced atomically). */
  rtlDir: string;
  /** Record a waveform here (.fst, or .vcd for VCD). */
  wave?: string;
  quiet?: boolean;
}

export async function openNpu(o: OpenOptions): Promise<{ sim: NpuTileSim; finish: () => Promise<string | undefined> }> {
  const say = (line: string) => {
    if (!o.quiet) process.stderr.write(`${line}\n`);
  };
  await requireTool('verilator'); // before any output is written: one clear line if it is missing
  writeDesign(generateDesign(o.config), o.rtlDir);
  say(`generated RTL in ${o.rtlDir}/`);
  const trace = o.wave ? (/\.vcd$/i.test(o.wave) ? 'vcd' : 'fst') : 'none';
  say('building the Verilator model (cached by content; the first build takes a few seconds)...');
  const sim = await NpuTileSim.open(o.rtlDir, { trace, log: (l) => say(l) });
  const wave = o.wave ? resolve(o.wave) : undefined;
  if (wave) await sim.session.waveOn(wave);
  const finish = async () => {
    await sim.close();
    if (!wave) return undefined;
    // About 200 cycles: weight loading and the first rows of the layer.
    return writeGtkw({ wave, scope: waveScope('npu_tile'), zoom: -19, groups: npuWaveGroups() });
  };
  return { sim, finish };
}
