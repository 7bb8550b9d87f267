// Latency predictors: how the monitor's measured densities become gamma and the predicted remaining
// latency P of a monitored task. A predictor is a small unit the engine calls at admission and
// after every executed layer; new ones (e.g. a regression predictor) plug in by name here.
import { SchedulerInputError } from './errors.ts';
import type { TaskTable } from './tasks.ts';

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
  create(tasks: TaskTable, capacity: number): PredictorState;
}

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

export const PREDICTOR_NAMES = ['average', 'last', 'last-n'] as const;
export type PredictorName = (typeof PREDICTOR_NAMES)[number];
export const DEFAULT_LAST_N_WINDOW = 3;

export function getPredictor(name: string, window = DEFAULT_LAST_N_WINDOW): PredictorDefinition {
  switch (name) {
    case 'average':
      return average;
    case 'last':
      return last;
    case 'last-n':
      if (!(Number.isInteger(window) && window >= 1)) throw new SchedulerInputError(`--last-n must be a whole number >= 1, got ${window}.`);
      return lastN(window);
    default:
      throw new SchedulerInputError(`unknown predictor '${name}'; choose one of ${PREDICTOR_NAMES.join(', ')}.`);
  }
}
