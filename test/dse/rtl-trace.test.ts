// The DSE's RTL measurement can disagree: the same trace on RTL generated with beta = 0.02 agrees
// with the golden model of that configuration line for line, and disagrees with the golden model of
// beta = 0.01 (same widths, other scores), naming the first differing line.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRtl, prepareTrace, runTraceOnRtl } from '../../dse/index.ts';
import { generateDesign, parseConfig, writeDesign } from '../../hwgen/index.ts';
import { zooWorkload } from '../../sw-scheduler/index.ts';
import { tempDir } from '../helpers.ts';

describe('dse RTL trace adapter', () => {
  // Made here, not inside a test: tempDir's clean-up hook only runs when registered at this level.
  const dir = tempDir('dysta-dse-rtl-');
  it('checks the RTL against the golden model on every line, and reports the first difference', async () => {
    const built = parseConfig({ scheduler: { log2Tasks: 1, betaPpm: 20000 } });
    const rtlDir = join(dir, 'rtl');
    writeDesign(generateDesign(built), rtlDir);
    const rtl = await openRtl(rtlDir, join(dir, 'logs'));
    const q = { workload: zooWorkload('cnn'), load: 1.1, sloMult: 6, seed: 3, requests: 25 };
    const same = await runTraceOnRtl(rtl, prepareTrace({ ...q, config: built }));
    expect(same.logsIdentical).toBe(true);
    expect(same.agreement.rtlVsGolden).toBe(1);
    expect(same.metrics.rtl).toEqual(same.metrics.golden);
    expect(same.firstDifference).toBeUndefined();
    // Every request ran every layer: decisions = sum of layers over the trace.
    expect(same.decisions).toBeGreaterThan(25);
    expect(same.decisionLatency.maxCycles).toBeGreaterThanOrEqual(same.decisionLatency.meanCycles);

    const other = await runTraceOnRtl(rtl, prepareTrace({ ...q, config: parseConfig({ scheduler: { log2Tasks: 1, betaPpm: 10000 } }) }));
    await rtl.close();
    expect(other.logsIdentical).toBe(false);
    expect(other.firstDifference).toMatch(/line \d+/);
  });
});
