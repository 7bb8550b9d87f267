// Top-level generation: config -> every block -> rendered files -> an output folder written
// atomically (temporary folder, then rename), so a failure never leaves a half-written rtl-out/.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, basename, join, resolve } from 'node:path';
import { ConfigError, type HwConfig } from './config/index.ts';
import { renderDesign, type RenderedDesign } from './hdl/index.ts';
import { buildNpuTile } from './pe-array/rtl.ts';
import { buildScheduler, SCHEDULER_TOP } from './scheduler/rtl.ts';
import { buildSystem, SYSTEM_TOP } from './system/rtl.ts';

export const GENERATOR = 'dysta-rtl hwgen';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
export const GENERATOR_VERSION = packageVersion();

/** Names of the top modules, as the manifest lists them. */
export const TOPS = { npu: 'npu_tile', scheduler: SCHEDULER_TOP, system: SYSTEM_TOP } as const;

/** Renders every generated module for `config` (no file system access). */
export function generateDesign(config: HwConfig): RenderedDesign {
  const npu = buildNpuTile(config.peArray);
  // The scheduler reuses the NPU tile's sparsity monitor module (one definition in the design).
  const scheduler = buildScheduler(config.scheduler, config.peArray, npu.monitor);
  // The integrated system instantiates those same two modules (scheduler drives the PE array).
  const system = buildSystem(config, { npu: npu.top, scheduler: scheduler.top });
  return renderDesign([npu.top, scheduler.top, system.top], config, {
    generator: GENERATOR,
    version: GENERATOR_VERSION,
    command: 'npm run gen-rtl',
  });
}

/**
 * Writes `design` to `outDir`, replacing it as a whole: files go to a sibling temporary folder that
 * is renamed into place only when complete. The parent folder must exist.
 */
export function writeDesign(design: RenderedDesign, outDir: string): void {
  const target = resolve(outDir);
  const parent = dirname(target);
  if (!existsSync(parent) || !statSync(parent).isDirectory()) {
    throw new ConfigError(`output path ${outDir}: its parent folder ${parent} does not exist; create it first or choose another --out`);
  }
  if (existsSync(target) && !statSync(target).isDirectory()) {
    throw new ConfigError(`output path ${outDir} exists and is not a folder; choose another --out`);
  }
  const tmp = join(parent, `.${basename(target)}.tmp-${process.pid}`);
  const old = join(parent, `.${basename(target)}.old-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    mkdirSync(tmp);
    for (const [name, text] of design.files) writeFileSync(join(tmp, name), text);
    if (existsSync(target)) renameSync(target, old);
    try {
      renameSync(tmp, target);
    } catch (err) {
      if (existsSync(old)) renameSync(old, target);
      throw err;
    }
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
