// The scheduler's RTL logs on fixed scenarios (several D values, unit counts, the 16-bit score path,
// event backpressure, the FPGA build, and one integrated-system run) hash exactly as they did before
// the scheduler was split into blocks (test/fixtures/scheduler-baseline-logs.json, recorded on the
// flat module): the split changed the structure, not one cycle of behaviour. To see a difference
// line by line: `node --import tsx test/scheduler/baseline-logs.ts --out DIR` on both trees, `diff -r`.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASELINE_FIXTURE, dumpBaselineLogs, type BaselineEntry } from './baseline-logs.ts';

describe('scheduler RTL logs equal the pre-split baseline', () => {
  it('every scenario: same number of lines and decisions, same SHA-256', async () => {
    const want = JSON.parse(readFileSync(BASELINE_FIXTURE, 'utf8')) as Record<string, BaselineEntry>;
    const got = await dumpBaselineLogs(mkdtempSync(join(tmpdir(), 'dysta-baseline-')));
    expect(Object.keys(got)).toEqual(Object.keys(want));
    expect(got).toEqual(want);
    expect(Object.values(got).reduce((n, e) => n + e.decisions, 0)).toBeGreaterThan(13_000);
  });
});
