// The scheduler's RTL logs on fixed scenarios (several D values, unit counts, the 16-bit score path,
// event backpressure, the FPGA build, and one integrated-system run) hash exactly as recorded in
// test/fixtures/scheduler-baseline-logs.json: any change of structure that is not meant to change
// behaviour must leave every cycle as it was. Recorded on the flat module (the block split of issue
// 11 kept every hash), then re-recorded once, knowingly, for issue 13's pipelining, which moves
// cycles on purpose (selection t + 17 after layer done instead of t + 8, events N + 18 after it
// instead of N + 7, a PE-array pass B + 8 instead of B + 2): the same number of decisions in every
// scenario, and with requests arriving at the same cycles as before, a different interleaving in
// all but the D3-noskip one (e.g. D4: the same request, slot and layer at 2,848 of 4,051 decisions).
// Re-recorded again for issue 13's split time arithmetic and registered winner (events N + 20 after
// the selection instead of N + 18): the same number of decisions in every scenario, a few lines more
// or fewer.
// To see a difference line by line: `node --import tsx test/scheduler/baseline-logs.ts --out DIR` on
// both trees, `diff -r`.
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
