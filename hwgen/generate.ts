// Top-level generation: config -> every block -> rendered files -> an output folder written
// atomically (temporary folder, then rename), so a failure never leaves a half-written rtl-out/.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packageFile } from '../input/package-files.ts';
import { adoptOutputDir, isOurOutputDir, writeOutputDir } from '../output/index.ts';
import type { HwConfig } from './config/index.ts';
import { renderDesign, type RenderedDesign } from './hdl/index.ts';
import { buildNpuTile } from './pe-array/rtl.ts';
import { buildScheduler, SCHEDULER_TOP } from './scheduler/rtl.ts';
import { buildSystem, SYSTEM_TOP } from './system/rtl.ts';
import { buildSchedulerAxi, SCHEDULER_AXI_TOP } from './axi/rtl.ts';
import { buildOocWrapper, vendorFiles } from './vendor/index.ts';

export const GENERATOR = 'dysta-rtl hwgen';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string };
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
 * A design folder written by dysta before output markers existed: its manifest names this generator
 * and every file it lists is unmodified (SHA-256 as recorded). Returns the files that are provably
 * ours (the manifest's, manifest.json and files.f), or undefined if `dir` is not such a folder.
 * Reads only.
 */
export function legacyDesignFiles(dir: string): string[] | undefined {
  if (isOurOutputDir(dir) || !statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return undefined;
  let manifest: { generator?: unknown; files?: unknown };
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as typeof manifest;
  } catch {
    return undefined;
  }
  if (manifest.generator !== GENERATOR || !Array.isArray(manifest.files)) return undefined;
  const listed: string[] = [];
  for (const f of manifest.files as { path?: unknown; sha256?: unknown }[]) {
    if (typeof f?.path !== 'string' || typeof f.sha256 !== 'string' || f.path.includes('..')) return undefined;
    try {
      if (createHash('sha256').update(readFileSync(join(dir, f.path))).digest('hex') !== f.sha256.toLowerCase()) return undefined;
    } catch {
      return undefined;
    }
    listed.push(f.path);
  }
  return [...new Set([...listed, 'manifest.json', 'files.f'])];
}

/**
 * Writes `design` to `outDir` by the one output rule (output/index.ts): the folder is created, or
 * replaced as a whole only if dysta wrote it (its `.dysta-output` marker, or for an older output the
 * hashes in its manifest); files the user added to it (a testbench) are kept; the working folder and
 * its ancestors are never replaced. The parent
 * folder must exist. `what` names the option in messages (default `--out`).
 */
export function writeDesign(design: RenderedDesign, outDir: string, what = '--out'): string {
  // An rtl-out/ of an older dysta (no marker) is adopted: its own files are proved by their hashes.
  const legacy = legacyDesignFiles(outDir);
  if (legacy) adoptOutputDir(outDir, 'rtl', legacy, what);
  return writeOutputDir(outDir, design.files, 'rtl', what);
}
