// The scheduler's documented numbers, written out a second time from hwgen/scheduler/README.md and
// nothing else: the 1/k and 1/N tables, beta, the term width and the score. The RTL and its golden
// model both take their constants from hwgen/scheduler/formats.ts, so a wrong rounding or an extra
// stage there keeps them in agreement; these formulas do not import formats.ts or golden.ts, so the
// checks built on them can disagree with both. Rounding is spelled as "quotient, plus one when twice
// the remainder reaches the divisor" (halves up), not as the shared roundDiv.
import type { SchedulerConfig } from '../hwgen/config/index.ts';

const ONE = 1n;

function pow2(n: number): bigint {
  return ONE << BigInt(n);
}

/** a / b rounded to nearest, halves up (a >= 0, b > 0). */
export function roundHalfUp(a: bigint, b: bigint): bigint {
  const q = a / b;
  return 2n * (a - q * b) >= b ? q + 1n : q;
}

/** a / b rounded down (what a table built with floor instead of round would hold). */
export function floorDiv(a: bigint, b: bigint): bigint {
  return a / b;
}

/** Clamp to width bits (all ones when it does not fit). */
export function clamp(x: bigint, width: number): bigint {
  const max = pow2(width) - ONE;
  return x > max ? max : x;
}

/** README: "1/k table: round(2^invKFracBits / k), k = 1..2^log2MaxLayers". */
export function invKEntry(cfg: SchedulerConfig, k: number, round = roundHalfUp): bigint {
  return round(pow2(cfg.invKFracBits), BigInt(k));
}

/** README: "1/N table: round(2^invNFracBits / N), N = 1..2^D". */
export function invNEntry(cfg: SchedulerConfig, n: number, round = roundHalfUp): bigint {
  return round(pow2(cfg.invNFracBits), BigInt(n));
}

/** README: "beta: round(betaPpm x 2^betaFracBits / 10^6)" (42949673 at the defaults). */
export function betaQ(cfg: SchedulerConfig): bigint {
  return roundHalfUp(BigInt(cfg.betaPpm) * pow2(cfg.betaFracBits), 1_000_000n);
}

/** README: "termWidth = scoreWidth + ceil(log2(1/beta))" (at most 64). */
export function termWidth(cfg: SchedulerConfig): number {
  const q = betaQ(cfg);
  if (q === 0n) return cfg.scoreWidth;
  // ceil(log2(2^betaFrac / q)): the smallest h with q * 2^h >= 2^betaFrac.
  let h = 0;
  while (q * pow2(h) < pow2(cfg.betaFracBits)) h++;
  return Math.min(64, cfg.scoreWidth + h);
}

export interface RefTask {
  deadline: bigint;
  lastRun: bigint;
  pred: bigint;
  scale: bigint;
}

/**
 * README "Fixed-point formats": score = sat(sat(P >> s) + betaTerm), betaTerm = sat((sat(urgency +
 * penalty) x betaQ) >> betaFrac), urgency = sat(max(0, deadline - t - P) >> s), penalty =
 * sat((sat((idle x scale) >> (scaleFrac + s)) x invN[N]) >> invNFrac), idle = sat(max(0, t - lastRun)).
 */
export function refScore(cfg: SchedulerConfig, t: RefTask, tSel: bigint, n: number, invN: (n: number) => bigint = (k) => invNEntry(cfg, k)): bigint {
  const s = BigInt(cfg.scoreShift);
  const tw = termWidth(cfg);
  const p = clamp(t.pred >> s, cfg.scoreWidth);
  const slack = t.deadline - tSel - t.pred;
  const urgency = slack > 0n ? clamp(slack >> s, tw) : 0n;
  const idle = clamp(tSel > t.lastRun ? tSel - t.lastRun : 0n, cfg.idleWidth);
  const scaled = clamp((idle * t.scale) >> BigInt(cfg.penaltyScaleFracBits + cfg.scoreShift), tw);
  const penalty = clamp((scaled * invN(n)) >> BigInt(cfg.invNFracBits), tw);
  const term = clamp((clamp(urgency + penalty, tw) * betaQ(cfg)) >> BigInt(cfg.betaFracBits), cfg.scoreWidth);
  return clamp(p + term, cfg.scoreWidth);
}

/** README: gamma = sat((ratioSum x invK[k]) >> invKFracBits) with gammaIntBits + gammaFracBits bits. */
export function refGamma(cfg: SchedulerConfig, ratioSum: bigint, k: number, invK: (k: number) => bigint = (j) => invKEntry(cfg, j)): bigint {
  return clamp((ratioSum * invK(k)) >> BigInt(cfg.invKFracBits), cfg.gammaIntBits + cfg.gammaFracBits);
}

/** README: P = sat((gamma x suffixNext) >> gammaFracBits, latencyWidth). */
export function refPred(cfg: SchedulerConfig, gamma: bigint, suffixNext: bigint): bigint {
  return clamp((gamma * clamp(suffixNext, cfg.latencyWidth)) >> BigInt(cfg.gammaFracBits), cfg.latencyWidth);
}

/** README: a layer's ratio = sat((sat(nnz, nnzWidth) x mant) >> shift, gammaWidth). */
export function refRatio(cfg: SchedulerConfig, nnz: bigint, mant: bigint, shift: number): bigint {
  return clamp((clamp(nnz, cfg.nnzWidth) * mant) >> BigInt(shift), cfg.gammaIntBits + cfg.gammaFracBits);
}

/**
 * The README's timing, in cycles, as literals: a selection starts 2 cycles after an admission into
 * an empty idle block and 17 after layer done; its decision event is visible (busiest unit's valid
 * slots) + 20 cycles after it starts; so N + 37 from layer done with one unit.
 */
export const DOCUMENTED_TIMING = { admitToSelect: 2, doneToSelect: 17, selectToEvent: 20, doneToEvent: 37 } as const;
