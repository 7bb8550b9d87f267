// Shared helper of the scheduler tests: tiny hand-made workloads and traces, and a runner that returns
// the decision sequence, so each test states its expected schedule inline.
import { compileTrace } from '../../sw-scheduler/requests.ts';
import { simulateWithDecisionLog, type DecisionRecord } from '../../sw-scheduler/engine.ts';
import { computeMetrics, type Metrics } from '../../sw-scheduler/metrics.ts';
import { createMhgSelector, DEFAULT_POLICY_PARAMS, getPolicy, type MhgExplanation, type PolicyParams } from '../../sw-scheduler/policies/index.ts';
import { createTaskTable } from '../../sw-scheduler/tasks.ts';
import { buildWorkload, type Workload } from '../../sw-scheduler/workload.ts';
import type { Priority, Trace } from '../../sw-scheduler/requests.ts';
import { predictorFor } from '../../sw-scheduler/predictors.ts';

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
  dispatches: number;
}

/** `predictor` undefined = the policy's own default (average; regression for mhg). */
export function run(workload: Workload, trace: Trace, policy: string, params: Partial<PolicyParams> = {}, predictor?: string, fitSplit?: string, switchCost?: number): TinyRun {
  const compiled = compileTrace(workload, trace);
  const definition = getPolicy(policy);
  const { result, decisions } = simulateWithDecisionLog(compiled, definition, { params, predictor: predictorFor(definition, predictor, undefined, fitSplit), switchCost });
  return {
    chosen: decisions.map((d) => d.chosen),
    times: decisions.map((d) => d.time),
    decisions,
    finish: Array.from(result.finish),
    deadline: Array.from(result.deadline),
    metrics: computeMetrics(result),
    dispatches: result.dispatches,
  };
}

/**
 * One mhg decision on a hand-made ready set: tasks as [deadline D, predicted P, isoEst], in admission
 * order (position = request index), at time t. Returns what the selector saw and chose.
 */
export function mhgDecision(rows: [number, number, number][], t: number, params: Partial<PolicyParams> = {}): MhgExplanation {
  const tasks = createTaskTable(rows.length);
  rows.forEach(([D, P, iso], i) => {
    tasks.deadline[i] = D;
    tasks.predicted[i] = P;
    tasks.isoEst[i] = iso;
  });
  const select = createMhgSelector(tasks, { ...DEFAULT_POLICY_PARAMS, ...params }, rows.length);
  const ready = Int32Array.from(rows.keys());
  const chosen = select(ready, rows.length, t, new Float64Array(rows.length));
  const explanation = select.explain();
  if (explanation.chosen !== chosen) throw new Error('explain() disagrees with the selector');
  return explanation;
}

/**
 * The hand-worked regression data set: one variant, two layers, four samples. Layer 0: latency 1,
 * densities 0.25, 0.5, 0.75, 0.5 (average 0.5), so gamma_1 = 0.5, 1, 1.5, 1. Layer 1 latency (= the
 * remaining latency R_1): 2, 3, 4.5, 2.5.
 */
export function handRegressionWorkload(): Workload {
  return tinyWorkload({
    v: [
      [[1, 2], [0.75, 0.5]],
      [[1, 3], [0.5, 0.5]],
      [[1, 4.5], [0.25, 0.5]],
      [[1, 2.5], [0.5, 0.5]],
    ],
  });
}
