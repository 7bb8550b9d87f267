// Layers larger than the PE array: output-channel tiles (one pass per `lanes` channels) and a
// reduction longer than the weight buffer, split by mid-stream weight reloads. The host program is
// checked by replaying it on a model of the buffer written here, the outputs against a direct
// convolution computed here, and both through the npu_tile RTL in Verilator (outputs, cycles,
// monitor counts equal the golden model's).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NpuTileSim } from '../../cosim/npu/driver.ts';
import { defaultConfig, generateDesign, im2col, lowerConvWeights, parseConfig, SeededInts, writeDesign, type PeArrayConfig } from '../../hwgen/index.ts';
import { joinPassOutputs, layerPasses, passOps, runPassGolden, type Pass } from '../../hwgen/pe-array/passes.ts';
import { tempDir } from '../helpers.ts';

/** Replays a pass's host program on a weight buffer of `depth` rows: per row, the int accumulator (BigInt). */
function replay(pass: Pass, depth: number): bigint[][] {
  const buffer: (readonly number[])[] = new Array(depth);
  pass.initial.forEach((r, i) => (buffer[i] = r));
  const rows: bigint[][] = [];
  let acc: bigint[] | undefined;
  for (const op of pass.ops) {
    if (op.kind === 'write') {
      expect(op.addr).toBeLessThan(depth);
      buffer[op.addr] = op.row;
      continue;
    }
    acc ??= buffer[0]!.map(() => 0n);
    const w = buffer[op.index]!;
    acc = acc.map((a, j) => a + BigInt(op.value) * BigInt(w[j]!));
    if (op.last) {
      rows.push(acc);
      acc = undefined;
    }
  }
  return rows;
}

/** floor(relu?(acc) / 2^shift) saturated to int8, on BigInt. */
function requant(acc: bigint, relu: boolean, shift: number): number {
  const r = relu && acc < 0n ? 0n : acc;
  const q = r >= 0n ? r >> BigInt(shift) : -((-r + (1n << BigInt(shift)) - 1n) >> BigInt(shift));
  return Number(q > 127n ? 127n : q < -128n ? -128n : q);
}

/** A random conv layer [O][C][k][k] and input [C][H][W] (post-ReLU, some zero rows). */
function randomConv(seed: number, c: number, o: number, size: number, kernel: number, density: number) {
  const r = new SeededInts(seed);
  const input = Array.from({ length: c }, () => Array.from({ length: size }, () => Array.from({ length: size }, () => (r.unit() < density ? r.int(1, 127) : 0))));
  const filters = Array.from({ length: o }, () => Array.from({ length: c }, () => Array.from({ length: kernel }, () => Array.from({ length: kernel }, () => r.int(-127, 127)))));
  return { input, filters };
}

/** Direct convolution (stride 1, pad (k-1)/2) with requantisation: [pixel][channel]. */
function directConv(input: number[][][], filters: number[][][][], relu: boolean, shift: number): number[][] {
  const size = input[0]!.length;
  const k = filters[0]![0]!.length;
  const pad = (k - 1) >> 1;
  const out: number[][] = [];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      out.push(
        filters.map((f) => {
          let acc = 0n;
          f.forEach((plane, c) =>
            plane.forEach((row, ky) =>
              row.forEach((w, kx) => {
                const yy = y + ky - pad;
                const xx = x + kx - pad;
                if (yy >= 0 && yy < size && xx >= 0 && xx < size) acc += BigInt(w) * BigInt(input[c]![yy]![xx]!);
              }),
            ),
          );
          return requant(acc, relu, shift);
        }),
      );
    }
  }
  return out;
}

describe('layer passes: tiles and split reductions (golden level)', () => {
  it('a hand-worked split: D = 2, K = 5, chunks {0,1} {2,3} {4}', () => {
    const cfg = parseConfig({ peArray: { lanes: 1, weightDepth: 2 } }).peArray;
    const W = [[10], [11], [12], [13], [14]];
    const { initial, ops, chunks } = passOps(cfg, [[1, 0, 0, 2, 3], [0, 0, 0, 0, 0], [0, 4, 0, 0, 0], [0, 0, 5, 0, 0]], W);
    expect(chunks).toBe(3);
    expect(initial).toEqual([[10], [11]]);
    const b = (index: number, value: number, last = false) => ({ kind: 'beat', index, value, last });
    const w = (addr: number, row: number[]) => ({ kind: 'write', addr, row });
    expect(ops).toEqual([
      // row 0: chunk 0 (loaded), chunk 1 (load 12, 13), chunk 2 (load 14)
      b(0, 1),
      w(0, [12]),
      w(1, [13]),
      b(1, 2),
      w(0, [14]),
      b(0, 3, true),
      // row 1: all zero, one zero beat whatever is loaded
      b(0, 0, true),
      // row 2: chunk 2 is loaded; its non-zero is in chunk 0
      w(0, [10]),
      w(1, [11]),
      b(1, 4, true),
      // row 3: chunk 0 loaded; non-zero in chunk 1
      w(0, [12]),
      w(1, [13]),
      b(0, 5, true),
    ]);
  });

  it('a layer wider than the lanes and longer than the buffer: outputs, counts and cycles', () => {
    // 5 lanes (not a power of two), 16-row buffer; 12 output channels -> passes of 5, 5, 2; K = 5 x 9 = 45 -> 3 chunks.
    const cfg = parseConfig({ peArray: { lanes: 5, weightDepth: 16 } }).peArray;
    for (const density of [0, 0.15, 0.6, 1]) {
      const { input, filters } = randomConv(7 + density * 100, 5, 12, 6, 3, density);
      const rows = im2col(input, { inChannels: 5, height: 6, width: 6, kernel: 3, stride: 1, pad: 1 });
      const passes = layerPasses(cfg, { rows, weights: lowerConvWeights(filters), outChannels: 12, relu: true, shift: 9 });
      expect(passes.map((p) => [p.firstChannel, p.channels, p.chunks])).toEqual([
        [0, 5, 3],
        [5, 5, 3],
        [10, 2, 3],
      ]);
      const expected = directConv(input, filters, true, 9);
      const results = passes.map((p) => runPassGolden(cfg, p));
      expect(joinPassOutputs(cfg.lanes, 12, results.map((r) => r.outputs))).toEqual(expected);
      passes.forEach((p, t) => {
        // The host program, replayed on a buffer of 16 rows, computes the same sums.
        expect(replay(p, 16).map((row) => row.map((a) => requant(a, true, 9)))).toEqual(results[t]!.outputs);
        const beats = rows.reduce((a, r) => a + Math.max(1, r.filter((v) => v !== 0).length), 0);
        const writes = p.ops.filter((o) => o.kind === 'write').length;
        expect(results[t]!.cycles).toBe(beats + writes + 8);
        expect(results[t]!.reloads).toBe(writes);
        // Unused lanes hold zero weights, so they output zeros; the counts cover all lanes.
        expect(results[t]!.total).toBe(36 * 5);
        expect(results[t]!.nonzero).toBe(expected.flat().filter((v, i) => v !== 0 && Math.floor((i % 12) / 5) === t).length);
      });
      if (density === 0) expect(passes[0]!.ops.every((o) => o.kind === 'beat' && o.value === 0)).toBe(true);
      else expect(passes[0]!.ops.some((o) => o.kind === 'write')).toBe(true);
    }
  });

  it('a reduction that fits is one plain tile: no writes, the initial load is the whole W', () => {
    const cfg = defaultConfig().peArray;
    const { input, filters } = randomConv(3, 4, 16, 5, 3, 0.5);
    const rows = im2col(input, { inChannels: 4, height: 5, width: 5, kernel: 3, stride: 1, pad: 1 });
    const [pass, ...rest] = layerPasses(cfg, { rows, weights: lowerConvWeights(filters), outChannels: 16, relu: false, shift: 6 });
    expect(rest).toEqual([]);
    expect(pass!.initial).toEqual(lowerConvWeights(filters));
    expect(pass!.ops.map(({ kind, ...b }) => (kind === 'beat' ? b : kind))).toEqual(pass!.tile.beats);
    expect(runPassGolden(cfg, pass!).outputs).toEqual(directConv(input, filters, false, 6));
  });
});

describe('layer passes through the npu_tile RTL', () => {
  const cfg = parseConfig({ peArray: { lanes: 5, weightDepth: 16, maxRows: 256 } }).peArray satisfies PeArrayConfig;
  const root = tempDir();
  let sim: NpuTileSim;
  beforeAll(async () => {
    const dir = join(root, 'rtl');
    writeDesign(generateDesign({ ...defaultConfig(), peArray: cfg }), dir);
    sim = await NpuTileSim.open(dir, { trace: 'none', start: { logDir: join(root, 'logs') } });
  });
  afterAll(async () => sim?.close());

  it('3 tiles x 3 chunks with weight swaps mid-stream: outputs, cycles and monitor counts equal the golden model', async () => {
    for (const [seed, density] of [
      [1, 0.3],
      [2, 0.9],
    ] as const) {
      const { input, filters } = randomConv(seed, 5, 12, 5, 3, density);
      const rows = im2col(input, { inChannels: 5, height: 5, width: 5, kernel: 3, stride: 1, pad: 1 });
      const passes = layerPasses(cfg, { rows, weights: lowerConvWeights(filters), outChannels: 12, relu: seed === 1, shift: 8 });
      const outputs: number[][][] = [];
      for (const p of passes) {
        await sim.loadWeights(p.initial);
        const hw = await sim.runLayer({ beats: p.ops, rows: p.rows, relu: p.relu, shift: p.shift });
        const gold = runPassGolden(cfg, p);
        expect(gold.reloads).toBeGreaterThan(0);
        expect(hw.outputs).toEqual(gold.outputs);
        expect(hw.cycles).toBe(gold.cycles);
        expect(hw.measuredCycles).toBe(gold.cycles);
        expect([hw.nonzero, hw.total]).toEqual([gold.nonzero, gold.total]);
        outputs.push(hw.outputs);
      }
      expect(joinPassOutputs(5, 12, outputs)).toEqual(directConv(input, filters, seed === 1, 8));
    }
  });
});
