// A trace's shape is checked without zod when it is well formed (sw-scheduler/requests.ts
// plainTraceShape) and by the zod schema otherwise, for its messages. The plain check may refuse more
// than zod (zod then decides), but must never accept what zod refuses, nor return other data: both
// run here on random values near the format's edges.
import { describe, expect, it } from 'vitest';
import { plainTraceShape, zodTraceShape } from '../../sw-scheduler/requests.ts';
import { seededUniform } from '../helpers.ts';

function randomValue(seed: number): unknown {
  const next = seededUniform(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]!;
  const numbers = [0, -0, 1, 3, 9, 0.5, -1, -0.25, 1e300, Infinity, -Infinity, NaN, 2 ** 53, 2 ** 53 - 1, 17, 1e-9];
  const anything = () => pick<unknown>([...numbers, '', 'resnet50_filter_sparse20', '1', null, true, [], {}, [1]]);
  const request = () => {
    if (next() < 0.05) return anything();
    const r: Record<string, unknown> = {};
    for (const key of ['arrival', 'variant', 'sample', 'priority']) {
      const roll = next();
      if (roll < 0.04) continue; // missing key
      r[key] = roll < 0.2 ? anything() : key === 'variant' ? pick(['vgg16_block4_sparse60', 'a', '']) : pick(numbers);
    }
    if (next() < 0.1) r.extra = anything(); // unknown keys are dropped by both
    return r;
  };
  if (next() < 0.03) return anything();
  const trace: Record<string, unknown> = {};
  if (next() > 0.03) trace.sloMult = next() < 0.2 ? anything() : pick(numbers);
  if (next() > 0.03) trace.requests = next() < 0.05 ? anything() : Array.from({ length: Math.floor(next() * 4) }, request);
  return trace;
}

describe('trace shape without zod', () => {
  it('accepts only what zod accepts, with the same data, on 20000 random values', () => {
    let acceptedByBoth = 0;
    for (let seed = 1; seed <= 20000; seed++) {
      const value = randomValue(seed);
      const plain = plainTraceShape(value);
      if (plain === undefined) continue;
      const zod = zodTraceShape(value);
      expect('data' in zod ? zod.data : zod.issue, `seed ${seed}: ${JSON.stringify(value)}`).toEqual(plain);
      acceptedByBoth++;
    }
    expect(acceptedByBoth).toBeGreaterThan(100);
  });

  it('accepts a well-formed trace and drops unknown keys, as zod does', () => {
    const value = { sloMult: 10, note: 'x', requests: [{ arrival: 0, variant: 'a', sample: 0, priority: 3, extra: 1 }] };
    expect(plainTraceShape(value)).toEqual({ sloMult: 10, requests: [{ arrival: 0, variant: 'a', sample: 0, priority: 3 }] });
    expect(zodTraceShape(value)).toEqual({ data: plainTraceShape(value) });
  });
});
