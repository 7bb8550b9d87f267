// The fixed-point scheduler with the regression predictor (= the RTL) against the float
// `dysta --predictor regression` (cross-fitted by sample parity; the RTL's coefficient bank of a
// request = the fit it uses) on 1000-request traces of both zoos: at least 99.9% identical decisions
// (measured: all of them), the same violation rate; with deliberately coarse formats the flips are
// near ties or clamps, each explained.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../hwgen/index.ts';
import { runAgreement } from '../../compare/hw-agreement-command.ts';

const base = { requests: 1000, seed: 1 };

describe('fixed point vs float dysta --predictor regression', () => {
  it.each([
    ['cnn', 0.9, 10],
    ['cnn', 1.3, 4],
    ['attention', 0.9, 10],
    ['attention', 1.1, 4],
  ] as const)('%s zoo, load %f, SLO x%i: at least 99.9 percent identical decisions, same violation rate', (workload, load, sloMult) => {
    const scheduler = parseConfig({ scheduler: { log2Tasks: 10, predictor: 'regression' } }).scheduler;
    const r = runAgreement({ ...base, workload, load, sloMult, scheduler });
    expect(r.decisions).toBeGreaterThan(10_000);
    expect(r.identical / r.decisions).toBeGreaterThanOrEqual(0.999);
    for (const fl of r.flips) expect(fl.explanation).toMatch(/^(near tie|saturation)/);
    expect(r.fixed.violationRate).toBe(r.float.violationRate);
    expect(Math.abs(r.fixed.antt - r.float.antt)).toBeLessThan(1e-4);
  });

  it('the regression really differs from gamma on the same trace', () => {
    const opts = { ...base, workload: 'attention', load: 1.1, sloMult: 4 };
    const g = runAgreement({ ...opts, scheduler: parseConfig({ scheduler: { log2Tasks: 10 } }).scheduler });
    const r = runAgreement({ ...opts, scheduler: parseConfig({ scheduler: { log2Tasks: 10, predictor: 'regression' } }).scheduler });
    expect(r.float.violationRate).not.toBe(g.float.violationRate);
    expect(r.fixed.violationRate).toBe(r.float.violationRate);
  });

  it('coarse formats (8 fraction bits of gamma, 16-bit score in 2^14-cycle units): every flip explained, < 0.1%', () => {
    const scheduler = parseConfig({ scheduler: { log2Tasks: 10, predictor: 'regression', gammaFracBits: 8, scoreWidth: 16, scoreShift: 14, idleWidth: 36, penaltyScaleWidth: 16, penaltyScaleFracBits: 6 } }).scheduler;
    const r = runAgreement({ ...base, workload: 'cnn', load: 0.9, sloMult: 10, scheduler });
    expect(r.flips.length).toBeGreaterThan(0);
    expect(r.flips.length).toBeLessThan(r.decisions / 1000);
    for (const fl of r.flips) {
      expect(fl.explanation).toMatch(/^near tie/);
      const [a, b] = fl.deviationCycles;
      expect(a - b).toBeGreaterThanOrEqual(fl.floatGapCycles - 1e-3);
    }
  });

  it('`dysta hw-agreement --predictor regression` prints the study', async () => {
    const bin = new URL('../../bin/dysta.js', import.meta.url).pathname;
    const text = await execa('node', [bin, 'hw-agreement', '--requests', '150', '--predictor', 'regression']);
    expect(text.stdout).toMatch(/dysta with the regression predictor/);
    expect(text.stdout).toMatch(/lockstep decisions identical: (\d+) \/ \1 = 100\.000%/);
    expect(text.stdout).toMatch(/\| float dysta --predictor regression \|/);
  });
});
