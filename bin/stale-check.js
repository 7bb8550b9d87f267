// Whether dist/ matches the TypeScript sources: the check bin/dysta.js makes on every start. Kept
// apart from bin/build.js so that a start compiles these few lines only, not the build (some 400
// lines and their imports: about 7 ms of every `dysta` run); build.js imports it to know what to
// rebuild. It compares every source's mtime and size, and build.js's own, with what
// dist/.sources.json recorded at the last build: one readdir per source folder, one stat per file,
// one small JSON read.
const { existsSync, readdirSync, readFileSync, statSync } = process.getBuiltinModule('node:fs');
const { fileURLToPath } = process.getBuiltinModule('node:url');

/** The package root, with a trailing separator (paths below are plain concatenations). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The folders whose .ts files make up the program (tests and benchmarks run from source with tsx). */
export const SOURCE_DIRS = ['cli', 'output', 'input', 'hwgen', 'cosim', 'fpga', 'sw-scheduler', 'compare', 'verify', 'models', 'dse'];
/** Bump (in bin/build.js's terms: its build options changed) so the next start rebuilds. */
export const FORMAT = 4;
export const MANIFEST = `${ROOT}dist/.sources.json`;
const BUILD_SCRIPT = `${ROOT}bin/build.js`;

/** Every source file, relative to the root, with the `mtime:size` it has now. */
export function listSources() {
  const found = new Map();
  const walk = (rel) => {
    for (const entry of readdirSync(ROOT + rel, { withFileTypes: true })) {
      const path = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const s = statSync(ROOT + path);
        found.set(path, `${s.mtimeMs}:${s.size}`);
      }
    }
  };
  for (const dir of SOURCE_DIRS) walk(dir);
  // The build's own options (build.js) decide the output too.
  const self = statSync(BUILD_SCRIPT);
  found.set('bin/build.js', `${self.mtimeMs}:${self.size}`);
  return found;
}

/** The manifest of the last build, or undefined if there is none of this format. */
export function readManifest() {
  try {
    const m = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    return m.format === FORMAT ? m : undefined;
  } catch {
    return undefined;
  }
}

/** What a build would do now: the sources changed or added since the last build, and those removed. */
export function pendingWork() {
  const sources = listSources();
  const built = readManifest()?.files ?? {};
  const changed = [...sources].filter(([path, stamp]) => built[path] !== stamp).map(([path]) => path);
  const removed = Object.keys(built).filter((path) => !sources.has(path));
  return { sources, changed, removed };
}

/**
 * Whether bin/dysta.js must call build.js's ensureBuilt: in a git checkout (or wherever dist/ is
 * missing) when a source changed since the last build; an installed copy without .git trusts its dist/.
 */
export function needsBuild() {
  if (!existsSync(`${ROOT}.git`) && existsSync(`${ROOT}dist/cli/main.js`)) return false;
  const { changed, removed } = pendingWork();
  return changed.length > 0 || removed.length > 0;
}
