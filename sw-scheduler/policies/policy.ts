// What a scheduling policy is: its two flags from ALGORITHMS.md section 3 (which estimate queue,
// which notion of remaining latency) and a selector that picks one task of the ready set. A selector
// is created per simulation so it can keep private state (PREMA's tokens) in typed arrays.
import type { TaskTable } from '../tasks.ts';

/**
 * Where P (the predicted remaining latency in tasks.predicted) comes from:
 * - 'estimate': sum(E) of the profile, gamma = 1 (no monitor);
 * - 'monitor': the predictor, from measured sparsity (gamma * sum(E) by default);
 * - 'oracle': the task's true remaining latency.
 */
export type PredictionSource = 'estimate' | 'monitor' | 'oracle';

export interface PolicyParams {
  /** sdrm3's fairness weight (1.0 in the paper). */
  readonly alpha: number;
  /** dysta's weight of urgency and penalty (0.01 in the paper). */
  readonly beta: number;
  /** mhg overrides (BEYOND.md section 2); unset = each mhg policy's own default. */
  readonly sigma?: number;
  readonly lambda?: number;
  readonly tau?: number;
}

export const DEFAULT_POLICY_PARAMS: PolicyParams = { alpha: 1.0, beta: 0.01 };

/**
 * Picks a task: `ready[0..count)` are request indices in admission order, `t` is now. Writes each
 * position's score into `score[i]` (for the decision log) and returns the chosen position.
 */
export type Selector = (ready: Int32Array, count: number, t: number, score: Float64Array) => number;

export interface PolicyDefinition {
  readonly name: string;
  readonly description: string;
  /** Estimate queue from the variant's own profile (Lpat) rather than the architecture's (Larch). */
  readonly patternAware: boolean;
  readonly prediction: PredictionSource;
  /** Predictor a 'monitor' policy uses when none is given (default `average`, the paper's). */
  readonly defaultPredictor?: string;
  createSelector(tasks: TaskTable, params: PolicyParams, capacity: number): Selector;
}
