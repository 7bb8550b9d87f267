// Loads yargs. From dist/, the CommonJS bundle bin/build.js makes of it (dist/vendor/yargs.cjs),
// compiled with the V8 code cache the build took after a warm-up run, so a start neither parses nor
// compiles yargs' 250 KB again (Node 20 takes no code cache for ES modules). A cache V8 refuses
// (another Node.js version, other V8 flags) costs only the compile it would have saved. From the
// TypeScript sources (tests), the package itself.
import type Yargs from 'yargs';
import { packageFile } from '../input/package-files.ts';

/** Must equal bin/build.js's yargsWrapper: the code cache belongs to this exact text. */
export const wrapYargsBundle = (code: string) => `(function (exports, require, module, __filename, __dirname) {${code}\n})`;

export async function loadYargs(): Promise<typeof Yargs> {
  if (import.meta.url.endsWith('.ts')) return (await import('yargs')).default;
  const { readFileSync } = process.getBuiltinModule('node:fs');
  // The vm module's object, not a named import: test/cli/module-trace.mjs records the scripts it compiles.
  const vm = process.getBuiltinModule('node:vm');
  const { createRequire } = process.getBuiltinModule('node:module');
  const file = packageFile('dist', 'vendor', 'yargs.cjs');
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(`${file}.cache`);
  } catch {
    // compiled without it
  }
  const script = new vm.Script(wrapYargsBundle(readFileSync(file, 'utf8')), { filename: file, cachedData });
  const module = { exports: {} as { yargs: typeof Yargs } };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, packageFile('dist', 'vendor'));
  return module.exports.yargs;
}
