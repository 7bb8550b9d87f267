// Seeded random scenarios for the scheduler: variant tables, requests with bursts (the table fills
// and admissions are refused), idle gaps (the scheduler empties), deadlines already in the past,
// non-zero counts from 0 to far above the expectation (gamma saturates), and penalty scales from
// tiny to saturated.
import { mersenne, unsafeUniformIntDistribution, type RandomGenerator } from 'pure-rand';
import type { SchedScript, ScriptRequest, ScriptVariant } from '../cosim/scheduler/driver.ts';
import type { SchedulerConfig } from '../hwgen/config/index.ts';
import { encodePenaltyScale, encodeReciprocal, layersRun, schedulerFormats } from '../hwgen/index.ts';
import { maxOf, sat } from '../hwgen/scheduler/formats.ts';

export class Rng {
  private readonly g: RandomGenerator;
  constructor(seed: number) {
    this.g = mersenne(seed);
  }
  int(lo: number, hi: number): number {
    return unsafeUniformIntDistribution(lo, hi, this.g);
  }
  big(lo: bigint, hi: bigint): bigint {
    const span = hi - lo;
    if (span <= 0n) return lo;
    if (span < 2n ** 31n) return lo + BigInt(this.int(0, Number(span)));
    const r = (BigInt(this.int(0, 2 ** 30)) << 30n) | BigInt(this.int(0, 2 ** 30 - 1));
    return lo + (r % (span + 1n));
  }
  chance(p: number): boolean {
    return this.int(0, 999_999) < p * 1_000_000;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)]!;
  }
}

export interface ScenarioOptions {
  seed: number;
  requests: number;
  /** Variants used (<= 2^log2Variants). */
  variants?: number;
  /** Largest layer count of a variant. */
  maxLayers?: number;
  /** Mean gap between arrivals in cycles. */
  meanGap?: number;
  /** Fraction of layers whose non-zeros stream through the sparsity monitor instead of npu_count. */
  monitorFraction?: number;
  /** The monitor's lanes (the PE array's output lanes). */
  lanes?: number;
}

/** Shortest layer the harness accepts: reads back one slot, every valid score, and admissions. */
export function minLayerCycles(cfg: SchedulerConfig): bigint {
  return BigInt(2 * 2 ** cfg.log2Tasks + 24);
}

/** Random variant tables; `expected[v][l]` is the expected non-zero count behind each reciprocal. */
export function randomVariants(cfg: SchedulerConfig, rng: Rng, count: number, maxLayers: number): { variants: ScriptVariant[]; expected: number[][] } {
  const f = schedulerFormats(cfg);
  const minCycles = minLayerCycles(cfg);
  const out: ScriptVariant[] = [];
  const expectedAll: number[][] = [];
  for (let v = 0; v < count; v++) {
    const nlayers = rng.int(1, Math.min(maxLayers, f.maxLayers));
    const avg = Array.from({ length: nlayers }, () => rng.big(minCycles, minCycles * 40n));
    const suffix = (from: number) => avg.slice(from).reduce((a, b) => a + b, 0n);
    // Expectations large enough for a recipWidth-bit reciprocal (no effect at the default widths).
    const least = Math.floor(2 ** f.gammaFrac / Number(maxOf(f.recipWidth))) + 1; // 1 at the default widths
    const expected = avg.map(() => Math.max(least, rng.chance(0.1) ? rng.int(1, 50) : rng.int(50, 2_000_000)));
    expectedAll.push(expected);
    out.push({
      variant: v,
      nlayers,
      suffix0: suffix(0),
      layers: avg.map((_, l) => {
        const r = encodeReciprocal(f, expected[l]!);
        return { mant: r.mant, shift: r.shift, suffixNext: suffix(l + 1) };
      }),
    });
  }
  return { variants: out, expected: expectedAll };
}

export function randomScenario(cfg: SchedulerConfig, o: ScenarioOptions): SchedScript {
  const f = schedulerFormats(cfg);
  const rng = new Rng(o.seed);
  const { variants, expected } = randomVariants(cfg, rng, Math.min(o.variants ?? 6, f.variants), o.maxLayers ?? 12);
  const minCycles = minLayerCycles(cfg);
  const meanGap = BigInt(o.meanGap ?? 4000);
  const start = 10_000n;
  let t = start;
  const requests: ScriptRequest[] = [];
  for (let i = 0; i < o.requests; i++) {
    // Bursts (same cycle), ordinary gaps, and long idle stretches.
    const mode = rng.int(0, 99);
    t += mode < 25 ? 0n : mode < 95 ? rng.big(0n, 2n * meanGap) : rng.big(50n * meanGap, 200n * meanGap);
    const prev = requests[requests.length - 1];
    if (mode < 25 && prev && rng.chance(0.5)) {
      // A twin of the previous request (same cycle, variant, deadline, scale): equal scores until one runs.
      requests.push({ ...prev, layers: prev.layers.map((l) => ({ ...l })) });
      continue;
    }
    const v = rng.pick(variants);
    const iso = v.suffix0;
    const dmode = rng.int(0, 9);
    const deadline = dmode === 0 ? (t > 5000n ? t - rng.big(0n, 5000n) : 0n) : t + (iso * BigInt(rng.int(5, 60))) / 10n;
    const smode = rng.int(0, 19);
    const scale = smode === 0 ? maxOf(f.penaltyScaleWidth) : smode === 1 ? rng.big(0n, 16n) : encodePenaltyScale(f, iso * BigInt(rng.int(1, 400)));
    const layers = [];
    const runs = layersRun(f, v.nlayers);
    for (let l = 0; l < runs; l++) {
      const e = BigInt(expected[v.variant]![l]!);
      if (rng.chance(o.monitorFraction ?? 0.1)) {
        // Real-NPU mode: a few output rows through the monitor.
        const lanes = o.lanes ?? 16;
        const nnz = rng.int(0, 40 * lanes);
        const rows = Math.max(1, Math.ceil(nnz / lanes) + rng.int(0, 3));
        layers.push({ cycles: rng.big(minCycles + BigInt(rows), minCycles * 50n), nnz: BigInt(nnz), rows });
        continue;
      }
      const nmode = rng.int(0, 19);
      const nnz = sat(nmode === 0 ? 0n : nmode === 1 ? maxOf(f.nnzWidth) : (e * BigInt(rng.int(0, 2500))) / 1000n, f.nnzWidth);
      layers.push({ cycles: rng.big(minCycles, minCycles * 50n), nnz });
    }
    requests.push({ arrival: t, variant: v.variant, deadline, scale, layers });
  }
  return { start, variants, requests };
}
