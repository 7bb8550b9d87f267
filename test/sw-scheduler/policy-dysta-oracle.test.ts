// dysta_oracle: the dysta score with the true remaining latency and the true isolated latency.
import { describe, expect, it } from 'vitest';
import { run, tinyTrace, tinyWorkload } from './helpers.ts';

// m's sample 1 is sparser than average in layer 0 (gamma 0.5), but its layer 1 takes 3 s, not Lpat's 2.
const workload = tinyWorkload({
  m: [
    [[1, 1], [0.25, 0.5]],
    [[1, 3], [0.75, 0.5]],
  ],
  n: [[[2], [0.5]]],
});
const trace = tinyTrace(10, [
  [0, 'm', 1, 1],
  [0.5, 'n', 0, 1],
]);

describe('dysta_oracle', () => {
  it('scores with true remaining latency and isoReal', () => {
    const r = run(workload, trace, 'dysta_oracle');
    expect(r.decisions[0].predicted).toEqual([4]);
    expect(r.decisions[1].predicted).toEqual([3, 2]);
    // r0: P 3, D 30; r1: P 2, D 20.5, waited 0.5 over isoReal 2, N = 2.
    expect(r.decisions[1].score).toEqual([3 + 0.01 * (26 + 0), 2 + 0.01 * (17.5 + 0.5 / 2 / 2)]);
    expect(r.chosen).toEqual([0, 1, 0]);
    expect(r.finish).toEqual([6, 3]);
    expect(r.metrics).toEqual({ violationRate: 0, antt: (6 / 4 + 2.5 / 2) / 2, stp: 2 / 6 });
  });

  it('breaks an exact tie of true remaining latency by admission order', () => {
    // Two identical n requests at 0.5. t=1: both 2 + 0.01 * ((20.5 - 1 - 2) + (1 - 0.5) / 2 / 3); r0
    // (P 3, D 30) scores 3 + 0.01 * 26. r1 wins the tie; at t=3 r2 (2 + 0.01 * (15.5 + 2.5/2/2)) beats
    // r0 (3 + 0.01 * (24 + 2/4/2)).
    const tie = tinyTrace(10, [
      [0, 'm', 1, 1],
      [0.5, 'n', 0, 1],
      [0.5, 'n', 0, 1],
    ]);
    const r = run(workload, tie, 'dysta_oracle');
    const twin = 2 + 0.01 * (17.5 + 0.5 / 2 / 3);
    expect(r.decisions[1].score).toEqual([3 + 0.01 * (26 + 0), twin, twin]);
    expect(r.decisions[2].score).toEqual([3 + 0.01 * (24 + 2 / 4 / 2), 2 + 0.01 * (15.5 + 2.5 / 2 / 2)]);
    expect(r.chosen).toEqual([0, 1, 2, 0]);
    expect(r.times).toEqual([0, 1, 3, 5]);
    expect(r.finish).toEqual([8, 3, 5]);
    // Deadlines 30, 20.5, 20.5; isoReal 4, 2, 2: ANTT (8/4 + 2.5/2 + 4.5/2) / 3 = 5.5 / 3; STP 3 / 8.
    expect(r.metrics).toEqual({ violationRate: 0, antt: 5.5 / 3, stp: 3 / 8 });
  });

  it('decides differently from dysta, whose monitor under-predicts this sample', () => {
    const r = run(workload, trace, 'dysta');
    expect(r.decisions[1].gamma).toEqual([0.5, 1]);
    expect(r.decisions[1].predicted).toEqual([1, 2]);
    expect(r.chosen).toEqual([0, 0, 1]);
    expect(r.finish).toEqual([4, 6]);
  });
});
