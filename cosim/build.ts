// Turns a design folder into a cached simulator binary.
//
// Steps and their cost: validate the folder (hash every file, ms), `verilator --xml-only` and the
// port cross-check (~0.1 s), generate the harness bindings (µs), then — only when the content key is
// new — `verilator --cc --exe --build` (tens of seconds cold; ccache makes the Verilator runtime
// objects nearly free after the first build). The key is the SHA-256 of every input that can change
// the binary, so a warm run never recompiles and never needs invalidation.
//
// Concurrency: a build runs in a private temp dir and is renamed into place atomically. A lock file
// per key stops two processes (e.g. parallel vitest workers) from compiling the same key twice; if
// the lock holder dies, its lock is taken over. If a rename still loses a race, the winner is used.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { requireTool } from './tools.ts';
import { pidAlive } from '../output/index.ts';
import { loadDesign, sha256Hex, type Design } from './design.ts';
import { BuildError, CosimError } from './errors.ts';
import { generateBindings, staticHarnessSources, type TraceFlavour } from './harness.ts';
import { crossCheck, readVerilatorXml, type XmlPort, type XmlTop } from './xml.ts';
import { startSession, type Session, type StartOptions } from './session.ts';
import { PACKAGE_ROOT } from '../input/package-files.ts';

/** Bump when the build recipe changes in a way the hashed inputs do not show. */
const RECIPE_VERSION = 'cosim-build-1';

export interface BuildOptions {
  /** Folder holding files.f and manifest.json. */
  rtlDir: string;
  /** Top module; defaults to the manifest's only top. */
  top?: string;
  /** Caller's C++ sources (.cpp/.cc) and headers (.h/.hpp) adding transaction commands. */
  extraSources?: readonly string[];
  /**
   * Internal registers the harness may preset (`Harness::setRegister`, command `set_reg`), by
   * name as the generator writes them (`seq_next`; it matches `u_table.seq_next` in a hierarchical
   * design and in a flattened netlist alike). Verilator keeps only these variables public
   * (`public_flat_rw` in a generated `writable.vlt`); the rest of the model is optimised as
   * without. Part of the cache key.
   */
  writable?: readonly string[];
  /** Waveform format compiled in: 'fst' (default), 'vcd', or 'none' (fastest, no `wave on`). */
  trace?: TraceFlavour;
  /** Extra Verilator arguments (e.g. ['-GLANES=8']); part of the cache key. */
  verilatorArgs?: readonly string[];
  /**
   * Line and toggle coverage (`--coverage-line --coverage-toggle`): a session started with
   * `coverageFile` writes its counts there when it ends. A different binary (cache key) than without.
   */
  coverage?: boolean;
  /**
   * X-pessimism build (`--x-assign unique --x-initial unique`): every X assignment and every
   * register without a reset gets a random value chosen per run by `+verilator+seed+N` when the run
   * passes `+verilator+rand+reset+2` (StartOptions.randomSeed). A different binary than without.
   */
  xUnique?: boolean;
  /** Cache root; default $DYSTA_CACHE_DIR or <project>/.cache/verilator. */
  cacheDir?: string;
  /** Progress lines (build started, reused, timings). Default: none. */
  log?: (line: string) => void;
}

export interface Simulator {
  /** Absolute path of the simulator binary; `<binary> < session.cmds` replays a session. */
  binary: string;
  /** Content key (hex SHA-256) and the cache entry holding the binary. */
  key: string;
  dir: string;
  /** True when no compilation happened in this call (cache hit, or another process built it). */
  reused: boolean;
  /** Wall time of this call's Verilator build in seconds (0 when reused). */
  buildSeconds: number;
  trace: TraceFlavour;
  /** Built with line and toggle coverage / with X values randomised (see BuildOptions). */
  coverage: boolean;
  xUnique: boolean;
  design: Design;
  /** Top-level ports as Verilator elaborated them (the order of the harness's port table). */
  ports: XmlPort[];
  /** Starts a simulator process. */
  start(options?: StartOptions): Promise<Session>;
}

/** Cache root: `DYSTA_CACHE_DIR`, else `<project>/.cache/verilator`. */
export function defaultCacheDir(): string {
  return process.env.DYSTA_CACHE_DIR ? path.resolve(process.env.DYSTA_CACHE_DIR) : path.join(PACKAGE_ROOT, '.cache', 'verilator');
}

/** Default folder for session command logs: `<project>/.cache/cosim-sessions`. */
export function defaultLogDir(): string {
  return path.join(PACKAGE_ROOT, '.cache', 'cosim-sessions');
}

const CPP_SOURCE = /\.(cpp|cc|cxx)$/;
const WRITABLE_CONFIG = 'writable.vlt';

/**
 * The Verilator configuration that keeps the named registers public and writable from C++. The
 * name is matched as a suffix (`*seq_next`), so the register is found whether it sits in its
 * module (`u_table` -> `seq_next`) or in a flattened netlist (`u_table.seq_next`).
 */
function writableConfig(names: readonly string[]): string {
  const lines = ['`verilator_config', '// Registers the harness may preset (BuildOptions.writable).'];
  for (const n of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(n)) throw new BuildError(`writable register "${n}" is not a plain Verilog name`);
    lines.push(`public_flat_rw -module "*" -var "*${n}"`);
  }
  return lines.join('\n') + '\n';
}

const CPP_HEADER = /\.(h|hh|hpp|hxx)$/;

interface HarnessFile {
  name: string;
  text: Buffer;
}

async function collectHarness(
  design: Design,
  ports: XmlPort[],
  trace: TraceFlavour,
  extraSources: readonly string[],
  writable: readonly string[],
): Promise<HarnessFile[]> {
  const files: HarnessFile[] = [];
  for (const [name, text] of staticHarnessSources()) files.push({ name, text: Buffer.from(text) });
  files.push({ name: 'cosim_bindings.cpp', text: Buffer.from(generateBindings(design.top, ports, trace)) });
  if (writable.length) files.push({ name: WRITABLE_CONFIG, text: Buffer.from(writableConfig(writable)) });
  for (const src of extraSources) {
    const name = path.basename(src);
    if (!CPP_SOURCE.test(name) && !CPP_HEADER.test(name)) {
      throw new BuildError(`extra source ${src} is neither a C++ source (.cpp/.cc/.cxx) nor a header (.h/.hpp).`);
    }
    if (files.some((f) => f.name === name)) {
      throw new BuildError(`extra source ${src}: another harness source is already called ${name}; rename it.`);
    }
    let text: Buffer;
    try {
      text = await readFile(src);
    } catch (err) {
      throw new BuildError(`extra source ${src} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}).`);
    }
    files.push({ name, text });
  }
  return files;
}

/** How the binary is instrumented besides waveforms. */
interface Instrumentation {
  coverage: boolean;
  xUnique: boolean;
}

/** Flags that shape the binary, whatever the design's location (part of the key, verbatim). */
function buildFlags(trace: TraceFlavour, inst: Instrumentation): string[] {
  const traceArgs = trace === 'fst' ? ['--trace-fst'] : trace === 'vcd' ? ['--trace'] : [];
  const coverageArgs = inst.coverage ? ['--coverage-line', '--coverage-toggle'] : [];
  const xArgs = inst.xUnique ? ['--x-assign', 'unique', '--x-initial', 'unique'] : [];
  return [
    '--cc',
    '--exe',
    '--build',
    '-j',
    '2',
    // A fixed prefix lets the fixed harness include "Vtop.h" whatever the top is called.
    '--prefix',
    'Vtop',
    // Warnings are reported in build.log; lint is the generator's job (`verilator --lint-only -Wall`).
    '-Wno-fatal',
    '--timescale',
    '1ns/1ps',
    ...traceArgs,
    ...coverageArgs,
    ...xArgs,
    '-CFLAGS',
    '-std=c++17',
    // The per-cycle evaluation code at -O2 instead of Verilator's -Os: the 1000-request D = 10
    // trace ran 3.02 s -> 2.60 s whole-process (3 runs each, load 1); the cold build is a few
    // seconds longer.
    '-MAKEFLAGS',
    'OPT_FAST=-O2',
  ];
}

function verilatorBuildArgs(design: Design, trace: TraceFlavour, inst: Instrumentation, user: readonly string[], srcDir: string, sources: string[], configs: string[]): string[] {
  return [
    ...buildFlags(trace, inst),
    // Configuration files (writable.vlt) before the Verilog they apply to.
    ...configs,
    '--top-module',
    design.top.name,
    '--Mdir',
    'obj',
    '-o',
    'sim',
    // `include "x.vh" resolves against the design folder, like a generator's own lint run.
    `-I${design.dir}`,
    '-CFLAGS',
    `-I${srcDir}`,
    ...user,
    ...design.files.map((f) => f.abs),
    ...sources,
  ];
}

/** The inputs the key covers, in a fixed order; kept in the cache entry as key.txt for debugging. */
function keyText(banner: string, design: Design, trace: TraceFlavour, inst: Instrumentation, args: readonly string[], harness: HarnessFile[]): string {
  return [
    RECIPE_VERSION,
    `verilator ${banner}`,
    `top ${design.top.name}`,
    `trace ${trace}`,
    `flags ${JSON.stringify(buildFlags(trace, inst))}`,
    `args ${JSON.stringify(args)}`,
    // Every hashed file of the folder, not only files.f: `include files change the binary too.
    ...design.manifest.files.map((f) => `verilog ${f.path} ${f.sha256.toLowerCase()}`),
    ...harness.map((h) => `harness ${h.name} ${sha256Hex(h.text)}`),
    '',
  ].join('\n');
}

let ccache: Promise<boolean> | undefined;
/** ccache is optional: without it every cold build recompiles the Verilator runtime (~20 s more). */
function hasCcache(): Promise<boolean> {
  ccache ??= import('execa').then(({ execa }) => execa('ccache', ['--version'], { reject: false })).then((r) => r.exitCode === 0);
  return ccache;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Takes the per-key build lock, or waits while another live process holds it. Returns a release
 * function, or null if the entry appeared while waiting (someone else built it).
 */
async function acquireLock(lockPath: string, entry: string, log: (l: string) => void): Promise<(() => Promise<void>) | null> {
  let announced = false;
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    if (existsSync(path.join(entry, 'sim'))) return null;
    try {
      const fh = await open(lockPath, 'wx');
      await fh.writeFile(`${process.pid}\n${os.hostname()}\n`);
      await fh.close();
      return async () => {
        await rm(lockPath, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const [pidText, host] = (await readFile(lockPath, 'utf8').catch(() => '')).split('\n');
    const pid = Number(pidText);
    // A lock whose holder is gone (crash, kill -9) is stale; take it over. Only judge local holders.
    if (host === os.hostname() && Number.isInteger(pid) && pid > 0 && !pidAlive(pid)) {
      await rm(lockPath, { force: true });
      continue;
    }
    if (!announced) {
      log(`cosim: waiting for process ${pidText} building the same simulator (${lockPath})`);
      announced = true;
    }
    if (Date.now() > deadline) throw new BuildError(`timed out waiting for the build lock ${lockPath}; delete it if no build is running.`);
    await sleep(200);
  }
}

async function compile(
  design: Design,
  trace: TraceFlavour,
  inst: Instrumentation,
  userArgs: readonly string[],
  harness: HarnessFile[],
  keyTextValue: string,
  key: string,
  cacheRoot: string,
  banner: string,
): Promise<void> {
  const tmp = path.join(cacheRoot, `.tmp-${key.slice(0, 16)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  const srcDir = path.join(tmp, 'src');
  await mkdir(srcDir, { recursive: true });
  for (const h of harness) await writeFile(path.join(srcDir, h.name), h.text);
  const sources = harness.filter((h) => CPP_SOURCE.test(h.name)).map((h) => path.join(srcDir, h.name));
  const configs = harness.filter((h) => h.name === WRITABLE_CONFIG).map((h) => path.join(srcDir, h.name));
  const args = verilatorBuildArgs(design, trace, inst, userArgs, srcDir, sources, configs);
  const logPath = path.join(tmp, 'build.log');
  const env: Record<string, string> = (await hasCcache())
    ? {
        OBJCACHE: 'ccache',
        // Rewrite the temp dir out of compiler paths so ccache hits across builds of different keys.
        CCACHE_BASEDIR: tmp,
        CCACHE_NOHASHDIR: '1',
      }
    : {};
  // ASCII compiler messages whatever the user's locale, so errors read (and match) the same everywhere.
  env.LC_ALL = 'C';
  const { execa } = await import('execa'); // only a cold build runs a process through execa
  const r = await execa('verilator', args, { cwd: tmp, reject: false, all: true, env });
  await writeFile(logPath, `$ verilator ${args.join(' ')}\n\n${r.all ?? ''}\n`);
  if (r.exitCode !== 0 || !existsSync(path.join(tmp, 'obj', 'sim'))) {
    const errors = (r.all ?? '')
      .split('\n')
      .filter((l) => /error/i.test(l) && !l.startsWith('%Error: Command Failed'))
      .slice(0, 15)
      .join('\n');
    throw new BuildError(`Verilator build of "${design.top.name}" failed (exit ${r.exitCode ?? r.signal}); full log: ${logPath}\n${errors}`, logPath);
  }
  await rename(path.join(tmp, 'obj', 'sim'), path.join(tmp, 'sim'));
  // The objects are in ccache; the entry keeps only what a replay or a debugger needs.
  await rm(path.join(tmp, 'obj'), { recursive: true, force: true });
  await writeFile(path.join(tmp, 'key.txt'), keyTextValue);
  await writeFile(
    path.join(tmp, 'build.json'),
    JSON.stringify({ key, top: design.top.name, trace, ...inst, verilator: banner, rtlDir: design.dir, builtAt: new Date().toISOString() }, null, 2) + '\n',
  );
  const entry = path.join(cacheRoot, key);
  try {
    await rename(tmp, entry);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Lost the race to an identical build: its result is byte-for-byte what we built; use it.
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && existsSync(path.join(entry, 'sim'))) {
      await rm(tmp, { recursive: true, force: true });
      return;
    }
    throw err;
  }
}

/**
 * The top's ports and instances as `verilator --xml-only` elaborates them, remembered per content
 * (Verilator banner, top, arguments, every file's hash): a warm run skips the elaboration and the
 * XML parse (0.5 s for a 1024-entry scheduler). A pure memo: the same inputs give the same XML.
 */
async function elaborate(design: Design, args: readonly string[], banner: string, cacheRoot: string): Promise<XmlTop> {
  const inputs = ['xml-1', banner, design.top.name, JSON.stringify(args), ...design.manifest.files.map((f) => `${f.path} ${f.sha256.toLowerCase()}`)].join('\n');
  const file = path.join(cacheRoot, 'elaborated', `${sha256Hex(inputs)}.json`);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as XmlTop;
  } catch {
    // Not elaborated yet (or unreadable): elaborate and remember.
  }
  const xml = await readVerilatorXml(design, args);
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(tmp, JSON.stringify(xml));
    await rename(tmp, file);
  } catch {
    await rm(tmp, { force: true });
  }
  return xml;
}

/** Validates, cross-checks and (if not cached) builds a simulator for a design folder. */
export async function buildSimulator(options: BuildOptions): Promise<Simulator> {
  const log = options.log ?? (() => {});
  const trace = options.trace ?? 'fst';
  if (!['fst', 'vcd', 'none'].includes(trace)) throw new CosimError(`trace must be 'fst', 'vcd' or 'none', not '${trace}'.`);
  const userArgs = options.verilatorArgs ?? [];
  const inst: Instrumentation = { coverage: options.coverage ?? false, xUnique: options.xUnique ?? false };
  const { banner } = await requireTool('verilator');

  const design = await loadDesign(options.rtlDir, options.top);
  const cacheRoot = options.cacheDir ? path.resolve(options.cacheDir) : defaultCacheDir();
  const xml = await elaborate(design, ['-Wno-fatal', ...userArgs], banner, cacheRoot);
  crossCheck(design, xml);

  const harness = await collectHarness(design, xml.ports, trace, options.extraSources ?? [], options.writable ?? []);
  const text = keyText(banner, design, trace, inst, userArgs, harness);
  const key = sha256Hex(text);
  const dir = path.join(cacheRoot, key);
  const binary = path.join(dir, 'sim');
  await mkdir(cacheRoot, { recursive: true });

  let reused = true;
  let buildSeconds = 0;
  if (!existsSync(binary)) {
    const release = await acquireLock(path.join(cacheRoot, `${key}.lock`), dir, log);
    if (release) {
      try {
        if (!existsSync(binary)) {
          // Verilator's --build runs make and the C++ compiler: name them if missing, rather than
          // "build failed (exit 127)".
          await requireTool('make');
          await requireTool('g++');
          const cc = (await hasCcache()) ? 'ccache' : 'no ccache: install it with `apt-get install ccache` for faster cold builds';
          const extras = [inst.coverage ? 'coverage' : '', inst.xUnique ? 'X randomised' : ''].filter(Boolean).map((e) => `, ${e}`).join('');
          log(`cosim: building simulator for ${design.top.name} (key ${key.slice(0, 12)}, trace ${trace}${extras}, ${cc})`);
          const t0 = performance.now();
          await compile(design, trace, inst, userArgs, harness, text, key, cacheRoot, banner);
          buildSeconds = (performance.now() - t0) / 1000;
          reused = false;
        }
      } finally {
        await release();
      }
    }
  }
  log(
    reused
      ? `cosim: reused cached simulator ${dir} (no recompilation)`
      : `cosim: built simulator ${dir} in ${buildSeconds.toFixed(1)} s`,
  );

  const sim: Simulator = {
    binary,
    key,
    dir,
    reused,
    buildSeconds,
    trace,
    ...inst,
    design,
    ports: xml.ports,
    start: (startOptions) => startSession(sim, startOptions),
  };
  return sim;
}
