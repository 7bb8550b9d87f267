// A variant CSV is read one of two ways (sw-scheduler/csv.ts): regularVariant takes the artifact's
// files as they come (a complete table of numbers in sample and layer order) with whole-text
// operations; readVariantCsv reads any file record by record and names what is wrong. They must read
// the same tables, and regularVariant must take nothing it would read differently: it answers
// undefined for anything irregular or invalid, which readVariantCsv then reports.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseVariantCsv, readVariantCsv, regularVariant, type ParsedVariantCsv } from '../../sw-scheduler/csv.ts';
import { PROJECT_ROOT, seededUniform } from '../helpers.ts';

const plain = (p: ParsedVariantCsv) => ({
  flavour: p.flavour,
  name: p.table.name,
  sampleIds: [...p.table.sampleIds],
  layers: p.table.layers,
  latency: Array.from(p.table.latency),
  sparsity: Array.from(p.table.sparsity),
  layersAt: p.layersAt,
});

/** What readVariantCsv makes of a text: its table, or its error message. */
function slow(text: string, file = 'v.csv', seqLen = 512): ReturnType<typeof plain> | string {
  try {
    return plain(readVariantCsv(text, file, seqLen));
  } catch (err) {
    return (err as Error).message;
  }
}

/** A regular file: `samples` sample ids (ascending, with gaps), `layers` layers each, valid values. */
function regularText(next: () => number, flavour: 'eyeriss' | 'sanger', samples: number, layers: number): string {
  const lines = [flavour === 'eyeriss' ? 'sim_lat,overall-sparsity,batch-indx,layer-indx' : 'overall-sparsity,50%-no-skip,50%-skip,25%-no-skip,25%-skip,batch-indx,layer-indx'];
  let id = Math.floor(next() * 3);
  for (let s = 0; s < samples; s++) {
    for (let l = 0; l < layers; l++) {
      // Sparsity may be 0 (Eyeriss); Sanger's column is a density, in (0, 1].
      const a = next() < 0.1 ? (flavour === 'eyeriss' ? '0.000000' : '1') : (next() * 0.98 + 0.01).toFixed(6);
      // Latencies of 10 significant digits, or of 25 (beyond what a double holds: rounding matters).
      const b = next() < 0.3 ? `0.000${Array.from({ length: 25 }, () => Math.floor(next() * 10)).join('')}1` : (next() * 0.002 + 1e-6).toPrecision(10);
      lines.push(flavour === 'eyeriss' ? `${b},${a},${id},${l}` : `${a},0.5,${(next() + 0.3).toFixed(6)},0.4,0.9,${id},${l}`);
    }
    id += 1 + Math.floor(next() * 3);
  }
  return lines.join('\n') + (next() < 0.5 ? '\n' : '');
}

/** A small change to a regular file: reorder, drop, repeat or break a row or a field. */
function mutate(next: () => number, text: string): string {
  const lines = text.split('\n');
  const last = lines[lines.length - 1] === '' ? lines.length - 2 : lines.length - 1;
  if (last < 1) return `${text}\n`; // no data row left to change
  const row = 1 + Math.floor(next() * last);
  const other = 1 + Math.floor(next() * last);
  const fields = lines[row]!.split(',');
  const f = Math.floor(next() * fields.length);
  switch (Math.floor(next() * 10)) {
    case 0:
      [lines[row], lines[other]] = [lines[other]!, lines[row]!];
      break;
    case 1:
      lines.splice(row, 1);
      break;
    case 2:
      lines.splice(row, 0, lines[other]!);
      break;
    case 3:
      fields[f] = ['', '-1', 'x', '1e400', '0x10', '-0', '2', '0.5', 'NaN', 'true', 'null', '1.', '+1', '007', '1e-2'][Math.floor(next() * 15)]!;
      lines[row] = fields.join(',');
      break;
    case 4:
      lines[row] = fields.slice(1).join(',');
      break;
    case 5:
      lines[row] = `${lines[row]},7`;
      break;
    case 6:
      lines.splice(row, 0, '');
      break;
    case 7:
      lines[row] = ` ${lines[row]}`;
      break;
    case 8:
      return text.replace(/\n/g, '\r\n');
    default:
      return `\ufeff${text}`;
  }
  return lines.join('\n');
}

describe('the regular-file reading of variant CSVs', () => {
  it('reads every example workload file, as the record-by-record reading does', () => {
    const root = join(PROJECT_ROOT, 'test', 'fixtures', 'workloads');
    for (const flavour of readdirSync(root)) {
      for (const f of readdirSync(join(root, flavour))) {
        const file = join(root, flavour, f);
        const text = readFileSync(file, 'utf8');
        const regular = regularVariant(text, file, 384);
        expect(regular, file).toBeDefined();
        expect(plain(regular!)).toEqual(slow(text, file, 384));
        expect(plain(parseVariantCsv(text, file, 384))).toEqual(plain(regular!));
      }
    }
  });

  it('agrees on 400 random regular files of both flavours and odd sizes', () => {
    const next = seededUniform(17);
    for (let n = 0; n < 400; n++) {
      const text = regularText(next, next() < 0.5 ? 'eyeriss' : 'sanger', 1 + Math.floor(next() * 7), 1 + Math.floor(next() * 9));
      const regular = regularVariant(text, 'v.csv', 512);
      expect(regular, text).toBeDefined();
      expect(plain(regular!), text).toEqual(slow(text));
    }
  });

  it('takes no file it would read differently: 3000 changed files are refused or read the same', () => {
    const next = seededUniform(23);
    let refused = 0;
    let readAlike = 0;
    for (let n = 0; n < 3000; n++) {
      let text = regularText(next, next() < 0.5 ? 'eyeriss' : 'sanger', 1 + Math.floor(next() * 5), 1 + Math.floor(next() * 6));
      for (let k = 1 + Math.floor(next() * 2); k > 0; k--) text = mutate(next, text);
      const regular = regularVariant(text, 'v.csv', 512);
      const expected = slow(text);
      if (regular === undefined) refused++;
      else {
        // Only a change that leaves a regular, valid file (e.g. 0.5 for another valid value) is read.
        expect(typeof expected, `${JSON.stringify(text)} -> ${String(expected)}`).toBe('object');
        expect(plain(regular), JSON.stringify(text)).toEqual(expected);
        readAlike++;
      }
    }
    expect(refused).toBeGreaterThan(1500);
    expect(readAlike).toBeGreaterThan(50);
  });

  it('reads a sample id -0 as 0, as the record-by-record reading does', () => {
    const text = 'sim_lat,overall-sparsity,batch-indx,layer-indx\n0.1,0.5,-0,0\n0.2,0.5,-0,1\n0.1,0.5,3,0\n0.2,0.5,3,1\n';
    expect(Object.is(regularVariant(text, 'v.csv', 512)!.table.sampleIds[0], 0)).toBe(true);
    expect(Object.is(readVariantCsv(text, 'v.csv', 512).table.sampleIds[0], 0)).toBe(true);
  });

  it('refuses what the record-by-record reading reports, so the message is the same', () => {
    const header = 'sim_lat,overall-sparsity,batch-indx,layer-indx';
    for (const text of [
      `${header}\n0.1,0.5,0,0\n0.1,0.5,0,0\n`, // a row twice
      `${header}\n0.1,0.5,0,0\n0.1,0.5,0,1\n0.1,0.5,1,0\n`, // a missing row
      `${header}\n0,0.5,0,0\n`, // latency 0
      `${header}\n0.1,1.5,0,0\n`, // sparsity above 1
      `${header}\n0.1,0.5,-0.5,0\n`, // a sample that is no index
      `${header}\n`, // no data rows
      'sim_lat,batch-indx,layer-indx\n0.1,0,0\n', // a missing column
    ]) {
      let message = '';
      try {
        parseVariantCsv(text, 'v.csv');
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message, text).toBe(slow(text));
      expect(message).not.toBe('');
    }
  });
});
