// A deliberately broken RTL (a mutated copy of one generated file) makes every suite fail: the
// mismatch is printed, the exit code is 1, the JUnit file records each failure, the summary says how
// to rerun the case alone with a waveform, and with --wave-dir only failing cases keep their waves.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.ts';
import { mutatedDesign, readJunit } from './helpers.ts';

const root = tempDir('dysta-cosim-broken-');

describe('a broken scheduler: the score unit keeps the largest score instead of the smallest', () => {
  it('scheduler, trace and system suites fail with the first mismatch; the passing case keeps no wave', async () => {
    const { dir, file } = mutatedDesign(/\|\| (key_diff\[\d+\])\)/, '|| !$1)', root); // the running minimum keeps the largest {score, seq}
    expect(file).toMatch(/\.v$/);
    const junit = join(root, 'broken.xml');
    const waves = join(root, 'waves');
    const cases = ['scheduler/random-1', 'scheduler/time-skips', 'trace/cnn', 'system/configured'];
    const r = await runCli(['cosim', '--rtl', dir, '--suite', 'scheduler,trace,system', ...cases.flatMap((c) => ['--case', c]), '--workload', 'cnn', '--requests', '30', '--x-seeds', 'none', '--junit', junit, '--wave-dir', waves]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^dysta: 3 of 4 cases disagreed with the golden model/m);
    for (const c of ['scheduler/random-1', 'trace/cnn', 'system/configured']) {
      expect(r.stdout).toMatch(new RegExp(`FAIL ${c} `));
      expect(r.stdout).toMatch(new RegExp(`^FAILED ${c}: `, 'm'));
    }
    // Time skips: one request at a time, so a selector that keeps the largest score still agrees.
    expect(r.stdout).toMatch(/ok {3}scheduler\/time-skips/);
    // The first diverging decision with both models' scores.
    expect(r.stdout).toMatch(/first difference at log line \d+ \(decision \d+\)/);
    // The scores themselves agree (only the choice among them is wrong): all shown, both models'.
    expect(r.stdout).toMatch(/scores at that decision \(all equal\): slot \d+ RTL \d+ \/ golden \d+/);
    expect(r.stdout).toMatch(/rerun alone with a waveform: npx dysta cosim --suite scheduler --case random-1 --seed 1 --rtl \S+ .*--wave scheduler-random-1\.fst/);
    expect(r.stdout).toMatch(/replay the simulator session without Node: \S+\/sim < \S+\.cmds/);
    expect(r.stdout).toMatch(/^scheduler\s+2\s+.*FAIL \(1 of 2\)$/m);
    const j = readJunit(junit);
    expect([j.tests, j.failures, j.errors]).toEqual([4, 3, 0]);
    const trace = j.cases.find((c) => c.name === 'cnn')!;
    expect(trace.failure!.message).toMatch(/RTL vs golden \d+\.\d+% of decisions identical/);
    expect(trace.failure!['#text']).toMatch(/rerun: npx dysta cosim --suite trace --case cnn/);
    // Waves: kept for the failing cases, gone for the passing one.
    const kept = readdirSync(waves).filter((f) => !f.startsWith('.'));
    expect(kept.sort()).toEqual(['scheduler-random-1.fst', 'scheduler-random-1.gtkw', 'system-configured.fst', 'system-configured.gtkw', 'trace-cnn.fst', 'trace-cnn.gtkw']);
    expect(r.stdout).toMatch(/waveform kept: \S+scheduler-random-1\.fst/);

    // The printed rerun command, run as printed: that case alone, with a waveform and its .gtkw.
    const rerun = r.stdout.match(/rerun alone with a waveform: npx dysta (cosim --suite scheduler --case random-1 .*)$/m)![1]!.split(' ');
    const again = await runCli(rerun, { cwd: root });
    expect(again.exitCode).toBe(1);
    expect(again.stdout).toMatch(/\[1\/1\] FAIL scheduler\/random-1 /);
    expect(existsSync(join(root, 'scheduler-random-1.fst'))).toBe(true);
    expect(existsSync(join(root, 'scheduler-random-1.gtkw'))).toBe(true);
  });
});

describe('a broken PE array: every lane saturates at 126 instead of 127', () => {
  it('the npu suite fails with the differing output printed', async () => {
    const { dir } = mutatedDesign(/OUT_MAX = 8'sd127;/, "OUT_MAX = 8'sd126;", root);
    const r = await runCli(['cosim', '--rtl', dir, '--suite', 'npu', '--case', 'density-0.0-0', '--case', 'density-0.5-0', '--case', 'all-max', '--x-seeds', 'none']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/ok {3}npu\/density-0\.0-0/);
    expect(r.stdout).toMatch(/FAIL npu\/density-0\.5-0 +\d layers +[\d.]+ s {2}outputs: row \d+ lane \d+: RTL \[.*\], golden \[.*\]/);
    expect(r.stdout).toMatch(/^npu\s+3\s+.*FAIL \(2 of 3\)$/m);
    expect(existsSync(dir)).toBe(true);
  });
});

describe('a broken RTL in the system suite: the golden decisions sent ahead, then the case run again decision by decision', () => {
  // Without a waveform the system suite sends the golden decisions ahead; at the first difference it
  // runs the case again waiting for each decision. With a waveform it always waits. Both must
  // report the same first mismatch: a wrong decision (the scheduler) and wrong outputs (the PE array).
  const failure = (stdout: string) => stdout.match(/^FAILED system\/configured: .*$/m)?.[0];
  it.each([
    ['the score unit keeps the largest score', /\|\| (key_diff\[\d+\])\)/, '|| !$1)'],
    ['every lane saturates at 126', /OUT_MAX = 8'sd127;/, "OUT_MAX = 8'sd126;"],
  ] as const)('%s: the same failure with and without a waveform', async (_what, pattern, replacement) => {
    const { dir } = mutatedDesign(pattern, replacement, root);
    const ahead = await runCli(['cosim', '--rtl', dir, '--suite', 'system', '--case', 'configured', '--x-seeds', 'none']);
    const waited = await runCli(['cosim', '--rtl', dir, '--suite', 'system', '--case', 'configured', '--x-seeds', 'none', '--wave', join(root, `system-${replacement.length}.fst`)]);
    expect(ahead.exitCode).toBe(1);
    expect(waited.exitCode).toBe(1);
    expect(failure(ahead.stdout)).toMatch(/^FAILED system\/configured: (RTL log differs from the system golden model at line \d+|request \d+ layer \d+: the PE array's outputs differ)/);
    expect(failure(ahead.stdout)).toBe(failure(waited.stdout));
  });
});
