// `dysta profile` through the real CLI: per variant an artifact-format CSV that the existing importer
// reads and round-trips, a manifest whose statistics match the CSV, latencies that follow the loop's
// cycle formula (checked from the digit's own pixels), --rtl agreement with the npu_tile RTL on a
// network with a 2-pass layer and a split classifier, the CSVs in `simulate`, `--workload mnist`, and
// one clear error for each bad input.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { im2col } from '../../hwgen/index.ts';
import { loadDigits } from '../../models/data.ts';
import { networkPath } from '../../models/weights.ts';
import { exportCsvFolder, importCsvFolder } from '../../sw-scheduler/index.ts';
import { runCli, tempDir } from '../helpers.ts';

const root = tempDir('dysta-profile-');

describe('dysta profile', () => {
  it('writes per-variant CSVs and a manifest that the CSV importer reads, round-trips and schedules', async () => {
    const out = join(root, 'p');
    const r = await runCli(['profile', '--models', 'slim_dense,wide_filter_sparse50', '--samples', '12', '--out', out]);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^variant\s+layers\s+top-1\s+mean µs\s+CV/);
    expect(readdirSync(out).sort()).toEqual(['.dysta-output', 'manifest.json', 'slim_dense.csv', 'wide_filter_sparse50.csv']);
    expect(readFileSync(join(out, 'slim_dense.csv'), 'utf8').split('\n')[0]).toBe('sim_lat,overall-sparsity,batch-indx,layer-indx');
    const wl = importCsvFolder(out);
    expect(wl.flavour).toBe('eyeriss');
    expect(wl.variants.map((v) => [v.name, v.architecture, v.layers, v.sampleIds.length])).toEqual([
      ['slim_dense', 'slim', 4, 12],
      ['wide_filter_sparse50', 'wide', 3, 12],
    ]);
    // Round trip through the exporter.
    const again = join(root, 'p2');
    exportCsvFolder(wl, again);
    const back = importCsvFolder(again);
    for (const [i, v] of wl.variants.entries()) {
      expect(Array.from(back.variants[i]!.latency)).toEqual(Array.from(v.latency));
      expect(Array.from(back.variants[i]!.sparsity)).toEqual(Array.from(v.sparsity));
    }
    // Layer 0 of slim_dense (3x3 conv, 1 -> 8 channels: K = 9, one pass) on test digit s:
    // 9 weight rows + 1 start + sum over the 196 rows of max(nnz, 1) + 8 pipeline, up to the done cycle.
    const slim = wl.variants[0]!;
    const digits = loadDigits().test;
    for (let s = 0; s < 12; s++) {
      const img = [Array.from({ length: 14 }, (_, y) => Array.from(digits[s]!.pixels.subarray(14 * y, 14 * y + 14)))];
      const rows = im2col(img, { inChannels: 1, height: 14, width: 14, kernel: 3, stride: 1, pad: 1 });
      const beats = rows.reduce((a, row) => a + Math.max(1, row.filter((v) => v !== 0).length), 0);
      expect(Math.round(slim.latency[s * 4]! * 200e6)).toBe(9 + 1 + beats + 8);
    }
    // The manifest's statistics are those of the CSV.
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.format).toBe('dysta-profile');
    expect(m.config.clockMHz).toBe(200);
    const v0 = m.variants[0];
    const totals = Array.from({ length: 12 }, (_, s) => slim.trueSuffix[s * 5]! * 200e6);
    expect(v0.request.mean).toBeCloseTo(totals.reduce((a, b) => a + b, 0) / 12, 6);
    expect(v0.layers.map((l: { sparsity: { mean: number } }) => l.sparsity.mean)).toEqual(Array.from(slim.Savg).map((x) => expect.closeTo(x, 12)));
    expect(v0.layers.map((l: { passes: number; chunks: number }) => [l.passes, l.chunks])).toEqual([[1, 1], [1, 1], [1, 1], [1, 1]]);
    expect(m.variants[1].layers.map((l: { passes: number; chunks: number }) => [l.passes, l.chunks])).toEqual([[1, 1], [1, 1], [1, 1]]);
    // `dysta workloads` describes it; its latency CV is the manifest's request CV.
    const desc = await runCli(['workloads', '--csv-dir', out]);
    expect(desc.exitCode).toBe(0);
    const cv = desc.stdout.split('\n').find((l) => l.startsWith('slim_dense'))!.trim().split(/\s+/).at(-1);
    expect(cv).toBe(`${(100 * v0.request.cv).toFixed(1)}%`);
    // The folder schedules like any CSV workload.
    const sim = await runCli(['simulate', '--csv-dir', out, '--requests', '200', '--policies', 'fcfs,dysta']);
    expect(sim.exitCode).toBe(0);
    expect(sim.stdout).toMatch(/dysta/);
  });

  it('--rtl: wide_dense (2-pass layer, classifier split over the buffer) on the npu_tile RTL agrees with the golden model', async () => {
    const out = join(root, 'rtl');
    const r = await runCli(['profile', '--models', 'wide_dense', '--samples', '3', '--rtl', '--rtl-dir', join(root, 'rtl-out'), '--out', out]);
    expect(r.stderr).toMatch(/profiled wide_dense: 3 digits \(golden model and RTL agree\)/);
    expect(r.exitCode).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.rtl).toBe(true);
    expect(m.variants[0].accuracy.rtl).toBe(m.variants[0].accuracy.golden);
    expect(m.variants[0].layers.map((l: { passes: number; chunks: number }) => [l.passes, l.chunks])).toEqual([[1, 1], [2, 1], [1, 2]]);
  });

  it('--workload mnist is the committed profile', async () => {
    const r = await runCli(['simulate', '--workload', 'mnist', '--requests', '300', '--policies', 'fcfs,dysta', '--load', '0.9']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^workload mnist;/m);
    const wl = importCsvFolder(join(import.meta.dirname, '..', '..', 'models', 'profile'));
    expect(wl.variants).toHaveLength(9);
    expect(wl.variants.every((v) => v.sampleIds.length === 200)).toBe(true);
  });

  it('bad inputs: unknown model, too many samples, a corrupted weights file: one line each', async () => {
    const oneLine = (s: string) => expect(s.trim().split('\n')).toHaveLength(1);
    const unknown = await runCli(['profile', '--models', 'slim_dense,lenet5', '--out', join(root, 'x1')]);
    expect(unknown.exitCode).not.toBe(0);
    expect(unknown.stderr).toMatch(/^dysta: unknown model 'lenet5'; the models are deep_dense, /);
    oneLine(unknown.stderr);
    const many = await runCli(['profile', '--models', 'slim_dense', '--samples', '2009', '--out', join(root, 'x2')]);
    expect(many.exitCode).not.toBe(0);
    expect(many.stderr).toMatch(/^dysta: --samples 2009 asks for more digits than the 2008 test digits/);
    oneLine(many.stderr);
    const dir = join(root, 'weights');
    mkdirSync(dir);
    copyFileSync(networkPath('slim_dense'), join(dir, 'slim_dense.json'));
    const text = readFileSync(join(dir, 'slim_dense.json'), 'utf8');
    writeFileSync(join(dir, 'slim_dense.json'), text.replace(/"shift": (\d+)/, (_, s) => `"shift": ${Number(s) + 1}`));
    const bad = await runCli(['profile', '--models', 'slim_dense', '--weights', dir, '--out', join(root, 'x3')]);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toMatch(/^dysta: .*slim_dense\.json: corrupted \(its SHA-256 does not match the content\)/);
    oneLine(bad.stderr);
  });
});
