// Compiles the TypeScript sources into dist/ (JavaScript + source maps) and tells whether dist/ is
// current. `npm run build`, `npm ci` (prepare) and `make setup` run this file; bin/dysta.js calls
// ensureBuilt() on every start, so it never runs a stale build.
//
// Each source file compiles on its own (TypeScript's transpileModule; tsconfig.json sets
// isolatedModules, so `npm run typecheck` refuses anything that needs the whole program to emit).
// That makes the build incremental per file: dist/.sources.json records the mtime and size of every
// source as it was read, and a file is compiled again when either differs.
//
// Cost of the check on every start: one readdir per source folder, one stat per source file and one
// small JSON read (about 25 + 115 system calls; `node bin/build.js --check-time` measures it).
// TypeScript itself is loaded only when something must be compiled.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(ROOT, 'dist');
const MANIFEST = join(DIST, '.sources.json');
/** The folders whose .ts files make up the program (tests and benchmarks run from source with tsx). */
const SOURCE_DIRS = ['cli', 'output', 'input', 'hwgen', 'cosim', 'fpga', 'sw-scheduler', 'compare', 'verify', 'models', 'dse'];
/** Bump when the compiler options below change, so every file compiles again. */
const FORMAT = 1;

/** A problem with the build the user can fix (printed as one line by bin/dysta.js). */
export class BuildError extends Error {}

/** Every source file, relative to the root, with the `mtime:size` it has now. */
function listSources() {
  const found = new Map();
  const walk = (rel) => {
    for (const entry of readdirSync(join(ROOT, rel), { withFileTypes: true })) {
      const path = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const s = statSync(join(ROOT, path));
        found.set(path, `${s.mtimeMs}:${s.size}`);
      }
    }
  };
  for (const dir of SOURCE_DIRS) walk(dir);
  return found;
}

function readManifest() {
  try {
    const m = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    return m.format === FORMAT ? m : undefined;
  } catch {
    return undefined;
  }
}

/** What a build would do now: the sources to compile and the compiled files whose source is gone. */
export function pendingWork() {
  const sources = listSources();
  const built = readManifest()?.files ?? {};
  const changed = [...sources].filter(([path, stamp]) => built[path] !== stamp).map(([path]) => path);
  const removed = Object.keys(built).filter((path) => !sources.has(path));
  return { sources, changed, removed };
}

const outputOf = (source) => join(DIST, source.replace(/\.ts$/, '.js'));

/** Writes a file whole or not at all: a dysta starting meanwhile never imports half a module. */
function writeAtomic(path, text) {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

async function loadTypeScript() {
  try {
    return (await import('typescript')).default;
  } catch {
    throw new BuildError(`dist/ is out of date and TypeScript is not installed to rebuild it; run \`npm ci\` in ${ROOT}`);
  }
}

/**
 * Brings dist/ up to date: compiles the changed sources (all of them with `all`), removes what
 * deleted sources left, then records what was compiled. Returns the number of files compiled.
 */
export async function build({ all = false } = {}) {
  const ts = await loadTypeScript();
  const previous = readManifest();
  const { sources, changed, removed } = pendingWork();
  const everything = all || previous?.typescript !== ts.version;
  const toCompile = everything ? [...sources.keys()] : changed;
  const options = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ES2022,
    esModuleInterop: true,
    sourceMap: true,
    rewriteRelativeImportExtensions: true,
  };
  for (const source of toCompile) {
    const stamp = sources.get(source); // taken before reading: an edit during the build is caught next time
    const file = join(ROOT, source);
    const out = outputOf(source);
    const result = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file, reportDiagnostics: true });
    const errors = (result.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length > 0) {
      const d = errors[0];
      const where = d.start === undefined ? '' : `:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}`;
      throw new BuildError(`cannot compile ${source}${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    }
    // Source maps name the .ts file relative to the map, so stack traces and coverage point at it.
    const map = JSON.parse(result.sourceMapText);
    map.file = basename(out);
    map.sources = [relative(dirname(out), file)];
    mkdirSync(dirname(out), { recursive: true });
    writeAtomic(`${out}.map`, JSON.stringify(map));
    writeAtomic(out, result.outputText);
    sources.set(source, stamp);
  }
  for (const source of removed) {
    rmSync(outputOf(source), { force: true });
    rmSync(`${outputOf(source)}.map`, { force: true });
  }
  mkdirSync(DIST, { recursive: true });
  writeAtomic(MANIFEST, JSON.stringify({ format: FORMAT, typescript: ts.version, files: Object.fromEntries(sources) }, null, 1));
  return toCompile.length;
}

/**
 * Called by bin/dysta.js before it imports dist/. In a git checkout (or wherever dist/ is missing)
 * compiles what changed since the last build, saying so on stderr; an installed copy without .git
 * trusts its dist/.
 */
export async function ensureBuilt() {
  if (!existsSync(join(ROOT, '.git')) && existsSync(join(DIST, 'cli', 'main.js'))) return;
  const { changed, removed } = pendingWork();
  if (changed.length === 0 && removed.length === 0) return;
  process.stderr.write(`dysta: ${changed.length + removed.length} source file(s) changed since the last build; compiling them into dist/ (npm run build)\n`);
  try {
    await build();
  } catch (err) {
    if (err instanceof BuildError) throw err;
    throw new BuildError(`could not update dist/ (${err.message.split('\n')[0]}); run \`npm run build\` in ${ROOT}`);
  }
}

// `node bin/build.js [--all] [--check-time]`
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  try {
    if (args.includes('--check-time')) {
      // The cost of the check that runs on every `dysta` start (median of 50 runs, warm file cache).
      const times = [];
      for (let i = 0; i < 50; i++) {
        const t0 = process.hrtime.bigint();
        pendingWork();
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      times.sort((a, b) => a - b);
      process.stdout.write(`staleness check: median ${times[25].toFixed(2)} ms over 50 runs (${listSources().size} source files)\n`);
    } else {
      const t0 = Date.now();
      const n = await build({ all: args.includes('--all') });
      process.stdout.write(n === 0 ? 'build: dist/ is up to date\n' : `build: compiled ${n} file(s) into dist/ in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    }
  } catch (err) {
    process.stderr.write(`build: ${err instanceof BuildError ? err.message : err.stack}\n`);
    process.exit(err instanceof BuildError ? 2 : 70);
  }
}
