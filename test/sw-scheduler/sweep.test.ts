// Sweeps: worker threads give exactly the points of a single-thread run, in job order; the report
// folder has the summary, every point and the plots.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { POLICY_NAMES } from '../../sw-scheduler/policies/index.ts';
import { writeSweepReport } from '../../sw-scheduler/report.ts';
import { meanOverSeeds, planJobs, type SweepConfig } from '../../sw-scheduler/sweep.ts';
import { runSweep } from '../../sw-scheduler/sweep-runner.ts';
import { FIXTURES } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'dysta-sweep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config: SweepConfig = {
  source: { kind: 'csv', dir: join(FIXTURES, 'eyerissv2'), seqLen: 512 },
  rates: [20, 35],
  sloMults: [3, 10],
  seeds: [1, 2],
  requests: 120,
  policies: [...POLICY_NAMES],
  params: { alpha: 1, beta: 0.01 },
  predictor: 'average',
  lastN: 3,
};

describe('sweep', () => {
  it('plans rate x SLO x seed jobs', () => {
    expect(planJobs(config)).toHaveLength(8);
    expect(planJobs(config)[1]).toEqual({ rate: 20, sloMult: 3, seed: 2 });
  });

  it('gives the same points on 2 worker threads as on the main thread', async () => {
    const progress: number[] = [];
    const threaded = await runSweep(config, { threads: 2, onProgress: (done) => progress.push(done) });
    const single = await runSweep(config, { threads: 0 });
    expect(threaded).toHaveLength(8 * 11);
    expect(threaded).toEqual(single);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(threaded.map((p) => p.policy))).toEqual(new Set(POLICY_NAMES));
  });

  it('runs on a worker thread without a progress callback', async () => {
    // Regression: `onProgress?.(++done)` skipped the increment when no callback was given.
    const points = await runSweep({ ...config, rates: [20], sloMults: [3], seeds: [1] }, { threads: 1 });
    expect(points.map((p) => p.policy)).toEqual([...POLICY_NAMES]);
  });

  it('reports a user error from a worker as a user error', async () => {
    await expect(runSweep({ ...config, source: { kind: 'csv', dir: join(dir, 'missing'), seqLen: 512 } }, { threads: 1 })).rejects.toMatchObject({
      userError: true,
      message: expect.stringMatching(/cannot read CSV folder/),
    });
  });

  it('writes the report folder atomically with summary, points and SVG plots', async () => {
    const points = await runSweep(config, { threads: 0 });
    const out = join(dir, 'report');
    await writeSweepReport({ dir: out, isDefault: false }, { config, workloadName: 'eyerissv2', capacity: 35, points, elapsedSeconds: 1, threads: 0 });
    expect(readdirSync(out).sort()).toEqual([
      '.dysta-output', 'antt-vs-rate.svg', 'means.csv', 'points.csv', 'points.json', 'summary.md', 'tradeoff.svg', 'violation-vs-rate.svg', 'violation-vs-slo.svg',
    ]);
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
    const csv = readFileSync(join(out, 'points.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('rate,sloMult,seed,policy,violationRate,antt,stp,decisions,dispatchesPerRequest');
    expect(csv).toHaveLength(1 + 88);
    const svg = readFileSync(join(out, 'tradeoff.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('dysta_oracle');
    expect(readFileSync(join(out, 'violation-vs-rate.svg'), 'utf8')).toContain('SLO violation rate');
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(summary).toContain('| policy | violation rate | ANTT | STP (inf/s) |');
    const means = meanOverSeeds(config, points);
    expect(means).toHaveLength(2 * 2 * 11);
    const dystaMean = means.find((m) => m.policy === 'dysta' && m.rate === 35 && m.sloMult === 3)!;
    const dystaPoints = points.filter((p) => p.policy === 'dysta' && p.rate === 35 && p.sloMult === 3);
    expect(dystaMean.violationRate).toBe((dystaPoints[0].violationRate + dystaPoints[1].violationRate) / 2);
    // A second run replaces the folder.
    await writeSweepReport({ dir: out, isDefault: false }, { config, workloadName: 'again', capacity: 35, points, elapsedSeconds: 1, threads: 0 });
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('# Scheduling sweep: again');
    expect(existsSync(out)).toBe(true);
  });
});
