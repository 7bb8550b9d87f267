// find_first_set_<N>, the scheduler's one priority encoder, against its golden model (and a literal
// expectation) for power-of-two and other widths, one tree (2, 13) and 32-bit chunks (200,
// 1024): random vectors, no bit set, every single bit, the top bit alone, all bits set.
import { afterAll, describe, expect, it } from 'vitest';
import { buildFindFirstSet, findFirstSet, indexWidth } from '../../hwgen/scheduler/find-first-set.ts';
import { emitVerilog } from '../../hwgen/hdl/index.ts';
import { clocked, compareCycles, openBlock, type Values } from './block-helpers.ts';
import { Rng } from './scenarios.ts';
import type { VectorSim } from '../../cosim/scheduler/vectors.ts';

const sims: VectorSim[] = [];
afterAll(async () => Promise.all(sims.map((s) => s.close())));

describe('find_first_set', () => {
  it('golden model: lowest set bit, 0 when none', () => {
    expect(findFirstSet(0b101000n, 8)).toEqual({ index: 3, found: true });
    expect(findFirstSet(0n, 8)).toEqual({ index: 0, found: false });
    expect(findFirstSet(1n << 1023n, 1024)).toEqual({ index: 1023, found: true });
    expect([2, 3, 5, 13, 64, 1024].map(indexWidth)).toEqual([1, 2, 3, 4, 6, 10]);
  });

  it('is one module per width: a tree of generate loops up to 64 bits, 32-bit chunks above, no long expression', () => {
    const emit = (n: number) => emitVerilog(buildFindFirstSet(n), { generator: 't', version: '0', command: 't' });
    const tree = emit(64);
    expect(tree.match(/begin : g_level\d+/g)).toHaveLength(5);
    expect(tree).not.toContain('chunk');
    // 1024 bits: every 32-bit chunk encoded at once, a 32-bit tree over the chunks, one 5-bit select.
    const chunked = emit(1024);
    expect(chunked).not.toContain('g_level');
    expect(chunked).toContain('assign chunk_lowest[c*32 +: 32] = bits[c*32 +: 32] & chunk_twos[c*32 +: 32];');
    expect(chunked).toContain("assign chunk_index[c*5 + 4] = |(chunk_lowest[c*32 +: 32] & 32'hffff0000);");
    expect(chunked).toContain('find_first_set_32 u_chunk (');
    expect(chunked).toContain('assign index = {chunk, chunk_index[chunk*5 +: 5]};');
    // 200 bits: padded to 256, 8 chunks.
    expect(emit(200)).toContain('find_first_set_8 u_chunk (');
    for (const n of [13, 64, 200, 1024]) expect(Math.max(...emit(n).split('\n').map((l) => l.length))).toBeLessThan(160);
    expect(emit(13)).toContain("assign bits_padded = {{3{1'b0}}, bits};");
    expect(buildFindFirstSet(64)).toBe(buildFindFirstSet(64));
  });

  it.each([2, 13, 200, 1024])('%i bits: RTL = golden on random vectors and corners', async (n) => {
    const sim = await openBlock(clocked(buildFindFirstSet(n)), `ffs${n}`);
    sims.push(sim);
    const rng = new Rng(n);
    const all = (1n << BigInt(n)) - 1n;
    const vectors: bigint[] = [0n, all, 1n << BigInt(n - 1)];
    for (let i = 0; i < n; i++) vectors.push(1n << BigInt(i), all << BigInt(i) & all);
    for (let i = 0; i < 400; i++) {
      // Sparse and dense random vectors.
      let v = 0n;
      const p = rng.pick([0.002, 0.05, 0.5, 0.95]);
      for (let b = 0; b < n; b++) if (rng.chance(p)) v |= 1n << BigInt(b);
      vectors.push(v);
    }
    const stimulus: Values[] = vectors.map((bits) => ({ bits }));
    const expected = vectors.map((bits) => {
      const g = findFirstSet(bits, n);
      return { index: BigInt(g.index), found: g.found ? 1n : 0n };
    });
    // Literal: the lowest set bit of every single-bit vector is its position.
    for (let i = 0; i < n; i++) expect(expected[3 + 2 * i]!.index).toBe(BigInt(i));
    const compared = await compareCycles(sim, ['bits'], ['index', 'found'], stimulus, expected);
    expect(compared).toBe(2 * vectors.length);
  });
});
