// Benchmark of the policies beyond the paper against dysta in the float engine.
//   node --import tsx bench/policies-beyond.ts
// One 1000-request trace per workload at loads 0.9 and 1.2 (SLO x4): decisions per second on one
// thread (best of 3 after a warm-up), and dispatches per request. mhg pays for its EDF scan and
// Moore-Hodgson marking, O(N) per decision plus a max search per late marking.
import { simulate } from '../sw-scheduler/engine.ts';
import { getPolicy } from '../sw-scheduler/policies/index.ts';
import { compileTrace, generatePoissonTrace } from '../sw-scheduler/requests.ts';
import { workloadCapacity } from '../sw-scheduler/sweep.ts';
import { zooWorkload } from '../sw-scheduler/zoo/zoo.ts';

console.log('workload   load  policy     decisions   best ms   decisions/s  dispatches/req');
for (const name of ['cnn', 'attention']) {
  const workload = zooWorkload(name);
  for (const load of [0.9, 1.2]) {
    const compiled = compileTrace(workload, generatePoissonTrace(workload, { rate: load * workloadCapacity(workload), count: 1000, seed: 1, sloMult: 4 }));
    for (const policyName of ['dysta', 'mhg', 'mhg_vio']) {
      const policy = getPolicy(policyName);
      simulate(compiled, policy); // warm-up (JIT, regression fit cache)
      let best = Infinity;
      let result = simulate(compiled, policy);
      for (let rep = 0; rep < 3; rep++) {
        const started = performance.now();
        result = simulate(compiled, policy);
        best = Math.min(best, performance.now() - started);
      }
      console.log(
        `${name.padEnd(10)} ${load.toFixed(1).padStart(4)}  ${policyName.padEnd(9)} ${String(result.decisions).padStart(10)} ${best.toFixed(1).padStart(9)} ${Math.round((result.decisions / best) * 1000).toLocaleString('en-US').padStart(13)} ${(result.dispatches / compiled.count).toFixed(3).padStart(15)}`,
      );
    }
  }
}
