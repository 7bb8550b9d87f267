// The fixed-point MHG (= mhg_policy) against the float `mhg` and `mhg_vio` on 1000-request traces of
// both zoos, with the regression predictor both use by default: at least 99.9% identical decisions
// (measured: all of them) and the same violation rate; with a deliberately coarse 1/iso and coarse
// parameters every flip is named by the stage where float and fixed point part.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../hwgen/index.ts';
import { runAgreement } from '../../compare/hw-agreement-command.ts';

const base = { requests: 1000, seed: 1 };
const mhgHw = (extra: Record<string, number> = {}) => parseConfig({ scheduler: { log2Tasks: 10, policy: 'mhg', predictor: 'regression', ...extra } }).scheduler;

describe('fixed-point MHG vs the float mhg / mhg_vio', () => {
  it.each([
    ['mhg', 'cnn', 0.9, 10],
    ['mhg', 'attention', 1.1, 4],
    ['mhg_vio', 'cnn', 1.3, 4],
    ['mhg_vio', 'attention', 0.9, 10],
  ] as const)('%s on the %s zoo, load %f, SLO x%i: at least 99.9 percent identical, the same violation rate', (policy, workload, load, sloMult) => {
    const r = runAgreement({ ...base, policy, workload, load, sloMult, scheduler: mhgHw() });
    expect(r.decisions).toBeGreaterThan(10_000);
    expect(r.identical / r.decisions).toBeGreaterThanOrEqual(0.999);
    for (const fl of r.mhgFlips) expect(fl.explanation.startsWith(fl.stage)).toBe(true);
    expect(r.fixed.violationRate).toBe(r.float.violationRate);
    expect(Math.abs(r.fixed.antt - r.float.antt)).toBeLessThan(1e-4);
  });

  it('mhg and mhg_vio are one build: only the registers differ, and so do the outcomes', () => {
    const opts = { ...base, workload: 'cnn', load: 1.3, sloMult: 4, scheduler: mhgHw() };
    const a = runAgreement({ ...opts, policy: 'mhg' });
    const b = runAgreement({ ...opts, policy: 'mhg_vio' });
    expect(b.fixed.violationRate).toBeLessThan(a.fixed.violationRate);
    expect([a.fixed.violationRate, b.fixed.violationRate]).toEqual([a.float.violationRate, b.float.violationRate]);
  });

  it('a coarse 1/iso (16 bits, 2^-24) and 8-bit parameters: the flips are few and each is named', () => {
    const scheduler = mhgHw({ mhgParamFracBits: 8, mhgInvIsoFracBits: 24, mhgInvIsoWidth: 16 });
    const r = runAgreement({ ...base, policy: 'mhg_vio', workload: 'cnn', load: 1.3, sloMult: 4, scheduler });
    expect(r.mhgFlips.length).toBeGreaterThan(0);
    expect(r.mhgFlips.length).toBeLessThan(r.decisions / 100);
    for (const fl of r.mhgFlips) {
      expect(['EDF order', 'marking', 'allowed set', 'best key', 'protection']).toContain(fl.stage);
      expect(fl.explanation.startsWith(fl.stage)).toBe(true);
    }
    expect(r.mhgFlips.some((fl) => fl.stage === 'protection' && /fixed cost \d/.test(fl.explanation))).toBe(true);
  });

  it('`dysta hw-agreement --policy mhg_vio` prints the study; a dysta build refuses --policy mhg', async () => {
    const bin = new URL('../../bin/dysta.js', import.meta.url).pathname;
    const text = await execa('node', [bin, 'hw-agreement', '--requests', '150', '--policy', 'mhg_vio']);
    expect(text.stdout).toMatch(/mhg_vio \(sigma 0\.1, lambda 3, tau 0\.1\) with the regression predictor/);
    expect(text.stdout).toMatch(/lockstep decisions identical: (\d+) \/ \1 = 100\.000%/);
    expect(text.stdout).toMatch(/\| float mhg_vio --predictor regression \|/);
    expect(() => runAgreement({ ...base, requests: 10, workload: 'cnn', load: 1, sloMult: 4, policy: 'mhg', scheduler: parseConfig({}).scheduler })).toThrow(/scheduler.policy = "mhg"/);
  });
});
