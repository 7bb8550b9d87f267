// `dysta cosim` end to end on small inputs, one suite at a time: every case agrees with the golden
// model, the summary table and the reports (JUnit parsed with a real XML parser, JSON) say so.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.ts';
import { readJunit } from './helpers.ts';

const root = tempDir('dysta-cosim-suites-');
const out = join(root, 'rtl');

/** The summary row of a suite: [cases, checked, cycles, wall, result]. */
function summaryRow(stdout: string, suite: string): string[] {
  const line = stdout.split('\n').find((l) => l.startsWith(`${suite} `) && /\b(pass|FAIL)/.test(l));
  if (!line) throw new Error(`no summary row for ${suite} in:\n${stdout}`);
  return line.split(/\s{2,}/).slice(1);
}

describe('dysta cosim, one suite at a time', () => {
  it('npu: every density and corner case, with a JUnit file that counts them', async () => {
    const junit = join(root, 'npu.xml');
    const r = await runCli(['cosim', '--suite', 'npu', '--seeds', '1', '--x-seeds', 'none', '--out', out, '--junit', junit]);
    expect(r.stderr).not.toMatch(/Error|at .*\.ts:\d+/);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/\[ 1\/26\] ok {3}npu\/density-0\.0-0 +1 layers/);
    expect(summaryRow(r.stdout, 'npu')).toEqual(['26', '133 layers', expect.stringMatching(/^[\d,]+$/), expect.stringMatching(/s$/), 'pass']);
    expect(r.stdout).toMatch(/^suite\s+cases\s+checked\s+simulated cycles\s+wall time\s+result$/m);
    const j = readJunit(junit);
    expect([j.tests, j.failures, j.errors]).toEqual([26, 0, 0]);
    expect(j.cases.map((c) => c.name)).toContain('full-depth');
    expect(j.cases.every((c) => c.classname === 'dysta.cosim.npu' && !c.failure)).toBe(true);
  });

  it('scheduler: random scenarios and corner cases, RTL = golden line for line', async () => {
    const junit = join(root, 'scheduler.xml');
    const r = await runCli(['cosim', '--suite', 'scheduler', '--seed', '3', '--x-seeds', 'none', '--out', out, '--junit', junit]);
    expect(r.exitCode).toBe(0);
    for (const name of ['random-1', 'random-busy', 'random-long', 'long-idle', 'idle-bits', 'now-carry', 'table-full', 'refusals', 'event-backpressure', 'layer-counts', 'equal-scores', 'sequence-ties', 'time-skips', 'saturation', 'monitor-rows', 'monitor-counts', 'ratio-clamps', 'counter-parity', 'free-slot-groups', 'wide-counts', 'idle-scale-top', 'sequence-bit-14', 'sequence-bit-18', 'sequence-bit-22', 'sequence-bit-25', 'sequence-bit-31', 'counter-presets', 'task-fields', 'documented-timing', 'inv-k-table', 'inv-n-table', 'clamps-by-formula', 'hostile-admissions', 'hostile-time-skips', 'hostile-events']) {
      expect(r.stdout).toMatch(new RegExp(`ok {3}scheduler/${name} +[\\d,]+ decisions`));
    }
    const [cases, checked] = summaryRow(r.stdout, 'scheduler');
    expect(cases).toBe('37');
    expect(Number(checked!.replace(/,|decisions/g, ''))).toBeGreaterThan(5000);
    expect(readJunit(junit).tests).toBe(37);
  });

  it('trace: a CNN-zoo trace through the RTL, the golden model and the float policy, with the JSON report', async () => {
    const json = join(root, 'trace.json');
    const r = await runCli(['cosim', '--suite', 'trace', '--workload', 'cnn', '--requests', '60', '--out', out, '--json', json]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/RTL vs golden 100% identical/);
    expect(r.stdout).toMatch(/\| *\n?|model +violation rate +ANTT +STP/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.agreement).toEqual({ rtlVsGolden: 1, goldenVsFloat: 1 });
    expect(report.decisions).toBeGreaterThan(1000);
    for (const model of ['rtl', 'golden', 'float']) expect(Object.keys(report.metrics[model]).sort()).toEqual(['antt', 'stp', 'violationRate']);
    expect(report.metrics.rtl).toEqual(report.metrics.golden);
    expect(Math.abs(report.metrics.float.antt - report.metrics.golden.antt)).toBeLessThan(0.01 * report.metrics.golden.antt);
    expect(report.simCycles).toBeGreaterThan(report.evaluatedCycles);
    expect(report.wallSeconds).toBeGreaterThan(0);
    expect([report.waveform, report.gtkw]).toEqual([null, null]);
    expect(existsSync(report.log)).toBe(true);
    expect(readFileSync(report.log, 'utf8').split('\n').filter((l: string) => l.startsWith('D ')).length).toBe(report.decisions);
    expect(report.cases).toHaveLength(1);
  });

  it('trace: a small table fills, admissions wait, and all three models hold them back alike', async () => {
    const cfg = join(root, 'd2.json');
    writeFileSync(cfg, JSON.stringify({ scheduler: { log2Tasks: 2 } }));
    const json = join(root, 'd2.json.out');
    const r = await runCli(['cosim', '--suite', 'trace', '--workload', 'cnn', '--requests', '50', '--load', '1.5', '--config', cfg, '--out', join(root, 'rtl-d2'), '--json', json, '--read-scores']);
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.heldAdmissions.rtl).toBeGreaterThan(50);
    expect(report.heldAdmissions.golden).toBe(report.heldAdmissions.rtl);
    expect(report.scoreReads).toBe(true);
    expect(report.agreement).toEqual({ rtlVsGolden: 1, goldenVsFloat: 1 });
    // The float model's own run, with a 4-entry table: the same requests miss their deadlines.
    expect(report.metrics.float.violationRate).toBe(report.metrics.golden.violationRate);
  });

  it('trace: an artifact-format CSV folder, and a saved trace', async () => {
    const csv = await runCli(['cosim', '--suite', 'trace', '--csv-dir', 'test/fixtures/workloads/sanger', '--requests', '40', '--out', out]);
    expect(csv.exitCode).toBe(0);
    expect(csv.stdout).toMatch(/ok {3}trace\/csv-sanger +[\d,]+ decisions/);
    const saved = join(root, 'saved.json');
    const sim = await runCli(['simulate', '--workload', 'attention', '--requests', '30', '--load', '1.2', '--seed', '5', '--policies', 'fcfs', '--trace-out', saved]);
    expect(sim.exitCode).toBe(0);
    const r = await runCli(['cosim', '--suite', 'trace', '--trace', saved, '--slo-mult', '4', '--out', out]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/ok {3}trace\/trace-saved +[\d,]+ decisions/);
    expect(r.stdout).toMatch(/RTL vs golden 100% identical/);
  });

  it('system: the integrated loop on the design (tiny CNNs, MNIST networks), its contract cases and a small-table variant', async () => {
    const r = await runCli(['cosim', '--suite', 'system', '--x-seeds', 'none', '--out', out]);
    expect(r.exitCode).toBe(0);
    for (const name of ['configured', 'configured-light', 'mnist', 'go-without-decision', 'skips-and-extra-beats', 'small-table']) expect(r.stdout).toMatch(new RegExp(`ok {3}system/${name} +\\d+ layers`));
    expect(summaryRow(r.stdout, 'system')[0]).toBe('6');
  });
});
