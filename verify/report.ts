// What the regression prints and writes: one line per case as it finishes, the summary table, the
// failures with the command that reruns each alone with a waveform, JUnit XML (one testcase per
// case, as cocotb's results.xml, for any CI) and the JSON report.
import { thousands } from '../output/index.ts';
import type { RegressionResult, SuiteSummary } from './regression.ts';
import type { CaseResult } from './types.ts';


function seconds(s: number): string {
  return s < 10 ? `${s.toFixed(2)} s` : s < 600 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

const STATUS = { pass: 'ok  ', fail: 'FAIL', error: 'ERR ', skipped: 'skip' } as const;

/** The line printed as soon as a case finishes. */
export function caseLine(r: CaseResult): string {
  const id = `${r.suite}/${r.name}${r.pass ? ` [${r.pass}]` : ''}`.padEnd(30);
  if (r.status === 'skipped') return `${STATUS.skipped} ${id} ${r.message ?? ''}`;
  const figures = `${thousands(r.checked).padStart(7)} ${r.unit.padEnd(9)} ${seconds(r.wallSeconds).padStart(8)}`;
  return `${STATUS[r.status]} ${id} ${figures}${r.message ? `  ${r.message}` : ''}`;
}

/** The summary table: suite, cases, what was checked, simulated cycles, wall time, result. */
export function summaryTable(result: RegressionResult): string {
  const head = ['suite', 'cases', 'checked', 'simulated cycles', 'wall time', 'result'];
  const row = (s: SuiteSummary) => [
    s.pass ? `${s.suite} (${s.pass})` : s.suite,
    s.skipped ? `${s.cases} (${s.skipped} skipped)` : String(s.cases),
    `${thousands(s.checked)} ${s.unit}`,
    thousands(s.simCycles),
    seconds(s.wallSeconds),
    s.result === 'fail' ? `FAIL (${s.failed + s.errors} of ${s.cases})` : s.result,
  ];
  const total = result.suites.reduce((a, s) => ({ cases: a.cases + s.cases, bad: a.bad + s.failed + s.errors, cycles: a.cycles + s.simCycles }), { cases: 0, bad: 0, cycles: 0 });
  const rows = [...result.suites.map(row), ['total', String(total.cases), '', thousands(total.cycles), seconds(result.wallSeconds), result.passed ? 'pass' : `FAIL (${total.bad} of ${total.cases})`]];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const right = [false, true, true, true, true, false];
  const fmt = (cells: string[]) => cells.map((x, c) => (right[c] ? x.padStart(widths[c]!) : x.padEnd(widths[c]!))).join('  ').trimEnd();
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(0, -1).map(fmt), widths.map((w) => '-'.repeat(w)).join('  '), fmt(rows.at(-1)!)].join('\n');
}

/** Each failing case: what differed, its waveform if recorded, how to rerun it alone with one, how to replay it. */
export function failureReport(result: RegressionResult, rerun: (r: CaseResult) => string): string {
  const bad = result.cases.filter((c) => c.status === 'fail' || c.status === 'error');
  return bad
    .map((c) =>
      [
        `${c.status === 'fail' ? 'FAILED' : 'ERROR'} ${c.suite}/${c.name}: ${c.message ?? ''}`,
        ...(c.detail ? [c.detail.replace(/^(?!  )/gm, '  ')] : []),
        ...(c.waveform ? [`  waveform kept: ${c.waveform}${c.gtkw ? `  (gtkwave ${c.gtkw})` : ''}`] : []),
        `  rerun alone with a waveform: ${rerun(c)}`,
        ...(c.replay ? [`  replay the simulator session without Node: ${c.replay}`] : []),
      ].join('\n'),
    )
    .join('\n\n');
}

function xml(text: string): string {
  // XML 1.0 allows tab, newline and carriage return among the control characters; drop the rest.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** JUnit XML: a <testsuite> per suite, a <testcase> per case; a mismatch is a <failure>, a broken run an <error>. */
export function junitXml(result: RegressionResult, o: { timestamp: Date; rerun: (r: CaseResult) => string; properties?: Record<string, string> }): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const failures = result.cases.filter((c) => c.status === 'fail').length;
  const errors = result.cases.filter((c) => c.status === 'error').length;
  const skipped = result.cases.filter((c) => c.status === 'skipped').length;
  out.push(`<testsuites name="dysta cosim" tests="${result.cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${result.wallSeconds.toFixed(3)}">`);
  for (const s of result.suites) {
    const cases = result.cases.filter((c) => c.suite === s.suite && c.pass === s.pass);
    out.push(`  <testsuite name="${xml(s.pass ? `${s.suite} (${s.pass})` : s.suite)}" tests="${cases.length}" failures="${s.failed}" errors="${s.errors}" skipped="${s.skipped}" time="${s.wallSeconds.toFixed(3)}" timestamp="${o.timestamp.toISOString().replace(/\.\d+Z$/, '')}">`);
    if (o.properties) {
      out.push('    <properties>');
      for (const [k, v] of Object.entries(o.properties)) out.push(`      <property name="${xml(k)}" value="${xml(v)}"/>`);
      out.push('    </properties>');
    }
    for (const c of cases) {
      const open = `    <testcase classname="dysta.cosim.${xml(c.suite)}${c.pass ? `.${xml(c.pass.replace(/\s+/g, '-'))}` : ''}" name="${xml(c.name)}" time="${c.wallSeconds.toFixed(3)}"`;
      const out1: string[] = [];
      if (c.status === 'skipped') out1.push(`      <skipped message="${xml(c.message ?? '')}"/>`);
      else if (c.status === 'fail' || c.status === 'error') {
        const tag = c.status === 'fail' ? 'failure' : 'error';
        const body = [c.detail ?? '', c.waveform ? `waveform: ${c.waveform}` : '', `rerun: ${o.rerun(c)}`, c.replay ? `replay: ${c.replay}` : ''].filter(Boolean).join('\n');
        out1.push(`      <${tag} message="${xml(c.message ?? '')}" type="${c.status === 'fail' ? 'mismatch' : 'error'}">${xml(body)}</${tag}>`);
      }
      out1.push(`      <system-out>${xml(`${c.about}; ${c.checked} ${c.unit} checked, ${c.simCycles} cycles${c.commandLog ? `; command log ${c.commandLog}` : ''}`)}</system-out>`);
      out.push(`${open}>`, ...out1, '    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

/** The JSON report; a run of exactly one case also carries that case's own figures at the top level. */
export function jsonReport(result: RegressionResult, o: { seed: number; command: string; rerun: (r: CaseResult) => string }): Record<string, unknown> {
  const cases = result.cases.map((c) => ({
    suite: c.suite,
    name: c.name,
    ...(c.pass ? { pass: c.pass } : {}),
    result: c.status,
    about: c.about,
    checked: c.checked,
    unit: c.unit,
    simCycles: c.simCycles,
    wallSeconds: c.wallSeconds,
    ...(c.message ? { message: c.message } : {}),
    ...(c.detail ? { detail: c.detail } : {}),
    ...(c.status === 'fail' || c.status === 'error' ? { rerun: o.rerun(c) } : {}),
    waveform: c.waveform ?? null,
    gtkw: c.gtkw ?? null,
    commandLog: c.commandLog ?? null,
    replay: c.replay ?? null,
    ...(c.data ? { data: Object.fromEntries(Object.entries(c.data).filter(([k]) => k !== 'text')) } : {}),
  }));
  const report: Record<string, unknown> = {
    result: result.passed ? 'pass' : 'fail',
    seed: o.seed,
    command: o.command,
    wallSeconds: result.wallSeconds,
    suites: result.suites,
    cases,
  };
  if (cases.length === 1) {
    const only = cases[0]!;
    Object.assign(report, only.data ?? {}, { waveform: only.waveform, gtkw: only.gtkw });
    if (!('wallSeconds' in (only.data ?? {}))) report.wallSeconds = result.wallSeconds;
  }
  return report;
}
