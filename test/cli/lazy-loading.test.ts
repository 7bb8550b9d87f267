// Start-up cost: a command loads its own modules and nothing of the others (issue 9). Each case runs
// the built bin with a loader hook that records every module loaded, and checks the project modules
// and packages against what the command needs: `--version` loads no package at all, `--help` only
// yargs, `simulate` nothing of hwgen, cosim, fpga, verify, compare or the plotting (vega), a warm
// `cosim --suite trace` none of the packages only a build, a waveform or a malformed manifest needs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, tempDir } from '../helpers.ts';

const work = tempDir('dysta-lazy-');
const HOOK = join(PROJECT_ROOT, 'test', 'cli', 'module-trace.mjs');

/** Runs `dysta ...args` and returns the project modules (paths from the root) and packages it loaded. */
async function loaded(args: string[]): Promise<{ project: string[]; packages: string[] }> {
  const trace = join(work, `trace-${Math.random().toString(36).slice(2)}.txt`);
  const r = await execa('node', ['--import', HOOK, join(PROJECT_ROOT, 'bin', 'dysta.js'), ...args], {
    cwd: work,
    env: { DYSTA_MODULE_TRACE: trace },
    reject: false,
  });
  expect(r.exitCode, r.stderr).toBe(0);
  const urls = readFileSync(trace, 'utf8').trim().split('\n');
  const root = `file://${PROJECT_ROOT}`.replace(/\/?$/, '/');
  const paths = urls.filter((u) => u.startsWith(root)).map((u) => u.slice(root.length));
  const project = paths.filter((p) => !p.startsWith('node_modules/') && !p.startsWith('test/'));
  const packages = [...new Set(paths.filter((p) => p.startsWith('node_modules/')).map((p) => p.split('/').slice(1, p.split('/')[1]!.startsWith('@') ? 3 : 2).join('/')))];
  return { project, packages };
}

const HEAVY_PROJECT = /^dist\/(hwgen|cosim|fpga|verify|compare)\/|^dist\/sw-scheduler\/(report|study|study-command|predictors-command|predictor-eval|sweep-runner|sweep-command|plot-style)\.js$/;
const HEAVY_PACKAGES = ['vega', 'vega-lite', 'execa', 'fast-xml-parser', 'wavedrom', 'cli-progress', 'tsx', 'typescript'];

describe('modules loaded per command', () => {
  it('--version loads the CLI entry and no package (not even yargs)', async () => {
    const { project, packages } = await loaded(['--version']);
    expect(project).toContain('dist/cli/main.js');
    expect(project.every((p) => ['bin/dysta.js', 'bin/build.js', 'dist/cli/main.js', 'dist/cli/commands.js', 'dist/cli/errors.js', 'dist/output/index.js', 'dist/input/package-files.js'].includes(p)), project.join(' ')).toBe(true);
    expect(packages).toEqual([]);
  });

  it('--help loads no command module, only yargs and its text layout', async () => {
    const { project, packages } = await loaded(['--help']);
    expect(project.filter((p) => p.startsWith('dist/') && !/^dist\/(cli\/(main|commands|errors)|output\/index|input\/package-files)\.js$/.test(p))).toEqual([]);
    expect(packages).toContain('yargs');
    expect(packages.filter((p) => HEAVY_PACKAGES.includes(p) || p === 'zod' || p === 'csv-parse')).toEqual([]);
  });

  it('gen-rtl --help loads its options, not hwgen', async () => {
    const { project } = await loaded(['gen-rtl', '--help']);
    expect(project).toContain('dist/cli/gen-rtl.js');
    expect(project.filter((p) => p.startsWith('dist/hwgen/'))).toEqual([]);
  });

  it('simulate (a CSV trace replay) loads the scheduling model only: no hardware side, no plotting, no zod or csv-parse for well-formed files', async () => {
    const csv = join(PROJECT_ROOT, 'test', 'fixtures', 'workloads', 'eyerissv2');
    const trace = join(work, 'trace.json');
    await loaded(['simulate', '--csv-dir', csv, '--requests', '20', '--policies', 'fcfs', '--trace-out', trace]);
    const { project, packages } = await loaded(['simulate', '--csv-dir', csv, '--trace', trace, '--policies', 'fcfs,dysta', '--json', join(work, 'out.json')]);
    expect(project).toContain('dist/sw-scheduler/simulate-command.js');
    expect(project).toContain('dist/sw-scheduler/engine.js');
    expect(project.filter((p) => HEAVY_PROJECT.test(p))).toEqual([]);
    expect(packages.filter((p) => HEAVY_PACKAGES.includes(p) || p === 'zod' || p === 'csv-parse')).toEqual([]);
  });

  it('cosim --suite trace on a design and simulator already there loads neither execa, zod nor fast-xml-parser', async () => {
    const args = ['cosim', '--suite', 'trace', '--workload', 'cnn', '--requests', '20', '--out', join(work, 'rtl')];
    await loaded(args); // generates the design (and builds its simulator if the cache has none)
    const { project, packages } = await loaded(args);
    expect(project).toContain('dist/compare/trace-cosim.js');
    expect(packages.filter((p) => ['execa', 'zod', 'fast-xml-parser', 'vega', 'cli-progress', 'tsx', 'typescript'].includes(p))).toEqual([]);
  });
});
