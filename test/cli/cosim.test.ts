// `dysta cosim` through the real CLI on a small design (3 lanes): the normal pass and an
// X-pessimism pass, `--coverage` writing reports/coverage/ (merged .dat, lcov .info, HTML, annotated
// sources) with line and toggle coverage per module, and usage errors (exit 2, one line).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.ts';

const root = tempDir('dysta-cosim-cli-');
const config = join(root, 'small.json');
writeFileSync(config, JSON.stringify({ peArray: { lanes: 3, actWidth: 4, weightWidth: 4, accWidth: 12, weightDepth: 16, maxRows: 40 }, scheduler: { log2Tasks: 2, log2MaxLayers: 3 } }));

describe('dysta cosim: X-pessimism and coverage', () => {
  it('--coverage with an X pass: both passes run, every module of the tile is at 100% of its lines, the report folder is complete', async () => {
    const out = join(root, 'coverage');
    const r = await runCli(['cosim', '--suite', 'npu', '--seeds', '1', '--x-seeds', '3', '--config', config, '--out', join(root, 'rtl'), '--coverage', out]);
    expect(r.stderr).not.toMatch(/Error|at .*\.ts:\d+/);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^\[ 1\/52\] ok {3}npu\/density-0\.0-0 /m);
    expect(r.stdout).toMatch(/^\[52\/52\] ok {3}npu\/reset-mid-layer \[X seed 3\] /m);
    expect(r.stdout).toMatch(/^npu +26 +\d+ layers .* pass$/m);
    expect(r.stdout).toMatch(/^npu \(X seed 3\) +26 +\d+ layers .* pass$/m);
    for (const f of ['coverage.dat', 'coverage.info', 'html/index.html', 'annotated/pe_array.v', 'annotated/pe_lane.v', 'summary.txt', 'summary.json', '.dysta-output']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, 'coverage.dat'), 'latin1')).toMatch(/^# SystemC::Coverage-3/);
    expect(readFileSync(join(out, 'coverage.info'), 'utf8')).toMatch(new RegExp(`^SF:${join(root, 'rtl')}/pe_array\\.v$`, 'm'));
    // Every generated module of the tile with its line and toggle coverage; the npu suite reaches every line.
    for (const m of ['pe_array', 'pe_lane', 'sparsity_monitor']) expect(r.stdout).toMatch(new RegExp(`^${m} +100\\.0% \\(\\d+/\\d+\\) +100\\.0% \\(\\d+/\\d+\\) +\\d+\\.\\d% \\(\\d+/\\d+\\)$`, 'm'));
    expect(r.stdout).toContain('uncovered lines: none');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { runs: number; modules: { module: string; toggles: { hit: number; total: number } }[] };
    expect(summary.runs).toBe(2); // one simulator session per pass
    expect(summary.modules.find((m) => m.module === 'pe_lane')!.toggles.total).toBeGreaterThan(50);
    // Run again: the folder carries our marker, so it is replaced.
    const again = await runCli(['cosim', '--suite', 'npu', '--seeds', '1', '--x-seeds', 'none', '--case', 'all-max', '--config', config, '--out', join(root, 'rtl'), '--coverage', out]);
    expect(again.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).runs).toBe(1);
  });

  it('--coverage of the scheduler suite on a 4-entry table: every line of every scheduler block but three unreachable default arms', async () => {
    // What the README says of the default regression, checked on a small design (its own build):
    // if coverage collection broke, or a case stopped reaching a line, this fails.
    const out = join(root, 'coverage-scheduler');
    const r = await runCli(['cosim', '--suite', 'scheduler', '--x-seeds', 'none', '--config', config, '--out', join(root, 'rtl'), '--coverage', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { modules: { module: string; lines: { hit: number; total: number }; toggles: { hit: number; total: number }; uncovered: { line: number; text: string }[] }[] };
    const byName = new Map(summary.modules.map((m) => [m.module, m]));
    for (const m of ['dysta_scheduler', 'dysta_task_table', 'dysta_task_bank', 'dysta_predictor', 'dysta_policy', 'dysta_score_unit', 'sparsity_monitor']) {
      expect(byName.get(m)?.lines.total, m).toBeGreaterThan(0);
      expect(byName.get(m)!.toggles.hit, m).toBeGreaterThan(byName.get(m)!.toggles.total / 2);
    }
    // The only lines no stimulus reaches: the empty default arm of a case whose selector takes no
    // other value (the FSM's 6 states of 8, all 8 counter indices, the 1/k table's k = 1..2^log2MaxLayers).
    const uncovered = summary.modules.flatMap((m) => m.uncovered.map((u) => `${m.module}: ${u.text.trim()}`));
    expect(uncovered.sort()).toEqual(['dysta_predictor: default: begin', 'dysta_scheduler: default: begin', 'dysta_scheduler: default: begin']);
    expect(r.stdout).toMatch(/^uncovered lines \(3\):$/m);
  });

  it.each([
    [['--x-seeds', '1,x'], /--x-seeds "1,x": each seed must be a whole number/],
    [['--coverage', join(root, 'cov'), '--wave', 'a.fst', '--case', 'all-max'], /--coverage cannot be combined with --wave/],
  ])('usage error %j', async (args, message) => {
    const r = await runCli(['cosim', '--suite', 'npu', ...args, '--out', join(root, 'rtl-bad')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
