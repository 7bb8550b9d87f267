// A workload trace in the host's encoding (the sched_run script of the trace suite), with the
// expected numbers worked out here by hand, and one clear error for each width the configured
// scheduler cannot stretch to.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../hwgen/index.ts';
import { TraceFitError, minTraceLayerCycles, traceScript } from '../../compare/trace-script.ts';
import { compileTrace } from '../../sw-scheduler/requests.ts';
import { tinyTrace, tinyWorkload, type TinySpec } from '../sw-scheduler/helpers.ts';

// One variant, two layers, two samples. Lpat = [2 ms, 1.5 ms], Savg = [0.25, 0.5].
const spec: TinySpec = {
  net_a: [
    [[1e-3, 2e-3], [0.5, 0.25]],
    [[3e-3, 1e-3], [0.0, 0.75]],
  ],
};
const workload = tinyWorkload(spec);
const compiled = compileTrace(workload, tinyTrace(2, [[0.01, 'net_a', 1, 3]]));

describe('traceScript', () => {
  it('tables, arrival, deadline and the trace NPU in cycles at 200 MHz, after the programming', () => {
    const cfg = parseConfig({}).scheduler;
    const ts = traceScript(cfg, workload, compiled);
    // 3 table words (a variant + 2 layers) + 16 cycles, rounded up to 1024.
    expect(ts.start).toBe(1024n);
    const v = ts.script.variants[0]!;
    expect([v.nlayers, v.suffix0, v.layers.map((l) => l.suffixNext)]).toEqual([2, 700_000n, [300_000n, 0n]]);
    // 1/expected non-zeros of layer 0 (average density 0.75 of 2^20 outputs): a sample at exactly
    // that density gives the ratio 1.0 (2^24 in gamma's 4.24 format).
    const l0 = v.layers[0]!;
    expect((786_432n * l0.mant) >> BigInt(l0.shift)).toBe(1n << 24n);
    const r = ts.script.requests[0]!;
    // Arrival 10 ms; deadline 10 ms + Tarch (3.5 ms) x 2 = 17 ms.
    expect([r.arrival, r.deadline]).toEqual([1024n + 2_000_000n, 1024n + 3_400_000n]);
    // Sample 1 plays 3 ms and 1 ms; densities 1.0 and 0.25 of 2^20 outputs.
    expect(r.layers).toEqual([
      { cycles: 600_000n, nnz: 1_048_576n },
      { cycles: 200_000n, nnz: 262_144n },
    ]);
    // Penalty scale = round(f x 2^16 / isoEst) = round(200e6 x 65536 / 700000).
    expect(r.scale).toBe(18_724_571n);
    expect(ts.isoCycles).toEqual([800_000n]);
  });

  it('the harness needs 2^D + 8 cycles per layer', () => {
    expect(minTraceLayerCycles(parseConfig({ scheduler: { log2Tasks: 6 } }).scheduler)).toBe(72);
    expect(minTraceLayerCycles(parseConfig({ scheduler: { log2Tasks: 10 } }).scheduler)).toBe(1032);
  });
});

describe('a configuration that cannot hold the trace: one error naming the key', () => {
  const fit = (scheduler: Record<string, number>, w = workload, c = compiled) => () => traceScript(parseConfig({ scheduler }).scheduler, w, c);

  it('too many variants for log2Variants', () => {
    const three = tinyWorkload({ a_x: spec.net_a!, b_x: spec.net_a!, c_x: spec.net_a! });
    const c = compileTrace(three, tinyTrace(2, [[0, 'a_x', 0, 1]]));
    expect(fit({ log2Variants: 1 }, three, c)).toThrow(TraceFitError);
    expect(fit({ log2Variants: 1 }, three, c)).toThrow(/'tiny' has 3 variants, but scheduler.log2Variants = 1 holds 2 variant tables; set scheduler.log2Variants to at least 2/);
  });

  it('more layers than log2MaxLayers allows', () => {
    const five = tinyWorkload({ deep: [[[1e-3, 1e-3, 1e-3, 1e-3, 1e-3], [0.5, 0.5, 0.5, 0.5, 0.5]]] });
    const c = compileTrace(five, tinyTrace(2, [[0, 'deep', 0, 1]]));
    expect(fit({ log2MaxLayers: 2 }, five, c)).toThrow(/'deep' has 5 layers, but scheduler.log2MaxLayers = 2 allows 4; set it to at least 3/);
  });

  it('a latency longer than latencyWidth holds', () => {
    expect(fit({ latencyWidth: 16 })).toThrow(/700000 cycles at 200 MHz.*scheduler.latencyWidth = 16 bits hold \(65535\); set latencyWidth to at least 20/);
  });

  it('a non-zero count wider than nnzWidth', () => {
    expect(fit({ nnzWidth: 20 })).toThrow(/scheduler.nnzWidth = 20 bits cannot count that high; set it to at least 21/);
  });

  it('times beyond timeWidth', () => {
    const late = compileTrace(workload, tinyTrace(2, [[2e6, 'net_a', 0, 1]]));
    expect(fit({}, workload, late)).toThrow(/beyond scheduler.timeWidth = 48 bits/);
  });

  it('layers too short for the harness at a slow clock', () => {
    const quick = tinyWorkload({ q: [[[1e-5, 1e-5], [0.5, 0.5]]] });
    const c = compileTrace(quick, tinyTrace(2, [[0, 'q', 0, 1]]));
    expect(fit({ clockMHz: 1 }, quick, c)).toThrow(/layer 0 of 'q' \(sample 0, request 0\) lasts 10 cycles at 1 MHz.*at least 72 cycles per layer with a 64-entry table/);
  });

  it('a long trace on a design without time skips', () => {
    const long = compileTrace(workload, tinyTrace(2, [[1, 'net_a', 0, 1]]));
    expect(fit({ timeSkip: 0 }, workload, long)).toThrow(/scheduler.timeSkip = 0 .* about 200\d{6} cycles/);
  });
});
