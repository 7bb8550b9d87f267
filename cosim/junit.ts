// JUnit XML (the de-facto CI test-report format, as Jenkins, GitLab and GitHub read it): test suites
// of test cases, each passed, failed (with a message and details) or skipped (with a reason).
export interface JunitCase {
  name: string;
  classname: string;
  seconds: number;
  failure?: { message: string; details?: string };
  skipped?: string;
}

export interface JunitSuite {
  name: string;
  cases: readonly JunitCase[];
}

function esc(text: string): string {
  // XML 1.0 forbids most control characters even escaped; drop them.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The XML document for `suites` under one `<testsuites name=...>`. */
export function junitXml(name: string, suites: readonly JunitSuite[]): string {
  const count = (s: readonly JunitCase[], f: (c: JunitCase) => boolean) => s.filter(f).length;
  const all = suites.flatMap((s) => s.cases);
  const time = (cs: readonly JunitCase[]) => cs.reduce((a, c) => a + c.seconds, 0).toFixed(3);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${esc(name)}" tests="${all.length}" failures="${count(all, (c) => !!c.failure)}" skipped="${count(all, (c) => c.skipped !== undefined)}" time="${time(all)}">`,
  ];
  for (const s of suites) {
    out.push(`  <testsuite name="${esc(s.name)}" tests="${s.cases.length}" failures="${count(s.cases, (c) => !!c.failure)}" errors="0" skipped="${count(s.cases, (c) => c.skipped !== undefined)}" time="${time(s.cases)}">`);
    for (const c of s.cases) {
      const head = `    <testcase name="${esc(c.name)}" classname="${esc(c.classname)}" time="${c.seconds.toFixed(3)}"`;
      if (c.failure) {
        out.push(`${head}>`, `      <failure message="${esc(c.failure.message)}">${esc(c.failure.details ?? c.failure.message)}</failure>`, '    </testcase>');
      } else if (c.skipped !== undefined) {
        out.push(`${head}>`, `      <skipped message="${esc(c.skipped)}"/>`, '    </testcase>');
      } else out.push(`${head}/>`);
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
