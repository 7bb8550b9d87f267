// The optimised engine (typed arrays, precomputed suffix sums) against a literal, slow transcription of
// ALGORITHMS.md sections 3-4 written independently here: plain objects, the estimate queue as an
// array that is shifted, sum(E) and gamma recomputed from scratch at every use. Both must give the
// same decisions, bit-identical finish times and bit-identical P at every decision on random traces
// for every policy.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCsvFolder } from '../../sw-scheduler/csv.ts';
import { simulateWithDecisionLog } from '../../sw-scheduler/engine.ts';
import { POLICIES } from '../../sw-scheduler/policies/index.ts';
import { compileTrace, generatePoissonTrace, type Trace } from '../../sw-scheduler/requests.ts';
import { workloadCapacity } from '../../sw-scheduler/sweep.ts';
import type { Workload } from '../../sw-scheduler/workload.ts';
import { zooWorkload } from '../../sw-scheduler/zoo/zoo.ts';
import { FIXTURES } from './helpers.ts';

interface RefTask {
  index: number;
  t0: number;
  D: number;
  p: number;
  E: number[];
  trueLeft: number[];
  measured: number[];
  Savg: Float64Array;
  lastRun: number;
  isoEst: number;
  isoReal: number;
  token: number | undefined;
  latencies: number[];
  sparsities: number[];
  done: number;
}

const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);

function referenceRun(workload: Workload, trace: Trace, policy: string, alpha = 1.0, beta = 0.01): { chosen: number[]; finish: number[]; predicted: number[][] } {
  const patternAware = ['sjf_sparse', 'prema_sparse', 'sdrm3_sparse', 'dysta', 'dysta_oracle'].includes(policy);
  const monitor = ['sjf_sparse', 'prema_sparse', 'sdrm3_sparse', 'dysta'].includes(policy);
  const requests = trace.requests;
  const finish = new Array<number>(requests.length);
  const chosen: number[] = [];
  const predicted: number[][] = [];
  const R: RefTask[] = [];
  let next = 0;
  let t = 0;
  let finished = 0;
  const admit = () => {
    const r = requests[next];
    const v = workload.variantByName.get(r.variant)!;
    const s = v.sampleIndexById.get(r.sample)!;
    const latencies = Array.from(v.latency.subarray(s * v.layers, (s + 1) * v.layers));
    const E = Array.from(patternAware ? v.Lpat : v.Larch);
    R.push({
      index: next,
      t0: r.arrival,
      D: r.arrival + v.Tarch * trace.sloMult,
      p: r.priority,
      E,
      trueLeft: [...latencies],
      measured: [],
      Savg: v.Savg,
      lastRun: r.arrival,
      isoEst: sum(E),
      isoReal: sum(latencies),
      token: undefined,
      latencies,
      sparsities: Array.from(v.sparsity.subarray(s * v.layers, (s + 1) * v.layers)),
      done: 0,
    });
    next++;
  };
  const gamma = (x: RefTask) => {
    if (!monitor || x.measured.length === 0) return 1;
    const ratios = x.measured.map((S, i) => (1 - S) / (1 - x.Savg[i]));
    return sum(ratios) / ratios.length;
  };
  const P = (x: RefTask) => (policy === 'dysta_oracle' ? sum(x.trueLeft) : gamma(x) * sum(x.E));
  const maxRule = (score: (x: RefTask) => number) => {
    let c: RefTask | undefined;
    let sc = 0;
    for (const x of R) {
      const sx = score(x);
      if (c === undefined || sc < 0 || sc <= sx) {
        if (c !== undefined && sx === sc && c.t0 < x.t0) continue;
        c = x;
        sc = sx;
      }
    }
    return c!;
  };
  const argmin = (score: (x: RefTask) => number) => {
    let best = R[0];
    let bestScore = score(R[0]);
    for (const x of R.slice(1)) {
      const s = score(x);
      if (s < bestScore) {
        best = x;
        bestScore = s;
      }
    }
    return best;
  };
  while (finished < requests.length) {
    if (R.length === 0) {
      admit();
      t = Math.max(t, R[0].t0);
    }
    while (next < requests.length && requests[next].arrival < t) admit();
    const N = R.length;
    let task: RefTask;
    switch (policy) {
      case 'fcfs':
        task = argmin((x) => x.t0);
        break;
      case 'sjf':
      case 'sjf_sparse':
        task = argmin(P);
        break;
      case 'prema':
      case 'prema_sparse': {
        let maximum = 0;
        for (const x of R) {
          if (x.token === undefined) x.token = x.p;
          else {
            const iso = policy === 'prema_sparse' ? gamma(x) * x.isoEst : x.isoEst;
            x.token += x.p * ((t - x.lastRun) / iso);
            maximum = Math.max(maximum, x.token);
          }
        }
        const th = maximum >= 9 ? 9 : maximum >= 3 ? 3 : 1;
        const candidates = R.filter((x) => x.token! >= th);
        let best = candidates[0];
        for (const x of candidates.slice(1)) if (P(x) < P(best)) best = x;
        task = best;
        break;
      }
      case 'planaria':
        task = maxRule((x) => x.p / (x.D - t));
        break;
      case 'sdrm3':
      case 'sdrm3_sparse':
        task = maxRule((x) => {
          const urgency = x.D - t === 0 ? 1 : Math.min(1, P(x) / (x.D - t));
          const e1 = policy === 'sdrm3_sparse' ? gamma(x) * x.E[0] : x.E[0];
          return urgency + alpha * ((t - x.lastRun) / e1);
        });
        break;
      case 'dysta':
      case 'dysta_naive':
      case 'dysta_oracle':
        task = argmin((x) => {
          const p = P(x);
          const urgency = Math.max(0, x.D - t - p);
          const penalty = (t - x.lastRun) / (policy === 'dysta_oracle' ? x.isoReal : x.isoEst) / N;
          return p + beta * (urgency + penalty);
        });
        break;
      default:
        throw new Error(policy);
    }
    chosen.push(task.index);
    predicted.push(R.map(P));
    const l = task.done;
    t += task.latencies[l];
    task.lastRun = t;
    if (monitor) task.measured.push(task.sparsities[l]);
    task.E.shift();
    task.trueLeft.shift();
    task.done++;
    if (task.done === task.latencies.length) {
      finish[task.index] = t;
      R.splice(R.indexOf(task), 1);
      finished++;
    }
  }
  return { chosen, finish, predicted };
}

const workloads = [zooWorkload('cnn'), zooWorkload('attention'), importCsvFolder(join(FIXTURES, 'eyerissv2')), importCsvFolder(join(FIXTURES, 'sanger'))];

describe.each(workloads.map((w) => [w.name, w] as const))('engine = literal reference model on %s', (_name, w) => {
  const traces = [0.7, 1.3].map((load, i) => generatePoissonTrace(w, { rate: load * workloadCapacity(w), count: 120, seed: 100 + i, sloMult: 3 }));
  it.each(POLICIES.map((p) => p.name))('%s', (policy) => {
    for (const trace of traces) {
      const { result, decisions } = simulateWithDecisionLog(compileTrace(w, trace), POLICIES.find((p) => p.name === policy)!);
      const ref = referenceRun(w, trace, policy);
      expect(decisions.map((d) => d.chosen)).toEqual(ref.chosen);
      expect(Array.from(result.finish)).toEqual(ref.finish);
      // P of every ready task at every decision, bit for bit: checks the order of the float sums.
      expect(decisions.map((d) => d.predicted)).toEqual(ref.predicted);
    }
  });
});
