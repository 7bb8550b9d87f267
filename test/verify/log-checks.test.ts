// The scheduler suite's checks that read only a log, on hand-written logs: the selection rule (the
// minimum score read back wins, ties to the earliest admitted request) must reject each way of
// breaking it, and the documented timing must reject a decision one cycle late.
import { describe, expect, it } from 'vitest';
import { checkSelectionRule, parseDecisions, schedulerCases, type ParsedDecision } from '../../verify/scheduler-cases.ts';
import { expectedLog, playHarness } from '../../compare/scheduler-harness-model.ts';
import { CompactLog } from '../../compare/log-diff.ts';
import { parseConfig } from '../../hwgen/index.ts';
import { checkDocumentedTiming } from '../../verify/scheduler-literal.ts';
import type { SchedScript } from '../../cosim/scheduler/driver.ts';

// Requests 0, 1, 2 admitted into slots 2, 0, 1; one decision with the scores read back.
const log = (decision: string, scores: [number, number, number]) => ['A 0 2', 'A 1 0', 'A 2 1', decision, `S 0 ${scores[0]}`, `S 1 ${scores[1]}`, `S 2 ${scores[2]}`];
const rule = (lines: string[]) => checkSelectionRule(parseDecisions(lines));

describe('checkSelectionRule', () => {
  it('accepts the minimum, and among equal scores the earliest admitted request', () => {
    expect(rule(log('D 10 30 1 2 0 5', [9, 5, 7]))).toBeUndefined();
    // Slots 0 (request 1) and 2 (request 0) tie at 5: request 0 wins.
    expect(rule(log('D 10 30 2 0 0 5', [5, 9, 5]))).toBeUndefined();
  });
  it('rejects a score that is not the minimum', () => {
    expect(rule(log('D 10 30 2 0 0 7', [9, 5, 7]))).toBe('decision 0: chose slot 2 with score 7, but the smallest score read back is 5');
  });
  it('rejects a tie broken toward a later request', () => {
    expect(rule(log('D 10 30 0 1 0 5', [5, 9, 5]))).toBe('decision 0: equal scores 5 for requests 1, 0; chose 1, not the earliest admitted');
  });
  it('rejects a decision with no scores read back', () => {
    expect(rule(['A 0 0', 'D 10 30 0 0 0 5'])).toBe('decision 0: no scores read back');
  });
});

describe('checkDocumentedTiming', () => {
  // One request of two 1000-cycle layers, one unit: event = selection + N + 20; the second selection
  // starts 17 cycles after the first layer's done (event + 1000).
  const script = { requests: [{ layers: [{ cycles: 1000n }, { cycles: 1000n }] }] } as unknown as SchedScript;
  const lines = (secondSel: bigint) => ['A 0 0', 'D 2 23 0 0 0 5', 'S 0 5', `D ${secondSel} ${secondSel + 21n} 0 0 1 4`, 'S 0 4', 'C 0 0 3000'];
  it('accepts the documented numbers and counts the latency checked', () => {
    expect(checkDocumentedTiming(script, lines(23n + 1000n + 17n), 1)).toBe(1);
  });
  it('rejects a selection one cycle late', () => {
    expect(() => checkDocumentedTiming(script, lines(23n + 1000n + 18n), 1)).toThrow(/selection start after the previous layer's done/);
  });
});

describe('decisions and score lines handed over by the golden model (playHarness onLogged, onScore)', () => {
  // The scheduler suite's log checks read these instead of parsing the golden log back; they must be
  // exactly what parsing the lines gives: D fields, S scores in order, the occupants at each decision.
  const configs = [
    ['default', {}],
    ['D = 2, MHG', { scheduler: { log2Tasks: 2, policy: 'mhg' } }],
    ['D = 3, 2 units', { scheduler: { log2Tasks: 3, selectorUnits: 2 } }],
  ] as const;
  for (const [label, raw] of configs) {
    it(`equal the parsed log on every script case (${label}), with and without score reads`, () => {
      const config = parseConfig(raw);
      const cases = schedulerCases(config.scheduler, { seed: 3, lanes: config.peArray.lanes, maxRows: config.peArray.maxRows }).filter((c) => c.script && !c.skip);
      expect(cases.length).toBeGreaterThan(10);
      // Every case but the four largest random scenarios (tens of thousands of lines each; the
      // suite-level tests run them all against the RTL).
      for (const c of cases.filter((x) => !/^random-(1|2|3|busy)$/.test(x.name))) {
        for (const scoreReads of [true, false]) {
          const logged: ParsedDecision[] = [];
          const lines = expectedLog(config.scheduler, c.script!, c.evStall ?? 0, { scoreReads, onLogged: (d) => logged.push(d) });
          const parsed = parseDecisions([...lines]);
          const flat = (d: ParsedDecision) => JSON.stringify({ ...d, scores: [...d.scores], occupants: [...d.occupants].sort((a, b) => a[0] - b[0]) }, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
          expect(logged.length, c.name).toBe(parsed.length);
          const differs = logged.findIndex((d, i) => flat(d) !== flat(parsed[i]!));
          expect(differs < 0 ? undefined : [flat(logged[differs]!), flat(parsed[differs]!)], `${c.name}, scoreReads ${scoreReads}`).toBeUndefined();
          // The same run into a CompactLog (S lines as numbers): its text is the log's, exactly.
          const compact = new CompactLog();
          playHarness(config.scheduler, c.script!, { evStall: c.evStall ?? 0, scoreReads, onScore: (slot, score) => compact.score(slot, score) }, (l) => compact.add(l));
          const text = lines.length ? lines.join('\n') + '\n' : '';
          expect(compact.toLines().join('\n') + (lines.length ? '\n' : '') === text, c.name).toBe(true);
          expect(compact.equals(text), c.name).toBe(true);
        }
      }
    });
  }
});
