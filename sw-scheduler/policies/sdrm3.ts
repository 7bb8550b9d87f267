// sdrm3 / sdrm3_sparse: urgency min(1, P / slack) plus alpha times fairness (waiting time over the
// next layer's estimated latency), selected by the max-rule. Zero slack means urgency 1 (the
// artifact crashes there).
import type { PolicyDefinition, PolicyParams, Selector } from './policy.ts';
import type { TaskTable } from '../tasks.ts';
import { selectByMaxRule } from './max-rule.ts';

function urgencyFairness(sparse: boolean) {
  return (tasks: TaskTable, params: PolicyParams): Selector => {
    const { deadline, lastRun, nextEst, gamma, predicted, arrival } = tasks;
    const alpha = params.alpha;
    return (ready, count, t, score) => {
      for (let i = 0; i < count; i++) {
        const x = ready[i];
        const slack = deadline[x] - t;
        const urgency = slack === 0 ? 1 : Math.min(1, predicted[x] / slack);
        const e1 = sparse ? gamma[x] * nextEst[x] : nextEst[x];
        const fairness = (t - lastRun[x]) / e1;
        score[i] = urgency + alpha * fairness;
      }
      return selectByMaxRule(ready, count, score, arrival);
    };
  };
}

export const sdrm3: PolicyDefinition = {
  name: 'sdrm3',
  description: 'SDRM3: urgency + alpha * fairness (max-rule), architecture profile',
  patternAware: false,
  prediction: 'estimate',
  createSelector: urgencyFairness(false),
};

export const sdrm3Sparse: PolicyDefinition = {
  name: 'sdrm3_sparse',
  description: 'SDRM3 with the pattern profile and monitor-corrected estimates',
  patternAware: true,
  prediction: 'monitor',
  createSelector: urgencyFairness(true),
};
