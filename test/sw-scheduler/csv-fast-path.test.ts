// The CSV reader splits plain files itself (sw-scheduler/csv.ts csvRows) and hands anything else to
// csv-parse. The two must agree on every text the fast path accepts: compared here on random texts
// over the characters that matter (separators, white space, line ends, quotes), with csv-parse as the
// reference, and on the repository's example workloads.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvRows } from '../../sw-scheduler/csv.ts';
import { PROJECT_ROOT, seededUniform } from '../helpers.ts';

type Row = { record: string[]; info: { lines: number } };
const reference = (text: string) =>
  (parse(text, { info: true, bom: true, skip_empty_lines: true, trim: true, relax_column_count: true }) as unknown as Row[]).map((r) => ({ record: r.record, info: { lines: r.info.lines } }));
const rows = (text: string) => csvRows(text).map((r) => ({ record: r.record, info: { lines: r.info.lines } }));

function randomText(seed: number): string {
  const next = seededUniform(seed);
  const alphabet = ['1', '0.5', '-2e-3', 'a_b', ',', ',', ' ', '\t', '\n', '\n', '\r\n', '\r', '"', '%', '\u00a0', '\ufeff'];
  const length = Math.floor(next() * 40);
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
  return text;
}

describe('csvRows', () => {
  it('agrees with csv-parse on 5000 random texts (fast path or not)', () => {
    let fastPathTaken = 0;
    for (let seed = 1; seed <= 5000; seed++) {
      const text = randomText(seed);
      let expected;
      try {
        expected = reference(text);
      } catch {
        continue; // csv-parse refuses it (a stray quote): the fast path never sees quotes
      }
      expect(rows(text), `seed ${seed}: ${JSON.stringify(text)}`).toEqual(expected);
      if (!/["\u00a0\ufeff]/.test(text.slice(1))) fastPathTaken++;
    }
    expect(fastPathTaken).toBeGreaterThan(1000);
  });

  it('agrees with csv-parse on the example workloads, with LF and CRLF line ends and a BOM', () => {
    const root = join(PROJECT_ROOT, 'test', 'fixtures', 'workloads');
    for (const flavour of readdirSync(root)) {
      for (const f of readdirSync(join(root, flavour))) {
        const text = readFileSync(join(root, flavour, f), 'utf8');
        for (const variant of [text, text.replace(/\n/g, '\r\n'), `\ufeff${text}`]) expect(rows(variant)).toEqual(reference(variant));
      }
    }
  });

  it('names the line of a ragged row as csv-parse does (blank lines counted)', () => {
    const text = 'a,b\n1,2\n\n  \n3,4,5\n';
    expect(rows(text)).toEqual([
      { record: ['a', 'b'], info: { lines: 1 } },
      { record: ['1', '2'], info: { lines: 2 } },
      { record: ['3', '4', '5'], info: { lines: 5 } },
    ]);
  });
});
