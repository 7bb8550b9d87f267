// Files the package itself ships and reads at run time (the C++ harness sources, package.json), and
// the folder they are in. The code runs from two places: the TypeScript sources (tests, benchmarks)
// at <root>/<folder>/x.ts and the compiled build at <root>/dist/<folder>/x.js; both must find the
// same files, so paths are taken from the package root, never from the running module's folder.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (the folder of package.json), from the sources and from dist/ alike. */
export const PACKAGE_ROOT = fileURLToPath(new URL(import.meta.url.endsWith('.js') ? '../..' : '..', import.meta.url));

/** A file the package ships, e.g. `packageFile('cosim', 'harness', 'cosim_harness.h')`. */
export function packageFile(...segments: string[]): string {
  return join(PACKAGE_ROOT, ...segments);
}
