// Options are checked before any work, a missing tool is named whatever the command, and the same
// option means the same thing everywhere (issue 8, section 4). Each case runs the real CLI.
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { defaultConfig, generateDesign, loadConfigFile, writeDesign } from '../../hwgen/index.ts';
import { PROJECT_ROOT, runCli, tempDir } from '../helpers.ts';

const root = tempDir('dysta-options-');
const BIN = join(PROJECT_ROOT, 'bin', 'dysta.js');
// A generated design for the commands that read one (written in-process: no CLI start-up).
const rtl = join(root, 'rtl-out');
writeDesign(generateDesign(defaultConfig()), rtl);

/** A PATH holding only these tools (symlinks to the real ones), to play a machine that lacks others. */
let paths = 0;
function pathWith(tools: string[]): string {
  const bin = join(root, `bin-${paths++}`);
  mkdirSync(bin);
  for (const t of tools) symlinkSync(t === 'node' ? process.execPath : `/usr/bin/${t}`, join(bin, t));
  return bin;
}
const runWithPath = (bin: string, args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [BIN, ...args], { reject: false, env: { PATH: bin, ...env }, extendEnv: false, cwd: root });

/** Exactly one `dysta:` line on stderr (progress lines may come first), returned. */
function errorLine(stderr: string): string {
  const lines = stderr.trim().split('\n').filter((l) => l.startsWith('dysta:'));
  expect(lines, stderr).toHaveLength(1);
  return lines[0]!;
}

describe('options are checked before any work', () => {
  it('--wave must be a .fst or .vcd path without spaces: refused before the RTL is generated', async () => {
    const out = join(root, 'never');
    const [spaces, txt, dash] = await Promise.all([
      runCli(['demo', '--out', out, '--wave', join(root, 'a b', 'w.fst')]),
      runCli(['cosim', '--out', out, '--wave', join(root, 'x.txt')]),
      runCli(['system', '--out', out, '--wave', '-']),
    ]);
    for (const r of [spaces, txt, dash]) {
      expect(r.exitCode).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(spaces.stderr).toMatch(/^dysta: --wave ".*a b\/w\.fst": the path must not contain spaces/);
    expect(txt.stderr).toMatch(/^dysta: --wave \S+x\.txt: the waveform file must end in \.fst .* or \.vcd/);
    expect(dash.stderr).toMatch(/^dysta: --wave needs a file/);
    expect(existsSync(out)).toBe(false);
  }, 120_000);

  it('a bare --json is an error (one check for every command), never silently ignored', async () => {
    // The check is one middleware for every command (cli/main.ts); simulate ignored it before.
    const results = await Promise.all(['simulate', 'hw-agreement'].map((c) => runCli([c, '--json'])));
    for (const r of results) {
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toBe('dysta: --json needs a file name, or - for standard output');
    }
  }, 120_000);

  it('--seeds is a count everywhere; the list form is refused with the equivalent count', async () => {
    const [sweep, cosim] = await Promise.all([runCli(['sweep', '--seeds', '1,2,3']), runCli(['cosim', '--seeds', '1,2'])]);
    expect(sweep.exitCode).toBe(2);
    expect(sweep.stderr).toBe('dysta: --seeds is a count of seeds, got "1,2,3"; for the seeds 1,2,3 give --seeds 3 --first-seed 1');
    expect(cosim.exitCode).toBe(2);
    expect(cosim.stderr).toBe('dysta: --seeds is a count of seeds, got "1,2"');
  }, 120_000);

  it('a usage error exits 2, not 1 like a failed verification', async () => {
    const r = await runCli(['demo', '--density', '2']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('dysta: --density 2 must be from 0 to 1');
  }, 60_000);
});

describe('a missing tool is named', () => {
  it('fst2vcd (gtkwave) for an FST waveform, before any work', async () => {
    const bin = pathWith(['node', 'verilator', 'verilator_bin', 'sh']);
    const out = join(root, 'fst-rtl');
    const r = await runWithPath(bin, ['demo', '--out', out, '--wave', join(root, 'w.fst')]);
    expect(r.exitCode).toBe(2);
    expect(errorLine(r.stderr)).toBe(
      'dysta: fst2vcd is required (it reads the signal names of an FST waveform for the .gtkw save file; or record a .vcd instead) but was not found on PATH: install it with `make setup` (or `apt-get install gtkwave`).',
    );
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('make, when Verilator must build a simulator', async () => {
    const bin = pathWith(['node', 'verilator', 'verilator_bin', 'sh']);
    const r = await runWithPath(bin, ['demo', '--out', join(root, 'make-rtl'), '--size', '1', '--channels', '1'], { DYSTA_CACHE_DIR: join(root, 'empty-cache') });
    expect(r.exitCode).toBe(2);
    expect(errorLine(r.stderr)).toBe(
      'dysta: make 3.81 or newer is required (Verilator builds the simulator with it) but was not found on PATH: install it with `make setup` (or `apt-get install make`).',
    );
  }, 120_000);

  it('yosys, before synth spends time on lint', async () => {
    const bin = pathWith(['node', 'verilator', 'verilator_bin', 'sh', 'perl']);
    const r = await runWithPath(bin, ['synth', '--rtl', rtl, '--top', 'sparsity_monitor']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe(''); // no lint line: the missing tool came first
    expect(errorLine(r.stderr)).toBe('dysta: yosys 0.23 or newer is required but was not found on PATH: install it with `make setup` (or `apt-get install yosys`).');
  }, 120_000);
});

describe('dysta sim', () => {
  it('a design with several tops and no --top says to pass --top', async () => {
    const r = await runCli(['sim', '--rtl', rtl]);
    expect(r.exitCode).toBe(2);
    expect(errorLine(r.stderr)).toMatch(/^dysta: \S+ has several top modules \(npu_tile, dysta_scheduler, dysta_system[^)]*\); choose one with --top, e\.g\. --top npu_tile\.$/);
  }, 60_000);

  it('interactive mode shows a hint and a prompt, and prints the reply to quit', async () => {
    const rtl = join(PROJECT_ROOT, 'test', 'fixtures', 'cosim-counter');
    const extra = join(rtl, 'count_until.cpp');
    // `script` gives the command a terminal, as a user at a prompt has.
    const r = await execa('script', ['-qec', `${process.execPath} ${BIN} sim --rtl ${rtl} --extra ${extra}`, '/dev/null'], {
      input: 'reset 2\nquit\n',
      reject: false,
      cwd: root,
    });
    expect(r.exitCode).toBe(0);
    // The terminal's view, without cursor movements and carriage returns.
    // eslint-disable-next-line no-control-regex
    const out = r.stdout.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, '');
    expect(out).toContain('top cosim_counter: type protocol commands, one per line (`help` lists them');
    expect(out).toMatch(/cosim> reset 2\n[\s\S]*\nok 2\n/);
    expect(out.trimEnd()).toMatch(/\ncosim> ok$/); // the reply to quit
  }, 120_000);
});

describe('configuration files', () => {
  it('a config with a UTF-8 byte-order mark is accepted, as the CSVs are', async () => {
    const cfg = join(root, 'bom.json');
    writeFileSync(cfg, '\uFEFF{"peArray": {"lanes": 4}}');
    const r = await runCli(['gen-rtl', '--config', cfg, '--out', join(root, 'bom-rtl')]);
    expect(r.exitCode, r.stderr).toBe(0);
  }, 60_000);

  it('deeply nested, huge, duplicate, prototype and overflowing values: one short message each', () => {
    const cases: [string, RegExp][] = [
      [`{"peArray": {"lanes": "${'x'.repeat(10_000_000)}"}}`, /peArray\.lanes = "x+\.\.\. is not valid: it must be an integer from 1 to 64/],
      ['{"peArray": {"lanes": 3, "lanes": 4}}', /line 1: peArray\.lanes is given twice in the same object; keep one/],
      ['{"constructor": {}}', /the key "constructor" at constructor is not allowed/],
      ['{"peArray": {"lanes": 1e400}}', /peArray\.lanes is a number too large to represent \(it overflows to Infinity\)/],
    ];
    for (const [i, [text, message]] of cases.entries()) {
      const cfg = join(root, `bad-${i}.json`);
      writeFileSync(cfg, text);
      expect(() => loadConfigFile(cfg)).toThrow(message);
      try {
        loadConfigFile(cfg);
      } catch (err) {
        expect((err as Error).message.length).toBeLessThan(400);
        expect((err as { exitCode?: number }).exitCode).toBe(2);
      }
    }
  });

  it('a config nested a million levels deep: one line, exit 2, no RangeError, nothing written', async () => {
    const cfg = join(root, 'deep.json');
    writeFileSync(cfg, `{"peArray": {"lanes": ${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}}`);
    const r = await runCli(['gen-rtl', '--config', cfg, '--out', join(root, 'deep-rtl')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`dysta: config file ${cfg} line 1: nested more than 64 levels deep at peArray.lanes[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]; this format is much flatter`);
    expect(existsSync(join(root, 'deep-rtl'))).toBe(false);
  }, 60_000);
});

