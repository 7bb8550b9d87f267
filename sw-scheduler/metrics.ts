// Metrics (ALGORITHMS.md section 5) and the per-request records that let two implementations be
// diffed request by request. Sums run left to right in trace order.
import type { SimulationResult } from './engine.ts';

export interface Metrics {
  /** Fraction of requests with finish > deadline. */
  readonly violationRate: number;
  /** Mean of (finish - arrival) / isoReal. */
  readonly antt: number;
  /** Requests / (last finish - first arrival), inferences per second. */
  readonly stp: number;
}

export interface RequestRecord {
  readonly arrival: number;
  readonly variant: string;
  readonly sample: number;
  readonly priority: number;
  readonly deadline: number;
  readonly finish: number;
}

export function computeMetrics(result: SimulationResult): Metrics {
  const { finish, deadline, isoReal, compiled } = result;
  const { arrival, count } = compiled;
  let violations = 0;
  let normalisedSum = 0;
  let lastFinish = -Infinity;
  for (let i = 0; i < count; i++) {
    if (finish[i] > deadline[i]) violations++;
    normalisedSum += (finish[i] - arrival[i]) / isoReal[i];
    if (finish[i] > lastFinish) lastFinish = finish[i];
  }
  return {
    violationRate: violations / count,
    antt: normalisedSum / count,
    stp: count / (lastFinish - arrival[0]),
  };
}

export function requestRecords(result: SimulationResult): RequestRecord[] {
  const { finish, deadline, compiled } = result;
  return compiled.trace.requests.map((r, i) => ({
    arrival: r.arrival,
    variant: r.variant,
    sample: r.sample,
    priority: r.priority,
    deadline: deadline[i],
    finish: finish[i],
  }));
}
