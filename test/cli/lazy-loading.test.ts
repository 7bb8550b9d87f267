// Start-up cost: a command loads its own modules and nothing of the others (issue 9). Each case runs
// the built bin with a loader hook that records every module file the process loads. dist/ holds
// bundles (bin/build.js): a loaded bundle file stands for the sources and packages esbuild put in it
// (dist/.bundle.json), so the check is on TypeScript sources and packages whichever file they came
// in: `--version` loads no package at all, `--help` only yargs, `simulate` nothing of hwgen, cosim,
// fpga, verify, compare or the plotting (vega), a warm `cosim --suite trace` none of the packages
// only a simulator build, a waveform or a malformed manifest needs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, tempDir } from '../helpers.ts';

const work = tempDir('dysta-lazy-');
const HOOK = join(PROJECT_ROOT, 'test', 'cli', 'module-trace.mjs');

/** The package a node_modules path belongs to: node_modules/@a/b/x.js -> @a/b (the innermost node_modules). */
function packageOf(path: string): string {
  const parts = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length).split('/');
  return parts.slice(0, parts[0]!.startsWith('@') ? 2 : 1).join('/');
}

/**
 * Runs `dysta ...args` and returns the TypeScript sources (paths from the root) whose code it loaded,
 * the bundle files it loaded, and the packages it loaded (from node_modules or inside a bundle).
 */
async function loaded(args: string[]): Promise<{ sources: string[]; bundles: string[]; packages: string[]; builtins: string[] }> {
  const trace = join(work, `trace-${Math.random().toString(36).slice(2)}.txt`);
  const r = await execa('node', ['--import', HOOK, join(PROJECT_ROOT, 'bin', 'dysta.js'), ...args], {
    cwd: work,
    env: { DYSTA_MODULE_TRACE: trace },
    reject: false,
  });
  expect(r.exitCode, r.stderr).toBe(0);
  const contents = JSON.parse(readFileSync(join(PROJECT_ROOT, 'dist', '.bundle.json'), 'utf8')) as Record<string, string[]>;
  const root = `file://${PROJECT_ROOT}`.replace(/\/?$/, '/');
  const urls = readFileSync(trace, 'utf8').trim().split('\n');
  const builtins = urls.filter((u) => u.startsWith('node:'));
  const paths = urls.filter((u) => u.startsWith(root)).map((u) => u.slice(root.length));
  const bundles = paths.filter((p) => p.startsWith('dist/')).map((p) => p.slice('dist/'.length));
  for (const b of bundles) expect(contents, `${b} is not in dist/.bundle.json`).toHaveProperty([b]);
  const inside = bundles.flatMap((b) => contents[b]!);
  const sources = inside.filter((p) => p.endsWith('.ts') && !p.includes('node_modules/'));
  const packages = [...new Set([...paths, ...inside].filter((p) => p.includes('node_modules/')).map(packageOf))];
  return { sources, bundles, packages, builtins };
}

const HEAVY_SOURCES = /^(hwgen|cosim|fpga|verify|compare)\/|^sw-scheduler\/(report|study|study-command|predictors-command|predictor-eval|sweep-runner|sweep-command|plot-style)\.ts$/;
const HEAVY_PACKAGES = ['vega', 'vega-lite', 'execa', 'fast-xml-parser', 'wavedrom', 'cli-progress', 'tsx', 'typescript', 'esbuild'];
/**
 * What every command loads before yargs: the entry, the shared error and output rules, the package's
 * files, the plain command-line reader and the yargs loader.
 */
const ENTRY_SOURCES = ['cli/main.ts', 'cli/commands.ts', 'cli/errors.ts', 'cli/plain-command-line.ts', 'cli/yargs-loader.ts', 'output/index.ts', 'input/package-files.ts'];

describe('modules loaded per command', () => {
  it('--version loads the CLI entry and no package (not even yargs)', async () => {
    const { sources, bundles, packages } = await loaded(['--version']);
    expect(bundles).toContain('cli/main.js');
    expect(sources).toContain('cli/main.ts');
    expect(sources.filter((s) => !ENTRY_SOURCES.includes(s))).toEqual([]);
    expect(packages).toEqual([]);
  });

  // (Run from a temporary folder, outside any package: there yargs' own guess of the version used to
  // search for a package.json up to / and load node:assert to report not finding one.)
  it('--help loads no command module, only yargs and its text layout (and not node:assert, about 20 ms)', async () => {
    const { sources, packages, builtins } = await loaded(['--help']);
    expect(builtins).not.toContain('node:assert');
    expect(sources.filter((s) => !ENTRY_SOURCES.includes(s))).toEqual([]);
    expect(packages).toContain('yargs');
    expect(packages).toContain('cliui');
    expect(packages.filter((p) => HEAVY_PACKAGES.includes(p) || p === 'zod' || p === 'csv-parse' || p === 'pure-rand')).toEqual([]);
  });

  it('gen-rtl --help loads its options, not hwgen', async () => {
    const { sources } = await loaded(['gen-rtl', '--help']);
    expect(sources).toContain('cli/gen-rtl.ts');
    expect(sources.filter((s) => s.startsWith('hwgen/'))).toEqual([]);
  });

  it('simulate (a CSV trace replay) loads the scheduling model only: no hardware side, no plotting, no zod or csv-parse for well-formed files, no yargs', async () => {
    const csv = join(PROJECT_ROOT, 'test', 'fixtures', 'workloads', 'eyerissv2');
    const trace = join(work, 'trace.json');
    await loaded(['simulate', '--csv-dir', csv, '--requests', '20', '--policies', 'fcfs', '--trace-out', trace]);
    const { sources, packages, builtins } = await loaded(['simulate', '--csv-dir', csv, '--trace', trace, '--policies', 'fcfs,dysta', '--json', join(work, 'out.json')]);
    expect(sources).toContain('sw-scheduler/simulate-command.ts');
    expect(sources).toContain('sw-scheduler/engine.ts');
    expect(sources.filter((s) => HEAVY_SOURCES.test(s))).toEqual([]);
    expect(packages.filter((p) => HEAVY_PACKAGES.includes(p) || p === 'zod' || p === 'csv-parse')).toEqual([]);
    expect(builtins).not.toContain('node:assert');
    // A plain command line (cli/plain-command-line.ts) runs without yargs.
    expect(packages).not.toContain('yargs');
    expect(packages).not.toContain('cliui');
  });

  it('a malformed CSV folder loads csv-parse only then (it stays out of the bundle)', async () => {
    const csv = join(work, 'quoted');
    mkdirSync(csv, { recursive: true });
    writeFileSync(join(csv, 'net_a.csv'), 'sim_lat,overall-sparsity,batch-indx,layer-indx\n"0.5",0.1,0,0\n0.25,0.2,1,0\n');
    const { packages } = await loaded(['simulate', '--csv-dir', csv, '--requests', '3', '--policies', 'fcfs']);
    expect(packages).toContain('csv-parse');
  });

  it('cosim --suite trace on a design and simulator already there loads neither execa, zod nor fast-xml-parser', async () => {
    const args = ['cosim', '--suite', 'trace', '--workload', 'cnn', '--requests', '20', '--out', join(work, 'rtl')];
    await loaded(args); // generates the design (and builds its simulator if the cache has none)
    const { sources, packages } = await loaded(args);
    expect(sources).toContain('compare/trace-cosim.ts');
    expect(packages.filter((p) => ['execa', 'zod', 'fast-xml-parser', 'vega', 'cli-progress', 'tsx', 'typescript', 'esbuild'].includes(p))).toEqual([]);
  });
});
