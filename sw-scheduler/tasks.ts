// Per-task state of one simulation, as a structure of typed arrays indexed by request index (the
// position in the trace). Policies and predictors read and write these arrays directly: the
// decision loop then allocates nothing and touches only contiguous memory.

export interface TaskTable {
  /** Arrival t0 (seconds). */
  readonly arrival: Float64Array;
  /** Deadline D = t0 + Tarch * sloMult. */
  readonly deadline: Float64Array;
  /** Priority p in {1, 3, 9}. */
  readonly priority: Float64Array;
  /** Time the task's last layer ended (t0 at admission). */
  readonly lastRun: Float64Array;
  /** Predictor correction factor (1 without the monitor). */
  readonly gamma: Float64Array;
  /** The remaining latency P the policy believes: sum(E), gamma * sum(E), or the true remainder. */
  readonly predicted: Float64Array;
  /** sum(E): the remaining entries of the estimate queue, summed left to right. */
  readonly estRemaining: Float64Array;
  /** E[0]: the estimate of the next layer's latency. */
  readonly nextEst: Float64Array;
  /** sum(E) at admission. */
  readonly isoEst: Float64Array;
  /** True isolated latency: sum_l L[s][l]. */
  readonly isoReal: Float64Array;
  /** Sum of the true latencies of the layers still to run. */
  readonly trueRemaining: Float64Array;
  /** Index of the next layer to run. */
  readonly nextLayer: Int32Array;
}

export function createTaskTable(capacity: number): TaskTable {
  const f = () => new Float64Array(capacity);
  return {
    arrival: f(),
    deadline: f(),
    priority: f(),
    lastRun: f(),
    gamma: f(),
    predicted: f(),
    estRemaining: f(),
    nextEst: f(),
    isoEst: f(),
    isoReal: f(),
    trueRemaining: f(),
    nextLayer: new Int32Array(capacity),
  };
}
