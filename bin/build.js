// Bundles the TypeScript sources into dist/ (JavaScript + source maps) and tells whether dist/ is
// current. `npm run build`, `npm ci` (prepare) and `make setup` run this file; bin/dysta.js imports it
// and calls ensureBuilt() when bin/stale-check.js finds dist/ older than the sources, so it never runs
// a stale build.
//
// esbuild bundles the CLI into one module per command with shared chunks (code splitting): a
// command's dynamic import in cli/commands.ts becomes a file of its own, so `dysta simulate` reads a
// handful of files instead of resolving and compiling some forty modules, and yargs with its text
// layout is bundled as well (see bundledPackage). tsconfig.json sets isolatedModules, so `npm run
// typecheck` refuses anything that needs the whole program to emit; esbuild is also what the tests
// (vitest) and benchmarks (tsx) transpile the same sources with.
//
// Layout: every output lies two folders below the package root (dist/cli/main.js,
// dist/chunks/*.js, dist/sw-scheduler/sweep-worker.js), which input/package-files.ts relies on to
// find the root from import.meta.url. dist/.sources.json records the mtime and size of every source
// as it was read and the files the build wrote; dist/.bundle.json which sources each output holds
// (test/cli/lazy-loading.test.ts reads it).
//
// The check on every start is bin/stale-check.js: one readdir per source folder, one stat per source
// file and one small JSON read (`node bin/build.js --check-time` measures it). esbuild itself is
// loaded only when something must be built. The build's options below are part of that check (this
// file's mtime and size); bump stale-check.js's FORMAT when a change must rebuild every dist/.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FORMAT, MANIFEST, ROOT, listSources, needsBuild, pendingWork, readManifest } from './stale-check.js';

export { ROOT, pendingWork };
export const DIST = join(ROOT, 'dist');
const BUNDLE_INPUTS = join(DIST, '.bundle.json');
const CLI_ENTRY = 'cli/main.ts';
const WORKER_ENTRY = 'sw-scheduler/sweep-worker.ts';
const ENTRY_POINTS = [CLI_ENTRY, WORKER_ENTRY];
/**
 * Packages bundled into the CLI's files (with their own dependencies): the scheduling model's random
 * numbers (pure-rand, some twenty modules otherwise). yargs, which every start loads, has a file of its
 * own (VENDOR_YARGS). The others stay in node_modules and load as they did, when a command imports
 * them (vega, execa, zod, ...).
 */
const BUNDLED_PACKAGES = new Set(['pure-rand']);
/**
 * yargs and its text layout as one CommonJS file, which cli/yargs-loader.ts compiles with V8's code
 * cache (YARGS_CACHE, made by the build after a warm-up run): its 250 KB need neither parsing nor
 * compiling again on every start (paired runs with and without it now measure the same within
 * noise: README, "Build and start-up time"). ES modules cannot take a code cache in Node 20. A cache
 * V8 refuses (another Node.js, other V8 flags) only costs the compile.
 */
const VENDOR_YARGS = 'vendor/yargs.cjs';
const YARGS_CACHE = `${VENDOR_YARGS}.cache`;

/** Where the bundled yargs finds its translations, in dist/. */
const YARGS_LOCALES = 'yargs-locales';

/** A problem with the build the user can fix (printed as one line by bin/dysta.js). */
export class BuildError extends Error {}

/** Writes a file whole or not at all: a dysta starting meanwhile never imports half a module. */
function writeAtomic(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

async function loadEsbuild() {
  try {
    return await import('esbuild');
  } catch {
    throw new BuildError(`dist/ is out of date and esbuild is not installed to rebuild it; run \`npm ci\` in ${ROOT}`);
  }
}

/** The package a bare import names: `yargs/helpers` -> yargs, `@scope/x/y` -> @scope/x. */
const packageOf = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/**
 * Keeps packages external (imported from node_modules at run time) except `bundled` and what those
 * import; and gives the bundled string-width (yargs' and cliui's text layout) a fast path.
 */
const packagesPlugin = (found, bundled = BUNDLED_PACKAGES) => ({
  name: 'dysta-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === 'real-string-width') return undefined;
      const inPackage = args.importer.split(sep).includes('node_modules');
      if (inPackage && args.path === 'string-width') {
        // The module string-width resolves to for this importer (cliui and yargs use different majors).
        const real = await build.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, pluginData: 'real-string-width' });
        return real.errors.length > 0 ? { errors: real.errors } : { path: real.path, namespace: 'ascii-width' };
      }
      // yargs checks two internal invariants with node:assert, which takes some 20 ms to load: the
      // bundle checks them itself and loads node:assert only to report a failure, as it would have.
      if (inPackage && (args.path === 'assert' || args.path === 'node:assert')) return { path: 'assert', namespace: 'lazy-assert' };
      if (inPackage || bundled.has(packageOf(args.path))) return undefined;
      return { path: args.path, external: true };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-assert' }, () => ({
      contents: `
        const assert = () => process.getBuiltinModule('node:assert');
        export function strictEqual(actual, expected, message) {
          if (!Object.is(actual, expected)) assert().strictEqual(actual, expected, message);
        }
        export function notStrictEqual(actual, expected, message) {
          if (Object.is(actual, expected)) assert().notStrictEqual(actual, expected, message);
        }`,
    }));
    // yargs finds its translations (y18n) beside its own module; bundled, they are copied to
    // dist/yargs-locales (copyYargsLocales), which this points it at.
    build.onLoad({ filter: /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, (args) => {
      found.yargsLocales = join(dirname(args.path), '..', '..', 'locales');
      return patched(args.path, "resolve(__dirname, '../../../locales')", `fileURLToPath(new URL('../${YARGS_LOCALES}', import.meta.url))`);
    });
    // When a command's handler starts, yargs renders that command's whole help text and keeps it, for
    // a handler that calls showHelp() later: 15-50 ms of every `dysta simulate` here. No dysta handler
    // shows help (main.ts's fail handler prints one line), so the bundle leaves it out; `--help` and
    // usage errors render it as before.
    build.onLoad({ filter: /[\\/]yargs[\\/]build[\\/]lib[\\/]command\.js$/ }, (args) =>
      patched(args.path, 'yargs.getInternalMethods().getUsageInstance().cacheHelpMessage();', '/* help text rendered on demand only (bin/build.js) */'),
    );
    // yargs() declares --version with a version it guesses from the nearest package.json above the
    // working folder (bundled, it cannot find its caller's): outside any package (a user's data
    // folder, the benchmark's temporary one) the search fails and loads node:assert only to throw and
    // swallow an error, some 5-8 ms of every run; inside another project it reads that project's
    // package.json. cli/main.ts declares --version with dysta's own version, which replaces the guess.
    build.onLoad({ filter: /[\\/]yargs[\\/]build[\\/]lib[\\/]yargs-factory\.js$/ }, (args) =>
      patched(args.path, '        yargs.version();', '        yargs.version(false); /* declared by the caller only (bin/build.js) */'),
    );
    // string-width measures every help line with Intl.Segmenter, whose construction alone costs about
    // 25 ms and its emoji regular expression another 15 ms at first use: most of `dysta --help`'s time,
    // and yargs renders the help on every command run too. Printable ASCII is one column a character,
    // which string-width 8 itself takes as its fast path; anything else goes to the real module,
    // loaded (bundled, evaluated lazily through require) only then. test/cli/ascii-width.test.ts checks
    // the two agree.
    build.onLoad({ filter: /.*/, namespace: 'ascii-width' }, (args) => {
      return {
        resolveDir: dirname(args.path),
        contents: `
          const PRINTABLE_ASCII = /^[\\u0020-\\u007E]*$/;
          export default function stringWidth(text, options) {
            if (typeof text === 'string' && PRINTABLE_ASCII.test(text)) return text.length;
            const real = require(${JSON.stringify(args.path)});
            return (real.default ?? real)(text, options);
          }`,
      };
    });
  },
});

/** A package file with `from` (which must occur exactly once) replaced by `to`, for onLoad. */
function patched(path, from, to) {
  const text = readFileSync(path, 'utf8');
  if (text.split(from).length !== 2) return { errors: [{ text: `${path} no longer contains ${from} once; update bin/build.js for this version of the package` }] };
  return { contents: text.replace(from, () => to), loader: 'js' };
}

/** The first esbuild error as one line: file:line: text. */
function buildErrorOf(err) {
  const first = err?.errors?.[0];
  if (!first) return new BuildError(`esbuild failed: ${String(err?.message ?? err).split('\n')[0]}`);
  const where = first.location ? `${first.location.file}:${first.location.line}: ` : '';
  return new BuildError(`cannot build dist/: ${where}${first.text}`);
}

/**
 * Brings dist/ up to date: bundles the program, writes every output atomically (chunks first, the
 * entries last, so a dysta starting meanwhile finds either build whole), removes what the previous
 * build wrote and this one did not, then records the sources it read. Returns the number of files
 * written. `all` rebuilds even when nothing changed.
 */
export async function build({ all = false } = {}) {
  const previous = readManifest();
  const { sources, changed, removed } = pendingWork();
  const esbuild = await loadEsbuild();
  if (!all && previous?.esbuild === esbuild.version && changed.length === 0 && removed.length === 0) return 0;
  let results;
  const found = {};
  const options = {
    absWorkingDir: ROOT,
    outdir: DIST,
    outbase: ROOT,
    entryNames: '[dir]/[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Stack traces (DYSTA_DEBUG=1) name the TypeScript files, which the maps refer to by path.
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    write: false,
    logLevel: 'silent',
    plugins: [packagesPlugin(found)],
  };
  try {
    results = await Promise.all([
      esbuild.build({ ...options, entryPoints: [CLI_ENTRY], splitting: true }),
      esbuild.build({ ...options, entryPoints: [WORKER_ENTRY], splitting: false }),
      esbuild.build({
        ...options,
        stdin: { contents: "export { default as yargs } from 'yargs';", resolveDir: join(ROOT, 'cli'), sourcefile: 'yargs-vendor.js' },
        outdir: undefined,
        outfile: join(DIST, VENDOR_YARGS),
        format: 'cjs',
        // yargs' ES modules ask import.meta.url where they are: the bundle's own URL.
        define: { 'import.meta.url': '__dystaModuleUrl' },
        banner: { js: "const __dystaModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
        plugins: [packagesPlugin(found, new Set(['yargs']))],
      }),
    ]);
  } catch (err) {
    throw buildErrorOf(err);
  }
  const outputs = results.flatMap((r) => r.outputFiles).map((f) => ({ rel: relative(DIST, f.path).split(sep).join('/'), text: f.text }));
  const isEntry = (rel) => ENTRY_POINTS.some((e) => rel === e.replace(/\.ts$/, '.js'));
  for (const o of outputs.filter((o) => !isEntry(o.rel))) writeAtomic(join(DIST, o.rel), o.text);
  for (const o of outputs.filter((o) => isEntry(o.rel))) writeAtomic(join(DIST, o.rel), o.text);
  const written = new Set(outputs.map((o) => o.rel));
  for (const rel of copyYargsLocales(found.yargsLocales)) written.add(rel);
  writeAtomic(join(DIST, YARGS_CACHE), yargsCodeCache(readFileSync(join(DIST, VENDOR_YARGS), 'utf8')));
  written.add(YARGS_CACHE);
  // What each output holds, by source path (packages as node_modules/...).
  const inputs = {};
  for (const [file, meta] of results.flatMap((r) => Object.entries(r.metafile.outputs))) {
    if (file.endsWith('.map')) continue;
    // (Modules the plugin made: the fast string-width by the real one's path, the lazy assert by name.)
    inputs[relative(DIST, join(ROOT, file)).split(sep).join('/')] = Object.keys(meta.inputs).map((i) =>
      i.startsWith('ascii-width:') ? relative(ROOT, i.slice('ascii-width:'.length)).split(sep).join('/') : i.replace(/^lazy-assert:.*/, '(node:assert on failure)'),
    );
  }
  writeAtomic(BUNDLE_INPUTS, JSON.stringify(inputs, null, 1));
  // Outputs of the previous build (or of the per-file build before bundling) that this one replaced.
  for (const rel of previous?.outputs ?? []) if (!written.has(rel)) rmSync(join(DIST, rel), { force: true });
  if (!previous) removeStrayOutputs(written);
  writeAtomic(MANIFEST, JSON.stringify({ format: FORMAT, esbuild: esbuild.version, outputs: [...written].sort(), files: Object.fromEntries(sources) }, null, 1));
  return outputs.length;
}

/**
 * V8's code cache for the yargs bundle, taken after a run that declares commands and options, parses,
 * and renders help and an error, so the functions a `dysta` start calls are in it compiled.
 * cli/yargs-loader.ts compiles the file with the same wrapper.
 */
function yargsCodeCache(code) {
  // (Loaded here, not at the top: a start that must rebuild imports this file for ensureBuilt.)
  const vm = process.getBuiltinModule('node:vm');
  const { createRequire } = process.getBuiltinModule('node:module');
  const file = join(DIST, VENDOR_YARGS);
  const script = new vm.Script(yargsWrapper(code), { filename: file });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  const { yargs } = module.exports;
  const y = yargs(['run', '--count', '3'])
    .scriptName('warm-up')
    .usage('$0 <command> [options]')
    .strict()
    .recommendCommands()
    .help()
    .version('0.0.0')
    .wrap(100)
    .fail(() => {});
  for (const name of ['build', 'run', 'check']) {
    y.command(name, `what ${name} does`, (a) =>
      a
        .option('count', { type: 'number', describe: 'how many', group: 'Counts:' })
        .option('out', { type: 'string', describe: 'where', default: 'out' })
        .option('flag', { type: 'boolean', describe: 'on or off' })
        .conflicts('count', 'flag')
        .example('$0 run --count 2', 'an example'),
    );
  }
  y.middleware(() => {}, true).parse();
  y.parse(['run', '--help'], () => {});
  y.parse(['--help'], () => {});
  y.parse(['rnu'], () => {});
  return script.createCachedData();
}

/** How cli/yargs-loader.ts wraps the CommonJS bundle (the code cache belongs to this exact text). */
export const yargsWrapper = (code) => `(function (exports, require, module, __filename, __dirname) {${code}\n})`;

/** Copies yargs' translations (about 30 small JSON files) to dist/yargs-locales; returns their paths in dist/. */
function copyYargsLocales(from) {
  return readdirSync(from)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      writeAtomic(join(DIST, YARGS_LOCALES, f), readFileSync(join(from, f)));
      return `${YARGS_LOCALES}/${f}`;
    });
}

/** Without a manifest of this format, any .js/.map file in dist/ that this build did not write is a leftover. */
function removeStrayOutputs(written) {
  const walk = (rel) => {
    let entries;
    try {
      entries = readdirSync(join(DIST, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        walk(path);
        if (readdirSync(join(DIST, path)).length === 0) rmSync(join(DIST, path), { recursive: true });
      } else if (/\.(js|js\.map|json)$/.test(entry.name) && !entry.name.startsWith('.') && !written.has(path)) rmSync(join(DIST, path), { force: true });
    }
  };
  walk('');
}

/**
 * Called by bin/dysta.js before it imports dist/. In a git checkout (or wherever dist/ is missing)
 * rebuilds when a source changed since the last build, saying so on stderr; an installed copy
 * without .git trusts its dist/.
 */
export async function ensureBuilt() {
  if (!needsBuild()) return;
  const { changed, removed } = pendingWork();
  if (changed.length === 0 && removed.length === 0) return;
  process.stderr.write(`dysta: ${changed.length + removed.length} source file(s) changed since the last build; rebuilding dist/ (npm run build)\n`);
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
      process.stdout.write(n === 0 ? 'build: dist/ is up to date\n' : `build: bundled ${n} file(s) into dist/ in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    }
  } catch (err) {
    process.stderr.write(`build: ${err instanceof BuildError ? err.message : err.stack}\n`);
    process.exit(err instanceof BuildError ? 2 : 70);
  }
}
