// The one output rule (output/index.ts): folders are created or replace only what carries our marker;
// files are atomic when regular, written through symlinks, devices and FIFOs; `-` is stdout.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, existsSync, lstatSync, openSync, readSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OUTPUT_MARKER, OutputError, checkOutputDir, thousands, checkOutputFile, ensureOutputDir, openOutputStream, writeOutputDir, writeOutputFile } from '../../output/index.ts';
import { tempDir, unwritableDir } from '../helpers.ts';

const root = tempDir('dysta-output-');
const ro = unwritableDir();
let n = 0;
const fresh = () => {
  const d = join(root, `case-${n++}`);
  mkdirSync(d);
  return d;
};
const files = (m: Record<string, string>) => Object.entries(m);

describe('thousands', () => {
  it('groups digits as the reports always printed them (en-US), literal values and ICU itself', () => {
    expect(thousands(0)).toBe('0');
    expect(thousands(999)).toBe('999');
    expect(thousands(1000)).toBe('1,000');
    expect(thousands(33398)).toBe('33,398');
    expect(thousands(17_525_489_458)).toBe('17,525,489,458');
    expect(thousands(-1234567.6)).toBe('-1,234,568');
    expect(thousands(999.5)).toBe('1,000');
    expect(thousands(-0.2)).toBe('0');
    for (const n of [1, 12, 123_456, 2 ** 53 + 2, 2 ** 64, 1e20, 1e21, -7, NaN, Infinity]) expect(thousands(n)).toBe(Math.round(n).toLocaleString('en-US'));
  });
});

describe('output folders', () => {
  it('creates a new folder with the marker and the files, subfolders included', () => {
    const d = join(fresh(), 'report');
    writeOutputDir(d, files({ 'a.txt': 'A', 'plots/b.svg': '<svg/>' }), 'test');
    expect(readFileSync(join(d, 'a.txt'), 'utf8')).toBe('A');
    expect(readFileSync(join(d, 'plots/b.svg'), 'utf8')).toBe('<svg/>');
    expect(JSON.parse(readFileSync(join(d, OUTPUT_MARKER), 'utf8'))).toMatchObject({ tool: 'dysta', kind: 'test' });
  });

  it('replaces a folder it wrote, leaving no temporary sibling', () => {
    const base = fresh();
    const d = join(base, 'report');
    writeOutputDir(d, files({ 'old.txt': 'old' }), 'test');
    writeOutputDir(d, files({ 'new.txt': 'new' }), 'test');
    expect(readdirSync(d).sort()).toEqual([OUTPUT_MARKER, 'new.txt']);
    expect(readdirSync(base)).toEqual(['report']);
  });

  it('keeps files the user added to a folder it wrote, and refuses to overwrite one', () => {
    const d = join(fresh(), 'rtl-out');
    writeOutputDir(d, files({ 'a.v': '1', 'sub/b.v': '1' }), 'rtl');
    writeFileSync(join(d, 'my_tb.v'), 'mine');
    writeFileSync(join(d, 'sub', 'notes.txt'), 'mine too');
    mkdirSync(join(d, 'sims'));
    writeOutputDir(d, files({ 'a.v': '2', 'sub/b.v': '2', 'c.v': '2' }), 'rtl');
    expect(readdirSync(d).sort()).toEqual([OUTPUT_MARKER, 'a.v', 'c.v', 'my_tb.v', 'sims', 'sub']);
    expect(readFileSync(join(d, 'my_tb.v'), 'utf8')).toBe('mine');
    expect(readFileSync(join(d, 'sub', 'notes.txt'), 'utf8')).toBe('mine too');
    expect(readFileSync(join(d, 'a.v'), 'utf8')).toBe('2');
    expect(() => writeOutputDir(d, files({ 'my_tb.v': 'generated' }), 'rtl')).toThrow(/my_tb.v .*not written by dysta/);
    expect(readFileSync(join(d, 'my_tb.v'), 'utf8')).toBe('mine');
    // c.v was ours: a later output without it drops it.
    writeOutputDir(d, files({ 'a.v': '3' }), 'rtl');
    expect(readdirSync(d).sort()).toEqual([OUTPUT_MARKER, 'a.v', 'my_tb.v', 'sims', 'sub']);
  });

  it('never replaces a non-empty folder without the marker: the sentinel survives', () => {
    const d = join(fresh(), 'p');
    mkdirSync(d);
    writeFileSync(join(d, 'thesis.tex'), 'x');
    expect(() => writeOutputDir(d, files({ 'a.txt': 'A' }), 'test')).toThrow(/did not write/);
    expect(() => checkOutputDir(d)).toThrow(OutputError);
    expect(readdirSync(d)).toEqual(['thesis.tex']);
  });

  it('refuses a plain file, the working folder and its ancestors', () => {
    const f = join(fresh(), 'plain');
    writeFileSync(f, 'keep');
    expect(() => writeOutputDir(f, files({}), 'test')).toThrow(/not a folder/);
    expect(readFileSync(f, 'utf8')).toBe('keep');
    for (const p of ['.', process.cwd(), join(process.cwd(), '..'), '/']) {
      expect(() => checkOutputDir(p)).toThrow(/working folder|root/);
    }
  });

  it('refuses the working folder even when it carries the marker', () => {
    const d = fresh();
    writeFileSync(join(d, OUTPUT_MARKER), '{}');
    const cwd = process.cwd();
    process.chdir(d);
    try {
      expect(() => writeOutputDir('.', files({ 'a.txt': 'A' }), 'test')).toThrow(/working folder/);
    } finally {
      process.chdir(cwd);
    }
  });

  it('writes through a symlinked folder: the link stays a link', () => {
    const base = fresh();
    const real = join(base, 'real');
    writeOutputDir(real, files({ 'a.txt': '1' }), 'test');
    symlinkSync(real, join(base, 'link'));
    writeOutputDir(join(base, 'link'), files({ 'a.txt': '2' }), 'test');
    expect(lstatSync(join(base, 'link')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(real, 'a.txt'), 'utf8')).toBe('2');
  });

  it('an unwritable parent is one clear error, checked before any work', () => {
    expect(() => checkOutputDir(join(ro, 'x'))).toThrow(/cannot write in/);
    expect(() => writeOutputDir(join(ro, 'x'), files({ 'a.txt': 'A' }), 'test')).toThrow(OutputError);
  });

  it('creates missing parents only when asked (a default path such as reports/sweep-cnn)', () => {
    const base = fresh();
    const deep = join(base, 'reports', 'sweep-cnn');
    expect(() => checkOutputDir(deep)).toThrow(/does not exist/);
    checkOutputDir(deep, '--out', { parents: true });
    expect(existsSync(join(base, 'reports'))).toBe(false);
    writeOutputDir(deep, files({ 'a.txt': 'A' }), 'test', '--out', { parents: true });
    expect(readFileSync(join(deep, 'a.txt'), 'utf8')).toBe('A');
    expect(() => checkOutputDir(join(ro, 'reports', 'x'), '--out', { parents: true })).toThrow(/cannot write in/);
  });

  it('ensureOutputDir adopts a folder of an earlier version only if every entry matches', () => {
    const legacy = fresh();
    writeFileSync(join(legacy, 'top-20250101-000000-1-1.cmds'), '');
    ensureOutputDir(legacy, 'sessions', 'logs', /^top-\d{8}-\d{6}-\d+-\d+\.cmds$/);
    expect(existsSync(join(legacy, OUTPUT_MARKER))).toBe(true);
    const mixed = fresh();
    writeFileSync(join(mixed, 'top-20250101-000000-1-1.cmds'), '');
    writeFileSync(join(mixed, 'notes.txt'), 'mine');
    expect(() => ensureOutputDir(mixed, 'sessions', 'logs', /^top-\d{8}-\d{6}-\d+-\d+\.cmds$/)).toThrow(/did not write/);
  });

  it('ensureOutputDir creates a marked folder and refuses a foreign one', () => {
    const d = join(fresh(), 'cache');
    ensureOutputDir(d, 'cache');
    expect(existsSync(join(d, OUTPUT_MARKER))).toBe(true);
    const foreign = fresh();
    writeFileSync(join(foreign, 'mine'), '');
    expect(() => ensureOutputDir(foreign, 'cache')).toThrow(/did not write/);
  });

  it('ensureOutputDir in a read-only folder says it cannot write there (not "no such file")', () => {
    expect(() => ensureOutputDir(join(ro, 'waves'), 'cosim waveforms', '--wave-dir')).toThrow(/^--wave-dir \S+: cannot write in \S+ \((read-only file system|permission denied)\)$/);
    expect(readdirSync(ro)).toEqual([]);
  });
});

describe('output files', () => {
  it('removes the temporaries of a target left by a killed process (a synchronous run cannot clean up on a signal), and no others', async () => {
    const d = fresh();
    // A pid that exited (a finished child) and one that is alive (ours, as another writer would be).
    const dead = execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(d, `.big.jsonl.tmp-${dead}-abc123`), 'x'.repeat(1000));
    writeFileSync(join(d, `.big.jsonl.tmp-${process.ppid}-def456`), 'being written');
    writeFileSync(join(d, `.other.jsonl.tmp-${dead}-abc123`), 'not this target');
    const s = openOutputStream(join(d, 'big.jsonl'));
    s.write('line\n');
    await s.commit();
    expect(readdirSync(d).sort()).toEqual([`.big.jsonl.tmp-${process.ppid}-def456`, `.other.jsonl.tmp-${dead}-abc123`, 'big.jsonl']);
  });

  it('writes a regular file atomically and leaves no temporary file', async () => {
    const d = fresh();
    await writeOutputFile(join(d, 'out.json'), '{}');
    await writeOutputFile(join(d, 'out.json'), '{"b":1}');
    expect(readdirSync(d)).toEqual(['out.json']);
    expect(readFileSync(join(d, 'out.json'), 'utf8')).toBe('{"b":1}');
  });

  it('writes text given in pieces as the whole text, multi-byte characters and empty pieces included', async () => {
    const d = fresh();
    const pieces = ['{"a":', '"\u00e9\u4e2d\ud83d\ude00"', '', ',"b":[', 'x'.repeat(200_000), ']}\n'];
    await writeOutputFile(join(d, 'out.json'), 'old');
    await writeOutputFile(join(d, 'out.json'), pieces);
    expect(readdirSync(d)).toEqual(['out.json']);
    expect(readFileSync(join(d, 'out.json'))).toEqual(Buffer.from(pieces.join('')));
  });

  it('writes the target of a symlink (also a dangling one) and keeps the link', async () => {
    const d = fresh();
    writeFileSync(join(d, 'target.json'), 'old');
    symlinkSync('target.json', join(d, 'link.json'));
    await writeOutputFile(join(d, 'link.json'), 'new');
    expect(lstatSync(join(d, 'link.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(d, 'target.json'), 'utf8')).toBe('new');
    symlinkSync(join(d, 'later.json'), join(d, 'dangling.json'));
    await writeOutputFile(join(d, 'dangling.json'), 'made');
    expect(lstatSync(join(d, 'dangling.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(d, 'later.json'), 'utf8')).toBe('made');
  });

  it('writes /dev/null and a FIFO directly: neither is replaced by a plain file', async () => {
    await writeOutputFile('/dev/null', 'x');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    const fifo = join(fresh(), 'pipe');
    execFileSync('mkfifo', [fifo]);
    // A non-blocking reader first, so opening the FIFO for writing does not wait for one.
    const fd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    await writeOutputFile(fifo, 'through the pipe');
    const buf = Buffer.alloc(64);
    const got = readSync(fd, buf);
    closeSync(fd);
    expect(buf.subarray(0, got).toString()).toBe('through the pipe');
    expect(statSync(fifo).isFIFO()).toBe(true);
  });

  it('refuses a folder as a file, and an empty path, in one line', async () => {
    const d = fresh();
    await expect(writeOutputFile(d, 'x', '--json')).rejects.toThrow(/--json .* is a folder/);
    expect(readdirSync(d)).toEqual([]);
    expect(() => checkOutputFile('', '--json')).toThrow(/empty/);
  });

  it('an unwritable folder is one clear error with no temporary file', async () => {
    expect(() => checkOutputFile(join(ro, 'a.json'), '--json')).toThrow(/--json .*cannot write in/);
    await expect(writeOutputFile(join(ro, 'a.json'), 'x', '--json')).rejects.toThrow(OutputError);
  });

  it('quotes at most a short excerpt of a long path', () => {
    const long = `/nonexistent/${'x'.repeat(10_000)}/a.json`;
    try {
      checkOutputFile(long, '--json');
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message.length).toBeLessThan(400);
    }
  });

  it('streams a large file with bounded memory, and abort leaves the target untouched', async () => {
    const d = fresh();
    const path = join(d, 'log.jsonl');
    writeFileSync(path, 'previous');
    const s = openOutputStream(path);
    for (let i = 0; i < 1000; i++) s.write(`{"i":${i}}\n`);
    s.abort();
    expect(readFileSync(path, 'utf8')).toBe('previous');
    expect(readdirSync(d)).toEqual(['log.jsonl']);
    const t = openOutputStream(path);
    // Synchronous writes (a simulation callback cannot await), flushed in 1 MB pieces: 3 MB here.
    const line = `${'x'.repeat(99)}\n`;
    for (let i = 0; i < 30_000; i++) t.write(line);
    await t.commit();
    expect(statSync(path).size).toBe(3_000_000);
    expect(readdirSync(d)).toEqual(['log.jsonl']);
  });

  it('streams through a symlink and into a FIFO without replacing either', async () => {
    const d = fresh();
    writeFileSync(join(d, 'target.jsonl'), '');
    symlinkSync('target.jsonl', join(d, 'link.jsonl'));
    const s = openOutputStream(join(d, 'link.jsonl'));
    s.write('a\n');
    await s.commit();
    expect(lstatSync(join(d, 'link.jsonl')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(d, 'target.jsonl'), 'utf8')).toBe('a\n');
    const n = openOutputStream('/dev/null');
    n.write('discarded');
    await n.commit();
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('treats a symlink to /proc/self/fd/N as that descriptor, never as a file to replace', async () => {
    const d = fresh();
    const file = join(d, 'opened.txt');
    const fd = openSync(file, 'w');
    const link = join(d, 'fd-link');
    symlinkSync(`/proc/self/fd/${fd}`, link);
    checkOutputFile(link);
    await writeOutputFile(link, 'via the descriptor');
    closeSync(fd);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('via the descriptor');
    expect(readdirSync(d).sort()).toEqual(['fd-link', 'opened.txt']);
  });
});
