// `dysta study` through bin/dysta.js on a small grid: the headline table, progress lines, the report
// folder (markdown + SVG plots), and its refusals.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/dysta.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'dysta-study-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const dysta = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('dysta study', () => {
  it('runs all 13 policies on fresh seeds and writes the report', () => {
    const out = join(dir, 'study');
    const r = dysta('study', '--workload', 'attention', '--loads', '1.0', '--slo-mults', '3,6', '--seeds', '3', '--requests', '60', '--threads', '2', '--out', out);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('study attention: 1 rates x 2 SLO multipliers x 3 seeds x 13 policies, 60 requests each, 2 threads');
    expect(r.stderr).toContain('study: 6/6 jobs (100%)');
    expect(r.stdout).toMatch(/^study attention: 78 runs in [\d.]+ s; mean over 2 settings, 3 seeds each/);
    expect(r.stdout).toMatch(/policy\s+violation\s+ANTT\s+ANTT\/dysta\s+disp\/req\s+vio - dysta \[95% CI\]\s+vio - best published \[95% CI\]\s+settings < dysta\s+settings < best published/);
    expect(r.stdout).toMatch(/\nmhg_vio\s+\d\.\d{4}\s+\d+\.\d{3}\s+\d\.\d{3}\s+\d\.\d{3}\s+[-+]\d\.\d{4} \[[-+]\d\.\d{4}, [-+]\d\.\d{4}\]/);
    expect(readdirSync(out).sort()).toEqual(['.dysta-output', 'antt-by-setting.svg', 'diff-vs-dysta.svg', 'points.csv', 'settings.csv', 'summary.md', 'tradeoff.svg', 'violation-by-setting.svg']);
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(summary).toContain('Command: `dysta study --workload attention --loads 1.0');
    expect(summary).toContain('3 fresh seeds per setting (1001..1003');
    expect(summary).toContain('95% Student t-intervals of the mean of *paired* per-seed differences');
    expect(summary).toContain('## mhg per setting');
    expect(readFileSync(join(out, 'points.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 78);
    expect(readFileSync(join(out, 'diff-vs-dysta.svg'), 'utf8')).toMatch(/^<svg[\s\S]*mhg_vio/);
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it.each([
    [['study', '--policies', 'mhg,sjf'], /^dysta: --policies must include 'dysta'/],
    [['study', '--seeds', '1'], /^dysta: --seeds must be a whole number from 2 to 100000 \(intervals need 2\)/],
    [['study', '--tau', '2'], /^dysta: --tau must be a number from 0 to 1, got 2\./],
    [['study', '--switch-cost', '-1'], /^dysta: --switch-cost must be a non-negative number of seconds, got -1\./],
  ])('refuses %j', (args, message) => {
    const r = dysta(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
