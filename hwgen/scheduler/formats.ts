// The scheduler's fixed-point formats, written down once. The RTL generator (rtl.ts) sizes every
// register and shift from this object and the golden model (golden.ts) computes with the same
// numbers, so the two cannot disagree silently. Every value here is documented in README.md.
//
// Conventions: all arithmetic is on unsigned integers (bigint in TypeScript); a right shift
// truncates (floor); "sat(x, w)" clamps to 2^w - 1. Times and latencies are clock cycles.
import type { SchedulerConfig } from '../config/index.ts';

export interface SchedulerFormats {
  readonly cfg: SchedulerConfig;
  /** Task table: 2^D slots; slot index width. */
  readonly tasks: number;
  readonly slotWidth: number;
  /** Number of valid tasks 0..2^D. */
  readonly countWidth: number;
  readonly variants: number;
  readonly variantWidth: number;
  readonly maxLayers: number;
  /** A layer index 0..maxLayers-1. */
  readonly layerWidth: number;
  /** A layer count / executed-layer count k, 0..maxLayers. */
  readonly layerCountWidth: number;
  readonly timeWidth: number;
  readonly latencyWidth: number;
  readonly nnzWidth: number;
  readonly recipWidth: number;
  /** Exponent field of a reciprocal (ratio = (nnz * mant) >> shift). */
  readonly recipShiftWidth: number;
  /** gamma and a layer ratio: gammaWidth bits with gammaFrac fraction bits. */
  readonly gammaWidth: number;
  readonly gammaFrac: number;
  /** Sum of up to maxLayers ratios: never overflows. */
  readonly ratioSumWidth: number;
  readonly invKFrac: number;
  readonly invKWidth: number;
  readonly invNFrac: number;
  readonly invNWidth: number;
  readonly scoreWidth: number;
  readonly scoreShift: number;
  /**
   * Width of urgency, penalty and their sum before beta: scoreWidth + ceil(log2(1 / beta)), so a
   * term only saturates where beta x term would saturate the score anyway (at most 64).
   */
  readonly termWidth: number;
  readonly idleWidth: number;
  readonly penaltyScaleWidth: number;
  readonly penaltyScaleFrac: number;
  /** beta as round(betaPpm * 2^betaFrac / 1e6). */
  readonly betaQ: bigint;
  readonly betaFrac: number;
  readonly betaWidth: number;
  readonly seqWidth: number;
  readonly units: number;
  readonly unitWidth: number;
  readonly clockHz: number;
  readonly timeSkip: boolean;
  /** The regression predictor (P = max(0, a + b x gamma)) instead of gamma x suffix sum. */
  readonly regression: boolean;
  /**
   * Width of a regression coefficient: a (cycles) and b (cycles per unit of gamma), signed two's
   * complement, latencyWidth + 2 bits (twice the range of P either way).
   */
  readonly coeffWidth: number;
  /** Coefficient banks (two: a request uses the fit made without its own half of the samples). */
  readonly coeffBanks: number;
  /** The MHG policy instead of the Dysta score units. */
  readonly mhg: boolean;
  /** MHG: sigma, lambda, tau registers: mhgParamWidth bits, mhgParamFrac fraction bits. */
  readonly mhgParamWidth: number;
  readonly mhgParamFrac: number;
  /** MHG: 1/iso per variant, round(2^invIsoFrac / iso cycles), invIsoWidth bits (saturating). */
  readonly invIsoFrac: number;
  readonly invIsoWidth: number;
  /** MHG: key = P x iso (cycles^2). */
  readonly keyWidth: number;
}

export function bitsFor(n: number | bigint): number {
  let v = BigInt(n);
  let w = 1;
  while (v >= 2n) {
    v >>= 1n;
    w++;
  }
  return w;
}

export function schedulerFormats(cfg: SchedulerConfig): SchedulerFormats {
  const tasks = 2 ** cfg.log2Tasks;
  const maxLayers = 2 ** cfg.log2MaxLayers;
  const gammaWidth = cfg.gammaIntBits + cfg.gammaFracBits;
  // Banks must keep at least two rows each (memories are powers of two >= 2 deep).
  const units = Math.min(cfg.selectorUnits, Math.max(1, tasks / 2));
  const betaQ = roundDiv(BigInt(cfg.betaPpm) << BigInt(cfg.betaFracBits), 1000000n);
  let headroom = 0;
  while (betaQ > 0n && betaQ << BigInt(headroom) < 1n << BigInt(cfg.betaFracBits)) headroom++;
  const termWidth = Math.min(64, cfg.scoreWidth + headroom);
  return {
    cfg,
    tasks,
    slotWidth: cfg.log2Tasks,
    countWidth: cfg.log2Tasks + 1,
    variants: 2 ** cfg.log2Variants,
    variantWidth: cfg.log2Variants,
    maxLayers,
    layerWidth: cfg.log2MaxLayers,
    layerCountWidth: cfg.log2MaxLayers + 1,
    timeWidth: cfg.timeWidth,
    latencyWidth: cfg.latencyWidth,
    nnzWidth: cfg.nnzWidth,
    recipWidth: cfg.recipWidth,
    recipShiftWidth: 6,
    gammaWidth,
    gammaFrac: cfg.gammaFracBits,
    ratioSumWidth: gammaWidth + cfg.log2MaxLayers,
    invKFrac: cfg.invKFracBits,
    invKWidth: cfg.invKFracBits + 1,
    invNFrac: cfg.invNFracBits,
    invNWidth: cfg.invNFracBits + 1,
    scoreWidth: cfg.scoreWidth,
    scoreShift: cfg.scoreShift,
    termWidth,
    idleWidth: cfg.idleWidth,
    penaltyScaleWidth: cfg.penaltyScaleWidth,
    penaltyScaleFrac: cfg.penaltyScaleFracBits,
    betaQ,
    betaFrac: cfg.betaFracBits,
    betaWidth: bitsFor(betaQ),
    seqWidth: cfg.seqWidth,
    units,
    unitWidth: Math.max(1, Math.log2(units)),
    clockHz: cfg.clockMHz * 1e6,
    timeSkip: cfg.timeSkip === 1,
    regression: cfg.predictor === 'regression',
    coeffWidth: cfg.latencyWidth + 2,
    coeffBanks: 2,
    mhg: cfg.policy === 'mhg',
    mhgParamWidth: 32,
    mhgParamFrac: cfg.mhgParamFracBits,
    invIsoFrac: cfg.mhgInvIsoFracBits,
    invIsoWidth: cfg.mhgInvIsoWidth,
    keyWidth: 2 * cfg.latencyWidth,
  };
}

/** round(a / b) for a >= 0, b > 0, halves away from zero. */
export function roundDiv(a: bigint, b: bigint): bigint {
  return (2n * a + b) / (2n * b);
}

const MAX_OF: bigint[] = [];
export function maxOf(width: number): bigint {
  // Memoised: the golden models call this for every field of every score (a new bigint each time).
  return (MAX_OF[width] ??= (1n << BigInt(width)) - 1n);
}

export function sat(x: bigint, width: number): bigint {
  const m = maxOf(width);
  return x > m ? m : x;
}

/** 1/k table entry: round(2^invKFrac / k) for k >= 1 (k = 0 gives 0; never used). */
export function invK(f: SchedulerFormats, k: number): bigint {
  return k <= 0 ? 0n : roundDiv(1n << BigInt(f.invKFrac), BigInt(k));
}

/** 1/N table entry: round(2^invNFrac / n) for n >= 1 (n = 0 gives 0; never used). */
export function invN(f: SchedulerFormats, n: number): bigint {
  return n <= 0 ? 0n : roundDiv(1n << BigInt(f.invNFrac), BigInt(n));
}

/** gamma = 1.0 in its fixed-point format. */
export function gammaOne(f: SchedulerFormats): bigint {
  return 1n << BigInt(f.gammaFrac);
}

/** Host command opcodes (cmd_op). Writes have no response; reads answer on rsp_* one cycle later. */
export const CMD = { NOP: 0, WRITE_VARIANT: 1, WRITE_LAYER: 2, READ_TASK: 3, READ_COUNTER: 4, WRITE_COEFF: 5, WRITE_ISO: 6, WRITE_PARAM: 7 } as const;
/** WRITE_PARAM index (cmd_addr) of the MHG registers. */
export const MHG_PARAM = { SIGMA: 0, LAMBDA: 1, TAU: 2 } as const;
/** READ_TASK field selector (cmd_data[3:0]); COEFF_BANK exists in regression builds only. */
export const TASK_FIELD = { STATUS: 0, GAMMA: 1, PRED: 2, RATIO_SUM: 3, LAST_RUN: 4, DEADLINE: 5, SCORE: 6, SEQ: 7, PENALTY_SCALE: 8, COEFF_BANK: 9 } as const;
/** READ_COUNTER index (cmd_addr). */
export const COUNTER = { NOW: 0, DECISIONS: 1, COMPLETIONS: 2, ADMISSIONS: 3, ADMIT_STALLS: 4, LAST_LATENCY: 5, VALID: 6, LAST_SELECT_TIME: 7 } as const;
/** ev_kind values. */
export const EVENT = { DECISION: 1, COMPLETION: 2 } as const;

/**
 * The predictor's update stages (cycles after the layer-done cycle), read by dysta_predictor's RTL
 * and its golden model alike; with the top's own cycles they make TIMING.UPDATE_TO_SELECT. Between
 * RATIO and RATIO_SHIFT, SUM and GAMMA, GAMMA and WRITE_BACK a pipelined multiply runs (multiplier.ts,
 * 3 cycles); those stages only wait.
 */
export const PREDICTOR_STAGE = { COUNT: 0, RATIO: 1, RATIO_SHIFT: 5, RATIO_SAT: 6, SUM: 7, GAMMA: 11, WRITE_BACK: 15 } as const;

/**
 * Cycle-level timing of the block (see README): the golden model's system view uses these, the
 * cosim tests check them against the RTL.
 *  - a layer_done sampled at cycle t starts the next selection at t + UPDATE_TO_SELECT;
 *  - an admission accepted while idle at cycle t starts a selection at t + ADMIT_TO_SELECT;
 *  - a selection started at t_sel shows its decision event at t_sel + max_bank_valid + SELECT_FIXED;
 *  - a completion event shows at t + UPDATE_TO_SELECT (the selection starts in the same cycle).
 */
export const TIMING = { UPDATE_TO_SELECT: 17, ADMIT_TO_SELECT: 2, SELECT_FIXED: 20 } as const;

/**
 * Port widths of the host command port. Regression builds add WRITE_COEFF: addr {bank, variant, k},
 * data {b, a}.
 */
export function commandWidths(f: SchedulerFormats): { addrWidth: number; dataWidth: number } {
  return {
    addrWidth: Math.max(f.slotWidth, f.variantWidth + f.layerWidth, 3, f.regression ? 1 + f.variantWidth + f.layerWidth : 0),
    dataWidth: Math.max(
      64,
      f.recipWidth + f.recipShiftWidth + f.latencyWidth,
      f.latencyWidth + f.layerCountWidth,
      f.regression ? 2 * f.coeffWidth : 0,
      f.mhg ? f.invIsoWidth + f.latencyWidth : 0,
    ),
  };
}

/** a + b x gamma >> gammaFrac (floor), clamped to 0 .. 2^latencyWidth - 1: the regression's P. */
export function regressionPred(f: SchedulerFormats, a: bigint, b: bigint, gamma: bigint): bigint {
  const p = a + ((b * gamma) >> BigInt(f.gammaFrac));
  return p < 0n ? 0n : sat(p, f.latencyWidth);
}

/** A coefficient (cycles, or cycles per unit of gamma) rounded and saturated to coeffWidth signed bits. */
export function encodeCoefficient(f: SchedulerFormats, cycles: number): bigint {
  const lim = (1n << BigInt(f.coeffWidth - 1)) - 1n;
  if (!Number.isFinite(cycles)) throw new RangeError(`regression coefficient ${cycles} is not finite`);
  const v = BigInt(Math.round(cycles));
  return v > lim ? lim : v < -lim - 1n ? -lim - 1n : v;
}
