// fcfs: the task that arrived first; the earliest admitted on ties.
import type { PolicyDefinition } from './policy.ts';

export const fcfs: PolicyDefinition = {
  name: 'fcfs',
  description: 'first come, first served: smallest arrival time',
  patternAware: false,
  prediction: 'estimate',
  createSelector(tasks) {
    const { arrival } = tasks;
    return (ready, count, _t, score) => {
      let best = 0;
      let bestArrival = Infinity;
      for (let i = 0; i < count; i++) {
        const a = arrival[ready[i]];
        score[i] = a;
        if (a < bestArrival) {
          bestArrival = a;
          best = i;
        }
      }
      return best;
    };
  },
};
