// Seeded random scenarios for the scheduler: variant tables, requests with bursts (the table fills
// and admissions are refused), idle gaps (the scheduler empties), deadlines already in the past,
// non-zero counts from 0 to far above the expectation (gamma saturates), and penalty scales from
// tiny to saturated.
import { mersenne, unsafeUniformIntDistribution, type RandomGenerator } from 'pure-rand';
import type { SchedScript, ScriptRequest, ScriptVariant } from '../cosim/scheduler/driver.ts';
import type { SchedulerConfig } from '../hwgen/config/index.ts';
import { encodeInvIso, encodePenaltyScale, encodeReciprocal, layersRun, mhgParamsQ, schedulerFormats, type SchedulerFormats } from '../hwgen/index.ts';
import { maxOf, sat } from '../hwgen/scheduler/formats.ts';

export class Rng {
  private readonly g: RandomGenerator;
  constructor(seed: number | RandomGenerator) {
    this.g = typeof seed === 'number' ? mersenne(seed) : seed;
  }
  /** An independent copy at the same point of the sequence (for speculative stimulus). */
  clone(): Rng {
    return new Rng(this.g.clone());
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
  /** Time of the first arrival's reference point (default 10,000). */
  start?: bigint;
  /**
   * Layer latencies, layer lengths and gaps are multiplied by this (default 1): with time-skip
   * ports, 2^14 gives layers of 10^8 cycles and idle stretches of 10^10, so the high bits of
   * times, idle times, slack and products are exercised at no simulation cost.
   */
  timeScale?: bigint;
  /** Shortest layer in cycles (default and at least minLayerCycles): room for a host that stalls events. */
  layerFloor?: bigint;
}

/** Shortest layer the harness accepts: reads back one slot, every valid score, and admissions. */
export function minLayerCycles(cfg: SchedulerConfig): bigint {
  return BigInt(2 * 2 ** cfg.log2Tasks + 24);
}

/** Random variant tables; `expected[v][l]` is the expected non-zero count behind each reciprocal. */
export function randomVariants(cfg: SchedulerConfig, rng: Rng, count: number, maxLayers: number, timeScale = 1n): { variants: ScriptVariant[]; expected: number[][] } {
  const f = schedulerFormats(cfg);
  const minCycles = minLayerCycles(cfg);
  const out: ScriptVariant[] = [];
  const expectedAll: number[][] = [];
  for (let v = 0; v < count; v++) {
    const nlayers = rng.int(1, Math.min(maxLayers, f.maxLayers));
    const avg = Array.from({ length: nlayers }, () => rng.big(minCycles, minCycles * 40n) * timeScale);
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
      ...(f.regression ? { coeffs: [0, 1].map(() => randomCoefficients(f, rng, avg.map((_, k) => suffix(k)))) } : {}),
      ...(f.mhg ? mhgVariantWords(f, rng.chance(0.9) ? suffix(0) : rng.big(1n, suffix(0) * 4n)) : {}),
    });
  }
  return { variants: out, expected: expectedAll };
}

/**
 * Regression coefficients around a variant's suffix sums: a mostly a fraction of the remainder, b of
 * either sign (P falls below 0 and clamps), now and then the extremes of the coefficient range (P
 * saturates); b[0] = 0 as the host writes it.
 */
export function randomCoefficients(f: SchedulerFormats, rng: Rng, suffix: readonly bigint[]): { a: bigint[]; b: bigint[] } {
  const lim = (1n << BigInt(f.coeffWidth - 1)) - 1n;
  const a: bigint[] = [];
  const b: bigint[] = [];
  suffix.forEach((rem, k) => {
    const mode = rng.int(0, 19);
    if (mode === 0) a.push(rng.chance(0.5) ? lim : -lim - 1n);
    else if (mode === 1) a.push(-rng.big(0n, rem + 1n));
    else a.push((rem * BigInt(rng.int(0, 120))) / 100n);
    if (k === 0) b.push(0n);
    else if (mode === 2) b.push(rng.chance(0.5) ? lim : -lim - 1n);
    else b.push((rem * BigInt(rng.int(-60, 150))) / 100n);
  });
  return { a, b };
}

/** MHG: a variant's iso (cycles) and its 1/iso word. */
export function mhgVariantWords(f: SchedulerFormats, iso: bigint): { iso: bigint; invIso: bigint } {
  return { iso, invIso: encodeInvIso(f, iso) };
}

/** MHG: random register values around mhg's and mhg_vio's, with the extremes (0, tau >= 1, a huge lambda). */
export function randomMhgParams(f: SchedulerFormats, rng: Rng): { sigma: bigint; lambda: bigint; tau: bigint } {
  return mhgParamsQ(f, { sigma: rng.pick([0, 0.1, 0.25, 0.25, 1, 3]), lambda: rng.pick([0, 1, 1, 3, 1e4]), tau: rng.pick([0, 0.1, 0.1, 0.5, 1, 1.5]) });
}

export function randomScenario(cfg: SchedulerConfig, o: ScenarioOptions): SchedScript {
  const f = schedulerFormats(cfg);
  const rng = new Rng(o.seed);
  const stretch = o.timeScale ?? 1n;
  const { variants, expected } = randomVariants(cfg, rng, Math.min(o.variants ?? 6, f.variants), o.maxLayers ?? 12, stretch);
  const minCycles = minLayerCycles(cfg);
  // Drawn as always (the same stimulus for every floor), then raised to the floor.
  const floor = o.layerFloor !== undefined && o.layerFloor > minCycles ? o.layerFloor : minCycles;
  const atLeast = (cycles: bigint) => (cycles < floor ? floor : cycles);
  const meanGap = BigInt(o.meanGap ?? 4000) * stretch;
  const start = o.start ?? 10_000n;
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
    const deadline = dmode === 0 ? (t > 5000n * stretch ? t - rng.big(0n, 5000n * stretch) : 0n) : t + (iso * BigInt(rng.int(5, 60))) / 10n;
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
        layers.push({ cycles: atLeast(rng.big(minCycles + BigInt(rows), minCycles * 50n) * stretch + (floor - minCycles)), nnz: BigInt(nnz), rows });
        continue;
      }
      const nmode = rng.int(0, 19);
      const nnz = sat(nmode === 0 ? 0n : nmode === 1 ? maxOf(f.nnzWidth) : (e * BigInt(rng.int(0, 2500))) / 1000n, f.nnzWidth);
      layers.push({ cycles: atLeast(rng.big(minCycles, minCycles * 50n) * stretch), nnz });
    }
    requests.push({ arrival: t, variant: v.variant, deadline, scale, layers, ...(f.regression ? { bank: rng.int(0, 1) } : {}) });
  }
  return { start, variants, requests, ...(f.mhg && rng.chance(0.7) ? { mhgParams: randomMhgParams(f, rng) } : {}) };
}
