// dysta_system built with the scheduler's MHG policy and regression predictor (`dysta system
// --config`): the workload's static level fits the regression on its profiling runs and programs
// iso / 1/iso, and the whole loop on real compute equals the system golden model line for line.
// Also the CLI end to end with such a config file.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SystemSim } from '../../cosim/system/driver.ts';
import type { HwConfig } from '../../hwgen/index.ts';
import { buildWorkload } from '../../hwgen/system/index.ts';
import { openSystem, records, runAndCompare } from './helpers.ts';

const raw = { peArray: { lanes: 8, weightDepth: 128, maxRows: 1024 }, scheduler: { log2Tasks: 3, policy: 'mhg', predictor: 'regression' } };

describe('dysta_system with mhg + regression', () => {
  let sim: SystemSim;
  let config: HwConfig;
  let dir: string;
  beforeAll(async () => ({ sim, config, dir } = await openSystem(raw, 'mhgreg')));
  afterAll(async () => sim?.close());

  it('regression coefficients from the profiling runs, iso words, and every log line equal', async () => {
    const wl = buildWorkload(config, { requests: 30, seed: 4, load: 1.2 });
    for (const v of wl.variants) {
      expect(v.tables.coeffs).toHaveLength(2);
      expect(v.tables.coeffs![0]!.a[0]).toBe(v.tables.suffix0); // k = 0: the mean total cycles
      expect(v.tables.iso).toBe(v.tables.suffix0);
    }
    const { rtl } = await runAndCompare(sim, wl);
    expect(records(rtl.lines, 'C')).toHaveLength(30);
    // MHG score words: some tasks marked late under this load (the top bit).
    expect(records(rtl.lines, 'S').some((s) => BigInt(s[1]!) >> 31n === 1n)).toBe(true);
  });

  it('`dysta system --config` with that config file', async () => {
    const file = join(dir, '..', 'mhg.json');
    writeFileSync(file, JSON.stringify(raw));
    const bin = new URL('../../bin/dysta.js', import.meta.url).pathname;
    const r = await execa('node', [bin, 'system', '-n', '12', '--config', file, '--out', join(dir, '..', 'cli-rtl')]);
    expect(r.stdout).toMatch(/RTL vs golden model: (\d+) \/ \1 log lines identical/);
  });
});
