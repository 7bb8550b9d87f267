// `--wave FILE` of the simulating commands (demo, cosim, system), checked before any work: the
// extension picks the format (.fst or .vcd, nothing else silently), the path must be writable and
// free of whitespace (the simulator protocol splits on it), and an FST needs gtkwave's fst2vcd to
// write the .gtkw save file beside it.
import { resolve } from 'node:path';
import { requireTool } from '../cosim/tools.ts';
import { checkOutputFile, excerpt } from '../output/index.ts';
import { UserError } from './errors.ts';

export type WaveFormat = 'fst' | 'vcd';

/** The .gtkw save file written next to a waveform. */
export function gtkwPathOf(wave: string): string {
  return resolve(wave).replace(/\.(fst|vcd)$/i, '') + '.gtkw';
}

/** Validates --wave and the tools it needs; returns the format, or 'none' without --wave. */
export async function checkWaveOption(wave: string | undefined): Promise<WaveFormat | 'none'> {
  if (wave === undefined) return 'none';
  if (wave === '-') throw new UserError('--wave needs a file: the .gtkw save file refers to the waveform by its path');
  const m = /\.(fst|vcd)$/i.exec(wave);
  if (!m) throw new UserError(`--wave ${excerpt(wave)}: the waveform file must end in .fst (compact, the default choice) or .vcd`);
  if (/\s/.test(resolve(wave))) throw new UserError(`--wave ${excerpt(JSON.stringify(wave))}: the path must not contain spaces (the simulator's command protocol splits on them); choose another path`);
  checkOutputFile(wave, '--wave');
  checkOutputFile(gtkwPathOf(wave), '--wave (its .gtkw save file)');
  const format = m[1]!.toLowerCase() as WaveFormat;
  if (format === 'fst') await requireTool('fst2vcd');
  return format;
}
