// Top-level generation: config -> every block -> rendered files -> an output folder written
// atomically (temporary folder, then rename), so a failure never leaves a half-written rtl-out/.
import { readFileSync } from 'node:fs';
import { writeOutputDir } from '../output/index.ts';
import type { HwConfig } from './config/index.ts';
import { renderDesign, type RenderedDesign } from './hdl/index.ts';
import { buildNpuTile } from './pe-array/rtl.ts';
import { buildScheduler, SCHEDULER_TOP } from './scheduler/rtl.ts';
import { buildSystem, SYSTEM_TOP } from './system/rtl.ts';
import { buildSchedulerAxi, SCHEDULER_AXI_TOP } from './axi/rtl.ts';
import { buildOocWrapper, vendorFiles } from './vendor/index.ts';

export const GENERATOR = 'dysta-rtl hwgen';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
export const GENERATOR_VERSION = packageVersion();

/** Names of the top modules, as the manifest lists them. */
export const TOPS = { npu: 'npu_tile', scheduler: SCHEDULER_TOP, system: SYSTEM_TOP, schedulerAxi: SCHEDULER_AXI_TOP } as const;

/**
 * Renders every generated module for `config` (no file system access): the tops, an out-of-context
 * wrapper per top (`<top>_ooc`, also a top) and the vendor files (constraints, vivado.tcl,
 * README.md with its timing diagrams; hwgen/vendor/).
 */
export function generateDesign(config: HwConfig): RenderedDesign {
  const npu = buildNpuTile(config.peArray);
  // The scheduler reuses the NPU tile's sparsity monitor module (one definition in the design).
  const scheduler = buildScheduler(config.scheduler, config.peArray, npu.monitor);
  // The integrated system instantiates those same two modules (scheduler drives the PE array).
  const system = buildSystem(config, { npu: npu.top, scheduler: scheduler.top });
  const axi = buildSchedulerAxi(scheduler.top);
  const tops = [npu.top, scheduler.top, system.top, axi.top];
  const all = [...tops, ...tops.map(buildOocWrapper)];
  const ctx = { generator: GENERATOR, version: GENERATOR_VERSION, command: 'npm run gen-rtl' };
  // The vendor files describe the rendered design (ports and docs from its manifest).
  const plain = renderDesign(all, config, ctx);
  return renderDesign(all, config, ctx, vendorFiles(plain.manifest, config, tops.map((t) => t.name), `${GENERATOR} ${GENERATOR_VERSION}`));
}

/**
 * Writes `design` to `outDir` by the one output rule (output/index.ts): the folder is created, or
 * replaced as a whole only if dysta wrote it (its `.dysta-output` marker); files the user added to
 * it (a testbench) are kept; the working folder and its ancestors are never replaced. The parent
 * folder must exist. `what` names the option in messages (default `--out`).
 */
export function writeDesign(design: RenderedDesign, outDir: string, what = '--out'): string {
  return writeOutputDir(outDir, design.files, 'rtl', what);
}
