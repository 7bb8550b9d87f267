// The scheduling engine (ALGORITHMS.md section 3), shared by every policy: admission, one decision
// per layer boundary, execution of one layer, completion. Policies only pick a task; predictors only
// turn measured sparsity into P. The loop allocates nothing unless a decision log is requested, and
// costs O(|ready set|) per executed layer.
// Beyond the paper (BEYOND.md section 3): an optional context-switch cost, and a count of dispatches
// (runs of consecutive layers of one task) for every policy.
import { getPredictor, type PredictorDefinition } from './predictors.ts';
import { DEFAULT_POLICY_PARAMS, type PolicyDefinition, type PolicyParams } from './policies/index.ts';
import { SchedulerInputError } from './errors.ts';
import type { CompiledTrace } from './requests.ts';
import { createTaskTable, type TaskTable } from './tasks.ts';

/** One decision, for comparing implementations decision by decision (e.g. the fixed-point model). */
export interface DecisionRecord {
  /** 0-based decision number. */
  readonly index: number;
  /** Time t of the decision (seconds). */
  readonly time: number;
  /** Ready set: request indices (trace positions) in admission order. */
  readonly ready: readonly number[];
  /** Request index of the chosen task. */
  readonly chosen: number;
  /** The layer the chosen task runs now. */
  readonly layer: number;
  /** Per ready task (same order): P, the remaining latency the policy believes. */
  readonly predicted: readonly number[];
  /** Per ready task: the policy's score (fcfs: arrival, sjf: P, prema: token, others: their score). */
  readonly score: readonly number[];
  /** Per ready task: gamma (1 without the monitor). */
  readonly gamma: readonly number[];
}

export interface SimulationOptions {
  readonly params?: Partial<PolicyParams>;
  /** Predictor used by the monitor policies (default: `average`, the paper's). */
  readonly predictor?: PredictorDefinition;
  /**
   * Seconds charged when a layer runs for a task other than the one that ran the previous layer
   * (BEYOND.md section 3). Default 0: the published semantics, bit for bit. The very first layer of a
   * run has no previous layer and is not charged; a task that starts after another finished is.
   */
  readonly switchCost?: number;
  /** Called at every decision, before the chosen layer runs. Slows the run; leave unset for sweeps. */
  readonly onDecision?: (record: DecisionRecord) => void;
}

export interface SimulationResult {
  readonly policy: string;
  readonly compiled: CompiledTrace;
  /** Per request (trace order). */
  readonly finish: Float64Array;
  readonly deadline: Float64Array;
  readonly isoReal: Float64Array;
  /** Number of decisions (= executed layers). */
  readonly decisions: number;
  /** Runs of consecutive layers of one task (>= requests; switches = dispatches - 1). */
  readonly dispatches: number;
}

/** Deadlines D = t0 + Tarch(v) * sloMult, per request. */
export function computeDeadlines(compiled: CompiledTrace): Float64Array {
  const { count, arrival, variantIndex, sloMult, workload } = compiled;
  const deadline = new Float64Array(count);
  for (let i = 0; i < count; i++) deadline[i] = arrival[i] + workload.variants[variantIndex[i]].Tarch * sloMult;
  return deadline;
}

/** Run one policy over a compiled trace. */
export function simulate(compiled: CompiledTrace, policy: PolicyDefinition, options: SimulationOptions = {}): SimulationResult {
  const { count, arrival, priority, variantIndex, sampleIndex, workload } = compiled;
  const variants = workload.variants;
  const params: PolicyParams = { ...DEFAULT_POLICY_PARAMS, ...options.params };
  const tasks: TaskTable = createTaskTable(count);
  const deadline = computeDeadlines(compiled);
  tasks.deadline.set(deadline);
  tasks.arrival.set(arrival);
  tasks.priority.set(priority);
  const { lastRun, gamma, predicted, estRemaining, nextEst, isoEst, isoReal, trueRemaining, nextLayer } = tasks;

  const select = policy.createSelector(tasks, params, count);
  const monitored = policy.prediction === 'monitor';
  const oracle = policy.prediction === 'oracle';
  // A monitor policy without an explicit predictor uses its own default (the paper's `average` for
  // the eleven published policies, `regression` for mhg).
  const predictor = monitored ? (options.predictor ?? getPredictor(policy.defaultPredictor ?? 'average')).create(tasks, count, compiled) : undefined;
  const switchCost = options.switchCost ?? 0;
  if (!(Number.isFinite(switchCost) && switchCost >= 0)) throw new SchedulerInputError(`--switch-cost must be a non-negative number of seconds, got ${switchCost}.`);
  const patternAware = policy.patternAware;
  const onDecision = options.onDecision;

  const ready = new Int32Array(count);
  const score = new Float64Array(count);
  const finish = new Float64Array(count);
  let readyCount = 0;
  let nextToAdmit = 0;
  let finished = 0;
  let decisions = 0;
  let dispatches = 0;
  let previousTask = -1;
  let t = 0;

  const admit = (i: number) => {
    const v = variants[variantIndex[i]];
    const suffix = patternAware ? v.patSuffix : v.archSuffix;
    lastRun[i] = arrival[i];
    nextLayer[i] = 0;
    estRemaining[i] = suffix[0];
    isoEst[i] = suffix[0];
    nextEst[i] = patternAware ? v.Lpat[0] : v.Larch[0];
    const real = v.trueSuffix[sampleIndex[i] * (v.layers + 1)];
    isoReal[i] = real;
    trueRemaining[i] = real;
    gamma[i] = 1;
    if (predictor) predictor.admit(i);
    else predicted[i] = oracle ? real : estRemaining[i];
    ready[readyCount++] = i;
  };

  while (finished < count) {
    // 1. Admission. An empty accelerator waits for the next arrival; time never runs backwards.
    if (readyCount === 0) {
      const i = nextToAdmit++;
      admit(i);
      if (arrival[i] > t) t = arrival[i];
    }
    while (nextToAdmit < count && arrival[nextToAdmit] < t) admit(nextToAdmit++);

    // 2. Decision.
    const position = select(ready, readyCount, t, score);
    const task = ready[position];
    const v = variants[variantIndex[task]];
    const layer = nextLayer[task];
    if (onDecision) {
      const readyList = Array.from(ready.subarray(0, readyCount));
      onDecision({
        index: decisions,
        time: t,
        ready: readyList,
        chosen: task,
        layer,
        predicted: readyList.map((x) => predicted[x]),
        score: Array.from(score.subarray(0, readyCount)),
        gamma: readyList.map((x) => gamma[x]),
      });
    }
    decisions++;

    // 3. Execution of one layer, after the context switch if another task ran the previous layer.
    if (task !== previousTask) {
      if (previousTask >= 0 && switchCost > 0) t += switchCost;
      dispatches++;
      previousTask = task;
    }
    const cell = sampleIndex[task] * v.layers + layer;
    t += v.latency[cell];
    lastRun[task] = t;
    const executed = layer + 1;
    nextLayer[task] = executed;
    const suffix = patternAware ? v.patSuffix : v.archSuffix;
    estRemaining[task] = suffix[executed];
    if (executed < v.layers) nextEst[task] = patternAware ? v.Lpat[executed] : v.Larch[executed];
    trueRemaining[task] = v.trueSuffix[sampleIndex[task] * (v.layers + 1) + executed];
    if (predictor) predictor.observe(task, (1 - v.sparsity[cell]) / v.avgDensity[layer], executed);
    else predicted[task] = oracle ? trueRemaining[task] : estRemaining[task];

    // 4. Completion.
    if (executed === v.layers) {
      finish[task] = t;
      finished++;
      ready.copyWithin(position, position + 1, readyCount);
      readyCount--;
    }
  }
  return { policy: policy.name, compiled, finish, deadline, isoReal, decisions, dispatches };
}

/** Run a policy and return every decision alongside the result. */
export function simulateWithDecisionLog(compiled: CompiledTrace, policy: PolicyDefinition, options: Omit<SimulationOptions, 'onDecision'> = {}): { result: SimulationResult; decisions: DecisionRecord[] } {
  const decisions: DecisionRecord[] = [];
  const result = simulate(compiled, policy, { ...options, onDecision: (d) => decisions.push(d) });
  return { result, decisions };
}
