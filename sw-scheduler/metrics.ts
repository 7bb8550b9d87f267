// Metrics (ALGORITHMS.md section 5) and the per-request records that let two implementations be
// diffed request by request. Sums run left to right in trace order.
import type { SimulationResult } from './engine.ts';
import type { CompiledTrace } from './requests.ts';

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

/**
 * Warnings for a trace whose times are too large for double precision next to its layer latencies:
 * beyond ~1e-6 of the shortest layer per unit in the last place, finish times lose the latencies that
 * ANTT and STP are made of (an arrival of 1e12 s with 10 us layers gives ANTT 0 or Infinity).
 */
export function precisionWarnings(compiled: CompiledTrace): string[] {
  const { arrival, count, workload } = compiled;
  let shortest = Infinity;
  for (const { latency } of workload.variants) {
    for (let i = 0; i < latency.length; i++) if (latency[i] < shortest) shortest = latency[i];
  }
  const latest = arrival[count - 1] ?? 0;
  const ulp = latest * Number.EPSILON;
  if (!(ulp > shortest * 1e-6)) return [];
  return [
    `arrivals reach ${latest.toPrecision(3)} s while layers take as little as ${shortest.toPrecision(3)} s: at that magnitude double precision resolves only ${ulp.toPrecision(2)} s, so finish times, ANTT and STP are inexact; shift the arrivals to start near 0`,
  ];
}

/** Warnings for metrics that came out Infinity, NaN or 0 (which a sound trace never gives). */
export function metricWarnings(policy: string, m: Metrics): string[] {
  const bad = (['antt', 'stp'] as const).filter((k) => !Number.isFinite(m[k]) || m[k] === 0);
  if (bad.length === 0) return [];
  return [`${policy}: ${bad.map((k) => `${k.toUpperCase()} = ${m[k]}`).join(', ')} is not a meaningful value; the trace's times are too large or too close together for double precision next to the layer latencies`];
}
