// The digits: the fixed split (counts stated in models/README.md, checked literally), no digit in two
// splits, the round-robin order of the test digits, and the 2x2 downsampling to int8 by hand.
import { describe, expect, it } from 'vitest';
import { digitImage, downsample, loadDigits, splitOf } from '../../models/data.ts';

describe('MNIST digits', () => {
  const d = loadDigits();

  it('splits 10,000 digits into 6,990 training, 1,002 calibration and 2,008 test digits', () => {
    expect([d.training.length, d.calibration.length, d.test.length]).toEqual([6990, 1002, 2008]);
    // Per class: j mod 10 in {0, 1} -> test, 2 -> calibration.
    expect([0, 1, 2, 3, 9, 10, 11, 12, 13].map(splitOf)).toEqual(['test', 'test', 'calibration', 'training', 'training', 'test', 'test', 'calibration', 'training']);
    const key = (x: { label: number; indexInClass: number }) => `${x.label}/${x.indexInClass}`;
    const all = [...d.training, ...d.calibration, ...d.test].map(key);
    expect(new Set(all).size).toBe(10_000);
    for (const t of d.test) expect(t.indexInClass % 10).toBeLessThan(2);
    for (const c of d.calibration) expect(c.indexInClass % 10).toBe(2);
  });

  it('numbers the test digits round-robin over the classes', () => {
    expect(d.test.slice(0, 10).map((t) => t.label)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(d.test.slice(0, 12).map((t) => t.indexInClass)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    const first200 = d.test.slice(0, 200).map((t) => t.label);
    for (let c = 0; c < 10; c++) expect(first200.filter((l) => l === c)).toHaveLength(20);
  });

  it('downsamples 28x28 grey levels to 14x14 int8: floor(sum of the 2x2 bytes / 8)', () => {
    const grey = new Array<number>(28 * 28).fill(0);
    // Block (0, 0): four white pixels -> 4 * 255 / 8 = 127.5 -> 127.
    for (const [y, x] of [[0, 0], [0, 1], [1, 0], [1, 1]]) grey[y! * 28 + x!] = 1;
    // Block (2, 3) (rows 4-5, columns 6-7): 0.2 = byte 51 -> 4 * 51 = 204 -> 25; a single 0.996 = 254 -> 31.
    for (const [y, x] of [[4, 6], [4, 7], [5, 6], [5, 7]]) grey[y! * 28 + x!] = 0.2;
    grey[27 * 28 + 27] = 0.996;
    const out = downsample(grey);
    expect(out[0]).toBe(127);
    expect(out[2 * 14 + 3]).toBe(25);
    expect(out[13 * 14 + 13]).toBe(31);
    expect(out.filter((v) => v !== 0)).toHaveLength(3);
    const img = digitImage(d.test[0]!);
    expect([img.length, img[0]!.length, img[0]![0]!.length]).toEqual([1, 14, 14]);
    expect(d.test.reduce((m, t) => Math.max(m, ...t.pixels), 0)).toBe(127);
  });
});
