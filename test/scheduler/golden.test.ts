// The golden model's fixed-point arithmetic on hand-worked numbers: reciprocal encoding, the 1/k and
// 1/N tables, the predictor step, every term of the score, saturation flags and the tie rule.
import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig } from '../../hwgen/index.ts';
import { gammaOne, invK, invN, schedulerFormats } from '../../hwgen/scheduler/formats.ts';
import { GoldenScheduler, beats, encodePenaltyScale, encodeReciprocal, predictorStep, scoreOf } from '../../hwgen/scheduler/golden.ts';

const f = schedulerFormats(defaultConfig().scheduler);

describe('scheduler golden model', () => {
  it('formats: beta = round(0.01 * 2^32), gamma 4.24, tables round to nearest', () => {
    expect(f.betaQ).toBe(42949673n);
    expect(f.gammaWidth).toBe(28);
    expect(gammaOne(f)).toBe(1n << 24n);
    expect(invK(f, 1)).toBe(1n << 32n);
    expect(invK(f, 3)).toBe(1431655765n); // round(2^32 / 3)
    expect(invN(f, 3)).toBe(5592405n); // round(2^24 / 3)
    expect(invN(f, 1024)).toBe(16384n);
  });

  it('encodeReciprocal keeps the mantissa within recipWidth with the largest shift', () => {
    expect(encodeReciprocal(f, 1024)).toEqual({ mant: 1n << 31n, shift: 17 });
    const r = encodeReciprocal(f, 1000);
    expect(r.mant < 1n << 32n && r.mant >= 1n << 31n).toBe(true);
    // 1000 non-zeros against 1000 expected: ratio within one ulp of 1.0
    const ratio = (1000n * r.mant) >> BigInt(r.shift);
    expect(ratio === 1n << 24n || ratio === (1n << 24n) - 1n).toBe(true);
    expect(() => encodeReciprocal(f, 0)).toThrow(RangeError);
  });

  it('penalty scale = clock / isolated cycles in 16.16, saturating', () => {
    expect(encodePenaltyScale(f, 200_000_000n)).toBe(1n << 16n); // 1 s at 200 MHz -> 1.0
    expect(encodePenaltyScale(f, 20_000_000n)).toBe(10n << 16n);
    expect(encodePenaltyScale(f, 1n)).toBe((1n << 32n) - 1n);
  });

  it('predictor: ratio, running sum, gamma = sum / k, P = gamma * suffix', () => {
    const r = encodeReciprocal(f, 1024);
    const s1 = predictorStep(f, 0n, 512n, r, 1, 10_000n); // ratio 0.5
    expect(s1.ratio).toBe(1n << 23n);
    expect(s1.gamma).toBe(1n << 23n);
    expect(s1.pred).toBe(5000n);
    const s2 = predictorStep(f, s1.ratioSum, 2048n, r, 2, 10_000n); // ratio 2.0, mean 1.25
    expect(s2.gamma).toBe(5n << 22n);
    expect(s2.pred).toBe(12500n);
    const huge = predictorStep(f, 0n, (1n << 32n) - 1n, encodeReciprocal(f, 2), 1, 1n << 31n);
    expect(huge.saturated).toEqual({ ratio: true, gamma: false, pred: true });
    expect(huge.pred).toBe((1n << 32n) - 1n);
  });

  it('score = P + beta * (max(0, D - t - P) + idle * scale / N)', () => {
    const t = { deadline: 1_000_000n, lastRun: 0n, pred: 100_000n, scale: 4n << 16n };
    const d = scoreOf(f, t, 200_000n, 2);
    expect(d.pred).toBe(100_000n);
    expect(d.urgency).toBe(700_000n);
    expect(d.penalty).toBe(400_000n); // 200000 * 4 / 2
    expect(d.betaTerm).toBe((1_100_000n * f.betaQ) >> 32n); // 11000 (0.01 * 1.1e6, truncated)
    expect(d.score).toBe(100_000n + d.betaTerm);
    // Deadline long past: no urgency. A last-run time in the future counts as no idle time.
    const past = scoreOf(f, { ...t, deadline: 0n, lastRun: 300_000n }, 200_000n, 1);
    expect(past.urgency).toBe(0n);
    expect(past.penalty).toBe(0n);
    expect(past.score).toBe(100_000n);
    // A very long idle time saturates the idle register and the penalty.
    const idle = scoreOf(f, { ...t, scale: (1n << 32n) - 1n }, 1n << 40n, 1);
    expect(idle.saturated.idle).toBe(true);
    expect(idle.saturated.penalty).toBe(true);
  });

  it('16-bit score path in units of 2^10 cycles saturates at 65535', () => {
    const g = schedulerFormats(parseConfig({ scheduler: { scoreWidth: 16, scoreShift: 10 } }).scheduler);
    const d = scoreOf(g, { deadline: 0n, lastRun: 0n, pred: 5000n * 1024n, scale: 0n }, 10n, 1);
    expect(d.score).toBe(5000n);
    expect(scoreOf(g, { deadline: 0n, lastRun: 0n, pred: 1n << 40n, scale: 0n }, 10n, 1).score).toBe(65535n);
  });

  it('ties go to the earliest admission; a freed slot keeps its fields until reused', () => {
    expect(beats({ score: 5n, seq: 9n }, { score: 5n, seq: 10n })).toBe(true);
    expect(beats({ score: 5n, seq: 11n }, { score: 5n, seq: 10n })).toBe(false);
    const g = new GoldenScheduler(parseConfig({ scheduler: { log2Tasks: 1 } }).scheduler);
    g.program(0, { nlayers: 1, suffix0: 100n, layers: [{ recip: encodeReciprocal(g.f, 8), suffixNext: 0n }] });
    const req = { variant: 0, deadline: 0n, arrival: 0n, scale: 0n };
    expect(g.admit(req)).toBe(0);
    expect(g.admit(req)).toBe(1);
    expect(g.admit(req)).toBeUndefined();
    const d = g.select(10n);
    expect(d.slot).toBe(0);
    expect(d.tEvent).toBe(10n + 2n + 20n); // two valid slots in one bank: N + 20 (the README)
    const out = g.layerDone(100n, 8n);
    expect(out.completed).toBe(true);
    expect(g.isValid(0)).toBe(false);
    expect(g.task(0)!.lastRun).toBe(100n);
    expect(g.admit(req)).toBe(0);
    expect(g.select(200n).slot).toBe(1); // seq 1 beats the re-admitted slot 0 (seq 2)
  });
});
