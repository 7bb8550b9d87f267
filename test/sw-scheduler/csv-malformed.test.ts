// Malformed CSV input: every error names the file, and the line and column where there is one.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importCsvFolder } from '../../sw-scheduler/csv.ts';
import { SchedulerInputError } from '../../sw-scheduler/errors.ts';
import { buildWorkload } from '../../sw-scheduler/workload.ts';

const root = mkdtempSync(join(tmpdir(), 'dysta-bad-csv-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
function folder(files: Record<string, string>): string {
  const dir = join(root, `case${n++}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
const HEADER = 'sim_lat,overall-sparsity,batch-indx,layer-indx\n';
const good = HEADER + '0.1,0.0,0,0\n0.2,0.5,0,1\n0.1,0.0,1,0\n0.3,0.4,1,1\n';

function errorOf(dir: string): SchedulerInputError {
  try {
    importCsvFolder(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(SchedulerInputError);
    expect((err as SchedulerInputError).userError).toBe(true);
    return err as SchedulerInputError;
  }
  throw new Error('expected the import to fail');
}

describe('malformed CSV', () => {
  it('accepts the well-formed baseline', () => {
    expect(importCsvFolder(folder({ 'net_a.csv': good })).variants[0].layers).toBe(2);
  });

  it('an empty folder', () => {
    const dir = folder({ 'notes.txt': 'x' });
    expect(errorOf(dir).message).toBe(`${dir}: no .csv files found. Put one CSV per variant there (variant name = file name).`);
  });

  it('a folder that does not exist', () => {
    expect(errorOf(join(root, 'nope')).message).toMatch(/^cannot read CSV folder .*nope: ENOENT/);
  });

  it('a missing column', () => {
    const dir = folder({ 'net_a.csv': 'sim_lat,batch-indx,layer-indx\n0.1,0,0\n' });
    expect(errorOf(dir).message).toMatch(/net_a\.csv line 1: missing column 'overall-sparsity'\. The header has: sim_lat, batch-indx, layer-indx\./);
  });

  it('a missing Sanger column', () => {
    const dir = folder({ 'bert.csv': 'overall-sparsity,50%-no-skip,batch-indx,layer-indx\n0.2,0.8,0,0\n' });
    expect(errorOf(dir).message).toMatch(/bert\.csv line 1: missing column '50%-skip'/);
  });

  it('a non-numeric cell, with line and column', () => {
    const dir = folder({ 'net_a.csv': HEADER + '0.1,0.0,0,0\n0.2,abc,0,1\n' });
    expect(errorOf(dir).message).toBe(`${join(dir, 'net_a.csv')} line 3, column 'overall-sparsity' (column 2): 'abc' is not a number.`);
  });

  it('an empty cell', () => {
    const dir = folder({ 'net_a.csv': HEADER + '0.1,0.0,0,0\n,0.5,0,1\n' });
    expect(errorOf(dir).message).toMatch(/net_a\.csv line 3, column 'sim_lat' \(column 1\): '' is not a number\./);
  });

  it('a fractional layer index', () => {
    const dir = folder({ 'net_a.csv': HEADER + '0.1,0.0,0,0.5\n' });
    expect(errorOf(dir).message).toMatch(/line 2, column 'layer-indx' \(column 4\): '0\.5' is not a non-negative whole number\./);
  });

  it('a non-positive latency', () => {
    const dir = folder({ 'net_a.csv': HEADER + '0.1,0.0,0,0\n-0.2,0.5,0,1\n' });
    expect(errorOf(dir).message).toMatch(/line 3, column 'sim_lat' \(column 1\): latency -0\.2 must be a positive number of seconds\./);
  });

  it('a sparsity outside 0..1', () => {
    const dir = folder({ 'net_a.csv': HEADER + '0.1,1.5,0,0\n' });
    expect(errorOf(dir).message).toMatch(/line 2, column 'overall-sparsity' \(column 2\): sparsity 1\.5 must be between 0 and 1\./);
  });

  it('a sample missing a layer, with the line of its one row', () => {
    const dir = folder({ 'net_a.csv': HEADER + '0.1,0.0,0,0\n0.2,0.5,0,1\n0.1,0.0,1,0\n' });
    expect(errorOf(dir).message).toBe(
      `${join(dir, 'net_a.csv')}: sample 1 (column 'batch-indx', line 4) has no row for layer 1 (column 'layer-indx'); ` +
        `the file has layers 0..1 (layer 1 on line 3), and every sample needs all of them.`,
    );
  });

  it("a sample missing a layer, with the first and last lines of its rows (interleaved with another sample's)", () => {
    // Lines: 2 s0 l0, 3 s1 l0, 4 s1 l2, 5 s0 l1, 6 s0 l2, 7 s2 l0, 8 s2 l1, 9 s2 l2.
    const rows = ['0,0', '1,0', '1,2', '0,1', '0,2', '2,0', '2,1', '2,2'].map((r) => `0.1,0.0,${r}\n`).join('');
    const dir = folder({ 'net_a.csv': HEADER + rows });
    expect(errorOf(dir).message).toBe(
      `${join(dir, 'net_a.csv')}: sample 1 (column 'batch-indx', lines 3-4) has no row for layer 1 (column 'layer-indx'); ` +
        `the file has layers 0..2 (layer 2 on line 4), and every sample needs all of them.`,
    );
  });

  it('a duplicated (sample, layer) row', () => {
    const dir = folder({ 'net_a.csv': HEADER + '0.1,0.0,0,0\n0.1,0.0,0,0\n' });
    expect(errorOf(dir).message).toMatch(/net_a\.csv line 3: sample 0 layer 0 appears twice \(first on line 2\)\./);
  });

  it('variants of one architecture with different layer counts: both files, the lines of their largest layer-indx', () => {
    const dir = folder({ 'net_a.csv': good, 'net_b.csv': HEADER + '0.1,0.0,0,0\n' });
    expect(errorOf(dir).message).toBe(
      `${join(dir, 'net_b.csv')} line 2, column 'layer-indx' (column 4): variant 'net_b' has 1 layer(s) (largest layer-indx 0) but 'net_a' ` +
        `of the same architecture 'net' has 2 (largest layer-indx 1 at ${join(dir, 'net_a.csv')} line 3, column 'layer-indx' (column 4)). ` +
        `Variants sharing the name prefix before '_' must be the same network.`,
    );
  });

  it('different layer counts, each file with its own column order; other architectures do not count', () => {
    // net_c's layer-indx is its first column, and its largest index first appears on line 3.
    const dir = folder({
      'net_a.csv': good,
      'net_c.csv': 'layer-indx,batch-indx,sim_lat,overall-sparsity\n0,0,0.1,0\n2,0,0.1,0.5\n1,0,0.1,0.5\n',
      'other_x.csv': HEADER + '0.1,0.0,0,0\n',
    });
    expect(errorOf(dir).message).toBe(
      `${join(dir, 'net_c.csv')} line 3, column 'layer-indx' (column 1): variant 'net_c' has 3 layer(s) (largest layer-indx 2) but 'net_a' ` +
        `of the same architecture 'net' has 2 (largest layer-indx 1 at ${join(dir, 'net_a.csv')} line 3, column 'layer-indx' (column 4)). ` +
        `Variants sharing the name prefix before '_' must be the same network.`,
    );
  });

  it('different layer counts in tables built without files (the zoo path) still fail in buildWorkload', () => {
    const table = (name: string, layers: number) => ({ name, sampleIds: [0], layers, latency: new Float64Array(layers).fill(1), sparsity: new Float64Array(layers) });
    expect(() => buildWorkload('w', 'eyeriss', [table('net_b', 1), table('net_a', 2)])).toThrow(
      new SchedulerInputError("w: variants of architecture 'net' have different layer counts: 'net_a' has 2, 'net_b' has 1. Variants sharing the name prefix before '_' must be the same network."),
    );
    // Sanger variants are their own architecture.
    expect(buildWorkload('w', 'sanger', [table('net_b', 1), table('net_a', 2)]).variants).toHaveLength(2);
  });

  it('a layer whose average sparsity is 1', () => {
    const dir = folder({ 'net_a.csv': HEADER + '0.1,0.0,0,0\n0.2,1,0,1\n' });
    expect(errorOf(dir).message).toMatch(/variant 'net_a' layer 1: average activation sparsity is 1/);
  });

  it('a folder mixing the two flavours', () => {
    const dir = folder({ 'a_x.csv': good, 'b.csv': 'overall-sparsity,50%-skip,batch-indx,layer-indx\n0.2,0.9,0,0\n' });
    expect(errorOf(dir).message).toMatch(/b\.csv: this is a sanger file but .*a_x\.csv is eyeriss; one folder must hold one flavour\./);
  });

  it('a header-only file', () => {
    const dir = folder({ 'net_a.csv': HEADER });
    expect(errorOf(dir).message).toMatch(/net_a\.csv line 2: no data rows after the header\./);
  });

  it('a Sanger density of zero', () => {
    const dir = folder({ 'bert.csv': 'overall-sparsity,50%-skip,batch-indx,layer-indx\n0,0.9,0,0\n' });
    expect(errorOf(dir).message).toMatch(/bert\.csv line 2, column 'overall-sparsity' \(column 1\): density 0 must be in \(0, 1\]/);
  });
});
