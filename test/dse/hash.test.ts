// A point's identity: the content hash covers its config, workloads (a CSV folder by content, not by
// path), loads, SLO multipliers, seeds, requests, measurements, tool versions and the project's
// sources; nothing else (key order, folder location) moves it.
import { appendFileSync, cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, makePlan, parseSpec, pointHash, runPoint, type Plan } from '../../dse/index.ts';
import { PROJECT_ROOT, tempDir } from '../helpers.ts';

const plan = (raw: object, dir = PROJECT_ROOT): Promise<Plan> => makePlan(parseSpec(raw, 'spec.json', dir), 'spec.json');
const hashes = async (raw: object, dir?: string) => (await plan(raw, dir)).points.map((p) => p.hash);

describe('DSE point hash', () => {
  // Made here, not inside a test: tempDir's clean-up hook only runs when registered at this level.
  const dir = tempDir('dysta-dse-hash-');
  const base = { axes: { 'scheduler.log2Tasks': [2, 3] }, requests: 50 };

  it('is stable, independent of key order, and names files by its first 16 hex digits', async () => {
    const a = await plan(base);
    expect(a.points.map((p) => p.hash)).toEqual(await hashes({ requests: 50, axes: { 'scheduler.log2Tasks': [2, 3] } }));
    expect(a.points[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.points[0]!.id).toBe(a.points[0]!.hash.slice(0, 16));
    expect(new Set(a.points.map((p) => p.hash)).size).toBe(2);
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe(canonicalJson({ a: [{ x: 1, y: 2 }], b: 1 }));
    // The same configuration reached through another axis value is measured once.
    const dup = await plan({ axes: { 'scheduler.log2Tasks': [6, 2], same: { default: {}, explicit: { 'scheduler.timeWidth': 48 } } } });
    expect(dup.points.map((p) => p.label)).toEqual(['log2Tasks=6 same=default', 'log2Tasks=2 same=default']);
    expect(dup.duplicates).toEqual([
      { label: 'log2Tasks=6 same=explicit', sameAs: 'log2Tasks=6 same=default' },
      { label: 'log2Tasks=2 same=explicit', sameAs: 'log2Tasks=2 same=default' },
    ]);
  });

  it('changes with every input a result depends on', async () => {
    const [h] = await hashes(base);
    const variants: object[] = [
      { ...base, base: { scheduler: { betaPpm: 20000 } } },
      { ...base, requests: 51 },
      { ...base, loads: [0.8] },
      { ...base, sloMults: [4] },
      { ...base, seeds: [2] },
      { ...base, workloads: ['attention'] },
      { ...base, workloads: [{ zoo: 'cnn', samples: 100 }] },
      { ...base, measure: { rtl: true, synth: {} } },
      { ...base, measure: { rtl: true, synth: { top: 'dysta_system' } } },
    ];
    const all = [h, ...(await Promise.all(variants.map(async (v) => (await hashes(v))[0])))];
    expect(new Set(all).size).toBe(all.length);
    const p = await plan(base);
    const cfg = p.points[0]!.config;
    expect(pointHash(cfg, p)).toBe(h);
    expect(pointHash(cfg, { ...p, tools: { ...p.tools, verilator: 'Verilator 5.020 2024-01-01' } })).not.toBe(h);
    expect(pointHash(cfg, { ...p, sources: '0'.repeat(64) })).not.toBe(h);
    expect(p.tools.verilator).toMatch(/^Verilator \d+\.\d+/);
  });

  it('a synthesis-only point does not depend on the workloads', async () => {
    const synthOnly = { axes: base.axes, measure: { rtl: false, synth: {} } };
    expect(await hashes({ ...synthOnly, workloads: ['cnn'], requests: 10 })).toEqual(await hashes({ ...synthOnly, workloads: ['attention'], requests: 99 }));
  });

  it('identifies a CSV workload by the content of its files, not by its folder', async () => {
    for (const d of ['a', 'b']) cpSync(join(PROJECT_ROOT, 'test', 'fixtures', 'workloads', 'eyerissv2'), join(dir, d), { recursive: true });
    const spec = (d: string) => ({ ...base, workloads: [{ csvDir: d }] });
    const a = await hashes(spec('a'), dir);
    expect(await hashes(spec('b'), dir)).toEqual(a);
    // A point checks the data against its plan (a node sees the folder as it is when the task runs).
    const planned = await plan(spec('b'), dir);
    const planPath = join(dir, 'plan.json');
    writeFileSync(planPath, JSON.stringify(planned));
    appendFileSync(join(dir, 'b', 'vgg16_block4_sparse60.csv'), '\n');
    expect(await hashes(spec('b'), dir)).not.toEqual(a);
    const r = await runPoint(planPath, 0, { executor: 'test' });
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/^workload .*b differs from the one the plan hashed \(content [0-9a-f]{12} here, [0-9a-f]{12} in the plan\); run `dysta dse` again/);
  });

  it('identifies a zoo workload by the tables it builds', async () => {
    const [h] = await hashes(base);
    expect((await hashes({ ...base, workloads: [{ zoo: 'cnn', seed: 2023, samples: 200 }] }))[0]).toBe(h);
    expect((await hashes({ ...base, workloads: [{ zoo: 'cnn', seed: 7 }] }))[0]).not.toBe(h);
    // The measured MNIST profile (a CSV folder behind a zoo name) is hashed by its tables too.
    const mnist = await plan({ ...base, workloads: ['mnist'] });
    expect(mnist.workloads[0]).toMatchObject({ kind: 'zoo', name: 'mnist', label: 'mnist', contentSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(mnist.points[0]!.hash).not.toBe(h);
    expect((await plan({ ...base, workloads: ['cnn', { zoo: 'cnn', seed: 7, samples: 50 }] })).workloads.map((w) => w.label)).toEqual(['cnn', 'cnn (seed 7, 50 samples)']);
  });
});
