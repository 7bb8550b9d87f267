// Corner cases of the scheduler RTL, each checked against the golden model line for line and, where
// the expected value is easy to state, against a hand-computed number.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchedScript, ScriptVariant, SchedulerSim } from '../../cosim/scheduler/driver.ts';
import type { HwConfig } from '../../hwgen/index.ts';
import { encodeReciprocal, schedulerFormats } from '../../hwgen/scheduler/golden.ts';
import { schedulerPresets } from '../../hwgen/index.ts';
import { TIMING, maxOf } from '../../hwgen/scheduler/formats.ts';
import { openScheduler, parseDecisions, runAndCompare } from './helpers.ts';
import { randomScenario } from './scenarios.ts';

/** A variant whose layers each expect `expected` non-zeros and take `avg` cycles on average. */
function variant(config: HwConfig, index: number, layers: number, avg: bigint, expected = 1024): ScriptVariant {
  const f = schedulerFormats(config.scheduler);
  const r = encodeReciprocal(f, expected);
  return {
    variant: index,
    nlayers: layers,
    suffix0: avg * BigInt(layers),
    layers: Array.from({ length: layers }, (_, l) => ({ mant: r.mant, shift: r.shift, suffixNext: avg * BigInt(layers - l - 1) })),
  };
}

const lines = (log: readonly string[], kind: string) => log.filter((l) => l.startsWith(kind + ' ')).map((l) => l.split(' '));

describe('scheduler corner cases (D = 2)', () => {
  let sim: SchedulerSim;
  let config: HwConfig;
  beforeAll(async () => {
    ({ sim, config } = await openScheduler({ log2Tasks: 2 }, 'corner2'));
  });
  afterAll(async () => sim?.close());

  it('one task: every layer in order, score = P exactly when the deadline is long past and the penalty is off', async () => {
    const v = variant(config, 0, 3, 5000n);
    const start = 1n << 40n;
    const script: SchedScript = {
      start,
      variants: [v],
      requests: [{ arrival: start, variant: 0, deadline: 0n, scale: 0n, layers: [0, 1, 2].map(() => ({ cycles: 6000n, nnz: 1024n })) }],
    };
    const run = await runAndCompare(sim, config, script);
    const ds = parseDecisions(run.lines);
    expect(ds.map((d) => [d.slot, d.layer])).toEqual([[0, 0], [0, 1], [0, 2]]);
    // nnz == expected (a power of two): ratio = 1.0 exactly, gamma = 1.0, P = suffix sum exactly.
    expect(ds.map((d) => d.score)).toEqual([15000n, 10000n, 5000n]);
    expect(ds[0]!.tSel).toBe(start + BigInt(TIMING.ADMIT_TO_SELECT));
    expect(ds[0]!.tEvent - ds[0]!.tSel).toBe(BigInt(1 + TIMING.SELECT_FIXED));
    expect(lines(run.lines, 'C')).toEqual([['C', '0', '0', String(ds[2]!.tEvent + 6000n)]]);
    expect(run.lines.at(-1)!.startsWith('K 3 1 1 0 21 0 ')).toBe(true); // last latency: 1 task + 20
  });

  it('real NPU mode: the non-zeros stream through the sparsity monitor on the output lanes', async () => {
    const v = variant(config, 0, 3, 5000n);
    const layer = (nnz: number, rows: number) => ({ cycles: 800n, nnz: BigInt(nnz), rows });
    // 1024 non-zeros in 64 full rows: ratio 1.0 exactly; then 512 in 40 rows (ratio 0.5).
    const script: SchedScript = { start: 100n, variants: [v], requests: [{ arrival: 100n, variant: 0, deadline: 0n, scale: 0n, layers: [layer(1024, 64), layer(512, 40), layer(0, 1)] }] };
    const run = await runAndCompare(sim, config, script);
    const f = schedulerFormats(config.scheduler);
    expect(parseDecisions(run.lines).map((d) => d.score)).toEqual([15000n, 10000n, 3750n]); // gamma 1.0, then 0.75
    expect(lines(run.lines, 'G')[1]!.slice(3, 5)).toEqual(['2', String(3n << BigInt(f.gammaFrac - 2))]);
  });

  it('a preset start: counters and the sequence number written after reset count on from there (RTL = golden)', async () => {
    const f = schedulerFormats(config.scheduler);
    const v = variant(config, 0, 2, 3000n);
    const initial = { seqNext: (1n << 31n) - 1n, decisions: (1n << 24n) - 2n, completions: 5n << 24n, admissions: (1n << 40n) - 1n, admitStalls: 7n };
    const presets = schedulerPresets(f, initial);
    // Only what differs from reset is written: completions' low half and carry flag stay 0.
    expect(presets.map((p) => p.path.replace('dysta_scheduler.', ''))).toEqual(['ctr_decisions_lo', 'ctr_completions_hi', 'ctr_admissions_lo', 'ctr_admissions_hi', 'ctr_admissions_lo_ones', 'ctr_admit_stalls_lo', 'u_table.seq_next']);
    const requests = [0n, 1n].map((i) => ({ arrival: 20_000n + i, variant: 0, deadline: 10n ** 6n, scale: 1n << 16n, layers: [0, 1].map(() => ({ cycles: 3000n, nnz: 700n })) }));
    const run = await runAndCompare(sim, config, { start: 20_000n, variants: [v], requests, initial, presets });
    // The counters by hand: 4 decisions carry the decision count past 2^24, two admissions carry
    // the admission count's low half into its high half.
    const k = lines(run.lines, 'K')[0]!.slice(1, 5).map(BigInt);
    expect(k).toEqual([(1n << 24n) + 2n, (5n << 24n) + 2n, (1n << 40n) + 1n, 7n]);
    // The two admissions took sequence numbers 2^31 - 1 and 2^31 (read back with each layer).
    expect(new Set(lines(run.lines, 'G').map((g) => BigInt(g.at(-1)!)))).toEqual(new Set([(1n << 31n) - 1n, 1n << 31n]));
    // A register the build did not keep writable is refused, naming it; the simulator goes on.
    await expect(sim.session.send('set_reg dysta_scheduler.state 3')).rejects.toThrow(/register dysta_scheduler\.state is not writable/);
    await runAndCompare(sim, config, { start: 20_000n, variants: [v], requests: requests.slice(0, 1) });
  });

  it('event-stream backpressure: ev_ready held low delays the next event, nothing is lost', async () => {
    const script = randomScenario(config.scheduler, { seed: 21, requests: 60 });
    const run = await runAndCompare(sim, config, script, 25);
    const delayed = parseDecisions(run.lines).filter((d) => d.tEvent - d.tSel > BigInt(d.scores.size + TIMING.SELECT_FIXED));
    expect(delayed.length).toBeGreaterThan(0);
    expect(lines(run.lines, 'C').length).toBe(60);
  });

  it('deadline far in the future: the urgency saturates at termWidth, the score at scoreWidth', async () => {
    const f = schedulerFormats(config.scheduler);
    const v = variant(config, 0, 1, 5000n);
    const script: SchedScript = {
      start: 1000n,
      variants: [v],
      requests: [{ arrival: 1000n, variant: 0, deadline: maxOf(f.timeWidth), scale: 0n, layers: [{ cycles: 100n, nnz: 1n }] }],
    };
    const run = await runAndCompare(sim, config, script);
    const beta = (maxOf(f.termWidth) * f.betaQ) >> BigInt(f.betaFrac);
    const want = 5000n + beta > maxOf(f.scoreWidth) ? maxOf(f.scoreWidth) : 5000n + beta;
    expect(f.termWidth).toBe(f.scoreWidth + 7);
    expect(parseDecisions(run.lines)[0]!.score).toBe(want);
  });

  it('a full table refuses admissions (backpressure) and loses nothing', async () => {
    const v = variant(config, 0, 2, 3000n);
    const requests = Array.from({ length: 20 }, (_, i) => ({ arrival: 100n + BigInt(i), variant: 0, deadline: 50_000n, scale: 1n << 16n, layers: [{ cycles: 200n, nnz: 900n }, { cycles: 300n, nnz: 1100n }] }));
    const run = await runAndCompare(sim, config, { start: 100n, variants: [v], requests });
    const admitted = lines(run.lines, 'A').map((p) => Number(p[1]));
    const completed = lines(run.lines, 'C').map((p) => Number(p[2]));
    expect([...admitted].sort((a, b) => a - b)).toEqual(requests.map((_, i) => i));
    expect([...completed].sort((a, b) => a - b)).toEqual(requests.map((_, i) => i));
    const refusals = lines(run.lines, 'B').length;
    expect(refusals).toBeGreaterThan(0);
    expect(run.lines.at(-1)!.startsWith(`K 40 20 20 ${refusals} `)).toBe(true);
    let inTable = 0;
    for (const l of run.lines) {
      if (l.startsWith('A ')) inTable++;
      if (l.startsWith('C ')) inTable--;
      expect(inTable).toBeLessThanOrEqual(4);
    }
  });

  it('all scores equal: the earliest admission wins, not the lowest slot', async () => {
    const v = variant(config, 0, 1, 4000n);
    const req = (arrival: bigint) => ({ arrival, variant: 0, deadline: 0n, scale: 0n, layers: [{ cycles: 500n, nnz: 7n }] });
    // r0 runs alone; r1..r3 fill slots 1..3 and r4 is refused; r4 then takes the freed slot 0.
    const script: SchedScript = { start: 100n, variants: [v], requests: [req(100n), req(101n), req(101n), req(101n), req(102n)] };
    const run = await runAndCompare(sim, config, script);
    const ds = parseDecisions(run.lines);
    expect(ds.map((d) => d.req)).toEqual([0, 1, 2, 3, 4]);
    const withSlot0 = ds.find((d) => d.req === 2)!;
    expect(withSlot0.occupants.get(0)).toBe(4);
    expect(new Set(withSlot0.scores.values()).size).toBe(1);
    expect(withSlot0.slot).toBe(2);
  });

  it('gamma saturates on a huge non-zero count; the last layer completes with P = 0', async () => {
    const f = schedulerFormats(config.scheduler);
    const v = variant(config, 0, 2, 8000n, 3);
    const script: SchedScript = {
      start: 100n,
      variants: [v],
      requests: [{ arrival: 100n, variant: 0, deadline: 10n ** 6n, scale: 1n << 16n, layers: [{ cycles: 400n, nnz: maxOf(f.nnzWidth) }, { cycles: 400n, nnz: 0n }] }],
    };
    const run = await runAndCompare(sim, config, script);
    const g = lines(run.lines, 'G');
    const gammaMax = maxOf(f.gammaWidth);
    // After layer 0: gamma = max; P = sat((gamma * 8000) >> frac) (= 16 x 8000 - 1 ulp worth).
    expect(g[0]!.slice(1, 7)).toEqual(['0', '1', '1', String(gammaMax), String((gammaMax * 8000n) >> BigInt(f.gammaFrac)), String(gammaMax)]);
    // last-run time = the cycle npu_layer_done was sampled (= the completion/decision bookkeeping)
    const d0 = parseDecisions(run.lines)[0]!;
    expect(g[0]![7]).toBe(String(d0.tEvent + 400n));
    expect(g[0]![8]).toBe('0');
    // After the last layer: slot freed, 2 layers done, gamma = (max + 0) / 2, P = 0 (nothing left).
    const last = g[1]!;
    expect(last.slice(1, 4)).toEqual(['0', '0', '2']);
    expect(BigInt(last[4]!)).toBe((gammaMax * ((1n << BigInt(f.invKFrac)) / 2n)) >> BigInt(f.invKFrac));
    expect(last[5]).toBe('0');
  });
});

describe('largest configuration: D = 10, 1024-layer variant', () => {
  let sim: SchedulerSim;
  let config: HwConfig;
  beforeAll(async () => {
    ({ sim, config } = await openScheduler({ log2Tasks: 10, log2MaxLayers: 10 }, 'corner10'));
  });
  afterAll(async () => sim?.close());

  it('fills all 1024 slots (decision latency N + 20 at N = 1024) and runs a 1024-layer task to completion', async () => {
    const short = variant(config, 0, 1, 3000n);
    const long = variant(config, 1, 1024, 2100n);
    const min = 2n * 1024n + 24n;
    const two = variant(config, 2, 2, 3000n);
    // Request 0 has two layers: after its first, the other 1023 slots have filled.
    const burst = Array.from({ length: 1100 }, (_, i) => ({ arrival: 10_000n + BigInt(i >> 4), variant: i === 0 ? 2 : 0, deadline: 10n ** 7n, scale: 1n << 16n, layers: Array.from({ length: i === 0 ? 2 : 1 }, () => ({ cycles: min + BigInt(i % 7), nnz: 500n })) }));
    const longReq = { arrival: 10n ** 9n, variant: 1, deadline: 10n ** 10n, scale: 1n << 10n, layers: Array.from({ length: 1024 }, (_, l) => ({ cycles: min, nnz: BigInt(l * 3) })) };
    const run = await runAndCompare(sim, config, { start: 10_000n, variants: [short, long, two], requests: [...burst, longReq] });
    const ds = parseDecisions(run.lines);
    const fullest = ds.reduce((a, d) => (d.scores.size > a.scores.size ? d : a));
    expect(fullest.scores.size).toBe(1024);
    expect(fullest.tEvent - fullest.tSel).toBe(1024n + BigInt(TIMING.SELECT_FIXED));
    expect(lines(run.lines, 'B').length).toBeGreaterThan(0);
    const longDecisions = ds.filter((d) => d.req === 1100);
    expect(longDecisions.map((d) => d.layer)).toEqual(Array.from({ length: 1024 }, (_, l) => l));
    expect(lines(run.lines, 'C').length).toBe(1101);
  });
});
