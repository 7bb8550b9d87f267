// `dysta system` through the real CLI: the per-request table, full agreement with the golden
// model, a waveform with its GTKWave save file, the MNIST default with predicted digits, accuracy and
// --json, and bad options.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.ts';

describe('dysta system', () => {
  const root = tempDir('dysta-system-cli-');

  it('runs requests through the integrated RTL, prints the table and the agreement, writes a wave + .gtkw', async () => {
    const wave = join(root, 'sys.fst');
    const r = await runCli(['system', '--workload', 'tiny', '-n', '8', '--seed', '2', '--out', join(root, 'rtl'), '--wave', wave, '--zoom', '-22']);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^req\s+model\s+density\s+arrival\s+finish\s+latency\s+deadline\s+met$/);
    const rows = lines.slice(1, 9);
    for (const [i, row] of rows.entries()) expect(row).toMatch(new RegExp(`^\\s*${i}\\s+cnn\\S+\\s+[01]\\.\\d\\d\\s+\\d+\\s+\\d+\\s+\\d+\\s+\\d+\\s+(yes|no)$`));
    const m = r.stdout.match(/RTL vs golden model: (\d+) \/ (\d+) log lines identical/);
    expect(m).not.toBeNull();
    expect(m![1]).toBe(m![2]);
    expect(r.stdout).toMatch(/layer outputs identical/);
    expect(r.stdout).toMatch(/deadlines met: \d+ \/ 8; \d+ decisions/);
    expect(existsSync(wave)).toBe(true);
    const gtkw = readFileSync(join(root, 'sys.gtkw'), 'utf8');
    for (const group of ['scheduler state', 'selected task', 'predictor', 'monitor counts', 'PE activity']) expect(gtkw).toContain(`-${group}`);
    expect(gtkw).toContain('TOP.dysta_system.u_sched.u_monitor.nonzero_count');
    expect(gtkw).toContain('TOP.dysta_system.npu_out_data');
    expect(gtkw).toMatch(/^\*-22\.0+ /m);
  });

  it('default workload: MNIST digits, the predicted class from the RTL, accuracy, --json', async () => {
    const json = join(root, 'run.json');
    const r = await runCli(['system', '-n', '6', '--models', 'slim_dense,deep_filter_sparse50', '--seed', '3', '--out', join(root, 'rtl3'), '--json', json]);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^req\s+model\s+digit\s+label\s+pred\s+right\s+density\s+arrival\s+finish\s+latency\s+deadline\s+met$/);
    for (const [i, row] of lines.slice(1, 7).entries()) expect(row).toMatch(new RegExp(`^\\s*${i}\\s+(slim_dense|deep_filter_sparse50)\\s+\\d+\\s+\\d\\s+\\d\\s+(yes|no)\\s+0\\.\\d\\d\\s+\\d+`));
    expect(r.stdout).toMatch(/^accuracy \(argmax of the RTL's classifier outputs\): \d \/ 6 = [\d.]+%$/m);
    expect(r.stdout).toMatch(/layer outputs identical/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.rtlMatchesGolden).toBe(true);
    expect(report.requests).toHaveLength(6);
    const right = report.requests.filter((q: { predicted: number; label: number; correct: boolean }) => q.correct === (q.predicted === q.label) && q.correct).length;
    expect(report.accuracy).toBe(right / 6);
    for (const q of report.requests) expect(Object.keys(q)).toEqual(['req', 'model', 'digit', 'label', 'predicted', 'correct', 'density', 'arrival', 'finish', 'latency', 'deadline', 'met']);
  });

  it('rejects a bad request count', async () => {
    const r = await runCli(['system', '-n', '0', '--out', join(root, 'rtl2')]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/--requests 0 must be an integer from 1 to 10000/);
  });
});
