// Loads a design folder (files.f + manifest.json, as written by any generator) and validates it:
// manifest schema, every file's SHA-256, and the chosen top. Costs one read + hash of each file.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { DesignError } from './errors.ts';

const portSchema = z.object({
  name: z.string().min(1),
  dir: z.enum(['input', 'output']),
  width: z.number().int().positive(),
  signed: z.boolean(),
  role: z.enum(['clock', 'reset', 'data']),
});

const moduleSchema = z.object({
  name: z.string().min(1),
  file: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/i, 'expected 64 hex digits'),
  // Verilog parameter values are scalars.
  parameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).default({}),
  ports: z.array(portSchema),
  instances: z.array(z.object({ name: z.string().min(1), module: z.string().min(1) })).default([]),
});

/** The manifest a generator writes beside its Verilog. Unknown keys are allowed (forward compatible). */
export const manifestSchema = z.object({
  generator: z.string(),
  generatorVersion: z.string(),
  config: z.unknown().optional(),
  tops: z.array(z.string().min(1)).min(1),
  files: z
    .array(z.object({ path: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/i, 'expected 64 hex digits') }))
    .min(1),
  modules: z.array(moduleSchema).min(1),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestModule = z.infer<typeof moduleSchema>;
export type ManifestPort = z.infer<typeof portSchema>;

export interface DesignFile {
  /** Path as written in files.f (relative to the design folder). */
  rel: string;
  /** Absolute path. */
  abs: string;
  sha256: string;
}

export interface Design {
  /** Absolute path of the design folder. */
  dir: string;
  manifest: Manifest;
  /** Verilog files in files.f order (dependency order, leaves first). */
  files: DesignFile[];
  /** The top module chosen for simulation. */
  top: ManifestModule;
}

const REGENERATE = 'regenerate with `npm run gen-rtl`';

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

async function readOrThrow(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DesignError(`${what} ${file} cannot be read (${code ?? String(err)}); ${REGENERATE}.`);
  }
}

/** Parses files.f: one path per line; blank lines and `//` or `#` comments are skipped. */
export function parseFileList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('//') && !l.startsWith('#'));
}

/**
 * Reads and validates `<rtlDir>/files.f` and `<rtlDir>/manifest.json`. `top` defaults to the only
 * entry of `tops`. Throws DesignError naming the offending file or field.
 */
export async function loadDesign(rtlDir: string, top?: string): Promise<Design> {
  const dir = path.resolve(rtlDir);
  const manifestPath = path.join(dir, 'manifest.json');
  const fileListPath = path.join(dir, 'files.f');

  let raw: unknown;
  const manifestText = (await readOrThrow(manifestPath, 'manifest')).toString('utf8');
  try {
    raw = JSON.parse(manifestText);
  } catch (err) {
    throw new DesignError(`manifest ${manifestPath} is not valid JSON (${(err as Error).message}); ${REGENERATE}.`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new DesignError(`manifest ${manifestPath} is malformed:\n${z.prettifyError(parsed.error)}`);
  }
  const manifest = parsed.data;

  const topName = top ?? (manifest.tops.length === 1 ? manifest.tops[0] : undefined);
  if (topName === undefined) {
    throw new DesignError(`${rtlDir} has several top modules (${manifest.tops.join(', ')}); choose one with --top, e.g. --top ${manifest.tops[0]}.`);
  }
  if (!manifest.tops.includes(topName)) {
    throw new DesignError(`top "${topName}" is not a top in ${manifestPath} (tops: ${manifest.tops.join(', ')}).`);
  }
  const topModule = manifest.modules.find((m) => m.name === topName);
  if (!topModule) throw new DesignError(`top "${topName}" has no entry in "modules" of ${manifestPath}.`);
  const clocks = topModule.ports.filter((p) => p.role === 'clock');
  if (clocks.length !== 1) {
    throw new DesignError(
      `top "${topName}" must have exactly one port with role "clock" in ${manifestPath}, found ${clocks.length}.`,
    );
  }
  const resets = topModule.ports.filter((p) => p.role === 'reset');
  if (resets.length > 1) throw new DesignError(`top "${topName}" has ${resets.length} reset ports; at most one is supported.`);
  for (const p of [...clocks, ...resets]) {
    if (p.width !== 1 || p.dir !== 'input') {
      throw new DesignError(`${p.role} port "${p.name}" of "${topName}" must be a 1-bit input in ${manifestPath}.`);
    }
  }

  // Every file the manifest lists must be byte-identical to what was generated.
  const hashes = new Map<string, string>();
  for (const f of manifest.files) {
    const abs = path.resolve(dir, f.path);
    const actual = sha256Hex(await readOrThrow(abs, 'Verilog file'));
    if (actual !== f.sha256.toLowerCase()) {
      throw new DesignError(
        `${abs} does not match its SHA-256 in ${manifestPath} (edited or stale since generation); ${REGENERATE}.`,
      );
    }
    hashes.set(path.normalize(f.path), actual);
  }
  for (const m of manifest.modules) {
    const h = hashes.get(path.normalize(m.file));
    if (h === undefined) throw new DesignError(`module "${m.name}" names file "${m.file}", which "files" of ${manifestPath} does not list.`);
    if (h !== m.sha256.toLowerCase()) {
      throw new DesignError(`module "${m.name}": its sha256 disagrees with the file entry for "${m.file}" in ${manifestPath}; ${REGENERATE}.`);
    }
  }

  const listed = parseFileList((await readOrThrow(fileListPath, 'file list')).toString('utf8'));
  if (listed.length === 0) throw new DesignError(`file list ${fileListPath} is empty; ${REGENERATE}.`);
  const files: DesignFile[] = listed.map((rel) => {
    const sha = hashes.get(path.normalize(rel));
    if (sha === undefined) {
      throw new DesignError(`${fileListPath} lists "${rel}", which ${manifestPath} does not hash; ${REGENERATE}.`);
    }
    return { rel, abs: path.resolve(dir, rel), sha256: sha };
  });
  return { dir, manifest, files, top: topModule };
}
