// The design-folder rule of the simulating commands (cli/design-folder.ts), as the issue found it
// broken: after `dysta gen-rtl --config lanes3.json`, `dysta cosim` must verify that design (not a
// 16-lane one generated over it) and keep the testbench the user put in rtl-out/; another --config
// is refused with what differs and what to run; hand edits are never overwritten. The design also has
// maxRows 1, so `cosim --rows 1` exercises corner cases that follow the configuration.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli, tempDir } from '../helpers.ts';

const root = tempDir('dysta-design-folder-');
const cfg = join(root, 'lanes3.json');
// A small design (one Verilator build shared by the cases below): 3 lanes, one row per tile.
writeFileSync(cfg, JSON.stringify({ peArray: { lanes: 3, maxRows: 1, weightDepth: 16 } }));
const defaults = join(root, 'default.json');
writeFileSync(defaults, '{}');

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));
}

describe('a simulating command and the RTL folder', () => {
  const rtl = join(root, 'rtl-out');

  it('uses the design gen-rtl wrote (its configuration), keeps the user testbench, and runs corner cases within maxRows 1', async () => {
    expect((await runCli(['gen-rtl', '--config', cfg, '--out', rtl])).exitCode).toBe(0);
    writeFileSync(join(rtl, 'my_tb.v'), '// my testbench\n');
    const before = snapshot(rtl);
    const json = join(root, 'cosim.json');
    const r = await runCli(['cosim', '--out', rtl, '--suite', 'npu', '--seeds', '1', '--rows', '1', '--k', '4', '--x-seeds', 'none', '--json', json]);
    expect(r.stderr).toContain(`using the design in ${rtl}/ (its manifest matches)`);
    expect(r.exitCode, r.stderr).toBe(0);
    // 11 densities + the corner and contract cases that fit (K=16, one row: multi-row cases are cut to maxRows 1, no conv).
    expect(r.stdout).toMatch(/^npu\s+25\s+\d+ layers\s.*\spass$/m);
    expect(r.stdout).toMatch(/\[\d+\/25\] ok {3}npu\/full-depth /);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(JSON.stringify(report)).toContain('K = weightDepth = 16');
    expect(snapshot(rtl)).toEqual(before);
  }, 300_000);

  it('refuses another --config, naming the difference and the command to run, and touches nothing', async () => {
    const before = snapshot(rtl);
    const runs = await Promise.all(['demo', 'system', 'cosim'].map((c) => runCli([c, '--out', rtl, '--config', defaults])));
    for (const r of runs) {
      expect(r.exitCode).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`dysta: --out ${rtl} holds a design generated with another configuration than ${defaults}: peArray.lanes is 3 there and 16 here;`);
      expect(lines[0]).toContain(`run \`dysta gen-rtl --out ${rtl} --config ${defaults}\``);
    }
    expect(snapshot(rtl)).toEqual(before);
  }, 120_000);

  it('never overwrites a hand-edited generated file', async () => {
    const edited = join(root, 'edited');
    expect((await runCli(['gen-rtl', '--config', cfg, '--out', edited])).exitCode).toBe(0);
    writeFileSync(join(edited, 'pe_array.v'), readFileSync(join(edited, 'pe_array.v'), 'utf8') + '// my fix\n');
    const before = snapshot(edited);
    const r = await runCli(['demo', '--out', edited, '--size', '1', '--channels', '1']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toMatch(/^dysta: \S+pe_array\.v was edited since it was generated .*; it is not overwritten/);
    expect(snapshot(edited)).toEqual(before);
  }, 120_000);

  it('regenerates its own output written by another version (same configuration), keeping the user files', async () => {
    const stale = join(root, 'stale');
    expect((await runCli(['gen-rtl', '--config', cfg, '--out', stale])).exitCode).toBe(0);
    // What an older generator would have left: different Verilog whose hash the manifest records.
    const manifest = JSON.parse(readFileSync(join(stale, 'manifest.json'), 'utf8'));
    const text = readFileSync(join(stale, 'pe_array.v'), 'utf8') + '// older generator\n';
    const sha = createHash('sha256').update(text).digest('hex');
    writeFileSync(join(stale, 'pe_array.v'), text);
    for (const f of [...manifest.files, ...manifest.modules]) if ((f.path ?? f.file) === 'pe_array.v') f.sha256 = sha;
    writeFileSync(join(stale, 'manifest.json'), JSON.stringify(manifest));
    mkdirSync(join(stale, 'sims'));
    writeFileSync(join(stale, 'sims', 'notes.txt'), 'mine');
    const r = await runCli(['demo', '--out', stale, '--size', '1', '--channels', '1']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('(it was written by another version of dysta; your own files in it are kept)');
    expect(readFileSync(join(stale, 'pe_array.v'), 'utf8')).not.toContain('older generator');
    expect(readFileSync(join(stale, 'sims', 'notes.txt'), 'utf8')).toBe('mine');
    expect(r.stdout).toContain('RTL vs golden model:         identical outputs, cycles and counts');
  }, 300_000);

  it('remembers the hashes of what it generates per configuration and trusts them on the next check', async () => {
    // The first case's cosim checked rtl/ by generating the design and wrote the memo (the CLI runs
    // from dist/, which identifies the build): every generated file with its SHA-256.
    const memoDir = join(PROJECT_ROOT, '.cache', 'design-check');
    const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
    // The newest such memo: earlier builds of this checkout may have left theirs for the same design.
    const memo = readdirSync(memoDir)
      .map((f) => join(memoDir, f))
      .filter((f) => /^[0-9a-f]{32}\.json$/.test(basename(f)) && JSON.parse(readFileSync(f, 'utf8'))['pe_array.v'] === sha(join(rtl, 'pe_array.v')))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
    expect(memo).toBeDefined();
    const hashes = JSON.parse(readFileSync(memo!, 'utf8')) as Record<string, string>;
    expect(Object.keys(hashes)).toContain('manifest.json');
    for (const [name, hash] of Object.entries(hashes)) expect(sha(join(rtl, name)), name).toBe(hash);
    // A folder whose Verilog differs from what this version generates (an older generator's, its
    // manifest updated) is regenerated -- unless the memo says this build generates exactly that:
    // then it is used as it is, which shows the check reads the memo instead of generating.
    const older = join(root, 'older');
    expect((await runCli(['gen-rtl', '--config', cfg, '--out', older])).exitCode).toBe(0);
    const manifest = JSON.parse(readFileSync(join(older, 'manifest.json'), 'utf8'));
    writeFileSync(join(older, 'pe_array.v'), readFileSync(join(older, 'pe_array.v'), 'utf8') + '// older generator\n');
    for (const f of [...manifest.files, ...manifest.modules]) if ((f.path ?? f.file) === 'pe_array.v') f.sha256 = sha(join(older, 'pe_array.v'));
    writeFileSync(join(older, 'manifest.json'), JSON.stringify(manifest));
    writeFileSync(memo!, JSON.stringify({ ...hashes, 'pe_array.v': sha(join(older, 'pe_array.v')), 'manifest.json': sha(join(older, 'manifest.json')) }));
    try {
      const trusted = await runCli(['cosim', '--out', older, '--suite', 'npu', '--case', 'all-max', '--x-seeds', 'none']);
      expect(trusted.stderr).toContain(`using the design in ${older}/ (its manifest matches)`);
    } finally {
      writeFileSync(memo!, JSON.stringify(hashes));
    }
    // Memos of older builds (old mtimes) are pruned when one is written; the newest stay.
    const stale = Array.from({ length: 40 }, (_, i) => join(memoDir, `${'0'.repeat(28)}${String(i).padStart(4, '0')}.json`));
    for (const f of stale) {
      writeFileSync(f, '{}');
      utimesSync(f, new Date(2001, 0, 1), new Date(2001, 0, 1));
    }
    // A file of the user's in the memo folder is not a memo: never pruned.
    const notes = join(memoDir, 'notes.json');
    writeFileSync(notes, 'mine');
    utimesSync(notes, new Date(2001, 0, 1), new Date(2001, 0, 1));
    // With the true memo the same folder is told apart and regenerated.
    const r = await runCli(['cosim', '--out', older, '--suite', 'npu', '--case', 'all-max', '--x-seeds', 'none']);
    expect(r.stderr).toContain('(it was written by another version of dysta; your own files in it are kept)');
    expect(readFileSync(join(older, 'pe_array.v'), 'utf8')).not.toContain('older generator');
    expect(stale.filter((f) => existsSync(f)).length).toBeLessThan(32);
    expect(existsSync(memo!)).toBe(true);
    expect(readdirSync(memoDir).filter((f) => /^[0-9a-f]{32}\.json$/.test(f)).length).toBeLessThanOrEqual(32);
    expect(readFileSync(notes, 'utf8')).toBe('mine');
    rmSync(notes);
  }, 300_000);

  it('generates the design into a missing or empty folder', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    const r = await runCli(['demo', '--out', empty, '--config', cfg, '--size', '1', '--channels', '1']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain(`generated the RTL in ${empty}/`);
    expect(readdirSync(empty)).toContain('.dysta-output');
    expect(r.stdout).toContain('-> 3 channels');
  }, 300_000);
});
