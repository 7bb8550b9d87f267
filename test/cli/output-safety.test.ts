// The output rule, as a property of every command that writes files (issue 8): run each one
//   * with its outputs behind symlinks, in a folder holding a sentinel file: it succeeds, the links
//     stay links, their targets are written, the sentinel is untouched and no temporary file is left;
//   * with an output in a folder nobody can write (a read-only mount): one line, exit code 2, before
//     any work, and nothing written;
//   * with an output naming a folder that holds a sentinel: refused in one line, the folder untouched.
// Every command that writes is here: gen-rtl, demo, cosim (--out, --wave, --json, --junit, --wave-dir, --coverage),
// mutate (--json, --junit), system (--out, --wave, --json), profile (--out), synth (--json, the bitstream in --out), workloads,
// simulate, sweep, predictors, study, hw-agreement.
import { execa } from 'execa';
import { lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, tempDir, unwritableDir } from '../helpers.ts';

type Kind = 'file' | 'folder' | 'wave';
interface Output {
  flag: string;
  kind: Kind;
  /** File name used for it (waves end in .fst; their .gtkw goes beside). */
  name: string;
  /**
   * What is passed on the command line when it is not `name`: a folder the command writes `name`
   * into (synth's bitstream goes into --out); in the read-only run the read-only folder itself.
   */
  value?: string;
}
interface Writer {
  /** Names the run's folders when one command has several entries. */
  id?: string;
  command: string;
  outputs: Output[];
  /** The other arguments, small enough to run in a second or two. */
  args: string[];
  /** Outputs pointed at the read-only folder, one run each. */
  readOnly: string[];
  /** The output pointed at a folder holding a sentinel. */
  sentinel: string;
}

// The hardware commands run the default configuration: their Verilator builds are shared with other tests.
// sweep and study: one small setting of two policies on the attention zoo.
const grid = ['--workload', 'attention', '--loads', '0.8', '--slo-mults', '4', '--requests', '10', '--threads', '0', '--policies', 'dysta,fcfs'];
const WRITERS: Writer[] = [
  { command: 'gen-rtl', outputs: [{ flag: '--out', kind: 'folder', name: 'rtl' }], args: [], readOnly: ['--out'], sentinel: '--out' },
  {
    command: 'demo',
    outputs: [{ flag: '--out', kind: 'folder', name: 'rtl' }, { flag: '--wave', kind: 'wave', name: 'demo.fst' }],
    args: ['--size', '2', '--channels', '1'],
    readOnly: ['--wave'],
    sentinel: '--out',
  },
  {
    command: 'cosim',
    outputs: [
      { flag: '--out', kind: 'folder', name: 'rtl' },
      { flag: '--wave', kind: 'wave', name: 'cosim.vcd' },
      { flag: '--json', kind: 'file', name: 'cosim.json' },
      { flag: '--junit', kind: 'file', name: 'cosim.xml' },
    ],
    args: ['--suite', 'npu', '--case', 'all-max', '--k', '3', '--x-seeds', 'none'],
    readOnly: ['--out', '--wave', '--json', '--junit'],
    sentinel: '--out',
  },
  {
    id: 'cosim-wave-dir',
    command: 'cosim',
    outputs: [
      { flag: '--out', kind: 'folder', name: 'rtl' },
      { flag: '--wave-dir', kind: 'folder', name: 'waves' },
    ],
    args: ['--suite', 'npu', '--case', 'all-max', '--case', 'all-min', '--k', '3', '--keep-waves', '--x-seeds', 'none'],
    readOnly: ['--wave-dir'],
    sentinel: '--wave-dir',
  },
  {
    id: 'cosim-coverage',
    command: 'cosim',
    outputs: [
      { flag: '--out', kind: 'folder', name: 'rtl' },
      { flag: '--coverage', kind: 'folder', name: 'coverage' },
    ],
    args: ['--suite', 'npu', '--case', 'all-max', '--k', '3', '--x-seeds', 'none'],
    readOnly: ['--coverage'],
    sentinel: '--coverage',
  },
  {
    command: 'synth',
    outputs: [
      { flag: '--json', kind: 'file', name: 'synth.json' },
      { flag: '--out', kind: 'file', name: 'npu_tile.ice40-up5k.bin', value: '.' },
    ],
    // A 1-lane tile through the whole iCE40 flow (as test/fpga does) with its bitstream.
    args: ['--config', 'TINY_CONFIG', '--top', 'npu_tile', '--target', 'ice40-up5k', '--bitstream', '--no-lint'],
    readOnly: ['--json', '--out'],
    sentinel: '--json',
  },
  {
    // Mutant 1 of the six that test/cli/mutate.test.ts plants (the same netlist: a cached build).
    command: 'mutate',
    outputs: [{ flag: '--json', kind: 'file', name: 'm.json' }, { flag: '--junit', kind: 'file', name: 'm.xml' }],
    args: ['--top', 'npu_tile', '--mutants', '6', '--seed', '2', '--ids', '1', '--jobs', '1', '--config', 'SMALL_CONFIG', '--out', 'SMALL_RTL'],
    readOnly: ['--json', '--junit'],
    sentinel: '--json',
  },
  {
    command: 'system',
    outputs: [{ flag: '--out', kind: 'folder', name: 'rtl' }, { flag: '--wave', kind: 'wave', name: 'sys.fst' }, { flag: '--json', kind: 'file', name: 'sys.json' }],
    args: ['-n', '1'],
    readOnly: ['--wave', '--json'],
    sentinel: '--out',
  },
  {
    command: 'profile',
    outputs: [{ flag: '--out', kind: 'folder', name: 'prof' }],
    args: ['--models', 'slim_dense', '--samples', '2'],
    readOnly: ['--out'],
    sentinel: '--out',
  },
  {
    command: 'workloads',
    outputs: [{ flag: '--export-csv', kind: 'folder', name: 'csv' }, { flag: '--json', kind: 'file', name: 'w.json' }],
    args: ['--workload', 'attention', '--zoo-samples', '4'],
    readOnly: ['--export-csv'],
    sentinel: '--export-csv',
  },
  {
    command: 'simulate',
    outputs: [
      { flag: '--json', kind: 'file', name: 'sim.json' },
      { flag: '--trace-out', kind: 'file', name: 'trace.json' },
      { flag: '--decision-log', kind: 'file', name: 'd.jsonl' },
    ],
    args: ['--workload', 'attention', '--requests', '5', '--policies', 'dysta'],
    readOnly: ['--json', '--trace-out', '--decision-log'],
    sentinel: '--json',
  },
  {
    command: 'sweep',
    outputs: [{ flag: '--out', kind: 'folder', name: 'sweep' }],
    args: [...grid, '--seeds', '1'],
    readOnly: ['--out'],
    sentinel: '--out',
  },
  {
    command: 'predictors',
    outputs: [{ flag: '--out', kind: 'folder', name: 'pred' }, { flag: '--json', kind: 'file', name: 'pred.json' }],
    args: ['--workload', 'attention', '--zoo-samples', '8'],
    readOnly: ['--out', '--json'],
    sentinel: '--out',
  },
  {
    command: 'study',
    outputs: [{ flag: '--out', kind: 'folder', name: 'study' }],
    args: [...grid, '--seeds', '2'],
    readOnly: ['--out'],
    sentinel: '--out',
  },
  {
    command: 'hw-agreement',
    outputs: [{ flag: '--json', kind: 'file', name: 'agree.json' }],
    args: ['--workload', 'attention', '--requests', '20'],
    readOnly: ['--json'],
    sentinel: '--json',
  },
];

const root = tempDir('dysta-output-safety-');
const ro = unwritableDir();
const tinyConfig = join(root, 'tiny.json');
writeFileSync(tinyConfig, JSON.stringify({ peArray: { lanes: 1, weightDepth: 16, maxRows: 15, accWidth: 20 }, scheduler: { clockMHz: 48 } }));
const smallConfig = join(root, 'small.json');
writeFileSync(smallConfig, JSON.stringify({ peArray: { lanes: 3, actWidth: 4, weightWidth: 4, accWidth: 12, weightDepth: 16, maxRows: 40 } }));
const placeholders: Record<string, string> = { TINY_CONFIG: tinyConfig, SMALL_CONFIG: smallConfig, SMALL_RTL: join(root, 'small-rtl') };
for (const w of WRITERS) w.args = w.args.map((a) => placeholders[a] ?? a);
const BIN = join(PROJECT_ROOT, 'bin', 'dysta.js');
const run = (args: string[], cwd: string) => execa(process.execPath, [BIN, ...args], { cwd, reject: false, env: { DYSTA_DEBUG: '' } });

/** A snapshot of a folder tree (names and file contents) to prove it unchanged. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const p = join(e.parentPath, e.name);
    out[p] = e.isFile() ? readFileSync(p, 'utf8') : e.isSymbolicLink() ? '->' : '/';
  }
  return out;
}

function oneLine(stderr: string, flag: string): void {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^dysta: ${flag.replace(/[-]/g, '\\-')}`));
  expect(lines[0]!.length).toBeLessThan(400);
}

const gtkwOf = (name: string) => name.replace(/\.(fst|vcd)$/, '.gtkw');

describe.each(WRITERS.map((w) => ({ ...w, id: w.id ?? w.command })))('dysta $id writes only what it may', (w) => {
  it('writes through symlinks next to a sentinel; refuses a read-only folder and a folder it did not write, in one line', async () => {
    const base = join(root, w.id);
    const targets = join(base, 'targets');
    mkdirSync(targets, { recursive: true });
    writeFileSync(join(base, 'sentinel.txt'), 'keep me');
    // Every output is a symlink to a target that does not exist yet.
    const good: string[] = [];
    for (const o of w.outputs) {
      symlinkSync(join(targets, o.name), join(base, o.name));
      if (o.kind === 'wave') symlinkSync(join(targets, gtkwOf(o.name)), join(base, gtkwOf(o.name)));
      good.push(o.flag, o.value ?? o.name);
    }
    const pathFor = (o: Output, where: 'good' | 'ro') => (where === 'good' ? (o.value ?? o.name) : o.value !== undefined ? ro : join(ro, o.name));
    const runs = [
      run([w.command, ...w.args, ...good], base),
      ...w.readOnly.map((flag) => run([w.command, ...w.args, ...w.outputs.flatMap((o) => [o.flag, pathFor(o, o.flag === flag ? 'ro' : 'good')])], base)),
    ];
    // The sentinel case: the chosen output names a folder holding the user's file.
    const mine = join(root, `${w.id}-mine`);
    mkdirSync(mine);
    writeFileSync(join(mine, 'thesis.tex'), 'my work');
    runs.push(run([w.command, ...w.args, ...w.outputs.flatMap((o) => [o.flag, o.flag === w.sentinel ? mine : o.value !== undefined ? root : join(root, `${w.id}-other-${o.name}`)])], root));
    const [ok, ...failed] = await Promise.all(runs);
    const refusedFolder = failed.pop()!;

    expect(ok!.stderr).not.toMatch(/\n\s+at |internal error/);
    expect(ok!.exitCode, ok!.stderr).toBe(0);
    for (const o of w.outputs) {
      expect(lstatSync(join(base, o.name)).isSymbolicLink()).toBe(true);
      const target = join(targets, o.name);
      if (o.kind === 'folder') expect(readdirSync(target)).toContain('.dysta-output');
      else expect(statSync(target).size).toBeGreaterThan(0);
      if (o.kind === 'wave') {
        expect(lstatSync(join(base, gtkwOf(o.name))).isSymbolicLink()).toBe(true);
        expect(readFileSync(join(targets, gtkwOf(o.name)), 'utf8')).toContain('[dumpfile]');
      }
    }
    expect(readFileSync(join(base, 'sentinel.txt'), 'utf8')).toBe('keep me');
    const leftovers = [...readdirSync(base), ...readdirSync(targets)].filter((f) => /\.(tmp|old)-/.test(f));
    expect(leftovers).toEqual([]);

    for (const [i, r] of failed.entries()) {
      expect(r.exitCode, r.stderr).toBe(2);
      oneLine(r.stderr, w.readOnly[i]!);
      expect(r.stderr).toMatch(/cannot write in|read-only/);
    }
    expect(readdirSync(ro)).toEqual([]);

    expect(refusedFolder.exitCode, refusedFolder.stderr).toBe(2);
    oneLine(refusedFolder.stderr, w.sentinel);
    expect(readdirSync(mine)).toEqual(['thesis.tex']);
    expect(readFileSync(join(mine, 'thesis.tex'), 'utf8')).toBe('my work');
    expect(readdirSync(root).filter((f) => f.startsWith(`${w.id}-other-`) || f.endsWith('.bin'))).toEqual([]);
  }, 300_000);
});

describe('standard output', () => {
  it('a symlink to /dev/stdout is written through to standard output; neither link is replaced', async () => {
    const dir = join(root, 'stdout');
    mkdirSync(dir);
    symlinkSync('/dev/stdout', join(dir, 'out.json'));
    const r = await run(['simulate', '--workload', 'attention', '--requests', '3', '--policies', 'fcfs', '--json', 'out.json'], dir);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\{"policies":\{"fcfs":/m);
    expect(r.stderr).toContain('policy  violation rate'); // the table moved to stderr
    expect(lstatSync(join(dir, 'out.json')).isSymbolicLink()).toBe(true);
    expect(lstatSync('/dev/stdout').isSymbolicLink()).toBe(true);
    expect(readdirSync(dir)).toEqual(['out.json']);
  }, 60_000);
});

describe('the working folder', () => {
  // `--out .` crashed with EBUSY and the absolute path replaced the folder: both forms, across the three.
  it.each([
    ['sweep', '.'],
    ['predictors', 'abs'],
    ['study', 'abs'],
  ])('%s refuses the working folder given as %s', async (command, form) => {
    const cwd = join(root, `cwd-${command}`);
    mkdirSync(cwd);
    writeFileSync(join(cwd, 'thesis.tex'), 'x');
    const before = snapshot(cwd);
    const w = WRITERS.find((x) => x.command === command)!;
    const r = await run([command, ...w.args, '--out', form === '.' ? '.' : cwd], cwd);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toMatch(/^dysta: --out .* is the working folder or contains it; name a new folder inside it instead$/);
    expect(snapshot(cwd)).toEqual(before);
  }, 120_000);
});
