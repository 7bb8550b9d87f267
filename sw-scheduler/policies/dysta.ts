// dysta, dysta_naive, dysta_oracle: score = P + beta * (max(0, slack - P) + waiting / iso / N), the
// smallest score runs, the earliest admitted on ties. The three differ only in where P comes from
// and which isolated latency normalises the waiting penalty.
import type { PolicyDefinition, PolicyParams, Selector } from './policy.ts';
import type { TaskTable } from '../tasks.ts';

function dystaScore(useRealIso: boolean) {
  return (tasks: TaskTable, params: PolicyParams): Selector => {
    const { deadline, lastRun, predicted } = tasks;
    const iso = useRealIso ? tasks.isoReal : tasks.isoEst;
    const beta = params.beta;
    return (ready, count, t, score) => {
      let best = 0;
      let bestScore = Infinity;
      for (let i = 0; i < count; i++) {
        const x = ready[i];
        const p = predicted[x];
        const urgency = Math.max(0, deadline[x] - t - p);
        const penalty = (t - lastRun[x]) / iso[x] / count;
        const s = p + beta * (urgency + penalty);
        score[i] = s;
        if (s < bestScore) {
          bestScore = s;
          best = i;
        }
      }
      return best;
    };
  };
}

export const dysta: PolicyDefinition = {
  name: 'dysta',
  description: 'Dysta: pattern profile + sparsity monitor, score P + beta*(urgency + penalty)',
  patternAware: true,
  prediction: 'monitor',
  createSelector: dystaScore(false),
};

export const dystaNaive: PolicyDefinition = {
  name: 'dysta_naive',
  description: 'Dysta score on the architecture profile without the monitor (gamma = 1)',
  patternAware: false,
  prediction: 'estimate',
  createSelector: dystaScore(false),
};

export const dystaOracle: PolicyDefinition = {
  name: 'dysta_oracle',
  description: 'Dysta score with the true remaining and isolated latencies (upper bound)',
  patternAware: true,
  prediction: 'oracle',
  createSelector: dystaScore(true),
};
