// A design's manifest is checked without zod when it is well formed (cosim/design.ts plainManifest)
// and by the zod schema otherwise, for its messages. The plain check may refuse more than zod (zod
// then decides) but must never accept what zod refuses, nor return other data: both run here on
// random manifests near the format's edges, and on every manifest the generator writes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plainManifest, zodManifest } from '../../cosim/design.ts';
import { generateDesign, parseConfig } from '../../hwgen/index.ts';
import { seededUniform } from '../helpers.ts';

const HASH = 'ab'.repeat(32);

function randomManifest(seed: number): unknown {
  const next = seededUniform(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]!;
  // Mostly a valid value, now and then one at or past an edge.
  const edge = <T>(valid: T[], invalid: unknown[]) => (next() < 0.06 ? pick(invalid) : pick(valid));
  const anything = () => pick<unknown>([0, -1, 1, 0.5, 1e300, 2 ** 53, '', 'x', HASH, null, true, [], {}, ['a']]);
  // Each key is usually right, sometimes missing, sometimes anything; unknown keys are dropped by both.
  const obj = (fields: Record<string, () => unknown>) => {
    if (next() < 0.01) return anything();
    const o: Record<string, unknown> = {};
    for (const [k, good] of Object.entries(fields)) {
      const roll = next();
      if (roll < 0.01) continue;
      o[k] = roll < 0.03 ? anything() : good();
    }
    if (next() < 0.1) o.extra = anything();
    return o;
  };
  const list = (item: () => unknown, min = 0) => (next() < 0.02 ? anything() : Array.from({ length: min + Math.floor(next() * 3) }, item));
  const port = () =>
    obj({
      name: () => edge(['clk', 'a'], ['', 3]),
      dir: () => edge(['input', 'output'], ['inout', 'in']),
      width: () => edge([1, 8, 64, 2 ** 53 - 1], [0, -3, 1.5, 2 ** 53, '8']),
      signed: () => edge([true, false], [0, 'false']),
      role: () => edge(['clock', 'reset', 'data'], ['enable', '']),
    });
  const parameters = () => Object.fromEntries(Array.from({ length: Math.floor(next() * 3) }, (_, i) => [`P${i}`, edge<unknown>([1, -0.5, 'x', true, 2 ** 60], [null, [], {}, 1e400])]));
  const mod = () =>
    obj({
      name: () => edge(['top', 'sub'], ['']),
      file: () => edge(['top.v'], ['']),
      sha256: () => edge([HASH, HASH.toUpperCase()], ['nothex', `${HASH}0`]),
      parameters: () => (next() < 0.03 ? anything() : parameters()),
      ports: () => list(port),
      instances: () => list(() => obj({ name: () => edge(['u'], ['']), module: () => edge(['sub'], ['']) })),
    });
  return obj({
    generator: () => edge(['dysta-rtl hwgen', ''], [3]),
    generatorVersion: () => edge(['0.1.0'], [null]),
    config: () => pick<unknown>([{ a: 1 }, 3, null]),
    tops: () => list(() => edge(['top'], ['']), next() < 0.97 ? 1 : 0),
    files: () => list(() => obj({ path: () => edge(['top.v'], ['']), sha256: () => edge([HASH], ['x']) }), next() < 0.97 ? 1 : 0),
    modules: () => list(mod, next() < 0.97 ? 1 : 0),
  });
}

describe('manifest shape without zod', () => {
  it('accepts only what zod accepts, with the same data, on 20000 random manifests', () => {
    let acceptedByBoth = 0;
    for (let seed = 1; seed <= 20000; seed++) {
      const value = randomManifest(seed);
      const plain = plainManifest(value);
      if (plain === undefined) continue;
      const zod = zodManifest(value);
      expect('data' in zod ? zod.data : zod.error, `seed ${seed}: ${JSON.stringify(value)}`).toEqual(plain);
      acceptedByBoth++;
    }
    expect(acceptedByBoth).toBeGreaterThan(100);
  });

  it('accepts the manifests the generator writes (so a warm run never loads zod), with what zod makes of them', () => {
    for (const config of [{}, { scheduler: { log2Tasks: 10, predictor: 'regression' } }, { scheduler: { policy: 'mhg' } }]) {
      const manifest = JSON.parse(generateDesign(parseConfig(config)).files.get('manifest.json')!) as unknown;
      const plain = plainManifest(manifest);
      expect(plain).toBeDefined();
      expect(zodManifest(manifest)).toEqual({ data: plain });
    }
  });

  it('leaves the message of a malformed manifest to zod', () => {
    const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'cosim-counter', 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(plainManifest(fixture)).toBeDefined();
    const broken = { ...fixture, tops: [] };
    expect(plainManifest(broken)).toBeUndefined();
    expect(zodManifest(broken)).toEqual({ error: expect.stringContaining('tops') });
  });
});
