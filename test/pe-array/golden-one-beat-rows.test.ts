// runLayerGoldenFlat copies the outputs of a one-beat row seen before (long layers repeat a few
// hundred distinct rows). The same rows, each given a second beat of value 0 (adding nothing, and
// not a one-beat row, so computed afresh), must give the same outputs and counts.
import { describe, expect, it } from 'vitest';
import { parseConfig, runLayerGoldenFlat, type LayerTile } from '../../hwgen/index.ts';
import { packRowsText } from '../../cosim/npu/driver.ts';

describe('runLayerGoldenFlat with repeated one-beat rows', () => {
  for (const [label, raw] of [
    ['default', {}],
    ['3 lanes, 5-bit activations, 6-bit weights, depth 8, 14-bit accumulator', { peArray: { lanes: 3, actWidth: 5, weightWidth: 6, weightDepth: 8, accWidth: 14 } }],
  ] as const) {
    it(`equals the same rows computed afresh (${label}), ReLU on and off, several shifts`, () => {
      const cfg = parseConfig(raw).peArray;
      const aMin = -(2 ** (cfg.actWidth - 1));
      const aMax = 2 ** (cfg.actWidth - 1) - 1;
      const wMax = 2 ** (cfg.weightWidth - 1) - 1;
      const weights = Array.from({ length: 5 }, (_, k) => Array.from({ length: cfg.lanes }, (_, j) => ((k * 7 + j * 3) % (2 * wMax)) - wMax));
      // One-beat rows cycling through few values, mixed with multi-beat rows.
      const beats: LayerTile['beats'] = [];
      for (let r = 0; r < 3000; r++) {
        if (r % 7 === 3) beats.push({ index: r % 5, value: aMax, last: false }, { index: (r + 1) % 5, value: aMin, last: true });
        else beats.push({ index: r % 5, value: ((r * 37) % (aMax - aMin + 1)) + aMin, last: true });
      }
      const padded = beats.flatMap((b) => (b.last ? [{ ...b, last: false }, { index: 0, value: 0, last: true }] : [b]));
      for (const [relu, shift] of [[false, 0], [true, 1], [false, 3]] as const) {
        const rows = beats.filter((b) => b.last).length;
        const a = runLayerGoldenFlat(cfg, { weights, beats, rows, relu, shift });
        const b = runLayerGoldenFlat(cfg, { weights, beats: padded, rows, relu, shift });
        expect([a.nonzero, a.total]).toEqual([b.nonzero, b.total]);
        expect(Array.from(a.flat)).toEqual(Array.from(b.flat));
        expect(a.nonzero).toBeGreaterThan(0);
        // sameAs names only earlier, equal rows; the hex text copied from them is the text packed afresh.
        const L = cfg.lanes;
        let copied = 0;
        a.sameAs.forEach((src, r) => {
          if (src < 0) return;
          copied++;
          expect(src).toBeLessThan(r);
          expect(Array.from(a.flat.subarray(r * L, (r + 1) * L))).toEqual(Array.from(a.flat.subarray(src * L, (src + 1) * L)));
        });
        expect(copied).toBeGreaterThan(1000);
        expect(Array.from(b.sameAs).every((x) => x < 0)).toBe(true);
        expect(packRowsText(a.flat, L, cfg.actWidth, a.sameAs)).toBe(packRowsText(b.flat, L, cfg.actWidth));
      }
    });
  }
});
