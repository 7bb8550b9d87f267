// planaria: priority over remaining slack, p / (D - t), selected by the artifact's max-rule. A zero
// slack gives an infinite score (IEEE division), which the max-rule handles like any other value.
import type { PolicyDefinition } from './policy.ts';
import { selectByMaxRule } from './max-rule.ts';

export const planaria: PolicyDefinition = {
  name: 'planaria',
  description: 'Planaria: largest priority / slack (max-rule)',
  patternAware: false,
  prediction: 'estimate',
  createSelector(tasks) {
    const { priority, deadline, arrival } = tasks;
    return (ready, count, t, score) => {
      for (let i = 0; i < count; i++) {
        const x = ready[i];
        score[i] = priority[x] / (deadline[x] - t);
      }
      return selectByMaxRule(ready, count, score, arrival);
    };
  },
};
