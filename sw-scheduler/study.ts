// The analysis behind `dysta study`: per setting (arrival rate x SLO multiplier), the mean over seeds
// of every policy's violation rate, ANTT and dispatches per request, and paired comparisons:
// - vs `dysta`: per seed, the difference policy - dysta on the same trace; 95% t-interval of the mean
//   of these paired differences (paired t-interval, n = seeds, df = n - 1);
// - vs the best published policy: for each setting and metric, the one of the eleven ALGORITHMS.md
//   policies with the lowest mean (picked after the fact, which favours the baseline), then the same
//   paired interval.
// Overall (all settings): every setting uses the same seeds, so for each seed the differences are
// averaged over the settings and the t-interval is taken over these per-seed averages.
import { POLICY_NAMES } from './policies/index.ts';
import { mean, tInterval, type Interval } from './stats.ts';
import type { SweepConfig, SweepPoint } from './sweep.ts';

export const STUDY_BASELINE = 'dysta';
export type StudyMetric = 'violationRate' | 'antt';

export interface Comparison {
  /** The policy compared against (dysta, or the best published one for that metric and setting). */
  readonly against: string;
  /** Paired differences policy - against, in the metric's units. */
  readonly violationRate: Interval;
  readonly antt: Interval;
}

export interface SettingStats {
  readonly rate: number;
  readonly sloMult: number;
  readonly policy: string;
  readonly violationRate: number;
  readonly antt: number;
  readonly dispatchesPerRequest: number;
  readonly seeds: number;
  readonly vsDysta: Comparison;
  /** Against the best published policy per metric; `against` names both ("vio: x, antt: y"). */
  readonly vsBestPublished: Comparison & { readonly bestForViolation: string; readonly bestForAntt: string };
}

export interface OverallStats {
  readonly policy: string;
  readonly violationRate: number;
  readonly antt: number;
  /** Mean over settings of (mean ANTT / mean ANTT of dysta). */
  readonly anttRatioVsDysta: number;
  readonly dispatchesPerRequest: number;
  readonly vsDysta: Comparison;
  readonly vsBestPublished: Comparison;
  /** Settings where the mean violation rate is below dysta's / the best published policy's. */
  readonly settingsBelowDysta: number;
  readonly settingsBelowBestPublished: number;
  /** Settings where the 95% interval of the paired violation difference lies wholly below / above 0. */
  readonly settingsSignificantlyBelowDysta: number;
  readonly settingsSignificantlyAboveDysta: number;
}

export interface StudyAnalysis {
  readonly settings: readonly SettingStats[];
  readonly overall: readonly OverallStats[];
  readonly settingCount: number;
}

export function analyseStudy(config: SweepConfig, points: readonly SweepPoint[]): StudyAnalysis {
  const at = new Map<string, SweepPoint>();
  for (const p of points) at.set(`${p.rate}|${p.sloMult}|${p.seed}|${p.policy}`, p);
  const series = (rate: number, sloMult: number, policy: string, metric: StudyMetric | 'dispatchesPerRequest') =>
    config.seeds.map((seed) => {
      const p = at.get(`${rate}|${sloMult}|${seed}|${policy}`);
      if (!p) throw new Error(`study: no point for rate ${rate}, SLO ${sloMult}, seed ${seed}, ${policy}`);
      return p[metric];
    });
  const diff = (a: number[], b: number[]) => a.map((x, i) => x - b[i]);
  const published = config.policies.filter((p) => POLICY_NAMES.includes(p));

  const settings: SettingStats[] = [];
  // Per policy: per-seed differences summed over settings (for the overall interval).
  const sums = new Map<string, { dv: number[]; da: number[]; bv: number[]; ba: number[] }>();
  for (const policy of config.policies) sums.set(policy, { dv: config.seeds.map(() => 0), da: config.seeds.map(() => 0), bv: config.seeds.map(() => 0), ba: config.seeds.map(() => 0) });
  for (const rate of config.rates) {
    for (const sloMult of config.sloMults) {
      const base = { v: series(rate, sloMult, STUDY_BASELINE, 'violationRate'), a: series(rate, sloMult, STUDY_BASELINE, 'antt') };
      const bestBy = (metric: StudyMetric) => published.reduce((best, p) => (mean(series(rate, sloMult, p, metric)) < mean(series(rate, sloMult, best, metric)) ? p : best));
      const bestV = bestBy('violationRate');
      const bestA = bestBy('antt');
      const bv = series(rate, sloMult, bestV, 'violationRate');
      const ba = series(rate, sloMult, bestA, 'antt');
      for (const policy of config.policies) {
        const v = series(rate, sloMult, policy, 'violationRate');
        const a = series(rate, sloMult, policy, 'antt');
        const d = series(rate, sloMult, policy, 'dispatchesPerRequest');
        const s = sums.get(policy)!;
        const add = (acc: number[], xs: number[]) => xs.forEach((x, i) => (acc[i] += x));
        add(s.dv, diff(v, base.v));
        add(s.da, diff(a, base.a));
        add(s.bv, diff(v, bv));
        add(s.ba, diff(a, ba));
        settings.push({
          rate,
          sloMult,
          policy,
          violationRate: mean(v),
          antt: mean(a),
          dispatchesPerRequest: mean(d),
          seeds: v.length,
          vsDysta: { against: STUDY_BASELINE, violationRate: tInterval(diff(v, base.v)), antt: tInterval(diff(a, base.a)) },
          vsBestPublished: {
            against: `violation: ${bestV}, ANTT: ${bestA}`,
            bestForViolation: bestV,
            bestForAntt: bestA,
            violationRate: tInterval(diff(v, bv)),
            antt: tInterval(diff(a, ba)),
          },
        });
      }
    }
  }
  const settingCount = config.rates.length * config.sloMults.length;
  const overall = config.policies.map((policy): OverallStats => {
    const mine = settings.filter((s) => s.policy === policy);
    const dystaOf = (s: SettingStats) => settings.find((x) => x.policy === STUDY_BASELINE && x.rate === s.rate && x.sloMult === s.sloMult)!;
    const bestOf = (s: SettingStats) => settings.find((x) => x.policy === s.vsBestPublished.bestForViolation && x.rate === s.rate && x.sloMult === s.sloMult)!;
    const sum = sums.get(policy)!;
    const perSeed = (xs: number[]) => xs.map((x) => x / settingCount);
    return {
      policy,
      violationRate: mean(mine.map((s) => s.violationRate)),
      antt: mean(mine.map((s) => s.antt)),
      anttRatioVsDysta: mean(mine.map((s) => s.antt / dystaOf(s).antt)),
      dispatchesPerRequest: mean(mine.map((s) => s.dispatchesPerRequest)),
      vsDysta: { against: STUDY_BASELINE, violationRate: tInterval(perSeed(sum.dv)), antt: tInterval(perSeed(sum.da)) },
      vsBestPublished: { against: 'best published per setting and metric', violationRate: tInterval(perSeed(sum.bv)), antt: tInterval(perSeed(sum.ba)) },
      settingsBelowDysta: mine.filter((s) => s.violationRate < dystaOf(s).violationRate).length,
      settingsBelowBestPublished: mine.filter((s) => s.violationRate < bestOf(s).violationRate).length,
      settingsSignificantlyBelowDysta: mine.filter((s) => s.vsDysta.violationRate.high < 0).length,
      settingsSignificantlyAboveDysta: mine.filter((s) => s.vsDysta.violationRate.low > 0).length,
    };
  });
  return { settings, overall, settingCount };
}
