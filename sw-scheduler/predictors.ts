// Latency predictors: how the monitor's measured densities become gamma and the predicted remaining
// latency P of a monitored task. A predictor is a small unit the engine calls at admission and
// after every executed layer; new ones plug in by name here. `regression` (BEYOND.md section 1) lives
// in regression.ts.
import { SchedulerInputError } from './errors.ts';
import { DEFAULT_FIT_SPLIT, regressionPredictor } from './regression.ts';
import type { TaskTable } from './tasks.ts';
import type { Workload } from './workload.ts';

/** What a predictor may need to know about the tasks beyond the task table (a CompiledTrace is one). */
export interface PredictorContext {
  readonly workload: Workload;
  /** Per task: its variant's index in workload.variants. */
  readonly variantIndex: Int32Array;
  /** Per task: its sample's position among the variant's samples (ascending ids). */
  readonly sampleIndex: Int32Array;
}

export interface PredictorState {
  /** A task was admitted: gamma = 1, P = gamma * sum(E). */
  admit(task: number): void;
  /**
   * The task just ran a layer whose measured/average density ratio is `ratio`; `executed` layers have
   * now run (k >= 1) and tasks.estRemaining already holds the new sum(E). Sets gamma and P.
   */
  observe(task: number, ratio: number, executed: number): void;
}

export interface PredictorDefinition {
  readonly name: string;
  readonly description: string;
  create(tasks: TaskTable, capacity: number, context?: PredictorContext): PredictorState;
}

/** No monitor: gamma stays 1, P = sum(E) of the profile (what a monitor policy does without the monitor hardware). */
const none: PredictorDefinition = {
  name: 'none',
  description: 'no monitor: gamma stays 1, P = the profile\'s remaining latency (to measure what the monitor adds)',
  create(tasks) {
    const { gamma, predicted, estRemaining } = tasks;
    return {
      admit(task) {
        gamma[task] = 1;
        predicted[task] = estRemaining[task];
      },
      observe(task) {
        predicted[task] = estRemaining[task];
      },
    };
  },
};

/** ALGORITHMS.md: gamma = mean of all measured ratios (running sum, left to right, divided by k). */
const average: PredictorDefinition = {
  name: 'average',
  description: 'gamma = mean of measured/average density over all executed layers (the paper)',
  create(tasks, capacity) {
    const { gamma, predicted, estRemaining } = tasks;
    const ratioSum = new Float64Array(capacity);
    return {
      admit(task) {
        ratioSum[task] = 0;
        gamma[task] = 1;
        predicted[task] = 1 * estRemaining[task];
      },
      observe(task, ratio, executed) {
        ratioSum[task] += ratio;
        gamma[task] = ratioSum[task] / executed;
        predicted[task] = gamma[task] * estRemaining[task];
      },
    };
  },
};

const last: PredictorDefinition = {
  name: 'last',
  description: 'gamma = measured/average density of the last executed layer only',
  create(tasks) {
    const { gamma, predicted, estRemaining } = tasks;
    return {
      admit(task) {
        gamma[task] = 1;
        predicted[task] = 1 * estRemaining[task];
      },
      observe(task, ratio) {
        gamma[task] = ratio;
        predicted[task] = gamma[task] * estRemaining[task];
      },
    };
  },
};

/** Mean of the last `window` ratios, oldest first, divided by the number actually seen (<= window). */
function lastN(window: number): PredictorDefinition {
  return {
    name: 'last-n',
    description: `gamma = mean of the last ${window} measured/average density ratios (fewer at the start: divides by the layers seen)`,
    create(tasks, capacity) {
      const { gamma, predicted, estRemaining } = tasks;
      const ring = new Float64Array(capacity * window);
      return {
        admit(task) {
          gamma[task] = 1;
          predicted[task] = 1 * estRemaining[task];
        },
        observe(task, ratio, executed) {
          const base = task * window;
          ring[base + ((executed - 1) % window)] = ratio;
          const seen = executed < window ? executed : window;
          let sum = 0;
          for (let j = executed - seen; j < executed; j++) sum += ring[base + (j % window)];
          gamma[task] = sum / seen;
          predicted[task] = gamma[task] * estRemaining[task];
        },
      };
    },
  };
}

export const PREDICTOR_NAMES = ['average', 'last', 'last-n', 'regression', 'none'] as const;
export type PredictorName = (typeof PREDICTOR_NAMES)[number];
export const DEFAULT_LAST_N_WINDOW = 3;

/** `window` is last-n's; `fitSplit` names the regression's training split (see regression.ts). */
export function getPredictor(name: string, window = DEFAULT_LAST_N_WINDOW, fitSplit = DEFAULT_FIT_SPLIT): PredictorDefinition {
  switch (name) {
    case 'average':
      return average;
    case 'last':
      return last;
    case 'last-n':
      if (!(Number.isInteger(window) && window >= 1)) throw new SchedulerInputError(`--last-n must be a whole number >= 1, got ${window}.`);
      return lastN(window);
    case 'regression':
      return regressionPredictor(fitSplit);
    case 'none':
      return none;
    default:
      throw new SchedulerInputError(`unknown predictor '${name}'; choose one of ${PREDICTOR_NAMES.join(', ')}.`);
  }
}

/**
 * The predictor a policy runs with: `name` if given (the `--predictor` option), else the policy's own
 * default (`average` for the published policies, `regression` for mhg).
 */
export function predictorFor(policy: { readonly defaultPredictor?: string }, name: string | undefined, window = DEFAULT_LAST_N_WINDOW, fitSplit = DEFAULT_FIT_SPLIT): PredictorDefinition {
  return getPredictor(name ?? policy.defaultPredictor ?? 'average', window, fitSplit);
}
