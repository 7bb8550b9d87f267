// The study's paired comparisons on points made up by hand: differences per seed against dysta and
// against the best published policy of each setting, their t-intervals, and the overall numbers.
import { describe, expect, it } from 'vitest';
import { studentTQuantile } from '../../sw-scheduler/stats.ts';
import { analyseStudy } from '../../sw-scheduler/study.ts';
import type { SweepConfig, SweepPoint } from '../../sw-scheduler/sweep.ts';

const config: SweepConfig = {
  source: { kind: 'zoo', name: 'cnn' },
  rates: [10],
  sloMults: [2, 4],
  seeds: [1, 2, 3],
  requests: 100,
  policies: ['sjf', 'dysta', 'mhg'],
  params: { alpha: 1, beta: 0.01 },
  lastN: 3,
};
// violation rate per [slo][policy][seed]; ANTT = 2 x violation + 1 (any values would do).
const vio: Record<number, Record<string, number[]>> = {
  2: { sjf: [0.3, 0.2, 0.25], dysta: [0.2, 0.3, 0.1], mhg: [0.1, 0.2, 0.05] },
  4: { sjf: [0.1, 0.1, 0.1], dysta: [0.2, 0.2, 0.2], mhg: [0.15, 0.1, 0.2] },
};
const points: SweepPoint[] = [];
for (const sloMult of config.sloMults)
  for (const [policy, values] of Object.entries(vio[sloMult]))
    values.forEach((v, i) => points.push({ rate: 10, sloMult, seed: config.seeds[i], policy, violationRate: v, antt: 2 * v + 1, stp: 1, decisions: 1, dispatchesPerRequest: 1 + v }));

describe('study analysis', () => {
  const a = analyseStudy(config, points);
  const at = (slo: number, policy: string) => a.settings.find((s) => s.sloMult === slo && s.policy === policy)!;

  it('paired differences against dysta, with the t-interval', () => {
    // SLO 2, mhg - dysta per seed: -0.1, -0.1, -0.05: mean -0.25/3.
    const d = at(2, 'mhg').vsDysta.violationRate;
    const diffs = [0.1 - 0.2, 0.2 - 0.3, 0.05 - 0.1];
    const m = (diffs[0] + diffs[1] + diffs[2]) / 3;
    const sd = Math.sqrt(diffs.reduce((s, x) => s + (x - m) ** 2, 0) / 2);
    expect(d.mean).toBeCloseTo(m, 15);
    expect(d.high - d.mean).toBeCloseTo(studentTQuantile(0.975, 2) * (sd / Math.sqrt(3)), 12);
  });

  it('best published per setting: dysta (0.2) at SLO 2, sjf (0.1) at SLO 4', () => {
    expect(at(2, 'mhg').vsBestPublished.bestForViolation).toBe('dysta');
    expect(at(4, 'mhg').vsBestPublished.bestForViolation).toBe('sjf');
    expect(at(4, 'mhg').vsBestPublished.violationRate.mean).toBeCloseTo(0.05, 15);
  });

  it('overall: per-seed differences averaged over the settings, then the interval', () => {
    const mhg = a.overall.find((o) => o.policy === 'mhg')!;
    // Per seed: ((-0.1) + (-0.05)) / 2, ((-0.1) + (-0.1)) / 2, ((-0.05) + 0) / 2.
    expect(mhg.vsDysta.violationRate.mean).toBeCloseTo((-0.075 - 0.1 - 0.025) / 3, 15);
    expect(mhg.violationRate).toBeCloseTo((0.35 / 3 + 0.45 / 3) / 2, 15);
    expect(mhg.settingsBelowDysta).toBe(2);
    // Below the best published: SLO 2 (0.35/3 < 0.2) yes; SLO 4 (0.45/3 = 0.15 vs sjf 0.1) no.
    expect(mhg.settingsBelowBestPublished).toBe(1);
    expect(mhg.settingsSignificantlyBelowDysta).toBe(1);
    expect(mhg.dispatchesPerRequest).toBeCloseTo(1 + mhg.violationRate, 15);
    expect(a.settingCount).toBe(2);
  });
});
