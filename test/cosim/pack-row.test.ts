// packRow (the NPU and system drivers' weight rows as hex) against the bigint formula written out
// here: lane 0 in the low bits, each value in width-bit two's complement, no leading zeros;
// unpackLanes reading such rows back; the npu_layer command's text.
import { describe, expect, it } from 'vitest';
import { layerCommandText, packRow, unpackLanes, type NpuBeat, type NpuWrite } from '../../cosim/npu/driver.ts';
import { packWeightRow } from '../../cosim/system/driver.ts';

function reference(values: readonly number[], width: number): string {
  let word = 0n;
  values.forEach((v, j) => (word += BigInt.asUintN(width, BigInt(v)) * 2n ** BigInt(j * width)));
  return word.toString(16);
}

/** Rows of `lanes` values in `width` bits: zeros, both extremes, -1, one bit alone, and random ones. */
function rowsOf(width: number, lanes: number, random: number, seed: number): number[][] {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const lo = -(2 ** (width - 1));
  const hi = 2 ** (width - 1) - 1;
  const rows = [Array(lanes).fill(0), Array(lanes).fill(lo), Array(lanes).fill(hi), Array(lanes).fill(-1), Array.from({ length: lanes }, (_, j) => (j === lanes - 1 ? 1 : 0))];
  for (let i = 0; i < random; i++) rows.push(Array.from({ length: lanes }, () => lo + Math.floor(rand() * (hi - lo + 1))));
  return rows;
}

describe('packRow', () => {
  it('equals the bigint formula on random rows, the extremes and zero, for widths 1-33 and odd lane counts', () => {
    for (let width = 1; width <= 33; width++) {
      for (const lanes of [1, 3, 5, 8, 13]) {
        for (const row of rowsOf(width, lanes, 20, 12345 + width)) expect(packRow(row, width), `width ${width} row ${row.join(',')}`).toBe(reference(row, width));
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
    for (let width = 2; width <= 33; width++) {
      for (const lanes of [1, 3, 16]) {
        for (const row of rowsOf(width, lanes, 10, 777 + width)) {
          const hex = reference(row, width);
          const padded = hex.padStart(Math.ceil((lanes * width) / 4), '0');
          expect(unpackLanes(hex, lanes, width), `width ${width} ${hex}`).toEqual(row);
          expect(unpackLanes(padded, lanes, width), `width ${width} ${padded}`).toEqual(row);
        }
      }
    }
  });
});

describe('layerCommandText', () => {
  it('is the npu_layer command as text, beat by beat: negative, zero and large values, weight writes, extra beats', () => {
    const beats: (NpuBeat | NpuWrite)[] = [
      { index: 0, value: 0, last: false },
      { index: 3, value: -128, last: true },
      { index: 1023, value: 127, last: false },
      { kind: 'write', addr: 5, row: [1, -1, 0] },
      { index: 12, value: -0, last: true },
      { index: 7, value: 2 ** 31 + 5, last: true }, // beyond the byte path: as text
      ...Array.from({ length: 300 }, (_, i) => ({ index: i % 17, value: ((i * 37) % 256) - 128, last: i % 3 === 2 })),
    ];
    const extra: NpuBeat[] = [{ index: 0, value: 1, last: true }, { index: 9, value: -99999, last: false }];
    const expected = `npu_layer 123 1 7 ${beats.length + extra.length}` + [...beats, ...extra].map((b) => ('kind' in b ? ` w ${b.addr} ${packRow(b.row, 8)}` : ` ${b.index} ${b.value} ${b.last ? 1 : 0}`)).join('');
    expect(layerCommandText({ beats, rows: 123, relu: true, shift: 7 }, extra, 8)).toBe(expected);
    expect(layerCommandText({ beats: [], rows: 1, relu: false, shift: 0 }, [], 8)).toBe('npu_layer 1 0 0 0');
  });
});
