// Input the scheduler model refuses or warns about instead of computing nonsense (issue 8, section 4):
// CSV rows with extra fields, latencies whose sums overflow, empty list items, absurd thread counts,
// traces with duplicate keys, and arrivals so large that the metrics lose the layer latencies.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNumberList } from '../../sw-scheduler/command-options.ts';
import { importCsvFolder } from '../../sw-scheduler/csv.ts';
import { parsePolicyList } from '../../sw-scheduler/policies/index.ts';
import { readTraceFile } from '../../sw-scheduler/requests.ts';
import { zooWorkload } from '../../sw-scheduler/zoo/zoo.ts';
import { tinyWorkload } from './helpers.ts';

const root = mkdtempSync(join(tmpdir(), 'dysta-limits-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const BIN = new URL('../../bin/dysta.js', import.meta.url).pathname;
const dysta = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
const HEADER = 'sim_lat,overall-sparsity,batch-indx,layer-indx\n';

describe('files', () => {
  it('a CSV row with an extra field is refused, naming the line', () => {
    const dir = join(root, 'extra');
    mkdirSync(dir);
    writeFileSync(join(dir, 'net_a.csv'), HEADER + '0.1,0.0,0,0\n0.2,0.5,0,1,7\n');
    expect(() => importCsvFolder(dir)).toThrow(`${join(dir, 'net_a.csv')} line 3: 5 fields, but the header has 4 (sim_lat, overall-sparsity, batch-indx, layer-indx); remove the extra fields (a stray comma?).`);
  });

  it('latencies whose sums overflow (or whose capacity does) are refused, not turned into Infinity', () => {
    expect(() => tinyWorkload({ net_a: [[[1e308, 1e308], [0, 0]]] })).toThrow(/variant 'net_a': its layer latencies \(seconds\) are so large that their sums overflow/);
    expect(() => tinyWorkload({ net_a: [[[1e-320, 1e-320], [0, 0]]] })).toThrow(/are so small that their sums underflow/);
  });

  it('a trace with a key given twice is refused', () => {
    const t = join(root, 'dup.json');
    writeFileSync(t, '{"sloMult": 10, "sloMult": 4, "requests": []}');
    expect(() => readTraceFile(t, zooWorkload('attention'))).toThrow(`${t} line 1: sloMult is given twice in the same object; keep one`);
  });
});

describe('options', () => {
  it('an empty list item is refused, naming it', () => {
    expect(() => parseNumberList('loads', '0.9,,1')).toThrow("--loads: item 2 of '0.9,,1' is empty; remove the extra comma.");
    expect(() => parsePolicyList('')).toThrow("--policies needs at least one policy name, or 'all'.");
    expect(() => parsePolicyList('dysta,,fcfs')).toThrow("--policies: item 2 of 'dysta,,fcfs' is empty; remove the extra comma.");
  });

  it('--loads 0.9,,1 through the CLI: one line, exit code 2', () => {
    const r = dysta('sweep', '--loads', '0.9,,1');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("dysta: --loads: item 2 of '0.9,,1' is empty; remove the extra comma.\n");
  });

  it('an absurd --threads is refused before any work', () => {
    const r = dysta('sweep', '--workload', 'attention', '--threads', '100000');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^dysta: --threads must be a whole number from 0 to \d+ \(this machine has \d+ cores\), got 100000\.\n$/);
  });
});

describe('arrivals too large for double precision', () => {
  it('simulate warns that ANTT and STP are inexact instead of printing them silently', () => {
    const t = join(root, 'far.json');
    const requests = [0, 1, 2].map((i) => ({ arrival: 1e15 + i, variant: 'bert', sample: i, priority: 1 }));
    writeFileSync(t, JSON.stringify({ sloMult: 10, requests }));
    const r = dysta('simulate', '--workload', 'attention', '--trace', t, '--policies', 'fcfs');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^warning: arrivals reach 1\.00e\+15 s while layers take as little as \S+ s: at that magnitude double precision resolves only \S+ s, so finish times, ANTT and STP are inexact/m);
  });
});
