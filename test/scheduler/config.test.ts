// The `scheduler` config section: defaults, validation of every key, and `dysta gen-rtl --config`
// producing a manifest whose tops include dysta_scheduler with the requested table size.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ConfigError, SCHEDULER_PARAMS, TOPS, defaultConfig, generateDesign, parseConfig } from '../../hwgen/index.ts';

describe('scheduler config section', () => {
  it('has documented defaults (D = 6, 48-bit time, 32-bit score, beta 0.01, 200 MHz)', () => {
    const s = defaultConfig().scheduler;
    expect(s).toMatchObject({ log2Tasks: 6, timeWidth: 48, scoreWidth: 32, betaPpm: 10000, clockMHz: 200, selectorUnits: 1, timeSkip: 1 });
    for (const p of SCHEDULER_PARAMS) expect(p.doc.length).toBeGreaterThan(10);
  });
  it.each([
    [{ scheduler: { log2Tasks: 0 } }, /scheduler\.log2Tasks = 0 is out of range: it must be an integer from 1 to 10/],
    [{ scheduler: { log2Tasks: 11 } }, /scheduler\.log2Tasks = 11 is out of range/],
    [{ scheduler: { timeWidth: 32 } }, /scheduler\.timeWidth = 32 is out of range: it must be an integer from 48 to 64/],
    [{ scheduler: { selectorUnits: 3 } }, /scheduler\.selectorUnits = 3 is out of range: it must be a power of two from 1 to 8/],
    [{ scheduler: { tasks: 64 } }, /scheduler\.tasks is not a known parameter; allowed keys: log2Tasks/],
    [{ scheduler: { scoreWidth: 40, scoreShift: 10 } }, /scoreWidth \+ scoreShift = 50 must not exceed timeWidth \(48\)/],
  ])('rejects %j', (raw, message) => {
    expect(() => parseConfig(raw, 'x.json')).toThrow(ConfigError);
    expect(() => parseConfig(raw, 'x.json')).toThrow(message);
  });
  it('the default design lists dysta_scheduler as a top and shares one sparsity_monitor', () => {
    const d = generateDesign(defaultConfig());
    expect(d.manifest.tops).toEqual(['npu_tile', TOPS.scheduler, TOPS.system, TOPS.schedulerAxi, 'npu_tile_ooc', 'dysta_scheduler_ooc', 'dysta_system_ooc', 'dysta_scheduler_axi_ooc']);
    expect(d.manifest.modules.filter((m) => m.name === 'sparsity_monitor')).toHaveLength(1);
    const sched = d.manifest.modules.find((m) => m.name === 'dysta_scheduler')!;
    expect(sched.instances).toEqual([
      { name: 'u_monitor', module: 'sparsity_monitor' },
      { name: 'u_predictor', module: 'dysta_predictor' },
      { name: 'u_table', module: 'dysta_task_table' },
      { name: 'u_policy', module: 'dysta_policy' },
    ]);
    expect(sched.parameters).toMatchObject({ LOG2_TASKS: 6, BETA_Q: 42949673 });
  });
  it('`dysta gen-rtl --config` with {"scheduler": {"log2Tasks": 9}}', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dysta-sched-cfg-'));
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ scheduler: { log2Tasks: 9 } }));
    const bin = new URL('../../bin/dysta.js', import.meta.url).pathname;
    const r = await execa('node', [bin, 'gen-rtl', '--config', join(dir, 'c.json'), '--out', join(dir, 'rtl')]);
    expect(r.stdout).toMatch(/tops: npu_tile, dysta_scheduler/);
    const manifest = JSON.parse(readFileSync(join(dir, 'rtl', 'manifest.json'), 'utf8'));
    expect(manifest.modules.find((m: { name: string }) => m.name === 'dysta_scheduler').parameters.LOG2_TASKS).toBe(9);
    expect(readFileSync(join(dir, 'rtl', 'dysta_task_table.v'), 'utf8')).toMatch(/reg \[511:0\] valid;/);
    const bad = await execa('node', [bin, 'gen-rtl', '--config', join(dir, 'missing.json'), '--out', join(dir, 'rtl2')], { reject: false });
    expect(bad.exitCode).not.toBe(0);
  });
});
