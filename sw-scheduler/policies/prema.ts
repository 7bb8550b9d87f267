// prema / prema_sparse: PREMA's token scheme. Each decision adds to every waiting task's token its
// priority times its waiting time over its isolated latency (re-added at every decision, as the
// artifact does), picks a threshold 9/3/1 from the largest token, and among the tasks at or above the
// threshold runs the shortest estimated remaining time.
import type { PolicyDefinition, Selector } from './policy.ts';
import type { TaskTable } from '../tasks.ts';

function tokenSelector(sparse: boolean) {
  return (tasks: TaskTable, _params: unknown, capacity: number): Selector => {
    const { priority, lastRun, isoEst, gamma, predicted } = tasks;
    const token = new Float64Array(capacity);
    const tokenSet = new Uint8Array(capacity);
    return (ready, count, t, score) => {
      let maxToken = 0;
      for (let i = 0; i < count; i++) {
        const x = ready[i];
        if (tokenSet[x] === 0) {
          // A fresh token does not count toward the maximum.
          tokenSet[x] = 1;
          token[x] = priority[x];
        } else {
          const iso = sparse ? gamma[x] * isoEst[x] : isoEst[x];
          token[x] += priority[x] * ((t - lastRun[x]) / iso);
          if (token[x] > maxToken) maxToken = token[x];
        }
        score[i] = token[x];
      }
      const threshold = maxToken >= 9 ? 9 : maxToken >= 3 ? 3 : 1;
      let best = -1;
      let bestRemaining = Infinity;
      for (let i = 0; i < count; i++) {
        const x = ready[i];
        if (token[x] >= threshold) {
          // predicted = sum(E) for prema, gamma * sum(E) with the candidate's own gamma for prema_sparse.
          const remaining = predicted[x];
          if (best < 0 || remaining < bestRemaining) {
            bestRemaining = remaining;
            best = i;
          }
        }
      }
      return best;
    };
  };
}

export const prema: PolicyDefinition = {
  name: 'prema',
  description: 'PREMA token scheduling with thresholds 9/3/1 (architecture profile)',
  patternAware: false,
  prediction: 'estimate',
  createSelector: tokenSelector(false),
};

export const premaSparse: PolicyDefinition = {
  name: 'prema_sparse',
  description: 'PREMA with the pattern profile and monitor-corrected estimates',
  patternAware: true,
  prediction: 'monitor',
  createSelector: tokenSelector(true),
};
