// sjf / sjf_sparse: the smallest predicted remaining latency P; the earliest admitted on ties.
import type { PolicyDefinition, Selector } from './policy.ts';
import type { TaskTable } from '../tasks.ts';

function shortestRemaining(tasks: TaskTable): Selector {
  const { predicted } = tasks;
  return (ready, count, _t, score) => {
    let best = 0;
    let bestP = Infinity;
    for (let i = 0; i < count; i++) {
      const p = predicted[ready[i]];
      score[i] = p;
      if (p < bestP) {
        bestP = p;
        best = i;
      }
    }
    return best;
  };
}

export const sjf: PolicyDefinition = {
  name: 'sjf',
  description: 'shortest job first on the architecture profile (no monitor)',
  patternAware: false,
  prediction: 'estimate',
  createSelector: shortestRemaining,
};

export const sjfSparse: PolicyDefinition = {
  name: 'sjf_sparse',
  description: 'shortest job first on the pattern profile, corrected by the sparsity monitor',
  patternAware: true,
  prediction: 'monitor',
  createSelector: shortestRemaining,
};
