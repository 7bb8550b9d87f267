// What gen-rtl writes for a vendor flow, beside the Verilog: constraints, a Vivado script, the
// README of rtl-out/ with its timing diagrams, and (as Verilog modules) the out-of-context wrappers.
import type { HwConfig } from '../config/index.ts';
import type { Manifest } from '../hdl/index.ts';
import { constraintsSdc, constraintsXdc } from './constraints.ts';
import { rtlOutReadme } from './readme.ts';
import { vivadoTcl } from './vivado.ts';
import { hostProtocolDiagrams, renderWaveSvg } from './wavedrom.ts';
import { oocName } from './ooc.ts';

export { buildOocWrapper, oocName } from './ooc.ts';
export { clockPeriodNs, constraintsSdc, constraintsXdc } from './constraints.ts';
export { DEFAULT_PART, vivadoTcl } from './vivado.ts';
export { hostProtocolDiagrams, renderWaveSvg, waveJson, type WaveDiagram, type WaveLane } from './wavedrom.ts';

/** File name -> contents of every vendor file, for the design described by `manifest`. */
export function vendorFiles(manifest: Manifest, config: HwConfig, tops: readonly string[], generator: string): Map<string, string> {
  const timeSkipTops = manifest.modules.filter((m) => tops.includes(m.name) && m.ports.some((p) => p.name === 'time_skip_en')).map((m) => m.name);
  const diagrams = hostProtocolDiagrams();
  const files = new Map<string, string>();
  files.set('constraints.xdc', constraintsXdc(config, { generator, tops, timeSkipTops }));
  files.set('constraints.sdc', constraintsSdc(config, { generator, tops, timeSkipTops }));
  files.set('vivado.tcl', vivadoTcl({ generator, tops }));
  diagrams.forEach((d, i) => files.set(d.file, renderWaveSvg(d, i)));
  files.set('README.md', rtlOutReadme(manifest, config, { generator, tops, wrappers: new Map(tops.map((t) => [t, oocName(t)])), diagrams }));
  return files;
}
