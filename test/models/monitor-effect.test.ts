// The monitor-effect comparison of two study folders, on hand-made points: per-seed differences
// averaged over settings, their t-interval, and the settings where the monitor helps.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { monitorEffect } from '../../models/monitor-effect.ts';
import { PROJECT_ROOT, tempDir } from '../helpers.ts';

const root = tempDir('dysta-monitor-effect-');
function study(name: string, rows: [number, number, string, number][]): string {
  const dir = join(root, name);
  mkdirSync(dir);
  const lines = ['rate,sloMult,seed,policy,violationRate,antt,stp,decisions,dispatchesPerRequest', ...rows.map(([slo, seed, policy, v]) => `100,${slo},${seed},${policy},${v},2,1,10,1`)];
  writeFileSync(join(dir, 'points.csv'), lines.join('\n') + '\n');
  return dir;
}

describe('monitor effect', () => {
  it('paired differences with and without the monitor', () => {
    // dysta, 2 settings x 2 seeds: differences (with - without) 0.1-0.2, 0.3-0.3 (seed 1: mean -0.05);
    // 0.2-0.4, 0.2-0.2 (seed 2: mean -0.1). Mean -0.075; sd of (-0.05, -0.1) = 0.0354; t(0.975, 1) = 12.706.
    const a = study('with', [[2, 1, 'dysta', 0.1], [4, 1, 'dysta', 0.3], [2, 2, 'dysta', 0.2], [4, 2, 'dysta', 0.2], [2, 1, 'fcfs', 0.5]]);
    const b = study('without', [[2, 1, 'dysta', 0.2], [4, 1, 'dysta', 0.3], [2, 2, 'dysta', 0.4], [4, 2, 'dysta', 0.2]]);
    const table = monitorEffect(a, b).split('\n');
    expect(table).toHaveLength(3);
    const half = 12.706 * (Math.SQRT1_2 * 0.05) / Math.SQRT2;
    const row = table[2]!.split('|').map((c) => c.trim());
    expect(row.slice(1, 4)).toEqual(['dysta', '0.2000', '0.2750']);
    expect(row[4]).toBe(`-0.0750 [${(-0.075 - half).toFixed(4)}, ${(-0.075 + half).toFixed(4)}]`);
    expect(row[5]).toBe('1/2'); // setting SLO 2 helps (0.15 < 0.3), SLO 4 ties (0.25 = 0.25)
  });

  it('studies that do not match say so', () => {
    const a = study('a2', [[2, 1, 'dysta', 0.1]]);
    const b = study('b2', [[2, 3, 'dysta', 0.1]]);
    expect(() => monitorEffect(a, b)).toThrow(/has no point for dysta at 100\/2, seed 1: the two studies must use the same settings and seeds/);
    expect(() => monitorEffect(a, join(root, 'nope'))).toThrow(/cannot read .*nope\/points\.csv/);
  });

  it('npm run monitor-effect: prints the table, --out writes it through output/, a folder is refused', async () => {
    const a = study('a3', [[2, 1, 'dysta', 0.1]]);
    const b = study('b3', [[2, 1, 'dysta', 0.3]]);
    const run = (args: string[]) => execa('node', ['--import', 'tsx', join(PROJECT_ROOT, 'models', 'monitor-effect.ts'), ...args], { cwd: PROJECT_ROOT, reject: false });
    const out = join(root, 'effect.md');
    const ok = await run([a, b, '--out', out]);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/^\| policy \| violation with monitor/);
    expect(readFileSync(out, 'utf8')).toBe(ok.stdout + '\n');
    const bad = await run([a, b, '--out', root]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^monitor-effect: .*--out/);
    expect((await run([a])).exitCode).toBe(2);
  });
});
