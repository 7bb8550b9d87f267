// Loads a design folder (files.f + manifest.json, as written by any generator) and validates it:
// manifest schema, every file's SHA-256, and the chosen top. Costs one read + hash of each file.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Zod from 'zod';
import { DesignError } from './errors.ts';

/** The manifest a generator writes beside its Verilog, as a zod schema. Unknown keys are allowed (forward compatible) and dropped. */
function buildManifestSchema(z: typeof Zod.z) {
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
    sha256: z.string().regex(SHA256_HEX, 'expected 64 hex digits'),
    // Verilog parameter values are scalars.
    parameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).default({}),
    ports: z.array(portSchema),
    instances: z.array(z.object({ name: z.string().min(1), module: z.string().min(1) })).default([]),
  });
  return z.object({
    generator: z.string(),
    generatorVersion: z.string(),
    config: z.unknown().optional(),
    tops: z.array(z.string().min(1)).min(1),
    files: z.array(z.object({ path: z.string().min(1), sha256: z.string().regex(SHA256_HEX, 'expected 64 hex digits') })).min(1),
    modules: z.array(moduleSchema).min(1),
  });
}
const SHA256_HEX = /^[0-9a-f]{64}$/i;

export type Manifest = Zod.infer<ReturnType<typeof buildManifestSchema>>;
export type ManifestModule = Manifest['modules'][number];
export type ManifestPort = ManifestModule['ports'][number];

let manifestSchema: ReturnType<typeof buildManifestSchema> | undefined;

/**
 * The manifest checked by its zod schema: the data, or what is wrong with it. zod takes about 0.1 s
 * to load (a twentieth of a whole warm `dysta cosim --suite trace`), so loadDesign asks it only
 * when plainManifest has refused a manifest.
 */
export function zodManifest(value: unknown): { data: Manifest } | { error: string } {
  const { z } = createRequire(import.meta.url)('zod') as typeof Zod;
  manifestSchema ??= buildManifestSchema(z);
  const parsed = manifestSchema.safeParse(value);
  return parsed.success ? { data: parsed.data } : { error: z.prettifyError(parsed.error) };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown, min = 0): v is string => typeof v === 'string' && v.length >= min;
const isHash = (v: unknown): v is string => typeof v === 'string' && SHA256_HEX.test(v);
const isScalar = (v: unknown): v is number | string | boolean => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/**
 * A well-formed manifest without zod: what zodManifest accepts, with the same data (unknown keys
 * dropped, the defaults filled in), or undefined for anything else, which zodManifest then explains.
 * test/cosim/manifest-shape.test.ts checks that it never accepts what zod refuses.
 */
export function plainManifest(value: unknown): Manifest | undefined {
  if (!isRecord(value)) return undefined;
  const { generator, generatorVersion, config, tops, files, modules } = value;
  if (!isText(generator) || !isText(generatorVersion)) return undefined;
  if (!Array.isArray(tops) || tops.length === 0 || !tops.every((t) => isText(t, 1))) return undefined;
  if (!Array.isArray(files) || files.length === 0 || !Array.isArray(modules) || modules.length === 0) return undefined;
  const outFiles: Manifest['files'] = [];
  for (const f of files as unknown[]) {
    if (!isRecord(f) || !isText(f.path, 1) || !isHash(f.sha256)) return undefined;
    outFiles.push({ path: f.path, sha256: f.sha256 });
  }
  const outModules: ManifestModule[] = [];
  for (const m of modules as unknown[]) {
    if (!isRecord(m) || !isText(m.name, 1) || !isText(m.file, 1) || !isHash(m.sha256) || !Array.isArray(m.ports)) return undefined;
    const parameters: Record<string, number | string | boolean> = {};
    if (m.parameters !== undefined) {
      if (!isRecord(m.parameters)) return undefined;
      for (const [k, v] of Object.entries(m.parameters)) {
        if (!isScalar(v) || k === '__proto__') return undefined;
        parameters[k] = v;
      }
    }
    const ports: ManifestPort[] = [];
    for (const p of m.ports as unknown[]) {
      if (!isRecord(p) || !isText(p.name, 1) || (p.dir !== 'input' && p.dir !== 'output')) return undefined;
      if (typeof p.width !== 'number' || !Number.isSafeInteger(p.width) || p.width <= 0 || typeof p.signed !== 'boolean') return undefined;
      if (p.role !== 'clock' && p.role !== 'reset' && p.role !== 'data') return undefined;
      ports.push({ name: p.name, dir: p.dir, width: p.width, signed: p.signed, role: p.role });
    }
    const instances: ManifestModule['instances'] = [];
    if (m.instances !== undefined) {
      if (!Array.isArray(m.instances)) return undefined;
      for (const i of m.instances as unknown[]) {
        if (!isRecord(i) || !isText(i.name, 1) || !isText(i.module, 1)) return undefined;
        instances.push({ name: i.name, module: i.module });
      }
    }
    outModules.push({ name: m.name, file: m.file, sha256: m.sha256, parameters, ports, instances });
  }
  return { generator, generatorVersion, ...(config !== undefined ? { config } : {}), tops: [...(tops as string[])], files: outFiles, modules: outModules };
}

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
  let manifest = plainManifest(raw);
  if (!manifest) {
    const checked = zodManifest(raw);
    if ('error' in checked) throw new DesignError(`manifest ${manifestPath} is malformed:\n${checked.error}`);
    manifest = checked.data;
  }

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
