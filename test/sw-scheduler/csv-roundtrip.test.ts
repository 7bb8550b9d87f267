// CSV round trip: exporting a workload and importing it again gives the same tables bit for bit.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportCsvFolder, importCsvFolder } from '../../sw-scheduler/csv.ts';
import { zooWorkload } from '../../sw-scheduler/zoo/zoo.ts';
import { FIXTURES } from './helpers.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'dysta-csv-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('CSV round trip', () => {
  it('zoo CNN workload -> CSV -> workload keeps every table and profile', () => {
    const original = zooWorkload('cnn', { samples: 20 });
    const dir = tempDir();
    exportCsvFolder(original, dir);
    expect(readdirSync(dir).filter((f) => !f.startsWith('.')).sort()).toEqual(original.variants.map((v) => `${v.name}.csv`));
    const back = importCsvFolder(dir);
    expect(back.variants.map((v) => v.name)).toEqual(original.variants.map((v) => v.name));
    back.variants.forEach((v, i) => {
      const o = original.variants[i];
      expect(v.sampleIds).toEqual(o.sampleIds);
      expect(v.latency).toEqual(o.latency);
      expect(v.sparsity).toEqual(o.sparsity);
      expect(v.Larch).toEqual(o.Larch);
      expect(v.Tarch).toBe(o.Tarch);
    });
  });

  it('artifact example files survive export and re-import unchanged', () => {
    const original = importCsvFolder(join(FIXTURES, 'eyerissv2'));
    const dir = tempDir();
    exportCsvFolder(original, dir);
    const back = importCsvFolder(dir);
    back.variants.forEach((v, i) => {
      expect(v.latency).toEqual(original.variants[i].latency);
      expect(v.sparsity).toEqual(original.variants[i].sparsity);
      expect(v.Tpat).toBe(original.variants[i].Tpat);
    });
  });
});
