// The JUnit XML report, checked with a real XML parser (fast-xml-parser): well-formed whatever the
// case names and messages hold, one testcase per case, failures and errors with their first
// mismatch, counts that add up.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { junitXml } from '../../verify/report.ts';
import type { RegressionResult } from '../../verify/regression.ts';
import type { CaseResult } from '../../verify/types.ts';

const base = { about: 'what it does', checked: 10, unit: 'decisions' as const, simCycles: 1234, wallSeconds: 0.5 };
const cases: CaseResult[] = [
  { ...base, suite: 'scheduler', name: 'random-1', status: 'pass' },
  { ...base, suite: 'scheduler', name: 'a<b>&"c"', status: 'fail', message: 'RTL "D 1 2" <> golden "D 1 3" & more\u0001', detail: 'first difference at log line 7:\n  RTL  D 1 2\n  golden  D 1 3', replay: 'sim < x.cmds' },
  { ...base, suite: 'scheduler', name: 'time-skips', status: 'skipped', message: 'scheduler.timeSkip = 0' },
  { ...base, suite: 'trace', name: 'cnn', status: 'error', message: 'simulator crashed', unit: 'decisions' },
];
const result: RegressionResult = {
  cases,
  suites: [
    { suite: 'scheduler', cases: 3, passed: 1, failed: 1, errors: 0, skipped: 1, checked: 30, unit: 'decisions', simCycles: 3702, wallSeconds: 1.5, result: 'fail' },
    { suite: 'trace', cases: 1, passed: 0, failed: 0, errors: 1, skipped: 0, checked: 10, unit: 'decisions', simCycles: 1234, wallSeconds: 0.5, result: 'fail' },
  ],
  wallSeconds: 2.25,
  passed: false,
};

describe('JUnit XML', () => {
  const text = junitXml(result, { timestamp: new Date('2026-01-02T03:04:05.678Z'), rerun: (c) => `npx dysta cosim --suite ${c.suite} --case '${c.name}'`, properties: { seed: '7' } });
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) }).parse(text);

  it('is well-formed XML', () => {
    expect(XMLValidator.validate(text)).toBe(true);
  });

  it('has one testcase per case and counts that add up', () => {
    const root = doc.testsuites;
    expect([root.tests, root.failures, root.errors, root.skipped]).toEqual(['4', '1', '1', '1']);
    const suites = root.testsuite as { name: string; tests: string; testcase: unknown[]; timestamp: string }[];
    expect(suites.map((s) => [s.name, s.tests, s.testcase.length])).toEqual([
      ['scheduler', '3', 3],
      ['trace', '1', 1],
    ]);
    expect(suites[0]!.timestamp).toBe('2026-01-02T03:04:05');
  });

  it('keeps names and messages exactly, and says how to rerun a failing case', () => {
    const tc = (doc.testsuites.testsuite[0].testcase as Record<string, unknown>[])[1]!;
    expect(tc.name).toBe('a<b>&"c"');
    expect(tc.classname).toBe('dysta.cosim.scheduler');
    const failure = tc.failure as Record<string, string>;
    expect(failure.message).toBe('RTL "D 1 2" <> golden "D 1 3" & more');
    expect(failure.type).toBe('mismatch');
    expect(failure['#text']).toContain('first difference at log line 7');
    expect(failure['#text']).toContain(`rerun: npx dysta cosim --suite scheduler --case 'a<b>&"c"'`);
    expect(failure['#text']).toContain('replay: sim < x.cmds');
    const skipped = (doc.testsuites.testsuite[0].testcase as Record<string, unknown>[])[2]!.skipped as Record<string, string>;
    expect(skipped.message).toBe('scheduler.timeSkip = 0');
    const error = (doc.testsuites.testsuite[1].testcase as Record<string, unknown>[])[0]!.error as Record<string, string>;
    expect(error.message).toBe('simulator crashed');
  });
});
