// Sweeps: the grid of arrival rates x SLO multipliers x seeds x policies, split into jobs that any
// thread can run from a plain-data description (the workload is rebuilt from its source in each
// worker rather than copied), and the aggregation of the points into per-setting means.
import { importCsvFolder } from './csv.ts';
import { simulate } from './engine.ts';
import { computeMetrics } from './metrics.ts';
import { getPolicy, type PolicyParams } from './policies/index.ts';
import { predictorFor } from './predictors.ts';
import { compileTrace, generatePoissonTrace } from './requests.ts';
import type { Workload } from './workload.ts';
import { zooWorkload } from './zoo/zoo.ts';

/** Where a workload comes from, as plain data a worker thread can receive. */
export type WorkloadSource = { kind: 'zoo'; name: string; seed?: number; samples?: number } | { kind: 'csv'; dir: string; seqLen: number };

export function loadWorkload(source: WorkloadSource): Workload {
  return source.kind === 'zoo' ? zooWorkload(source.name, { seed: source.seed, samples: source.samples }) : importCsvFolder(source.dir, { seqLen: source.seqLen });
}

export interface SweepConfig {
  readonly source: WorkloadSource;
  readonly rates: readonly number[];
  readonly sloMults: readonly number[];
  readonly seeds: readonly number[];
  readonly requests: number;
  readonly policies: readonly string[];
  readonly params: PolicyParams;
  /** Predictor of every monitor policy; unset = each policy's default (average; regression for mhg). */
  readonly predictor?: string;
  readonly lastN: number;
  /** Training split of the regression predictor (default parity). */
  readonly fitSplit?: string;
  /** Context-switch cost in seconds (default 0, the published semantics). */
  readonly switchCost?: number;
}

/** One job: one trace (rate, seed) under one SLO multiplier, run by every policy. */
export interface SweepJob {
  readonly rate: number;
  readonly sloMult: number;
  readonly seed: number;
}

export interface SweepPoint {
  readonly rate: number;
  readonly sloMult: number;
  readonly seed: number;
  readonly policy: string;
  readonly violationRate: number;
  readonly antt: number;
  readonly stp: number;
  readonly decisions: number;
  /** Dispatches (runs of consecutive layers of one task) per request. */
  readonly dispatchesPerRequest: number;
}

export function planJobs(config: SweepConfig): SweepJob[] {
  const jobs: SweepJob[] = [];
  for (const rate of config.rates) for (const sloMult of config.sloMults) for (const seed of config.seeds) jobs.push({ rate, sloMult, seed });
  return jobs;
}

/** Run one job on this thread. */
export function runJob(workload: Workload, config: SweepConfig, job: SweepJob): SweepPoint[] {
  const trace = generatePoissonTrace(workload, { rate: job.rate, count: config.requests, seed: job.seed, sloMult: job.sloMult });
  const compiled = compileTrace(workload, trace);
  return config.policies.map((name) => {
    const policy = getPolicy(name);
    const predictor = predictorFor(policy, config.predictor, config.lastN, config.fitSplit);
    const result = simulate(compiled, policy, { params: config.params, predictor, switchCost: config.switchCost });
    const m = computeMetrics(result);
    return { ...job, policy: name, violationRate: m.violationRate, antt: m.antt, stp: m.stp, decisions: result.decisions, dispatchesPerRequest: result.dispatches / compiled.count };
  });
}

export interface SettingMean {
  readonly rate: number;
  readonly sloMult: number;
  readonly policy: string;
  readonly violationRate: number;
  readonly antt: number;
  readonly stp: number;
  readonly dispatchesPerRequest: number;
  readonly seeds: number;
}

/** Mean over seeds for every (rate, sloMult, policy), in the config's order. */
export function meanOverSeeds(config: SweepConfig, points: readonly SweepPoint[]): SettingMean[] {
  const groups = new Map<string, SweepPoint[]>();
  for (const p of points) {
    const key = `${p.rate}|${p.sloMult}|${p.policy}`;
    const g = groups.get(key) ?? [];
    g.push(p);
    groups.set(key, g);
  }
  const out: SettingMean[] = [];
  for (const rate of config.rates) {
    for (const sloMult of config.sloMults) {
      for (const policy of config.policies) {
        const g = groups.get(`${rate}|${sloMult}|${policy}`);
        if (!g) continue;
        const mean = (f: (p: SweepPoint) => number) => g.reduce((a, p) => a + f(p), 0) / g.length;
        out.push({ rate, sloMult, policy, violationRate: mean((p) => p.violationRate), antt: mean((p) => p.antt), stp: mean((p) => p.stp), dispatchesPerRequest: mean((p) => p.dispatchesPerRequest), seeds: g.length });
      }
    }
  }
  return out;
}

/** Capacity of a workload in requests/s: 1 / mean isolated latency (variants drawn uniformly). */
export function workloadCapacity(workload: Workload): number {
  let sum = 0;
  for (const v of workload.variants) sum += v.Tpat;
  return workload.variants.length / sum;
}
