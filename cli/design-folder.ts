// The design-folder rule of every command that simulates the generated RTL (`demo`, `cosim`,
// `system`): one function decides, before any work, what happens to the RTL folder (`--out`,
// default rtl-out/):
//
//   * missing or empty            -> generate the design there (the --config given, else defaults);
//   * holds a dysta design        -> use it as it is when its manifest's configuration is the one
//                                    asked for (no --config: whatever configuration it has);
//                                    refuse, naming what differs, when --config asks for another;
//   * written by another version  -> regenerate it (same configuration) if it carries our output
//     of dysta (same config)        marker; the user's own files in it are kept;
//   * anything else               -> refuse: hand-edited Verilog, another generator, no manifest.
//
// It never deletes a file it did not write: writing goes through writeDesign (output/index.ts).
// "Holds the design asked for" means every file this version of dysta generates for that
// configuration is there, byte for byte. Deciding it costs one generateDesign (0.3-0.5 s for a
// D = 10 scheduler: two renders and the WaveDrom diagrams) the first time; the compiled CLI then
// remembers the generated files' hashes per build and configuration (.cache/design-check/), so a
// later run hashes the folder's files instead (milliseconds).
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConfigError, GENERATOR, defaultConfig, generateDesign, legacyDesignFiles, loadConfigFile, parseConfig, writeDesign, type HwConfig } from '../hwgen/index.ts';
import { parseJsonStrict } from '../input/index.ts';
import { PACKAGE_ROOT } from '../input/package-files.ts';
import { OUTPUT_MARKER, checkOutputDir, ensureOutputDir, excerpt, isOurOutputDir } from '../output/index.ts';
import { UserError } from './errors.ts';

/** The --help paragraph of each simulating command: which folders it reads and writes. */
export function designFolderHelp(command: string): string {
  return (
    `Folders: \`dysta ${command}\` reads the design in --out (default rtl-out/) when its manifest matches the configuration ` +
    '(with no --config: any configuration, taken from the manifest); when that folder is missing or empty it generates the design there; ' +
    'it refuses a folder holding another configuration, hand-edited Verilog or files it did not write, and never deletes your files. ' +
    'It writes session logs to .cache/cosim-sessions/ (the last few per design are kept), the simulator to .cache/verilator/, ' +
    'the hashes of the files it generates per configuration to .cache/design-check/ (so the next check need not generate), ' +
    'and with --wave the waveform and its .gtkw save file.'
  );
}

export interface DesignPlan {
  /** The folder as the user gave it. */
  dir: string;
  /** The configuration of the design that will be simulated. */
  config: HwConfig;
  /** use: read as it is; generate: write a new folder; regenerate: replace our own older output. */
  action: 'use' | 'generate' | 'regenerate';
}

/** Dotted keys whose values differ between two configurations, as "key is A there and B here". */
export function configDifferences(there: HwConfig, here: HwConfig): string[] {
  const out: string[] = [];
  for (const section of Object.keys(here) as (keyof HwConfig)[]) {
    const a = there[section] as unknown as Record<string, number>;
    const b = here[section] as unknown as Record<string, number>;
    for (const key of Object.keys(b)) if (a[key] !== b[key]) out.push(`${section}.${key} is ${a[key]} there and ${b[key]} here`);
  }
  return out;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * Where the hashes of what this build generates for `config` are remembered, or undefined when
 * nothing identifies the running code: run from the TypeScript sources (tests, benchmarks) every
 * check generates. The compiled CLI is identified by dist/.sources.json (every source's mtime and
 * size at the build; bin/build.js) and the WaveDrom package that draws the README's diagrams.
 */
function generatedHashesMemo(config: HwConfig): string | undefined {
  if (!import.meta.url.endsWith('.js')) return undefined;
  try {
    const build = readFileSync(join(PACKAGE_ROOT, 'dist', '.sources.json'));
    const wavedrom = readFileSync(join(dirname(createRequire(import.meta.url).resolve('wavedrom')), '..', 'package.json'));
    const key = createHash('sha256').update(build).update('\0').update(wavedrom).update('\0').update(JSON.stringify(config)).digest('hex');
    return join(PACKAGE_ROOT, '.cache', 'design-check', `${key.slice(0, 32)}.json`);
  } catch {
    return undefined;
  }
}

/** Memos kept in .cache/design-check/ (a few configurations of the current build and the last ones). */
const MEMOS_KEPT = 32;
/** What the memo folder holds: memos and, after a crash, an unfinished one; nothing else is ours to prune. */
const MEMO_FILE = /^[0-9a-f]{32}\.json$/;
const MEMO_FOLDER_ENTRY = /^[0-9a-f]{32}\.json(\.tmp-\d+)?$/;

/** Whether every file the memo lists is in `dir` with the remembered hash (false without a memo). */
function matchesMemo(memo: string | undefined, dir: string): boolean {
  if (!memo) return false;
  let hashes: Record<string, string>;
  try {
    hashes = JSON.parse(readFileSync(memo, 'utf8')) as Record<string, string>;
  } catch {
    return false;
  }
  const names = Object.keys(hashes);
  return (
    names.length > 0 &&
    names.every((name) => {
      try {
        return sha256(readFileSync(join(dir, name))) === hashes[name];
      } catch {
        return false;
      }
    })
  );
}

/** Remembers the hashes of `files` (written whole or not at all; a read-only cache only costs the next check). */
function rememberGenerated(memo: string | undefined, files: ReadonlyMap<string, string>): void {
  if (!memo) return;
  try {
    // The tool's own folder, as every cache: created with our marker; a folder of the user's is refused.
    const dir = ensureOutputDir(dirname(memo), 'design-check', 'design check memo folder', MEMO_FOLDER_ENTRY);
    const tmp = `${memo}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(Object.fromEntries([...files].map(([name, text]) => [name, sha256(text)]))));
    renameSync(tmp, memo);
    // Each build has its own memos: keep the newest few (older builds' are never read again).
    const memos = readdirSync(dir).filter((f) => MEMO_FILE.test(f));
    if (memos.length > MEMOS_KEPT) {
      const byAge = memos.map((f) => ({ f, t: statSync(join(dir, f), { throwIfNoEntry: false })?.mtimeMs ?? 0 })).sort((a, b) => b.t - a.t);
      for (const { f } of byAge.slice(MEMOS_KEPT)) rmSync(join(dir, f), { force: true });
    }
  } catch {
    // not remembered: the next run generates again
  }
}

function isEmptyFolder(dir: string): boolean {
  return readdirSync(dir).every((e) => e === OUTPUT_MARKER);
}

/**
 * Decides what to do with the RTL folder `dir` for a run that asks for `requested` (the parsed
 * --config and its file name), or for whatever design is there when undefined. Writes nothing;
 * throws a UserError that says what to run when the folder cannot be used.
 */
export function planDesign(dir: string, requested?: { config: HwConfig; source: string }, what = '--out'): DesignPlan {
  const shown = excerpt(dir);
  let st;
  try {
    st = statSync(dir, { throwIfNoEntry: false });
  } catch (err) {
    throw new UserError(`${what} ${shown}: cannot inspect it (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (!st || (st.isDirectory() && isEmptyFolder(dir))) {
    checkOutputDir(dir, what);
    return { dir, config: requested?.config ?? defaultConfig(), action: 'generate' };
  }
  if (!st.isDirectory()) throw new UserError(`${what} ${shown} is a file, not a design folder; name a folder (a new one is generated)`);

  const regenerate = `run \`dysta gen-rtl --out ${shown}${requested ? ` --config ${excerpt(requested.source)}` : ''}\``;
  const manifestPath = join(dir, 'manifest.json');
  let manifestText: string;
  try {
    manifestText = readFileSync(manifestPath, 'utf8');
  } catch {
    throw new UserError(
      `${what} ${shown} is not empty and holds no dysta design (no manifest.json); nothing in it is touched: choose a new or empty folder with ${what}` +
        (isOurOutputDir(dir) ? `, or ${regenerate}` : ''),
    );
  }
  let manifest: { generator?: unknown; config?: unknown; files?: { path: string; sha256: string }[] };
  try {
    manifest = parseJsonStrict(manifestText, manifestPath) as typeof manifest;
  } catch (err) {
    throw new UserError(`${(err as Error).message}; ${regenerate}, or choose another ${what}`);
  }
  if (manifest?.generator !== GENERATOR) {
    throw new UserError(`${what} ${shown} holds a design from another generator (${excerpt(String(manifest?.generator), 40)}); choose another ${what}`);
  }
  let there: HwConfig;
  try {
    there = parseConfig(manifest.config, `${manifestPath} "config"`);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new UserError(`${shown} was generated by another version of dysta whose configuration this one does not accept (${err.message}); ${regenerate}`);
  }
  if (requested) {
    const diff = configDifferences(there, requested.config);
    if (diff.length > 0) {
      throw new UserError(
        `${what} ${shown} holds a design generated with another configuration than ${excerpt(requested.source)}: ${diff.slice(0, 3).join('; ')}` +
          `${diff.length > 3 ? ` (and ${diff.length - 3} more)` : ''}. To simulate that design, leave out --config; to replace it, ${regenerate}; or choose another ${what}`,
      );
    }
  }
  // Hand-edited files are the user's work: never regenerated over.
  for (const f of Array.isArray(manifest.files) ? manifest.files : []) {
    let text: Buffer;
    try {
      text = readFileSync(join(dir, f.path));
    } catch {
      throw new UserError(`${join(shown, String(f.path))}, listed in its manifest, is missing; ${regenerate} (your own files in the folder are kept)`);
    }
    if (sha256(text) !== String(f.sha256).toLowerCase()) {
      throw new UserError(
        `${join(shown, f.path)} was edited since it was generated (its SHA-256 differs from the manifest's); it is not overwritten: move your edit away and ${regenerate}, or choose another ${what}`,
      );
    }
  }
  const memo = generatedHashesMemo(there);
  if (matchesMemo(memo, dir)) return { dir, config: there, action: 'use' };
  const fresh = generateDesign(there);
  const same = [...fresh.files].every(([name, text]) => {
    try {
      return readFileSync(join(dir, name), 'utf8') === text;
    } catch {
      return false;
    }
  });
  if (same) {
    rememberGenerated(memo, fresh.files);
    return { dir, config: there, action: 'use' };
  }
  // Written by an older dysta before markers (hashes verified above): ours, so it may be regenerated.
  if (!isOurOutputDir(dir) && !legacyDesignFiles(dir)) {
    throw new UserError(`${what} ${shown} was generated by another version of dysta and has no ${OUTPUT_MARKER} marker, so it is not replaced; ${regenerate} after moving it away, or choose another ${what}`);
  }
  checkOutputDir(dir, what);
  return { dir, config: there, action: 'regenerate' };
}

/** Reads --config (if given) and plans the design folder: the one call each simulating command makes. */
export function planDesignFromArgs(args: { out: string; config?: string }): DesignPlan {
  return planDesign(args.out, args.config !== undefined ? { config: loadConfigFile(args.config), source: args.config } : undefined);
}

/** Carries out a plan (writes only for generate/regenerate) and says what happened on stderr. */
export function applyDesign(plan: DesignPlan, say: (line: string) => void): void {
  if (plan.action === 'use') {
    say(`using the design in ${plan.dir}/ (its manifest matches)`);
    return;
  }
  const design = generateDesign(plan.config);
  writeDesign(design, plan.dir);
  rememberGenerated(generatedHashesMemo(plan.config), design.files);
  say(plan.action === 'generate' ? `generated the RTL in ${plan.dir}/` : `regenerated ${plan.dir}/ (it was written by another version of dysta; your own files in it are kept)`);
}
