// The regression suites outside the default configuration: odd lane counts (3, 5, 13: nothing
// assumes a power of two), the narrowest and the widest formats of the PE array and of the
// scheduler, the PE array's LUT multiplier, a 2-entry table and 1024-layer variants. Every case
// compares the RTL with the golden model or checks a documented contract (extra beats refused, reset
// values, the hostile host, the documented numbers against independent formulas).
import { describe, expect, it } from 'vitest';
import { planNpu } from '../../verify/npu.ts';
import { planScheduler } from '../../verify/scheduler.ts';
import { tempDir } from '../helpers.ts';
import { designFor, runSuites } from './helpers.ts';

const root = tempDir('dysta-configs-');
const dirName = (s: Record<string, number>) => `sched-${s.log2Tasks}${s.timeSkip === 0 ? '-noskip' : ''}`;

const NPU: [string, Record<string, number | string>][] = [
  ['3 lanes, narrowest formats (2-bit values, 5-bit sums, K 2, 1 row)', { lanes: 3, actWidth: 2, weightWidth: 2, accWidth: 5, weightDepth: 2, maxRows: 1 }],
  ['5 lanes, widest formats (16-bit values, 64-bit sums, K 65536)', { lanes: 5, actWidth: 16, weightWidth: 16, accWidth: 64, weightDepth: 65536, maxRows: 16777215 }],
  // The LUT multiplier (peArray.multiplier 'lut'): four, three and two activation slices, the top one
  // signed, at odd, even and the narrowest widths.
  ['13 lanes, odd widths (5-bit activations, 7-bit weights), LUT multiplier (slices of 2, 1, 1, 1 bits)', { lanes: 13, actWidth: 5, weightWidth: 7, accWidth: 24, weightDepth: 64, maxRows: 1000, multiplier: 'lut' }],
  ['2 lanes, LUT multiplier (the HX8K tile: four 2-bit slices)', { lanes: 2, multiplier: 'lut' }],
  ['7 lanes, LUT multiplier, 3-bit activations x 16-bit weights (three 1-bit slices)', { lanes: 7, actWidth: 3, weightWidth: 16, accWidth: 27, weightDepth: 256, maxRows: 300, multiplier: 'lut' }],
  ['6 lanes, LUT multiplier, narrowest formats (two 1-bit slices)', { lanes: 6, actWidth: 2, weightWidth: 2, accWidth: 5, weightDepth: 2, maxRows: 1, multiplier: 'lut' }],
];

const NARROWEST = { log2Tasks: 1, log2Variants: 1, log2MaxLayers: 1, timeWidth: 48, latencyWidth: 16, nnzWidth: 8, recipWidth: 8, gammaIntBits: 1, gammaFracBits: 8, invKFracBits: 8, invNFracBits: 8, scoreWidth: 12, scoreShift: 0, idleWidth: 16, penaltyScaleWidth: 8, penaltyScaleFracBits: 0, betaFracBits: 8, seqWidth: 8 };
const WIDEST = { log2Tasks: 3, log2Variants: 8, log2MaxLayers: 10, timeWidth: 64, latencyWidth: 48, nnzWidth: 40, recipWidth: 40, gammaIntBits: 8, gammaFracBits: 32, invKFracBits: 40, invNFracBits: 32, scoreWidth: 48, scoreShift: 16, idleWidth: 64, penaltyScaleWidth: 40, penaltyScaleFracBits: 32, betaFracBits: 40, seqWidth: 64 };
const SCHEDULER: [string, Record<string, number>, number?][] = [
  ['narrowest formats, D = 1, 2-layer variants', NARROWEST],
  ['widest formats, D = 3, 1024-layer variants', WIDEST],
  // The largest table with a 13-lane sparsity monitor (monitor-rows); a 5-lane monitor without
  // time-skip ports (an FPGA build: the random idle gaps run cycle by cycle).
  ['D = 10, 13 monitor lanes', { log2Tasks: 10 }, 13],
  ['D = 3, 5 monitor lanes, no time-skip ports', { log2Tasks: 3, timeSkip: 0 }, 5],
];

describe('npu suite beyond the default configuration', () => {
  it.each(NPU)('%s', async (name, peArray) => {
    const { config, dir } = designFor({ peArray }, root, `npu-${peArray.lanes}`);
    const r = await runSuites(dir, config, [planNpu(config.peArray, { seeds: 1, rows: 16, seed: 3 })]);
    expect(r.failed.map((c) => `${c.name}: ${c.message}`)).toEqual([]);
    expect(r.cases.filter((c) => c.status === 'pass').length).toBeGreaterThanOrEqual(23);
    // The LUT multiplier's running sums have no reset: from random initial values (X seed) too.
    if (peArray.multiplier === 'lut' && peArray.lanes === 2) {
      const x = await runSuites(dir, config, [planNpu(config.peArray, { seeds: 1, rows: 16, seed: 3 })], { instrument: { xSeed: 2 } });
      expect(x.failed.map((c) => `${c.name}: ${c.message}`)).toEqual([]);
    }
  }, 300_000);
});

describe('scheduler suite beyond the default configuration', () => {
  it.each(SCHEDULER)('%s', async (name, scheduler, lanes) => {
    const { config, dir } = designFor({ scheduler, ...(lanes ? { peArray: { lanes } } : {}) }, root, dirName(scheduler));
    const r = await runSuites(dir, config, [planScheduler(config, { seed: 5 })]);
    expect(r.failed.map((c) => `${c.name}: ${c.message}`)).toEqual([]);
    // Without time-skip ports the cases that need them are skipped, saying why; so are the free
    // slots of a 2-slot table and sequence numbers beyond an 8-bit counter.
    const noSkip = scheduler.timeSkip === 0;
    const sequences = scheduler.seqWidth === 8 ? ['14', '18', '22', '25', '31'].map((k) => `sequence-bit-${k}`) : [];
    const skipped = [
      ...(noSkip ? ['random-long', 'long-idle', 'idle-bits', 'now-carry', 'time-skips'] : []),
      ...(scheduler.log2Tasks === 1 ? ['free-slot-groups'] : []),
      ...(noSkip ? ['idle-scale-top'] : []),
      ...sequences,
      ...(noSkip ? ['hostile-time-skips'] : []),
    ];
    expect(r.cases.filter((c) => c.status === 'skipped').map((c) => c.name)).toEqual(skipped);
    for (const c of r.cases.filter((x) => x.status === 'skipped')) {
      expect(c.message).toMatch(c.name.startsWith('sequence-bit-') ? /seqWidth = 8: sequence numbers wrap/ : c.name === 'free-slot-groups' ? /2 slots has no two slots above slot 0/ : /no time-skip ports.*(hours|days|R6|cycle by cycle)/);
    }
    expect(r.cases.filter((c) => c.status === 'pass').length).toBe(37 - skipped.length);
  }, 600_000);
});
