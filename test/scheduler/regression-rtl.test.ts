// The regression predictor in RTL (scheduler.predictor = "regression"): P = max(0, a + b x gamma) from
// two host-programmed coefficient banks, the bank chosen per request at admission. Documented numbers
// literally, a hand-built scenario whose scores are P itself (deadline long past, no penalty), and
// random scenarios (both banks, negative and saturating coefficients, full tables) equal to the golden
// model line for line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchedScript, SchedulerSim } from '../../cosim/scheduler/driver.ts';
import type { HwConfig } from '../../hwgen/index.ts';
import { encodeCoefficient, regressionPred, schedulerFormats } from '../../hwgen/scheduler/formats.ts';
import { encodeReciprocal } from '../../hwgen/scheduler/golden.ts';
import { parseConfig } from '../../hwgen/index.ts';
import { openScheduler, parseDecisions, runAndCompare } from './helpers.ts';
import { randomScenario } from './scenarios.ts';

describe('regression formats (documented numbers)', () => {
  const f = schedulerFormats(parseConfig({ scheduler: { predictor: 'regression' } }).scheduler);
  const one = 1n << 24n; // gamma 1.0 (4.24)
  it('coefficients are latencyWidth + 2 = 34-bit signed cycles; P = a + floor(b x gamma / 2^24), clamped', () => {
    expect(f.coeffWidth).toBe(34);
    expect(regressionPred(f, 1000n, 2000n, (3n * one) / 4n)).toBe(2500n);
    expect(regressionPred(f, 1000n, -2000n, one / 2n)).toBe(0n);
    expect(regressionPred(f, 10n, -3n, 1n)).toBe(9n); // -3 x 2^-24 floors to -1
    expect(regressionPred(f, 0n, 1n << 33n, 16n * one - 1n)).toBe((1n << 32n) - 1n);
  });
  it('host encoding rounds seconds x f to cycles and saturates at +-2^33', () => {
    expect(encodeCoefficient(f, 1234.5)).toBe(1235n);
    expect(encodeCoefficient(f, -0.4)).toBe(0n);
    expect(encodeCoefficient(f, 1e12)).toBe((1n << 33n) - 1n);
    expect(encodeCoefficient(f, -1e12)).toBe(-(1n << 33n));
  });
});

describe('regression predictor RTL vs golden (D = 2, hand-built)', () => {
  let sim: SchedulerSim;
  let config: HwConfig;
  beforeAll(async () => {
    ({ sim, config } = await openScheduler({ log2Tasks: 2, predictor: 'regression' }, 'regr2'));
  });
  afterAll(async () => sim?.close());

  it('each request uses its own bank; P clamps at 0 and saturates; 0 after the last layer', async () => {
    const f = schedulerFormats(config.scheduler);
    const r = encodeReciprocal(f, 1024);
    const lim = (1n << 33n) - 1n;
    const script: SchedScript = {
      start: 100n,
      variants: [
        {
          variant: 0,
          nlayers: 3,
          suffix0: 0n,
          layers: [0, 1, 2].map(() => ({ mant: r.mant, shift: r.shift, suffixNext: 0n })),
          coeffs: [
            { a: [9000n, -5000n, 100n], b: [0n, 4000n, lim] },
            { a: [7000n, 3000n, -1n], b: [0n, 0n, 0n] },
          ],
        },
      ],
      // Deadline 0 and penalty scale 0: score = P exactly. nnz = expected: gamma = 1.0.
      requests: [0, 1].map((bank) => ({ arrival: 100n, variant: 0, deadline: 0n, scale: 0n, bank, layers: [0, 1, 2].map(() => ({ cycles: 400n, nnz: 1024n })) })),
    };
    const run = await runAndCompare(sim, config, script);
    const ds = parseDecisions(run.lines);
    // r0 alone first (bank 0: a0 = 9000); r1 (bank 1: a0 = 7000) arrives during that layer.
    // r0 after layer 0: max(0, -5000 + 4000 x 1.0) = 0 beats 7000; after layer 1: 100 + (2^33 - 1) x 1.0
    // saturates, so r1 runs: 7000, then 3000 + 0, then max(0, -1 + 0) = 0; r0's last layer at the end.
    expect(ds.map((d) => [d.req, d.score])).toEqual([
      [0, 9000n],
      [0, 0n],
      [1, 7000n],
      [1, 3000n],
      [1, 0n],
      [0, (1n << 32n) - 1n],
    ]);
    const g = run.lines.filter((l) => l.startsWith('G ')).map((l) => l.split(' '));
    // A completed task's read-back: P = 0 after its last layer.
    expect(g.filter((x) => x[2] === '0' && x[3] === '3').every((x) => x[5] === '0')).toBe(true);
  });
});

describe.each([
  ['D = 4 (table fills)', { log2Tasks: 4, predictor: 'regression' }, 4, 900, 3000],
  ['D = 5, 2 units, 16-bit score', { log2Tasks: 5, predictor: 'regression', selectorUnits: 2, scoreWidth: 16, scoreShift: 2 }, 5, 500, 2000],
] as const)('regression predictor RTL vs golden, %s', (name, scheduler, seed, requests, minDecisions) => {
  let sim: SchedulerSim;
  let config: HwConfig;
  beforeAll(async () => {
    ({ sim, config } = await openScheduler(scheduler, `regr${seed}`));
  });
  afterAll(async () => sim?.close());

  it('random decisions are bit-exact (both banks, clamps, saturation)', async () => {
    const script = randomScenario(config.scheduler, { seed: 100 + seed, requests });
    expect(new Set(script.requests.map((r) => r.bank))).toEqual(new Set([0, 1]));
    const run = await runAndCompare(sim, config, script);
    expect(run.decisions).toBeGreaterThan(minDecisions);
    const preds = run.lines.filter((l) => l.startsWith('G ') && l.split(' ')[2] === '1').map((l) => BigInt(l.split(' ')[5]!));
    expect(preds.some((p) => p === 0n)).toBe(true);
    expect(preds.some((p) => p === (1n << BigInt(schedulerFormats(config.scheduler).latencyWidth)) - 1n)).toBe(true);
  });
});
