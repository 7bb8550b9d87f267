// Comparing an RTL log with the golden model's: the first differing line, the decision it belongs
// to and both models' scores there; the text comparison used for million-line logs.
import { describe, expect, it } from 'vitest';
import { CompactLog, LogText, compareLogs, countLines, describeDifference, forEachLine } from '../../compare/log-diff.ts';

const golden = ['A 0 0', 'A 1 1', 'D 10 20 0 0 0 500', 'S 0 500', 'S 1 700', 'A 2 2', 'D 40 50 1 1 0 650', 'S 0 900', 'S 1 650', 'S 2 800', 'C 1 1 90', 'K 2 3 3 0 10 0 40 99'];

describe('compareLogs', () => {
  it('identical logs', () => {
    const c = compareLogs(golden, [...golden]);
    expect(c).toMatchObject({ identical: true, sameLines: 12, decisions: 2, sameDecisions: 2 });
    expect(c.first).toBeUndefined();
  });

  it('names the first difference, its decision and the scores of both models slot by slot', () => {
    const rtl = [...golden];
    rtl[6] = 'D 40 50 2 2 0 640';
    rtl[9] = 'S 2 640';
    const c = compareLogs(rtl, golden);
    expect(c.identical).toBe(false);
    expect(c.sameDecisions).toBe(1);
    expect(c.first).toMatchObject({ line: 6, decision: 1, rtl: 'D 40 50 2 2 0 640', golden: 'D 40 50 1 1 0 650' });
    expect(c.first!.scores).toEqual([
      { slot: 0, rtl: '900', golden: '900' },
      { slot: 1, rtl: '650', golden: '650' },
      { slot: 2, rtl: '640', golden: '800' },
    ]);
    const text = describeDifference(c);
    expect(text).toContain('first difference at log line 7 (decision 1)');
    expect(text).toContain('1 of 3 slots differ');
    expect(text).toContain('slot 2 RTL 640 / golden 800');
  });

  it('a log that ends early', () => {
    const c = compareLogs(golden.slice(0, 5), golden);
    expect(c.first).toMatchObject({ line: 5, rtl: undefined, golden: 'A 2 2' });
    expect(describeDifference(c)).toContain('(log ended)');
  });
});

describe('LogText', () => {
  it('equals the same lines as one text, across chunk boundaries, and nothing else', () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => `S ${i % 64} ${i * 7919}`);
    const t = new LogText();
    for (const l of lines) t.add(l);
    const text = lines.join('\n') + '\n';
    expect(t.equals(text)).toBe(true);
    expect(t.equals(text + 'K 1\n')).toBe(false);
    expect(t.equals(text.slice(0, -1))).toBe(false);
    expect(t.equals(text.replace('S 5 39595', 'S 5 39596'))).toBe(false);
    expect(t.lines).toBe(10_000);
    expect(t.toLines()).toEqual(lines);
  });

  it('forEachLine passes only the lines of the wanted kinds; countLines counts a kind', () => {
    const seen: string[] = [];
    const text = golden.join('\n') + '\n';
    forEachLine(text, 'DC', (l) => seen.push(l));
    expect(seen).toEqual(['D 10 20 0 0 0 500', 'D 40 50 1 1 0 650', 'C 1 1 90']);
    expect([countLines(text, 'D'), countLines(text, 'A'), countLines(text, 'S'), countLines(text, 'K'), countLines('', 'D')]).toEqual([2, 3, 5, 1, 0]);
  });
});

describe('CompactLog', () => {
  // A log as the golden model writes it: S lines given as numbers, the others as text.
  const build = (lines: readonly string[]) => {
    const log = new CompactLog();
    for (const l of lines) {
      const m = /^S (\d+) (\d+)$/.exec(l);
      if (m) log.score(Number(m[1]), BigInt(m[2]!));
      else log.add(l);
    }
    return log;
  };
  const big = (2n ** 53n + 7n).toString();
  const lines = ['S 9 1', 'A 0 0', 'D 2 23 0 0 0 5', 'S 0 5', 'S 1 0', 'S 1023 9007199254740991', `S 2 ${big}`, 'G 0 1 1 4 5 6 7 8', 'K 1 1 1 0 21 0 2 40'];
  const text = lines.join('\n') + '\n';

  it('equals exactly the formatted text, S lines before the first text line and scores above 2^53 included', () => {
    const log = build(lines);
    expect(log.equals(text)).toBe(true);
    expect(log.lines).toBe(lines.length);
    expect(log.toLines()).toEqual(lines);
    expect(log.textLines()).toEqual(lines.filter((l) => !l.startsWith('S ') || l.endsWith(big)));
    expect(build([]).equals('')).toBe(true);
  });

  it('rejects any other spelling of an S line, a different value, and a missing, extra or changed line', () => {
    const log = build(lines);
    // [a line of the log, what replaces it]
    const edits: [string, string][] = [
      ['S 0 5\n', 'S 0 05\n'], // leading zero in the score
      ['S 0 5\n', 'S 00 5\n'], // ... in the slot
      ['S 0 5\n', 'S 0 +5\n'],
      ['S 0 5\n', 'S 0  5\n'],
      ['S 0 5\n', 'S 0 5 \n'],
      ['S 0 5\n', 'S  0 5\n'],
      ['S 0 5\n', 's 0 5\n'],
      ['S 0 5\n', 'S 0 6\n'],
      ['S 0 5\n', 'S 1 5\n'],
      ['S 0 5\n', 'S 0 \n'],
      ['S 0 5\n', 'S 0 5\n\n'],
      ['S 0 5\n', ''],
      ['S 1 0\n', 'S 1 00\n'],
      ['S 1023 9007199254740991', 'S 1023 09007199254740991'],
      ['S 1023 9007199254740991', 'S 1023 19007199254740991'], // 17 digits
      ['S 1023 9007199254740991', 'S 1023 9007199254740990'],
      [big, (2n ** 53n + 8n).toString()],
      ['A 0 0', 'A 0 1'],
    ];
    const variants = [...edits.map(([from, to]) => text.replace(from, to)), text.slice(0, -1), text + 'K 1\n', 'S 9 1\n' + text];
    for (const v of variants) expect(log.equals(v), JSON.stringify(v)).toBe(false);
  });
});
