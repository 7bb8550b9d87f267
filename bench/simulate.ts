// Benchmark of the float scheduling engine.
//   node --import tsx bench/simulate.ts      (or: npm run bench:simulate)
// 1. One 1000-request trace on the CNN zoo at load 0.9, every policy: decisions per second on one
//    thread (best of 5 runs after a warm-up run).
// 2. The paper's whole CNN study on all cores: 5 arrival rates x 6 SLO multipliers x 5 seeds x 1000
//    requests x 11 policies (the defaults of `dysta sweep`), timed end to end including worker start-up.
import { availableParallelism } from 'node:os';
import { simulate } from '../sw-scheduler/engine.ts';
import { POLICIES, POLICY_NAMES, DEFAULT_POLICY_PARAMS } from '../sw-scheduler/policies/index.ts';
import { compileTrace, generatePoissonTrace } from '../sw-scheduler/requests.ts';
import { workloadCapacity, type SweepConfig } from '../sw-scheduler/sweep.ts';
import { runSweep } from '../sw-scheduler/sweep-runner.ts';
import { zooWorkload } from '../sw-scheduler/zoo/zoo.ts';

const TARGET_SECONDS = 60;
const workload = zooWorkload('cnn');
const capacity = workloadCapacity(workload);
const trace = generatePoissonTrace(workload, { rate: 0.9 * capacity, count: 1000, seed: 1, sloMult: 6 });
const compiled = compileTrace(workload, trace);

console.log(`CNN zoo: ${workload.variants.length} variants, capacity ${capacity.toFixed(2)} req/s; trace: 1000 requests at load 0.9, SLO x6`);
console.log('');
console.log('policy          decisions   best ms   decisions/s');
let totalDecisions = 0;
let totalMs = 0;
for (const policy of POLICIES) {
  simulate(compiled, policy); // warm-up (JIT)
  let best = Infinity;
  let decisions = 0;
  for (let rep = 0; rep < 5; rep++) {
    const started = performance.now();
    decisions = simulate(compiled, policy).decisions;
    best = Math.min(best, performance.now() - started);
  }
  totalDecisions += decisions;
  totalMs += best;
  console.log(`${policy.name.padEnd(14)} ${String(decisions).padStart(10)} ${best.toFixed(2).padStart(9)} ${Math.round((decisions / best) * 1000).toLocaleString('en-US').padStart(13)}`);
}
console.log(`${'all 11'.padEnd(14)} ${String(totalDecisions).padStart(10)} ${totalMs.toFixed(2).padStart(9)} ${Math.round((totalDecisions / totalMs) * 1000).toLocaleString('en-US').padStart(13)}`);
console.log('');

const config: SweepConfig = {
  source: { kind: 'zoo', name: 'cnn' },
  rates: [0.5, 0.7, 0.9, 1.1, 1.3].map((load) => load * capacity),
  sloMults: [2, 4, 6, 8, 10, 12],
  seeds: [1, 2, 3, 4, 5],
  requests: 1000,
  policies: [...POLICY_NAMES],
  params: DEFAULT_POLICY_PARAMS,
  predictor: 'average',
  lastN: 3,
};
const threads = availableParallelism();
const started = performance.now();
const points = await runSweep(config, { threads });
const seconds = (performance.now() - started) / 1000;
const decisions = points.reduce((a, p) => a + p.decisions, 0);
console.log(
  `paper CNN study (5 loads 0.5-1.3 x 6 SLO multipliers x 5 seeds x 1000 requests x 11 policies = ${points.length} simulations) on ${threads} threads: ` +
    `${seconds.toFixed(1)} s, ${Math.round(decisions / seconds).toLocaleString('en-US')} decisions/s overall (target < ${TARGET_SECONDS} s: ${seconds < TARGET_SECONDS ? 'met' : 'NOT met'})`,
);
