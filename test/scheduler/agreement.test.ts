// The fixed-point scheduler (the RTL's arithmetic) against the float dysta policy on a 1000-request
// CNN-zoo trace: identical decisions at the default formats, and with a deliberately coarse gamma
// every flip is a near tie that the fixed-point rounding explains.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig } from '../../hwgen/index.ts';
import { runAgreement } from '../../compare/hw-agreement-command.ts';

const base = { workload: 'cnn', requests: 1000, load: 0.9, sloMult: 10, seed: 1 };

describe('fixed point vs float dysta (CNN zoo, 1000 requests)', () => {
  it('default formats: 100% identical decisions, same violation rate, ANTT within 1e-5', () => {
    const r = runAgreement({ ...base, scheduler: { ...defaultConfig().scheduler, log2Tasks: 10 } });
    expect(r.decisions).toBeGreaterThan(30_000);
    expect(r.flips).toEqual([]);
    expect(r.identical).toBe(r.decisions);
    expect(r.fixed.identicalChoices).toBe(1);
    expect(r.fixed.violationRate).toBe(r.float.violationRate);
    expect(Math.abs(r.fixed.antt - r.float.antt)).toBeLessThan(1e-5);
    expect(r.fixed.refusals).toBe(0);
  });

  it('the 16-bit score path of the benchmark (LSB 2^12 cycles) also agrees 100%', () => {
    const scheduler = parseConfig({ scheduler: { log2Tasks: 10, scoreWidth: 16, scoreShift: 12, idleWidth: 36, penaltyScaleWidth: 16, penaltyScaleFracBits: 6 } }).scheduler;
    const r = runAgreement({ ...base, scheduler });
    expect(r.flips).toEqual([]);
    expect(r.fixed.violationRate).toBe(r.float.violationRate);
  });

  it('idle time cut to 32 bits: starved tasks clamp and tie; every flip names the clamp', () => {
    const scheduler = parseConfig({ scheduler: { log2Tasks: 10, idleWidth: 32, penaltyScaleWidth: 16, penaltyScaleFracBits: 6 } }).scheduler;
    const r = runAgreement({ ...base, scheduler });
    expect(r.flips.length).toBeGreaterThan(0);
    for (const fl of r.flips) expect(fl.saturated.some((s) => s.startsWith('idle'))).toBe(true);
  });

  it('8 fraction bits of gamma: the few flips are near ties the rounding accounts for', () => {
    const scheduler = parseConfig({ scheduler: { log2Tasks: 10, gammaFracBits: 8 } }).scheduler;
    const r = runAgreement({ ...base, scheduler });
    expect(r.flips.length).toBeGreaterThan(0);
    expect(r.flips.length).toBeLessThan(r.decisions / 1000);
    for (const fl of r.flips) {
      expect(fl.saturated).toEqual([]);
      const [a, b] = fl.deviationCycles;
      expect(fl.floatGapCycles).toBeGreaterThanOrEqual(0);
      expect(a - b).toBeGreaterThanOrEqual(fl.floatGapCycles - 1e-3);
    }
  });

  it('`dysta hw-agreement` prints the study (text and --json)', async () => {
    const bin = new URL('../../bin/dysta.js', import.meta.url).pathname;
    const text = await execa('node', [bin, 'hw-agreement', '--requests', '150']);
    expect(text.stdout).toMatch(/lockstep decisions identical: (\d+) \/ \1 = 100\.000%/);
    expect(text.stdout).toMatch(/\| float dysta \| .* \|\n\| fixed point \(ideal timing\) \|/);
    const json = JSON.parse((await execa('node', [bin, 'hw-agreement', '--requests', '150', '--json', '-'])).stdout);
    expect(json.identical).toBe(json.decisions);
    expect(json.options.scheduler.log2Tasks).toBe(10);
  });
});
