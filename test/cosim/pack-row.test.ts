// packRow (the NPU and system drivers' weight rows as hex) against the bigint formula written out
// here: lane 0 in the low bits, each value in width-bit two's complement, no leading zeros.
import { describe, expect, it } from 'vitest';
import { packRow, unpackLanes } from '../../cosim/npu/driver.ts';
import { packWeightRow } from '../../cosim/system/driver.ts';

function reference(values: readonly number[], width: number): string {
  let word = 0n;
  values.forEach((v, j) => (word += BigInt.asUintN(width, BigInt(v)) * 2n ** BigInt(j * width)));
  return word.toString(16);
}

describe('packRow', () => {
  it('equals the bigint formula on random rows, the extremes and zero, for widths 1-33 and odd lane counts', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let width = 1; width <= 33; width++) {
      const lo = -(2 ** (width - 1));
      const hi = 2 ** (width - 1) - 1;
      for (const lanes of [1, 3, 5, 8, 13]) {
        const rows = [Array(lanes).fill(0), Array(lanes).fill(lo), Array(lanes).fill(hi), Array(lanes).fill(-1), Array.from({ length: lanes }, (_, j) => (j === lanes - 1 ? 1 : 0))];
        for (let i = 0; i < 20; i++) rows.push(Array.from({ length: lanes }, () => lo + Math.floor(rand() * (hi - lo + 1))));
        for (const row of rows) expect(packRow(row, width), `width ${width} row ${row.join(',')}`).toBe(reference(row, width));
      }
    }
  });

  it('gives "0" for an empty row and refuses a fraction, as the bigint form does', () => {
    expect(packRow([], 8)).toBe('0');
    expect(() => packRow([1.5], 8)).toThrow(RangeError);
    expect(() => packRow([1.5], 7)).toThrow(RangeError);
  });

  it('is the system driver packWeightRow', () => {
    expect(packWeightRow).toBe(packRow);
  });
});

describe('unpackLanes', () => {
  it('reads back every lane of a packed row, with or without its leading zeros (widths 2-33)', () => {
    let seed = 777;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let width = 2; width <= 33; width++) {
      const lo = -(2 ** (width - 1));
      const hi = 2 ** (width - 1) - 1;
      for (const lanes of [1, 3, 16]) {
        const rows = [Array(lanes).fill(0), Array(lanes).fill(lo), Array(lanes).fill(hi), Array.from({ length: lanes }, (_, j) => (j === 0 ? -1 : 0))];
        for (let i = 0; i < 10; i++) rows.push(Array.from({ length: lanes }, () => lo + Math.floor(rand() * (hi - lo + 1))));
        for (const row of rows) {
          const hex = reference(row, width);
          const padded = hex.padStart(Math.ceil((lanes * width) / 4), '0');
          expect(unpackLanes(hex, lanes, width), `width ${width} ${hex}`).toEqual(row);
          expect(unpackLanes(padded, lanes, width), `width ${width} ${padded}`).toEqual(row);
        }
      }
    }
  });
});
