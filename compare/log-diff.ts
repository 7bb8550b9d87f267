// Line-for-line comparison of an RTL log with the golden model's (the `sched_run` and `dysta_system`
// logs share their decision lines: `D t_sel t_event slot req layer score`, then one `S slot score`
// per valid slot). The report names the first diverging line, the decision it belongs to, and both
// models' scores at that decision, slot by slot, so a disagreement can be read without the files.

export interface ScoreRow {
  slot: number;
  rtl?: string;
  golden?: string;
}

export interface FirstDifference {
  /** 0-based line index. */
  line: number;
  rtl?: string;
  golden?: string;
  /** 0-based decision the line belongs to (-1 before the first decision). */
  decision: number;
  /** The D lines of that decision in both logs, and every slot's score in both. */
  rtlDecision?: string;
  goldenDecision?: string;
  scores: ScoreRow[];
}

export interface LogComparison {
  identical: boolean;
  rtlLines: number;
  goldenLines: number;
  /** Lines equal at the same position. */
  sameLines: number;
  /** Decisions (D lines) in the golden log, and those equal at the same position in the RTL's. */
  decisions: number;
  sameDecisions: number;
  first?: FirstDifference;
}

/** The D line and the S lines after it, for the decision that line index `at` belongs to. */
function decisionAround(lines: readonly string[], at: number): { index: number; decision?: string; scores: Map<number, string> } {
  let d = Math.min(at, lines.length - 1);
  while (d >= 0 && !lines[d]!.startsWith('D ')) d--;
  const scores = new Map<number, string>();
  if (d < 0) return { index: -1, scores };
  let index = 0;
  for (let i = 0; i < d; i++) if (lines[i]!.startsWith('D ')) index++;
  for (let i = d + 1; i < lines.length && !lines[i]!.startsWith('D '); i++) {
    const p = lines[i]!.split(' ');
    if (p[0] === 'S') scores.set(Number(p[1]), p[2]!);
  }
  return { index, decision: lines[d], scores };
}

export function compareLogs(rtl: readonly string[], golden: readonly string[]): LogComparison {
  let sameLines = 0;
  let firstLine = -1;
  const n = Math.max(rtl.length, golden.length);
  for (let i = 0; i < n; i++) {
    if (rtl[i] === golden[i]) sameLines++;
    else if (firstLine < 0) firstLine = i;
  }
  const rtlD = rtl.filter((l) => l.startsWith('D '));
  const goldenD = golden.filter((l) => l.startsWith('D '));
  const sameDecisions = goldenD.filter((l, i) => rtlD[i] === l).length;
  const out: LogComparison = { identical: firstLine < 0, rtlLines: rtl.length, goldenLines: golden.length, sameLines, decisions: goldenD.length, sameDecisions };
  if (firstLine >= 0) {
    const r = decisionAround(rtl, firstLine);
    const g = decisionAround(golden, firstLine);
    const slots = [...new Set([...r.scores.keys(), ...g.scores.keys()])].sort((a, b) => a - b);
    out.first = {
      line: firstLine,
      rtl: rtl[firstLine],
      golden: golden[firstLine],
      decision: Math.max(r.index, g.index),
      rtlDecision: r.decision,
      goldenDecision: g.decision,
      scores: slots.map((slot) => ({ slot, rtl: r.scores.get(slot), golden: g.scores.get(slot) })),
    };
  }
  return out;
}

/** A few lines for a person: the first difference, its decision, and the scores where they differ. */
export function describeDifference(c: LogComparison, names: { rtl: string; golden: string } = { rtl: 'RTL', golden: 'golden' }): string {
  const f = c.first;
  if (!f) return `${names.rtl} and ${names.golden} logs identical (${c.goldenLines} lines)`;
  const w = Math.max(names.rtl.length, names.golden.length);
  const lines = [
    `first difference at log line ${f.line + 1}${f.decision >= 0 ? ` (decision ${f.decision})` : ''}:`,
    `  ${names.rtl.padEnd(w)}  ${f.rtl ?? '(log ended)'}`,
    `  ${names.golden.padEnd(w)}  ${f.golden ?? '(log ended)'}`,
  ];
  if (f.decision >= 0 && (f.rtlDecision !== f.rtl || f.goldenDecision !== f.golden)) {
    lines.push(`  decision ${f.decision}: ${names.rtl} "${f.rtlDecision ?? '-'}", ${names.golden} "${f.goldenDecision ?? '-'}" (D t_sel t_event slot request layer score)`);
  }
  if (f.scores.length) {
    const shown = f.scores.filter((s) => s.rtl !== s.golden);
    const rows = (shown.length ? shown : f.scores).slice(0, 12);
    lines.push(`  scores at that decision (${shown.length ? `${shown.length} of ${f.scores.length} slots differ` : 'all equal'}): ${rows.map((s) => `slot ${s.slot} ${names.rtl} ${s.rtl ?? '-'} / ${names.golden} ${s.golden ?? '-'}`).join('; ')}${(shown.length || f.scores.length) > rows.length ? '; ...' : ''}`);
  }
  return lines.join('\n');
}

/**
 * A log built line by line as a few large strings (4096 lines each), so a million-line golden log
 * is cheap to keep and to compare with the RTL's log text without splitting it into lines.
 */
export class LogText {
  private readonly chunks: string[] = [];
  private pending: string[] = [];
  lines = 0;

  add(line: string): void {
    this.pending.push(line);
    this.lines++;
    if (this.pending.length === 4096) this.flush();
  }

  private flush(): void {
    if (this.pending.length) this.chunks.push(this.pending.join('\n') + '\n');
    this.pending = [];
  }

  /** True if `text` (lines ending with a newline) is exactly this log. */
  equals(text: string): boolean {
    this.flush();
    let at = 0;
    for (const c of this.chunks) {
      if (!text.startsWith(c, at)) return false;
      at += c.length;
    }
    return at === text.length;
  }

  toLines(): string[] {
    this.flush();
    return this.chunks.join('').split('\n').filter((l) => l.length > 0);
  }
}

/**
 * A golden `sched_run` log kept compactly: its score lines (`S slot score`, three quarters of a log
 * with score reads) as two numbers each, every other line as its text. The S lines are never
 * formatted unless a report needs them: `equals` reads the RTL's log text in place and requires each
 * S line to be exactly `S`, a space, the slot, a space, the score and a newline, both in canonical
 * decimal (no sign, no leading zero), so it is true exactly when the text equals the formatted log.
 * A score above 2^53 - 1 (not exact in a double) is kept as its line's text.
 */
export class CompactLog {
  /** Every line but the numeric S lines, in order. */
  private readonly texts: string[] = [];
  /** S lines after texts[i] (index i + 1; index 0: before the first text line). */
  private readonly runs: number[] = [0];
  private readonly slots: number[] = [];
  private readonly scores: number[] = [];
  lines = 0;

  add(line: string): void {
    this.texts.push(line);
    this.runs.push(0);
    this.lines++;
  }

  /** The line `S slot score`. */
  score(slot: number, score: bigint): void {
    // Number() of a bigint from 2^53 is at least 2^53 (rounding is monotonic), so this range test is exact.
    const value = Number(score);
    if (!(value >= 0 && value <= Number.MAX_SAFE_INTEGER) || !(slot >= 0 && slot <= Number.MAX_SAFE_INTEGER && Number.isInteger(slot))) return this.add(`S ${slot} ${score}`);
    this.slots.push(slot);
    this.scores.push(value);
    this.runs[this.runs.length - 1]!++;
    this.lines++;
  }

  /** The lines other than the numeric S lines (the A, B, C, D, G and K lines), in order. */
  textLines(): readonly string[] {
    return this.texts;
  }

  /** True if `text` (lines ending with a newline) is exactly this log. */
  equals(text: string): boolean {
    let at = 0;
    let s = 0;
    for (let i = 0; ; i++) {
      for (let k = this.runs[i]!; k > 0; k--, s++) {
        // `S slot score\n`
        if (text.charCodeAt(at) !== 83 || text.charCodeAt(at + 1) !== 32) return false;
        at = matchDecimal(text, at + 2, this.slots[s]!);
        if (at < 0 || text.charCodeAt(at) !== 32) return false;
        at = matchDecimal(text, at + 1, this.scores[s]!);
        if (at < 0 || text.charCodeAt(at) !== 10) return false;
        at++;
      }
      if (i === this.texts.length) return at === text.length;
      const line = this.texts[i]!;
      if (!text.startsWith(line, at) || text.charCodeAt(at + line.length) !== 10) return false;
      at += line.length + 1;
    }
  }

  /** Every line, the S lines formatted (for a report of a difference). */
  toLines(): string[] {
    const out: string[] = [];
    let s = 0;
    for (let i = 0; ; i++) {
      for (let k = this.runs[i]!; k > 0; k--, s++) out.push(`S ${this.slots[s]} ${this.scores[s]}`);
      if (i === this.texts.length) return out;
      out.push(this.texts[i]!);
    }
  }
}

/**
 * Reads a canonical unsigned decimal (digits, no leading zero unless it is 0, at most 16 digits:
 * exact in a double) at `at` and returns where it ends if its value is `want`, else -1.
 */
function matchDecimal(text: string, at: number, want: number): number {
  let v = 0;
  let end = at;
  for (let c = text.charCodeAt(end); c >= 48 && c <= 57; c = text.charCodeAt(++end)) v = v * 10 + (c - 48);
  const digits = end - at;
  if (digits === 0 || digits > 16 || (digits > 1 && text.charCodeAt(at) === 48)) return -1;
  return v === want ? end : -1;
}

/** Calls `fn` for every line of `text` whose first character is one of `kinds` (no other line is copied). */
export function forEachLine(text: string, kinds: string, fn: (line: string) => void): void {
  let at = 0;
  while (at < text.length) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    if (end > at && kinds.includes(text[at]!)) fn(text.slice(at, end));
    at = end + 1;
  }
}

/** Lines of `text` that start with `kind` (a single character), without copying any. */
export function countLines(text: string, kind: string): number {
  let n = text.startsWith(kind) ? 1 : 0;
  for (let at = text.indexOf(`\n${kind}`); at >= 0; at = text.indexOf(`\n${kind}`, at + 2)) n++;
  return n;
}
