// `dysta predictors`' evaluation on the hand-fitted data set of regression-fit.test.ts (split all,
// in-sample): RMSE of P - R as % of the mean isolated latency (4), computed by hand.
import { describe, expect, it } from 'vitest';
import { evaluatePredictors } from '../../sw-scheduler/predictor-eval.ts';
import { zooWorkload } from '../../sw-scheduler/zoo/zoo.ts';
import { handRegressionWorkload } from './helpers.ts';

const workload = handRegressionWorkload();

describe('predictor evaluation', () => {
  const e = evaluatePredictors(workload, { fitSplit: 'all' });
  const row = (name: string) => e.rows.find((r) => r.predictor === name)!;

  it('none: P = the profile sum; errors (1, 0, -1.5, 0.5) / 4 at both boundaries', () => {
    expect(e.heldOut).toBe(false);
    expect(row('none (avg)').overall).toBeCloseTo((100 * Math.sqrt((1 + 0 + 2.25 + 0.25) / 4)) / 4, 10);
    expect(row('none (avg)').afterFirstLayer).toBeCloseTo((100 * Math.sqrt(3.5 / 4)) / 4, 10);
  });

  it('gamma after one layer: 3 * (0.5, 1, 1.5, 1) against (2, 3, 4.5, 2.5)', () => {
    expect(row('gamma (dysta)').afterFirstLayer).toBeCloseTo((100 * Math.sqrt((0.25 + 0 + 0 + 0.25) / 4)) / 4, 10);
  });

  it('regression after one layer: 0.5 + 2.5 * gamma, errors (-0.25, 0, -0.25, 0.5)', () => {
    expect(row('regression').afterFirstLayer).toBeCloseTo((100 * Math.sqrt((0.0625 + 0.0625 + 0.25) / 4)) / 4, 10);
    // At k = 0 the regression predicts the mean isolated latency, like `none` here.
    expect(row('regression').overall).toBeCloseTo((100 * Math.sqrt((3.5 + 0.375) / 8)) / 4, 10);
  });

  it('on the attention zoo, held out, the regression beats gamma and gamma is worse than no monitor', () => {
    const z = evaluatePredictors(zooWorkload('attention'));
    const r = (name: string) => z.rows.find((x) => x.predictor === name)!.afterFirstLayer;
    expect(z.heldOut).toBe(true);
    expect(z.samplesEvaluated).toBe(600);
    expect(r('regression')).toBeLessThan(r('none (avg)'));
    expect(r('gamma (dysta)')).toBeGreaterThan(5 * r('none (avg)'));
    expect(z.byFraction.filter((b) => b.predictor === 'regression')).toHaveLength(10);
  });
});
