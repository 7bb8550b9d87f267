// `dysta predictors` through bin/dysta.js: the table, the per-variant table, the report folder with
// its SVG, and the note when a variant has too few samples for the regression.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './helpers.ts';

const BIN = new URL('../../bin/dysta.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'dysta-predictors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const dysta = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('dysta predictors', () => {
  it('prints the RMSE table and writes the report folder', () => {
    const out = join(dir, 'att');
    const r = dysta('predictors', '--workload', 'attention', '--out', out);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^workload attention: RMSE in % of the variant's mean isolated latency, 600 held-out samples, regression split parity/);
    expect(r.stdout).toMatch(/predictor\s+overall\s+after >= 1 layer\s+at 25%\s+at 50%\s+at 75%/);
    expect(r.stdout).toMatch(/\nregression\s+\d+\.\d\d\s+\d+\.\d\d/);
    expect(r.stdout).toMatch(/\nbert\s+12\s/);
    expect(readdirSync(out).sort()).toEqual(['.dysta-output', 'by-fraction.csv', 'error-vs-fraction.svg', 'rmse.csv', 'summary.md']);
    expect(readFileSync(join(out, 'error-vs-fraction.svg'), 'utf8')).toMatch(/^<svg[\s\S]*fraction of layers executed/);
    expect(readFileSync(join(out, 'rmse.csv'), 'utf8').split('\n')[0]).toBe('variant,predictor,overall,afterFirstLayer,at25,at50,at75');
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('--json gives the same numbers as the table', () => {
    const r = dysta('predictors', '--workload', 'attention', '--json', '-', '--out', join(dir, 'j'));
    const e = JSON.parse(r.stdout);
    expect(e.predictors).toEqual(['none (avg)', 'arch', 'gamma (dysta)', 'last', 'last-3', 'regression']);
    expect(e.rows).toHaveLength(6);
    expect(e.notes).toEqual([]);
  });

  it('says when a variant falls back to gamma * sum(E)', () => {
    const r = dysta('predictors', '--workload', 'attention', '--zoo-samples', '6', '--out', join(dir, 'small'));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("note: regression: variant 'bart' has 3 training sample(s) in split 'parity' (fit 1 of 2), fewer than 4; its requests there use gamma * sum(E).");
  });

  it('works on a CSV folder', () => {
    const r = dysta('predictors', '--csv-dir', join(FIXTURES, 'sanger'), '--fit-split', 'halves', '--out', join(dir, 'csv'));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('regression split halves');
  });
});
