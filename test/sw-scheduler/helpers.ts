// Shared helper of the scheduler tests: tiny hand-made workloads and traces, and a runner that returns
// the decision sequence, so each test states its expected schedule inline.
import { compileTrace } from '../../sw-scheduler/requests.ts';
import { simulateWithDecisionLog, type DecisionRecord } from '../../sw-scheduler/engine.ts';
import { computeMetrics, type Metrics } from '../../sw-scheduler/metrics.ts';
import { getPolicy, type PolicyParams } from '../../sw-scheduler/policies/index.ts';
import { buildWorkload, type Workload } from '../../sw-scheduler/workload.ts';
import type { Priority, Trace } from '../../sw-scheduler/requests.ts';
import { getPredictor } from '../../sw-scheduler/predictors.ts';

export const FIXTURES = new URL('../fixtures/workloads/', import.meta.url).pathname;

/** variant name -> samples, each sample [latencies, sparsities]. */
export type TinySpec = Record<string, [number[], number[]][]>;

export function tinyWorkload(spec: TinySpec): Workload {
  const tables = Object.entries(spec).map(([name, samples]) => {
    const layers = samples[0][0].length;
    return {
      name,
      sampleIds: samples.map((_, i) => i),
      layers,
      latency: Float64Array.from(samples.flatMap(([l]) => l)),
      sparsity: Float64Array.from(samples.flatMap(([, s]) => s)),
    };
  });
  return buildWorkload('tiny', 'eyeriss', tables);
}

/** Requests as [arrival, variant, sample, priority]. */
export function tinyTrace(sloMult: number, requests: [number, string, number, Priority][]): Trace {
  return { sloMult, requests: requests.map(([arrival, variant, sample, priority]) => ({ arrival, variant, sample, priority })) };
}

export interface TinyRun {
  /** Request index chosen at each decision. */
  chosen: number[];
  /** Decision times. */
  times: number[];
  decisions: DecisionRecord[];
  finish: number[];
  deadline: number[];
  metrics: Metrics;
}

export function run(workload: Workload, trace: Trace, policy: string, params: Partial<PolicyParams> = {}, predictor = 'average'): TinyRun {
  const compiled = compileTrace(workload, trace);
  const { result, decisions } = simulateWithDecisionLog(compiled, getPolicy(policy), { params, predictor: getPredictor(predictor) });
  return {
    chosen: decisions.map((d) => d.chosen),
    times: decisions.map((d) => d.time),
    decisions,
    finish: Array.from(result.finish),
    deadline: Array.from(result.deadline),
    metrics: computeMetrics(result),
  };
}
