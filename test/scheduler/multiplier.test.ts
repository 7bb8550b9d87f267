// The pipelined multiplier (hwgen/scheduler/multiplier.ts) in Verilator, cycle for cycle: for operand
// shapes the scheduler uses and beyond (one piece, 2 x 2 and 3 x 3 pieces, signed x signed as in the
// regression predictor, a constant with zero pieces as beta is, 64 x 48 at the widest formats), the
// product shown at cycle c is a x b of the operands registered at cycle c - 3, computed here with
// bigint arithmetic (not with the multiplier's own golden model), on random and extreme operands.
import { afterAll, describe, expect, it } from 'vitest';
import { ModuleBuilder } from '../../hwgen/hdl/index.ts';
import { MUL_LATENCY, MulPipe, pipelinedMul } from '../../hwgen/scheduler/multiplier.ts';
import { compareCycles, openBlock, type Values } from './block-helpers.ts';
import { Rng } from './scenarios.ts';
import type { VectorSim } from '../../cosim/scheduler/vectors.ts';

interface Shape {
  wa: number;
  wb: number;
  signed: boolean;
  /** b is this constant. */
  constant?: bigint;
}

const SHAPES: Shape[] = [
  { wa: 16, wb: 8, signed: false }, // one piece each (the narrowed iCE40 scheduler)
  { wa: 40, wb: 32, signed: false }, // idle x scale at the default formats: 2 x 2 pieces
  { wa: 39, wb: 25, signed: false }, // penalty x 1/N
  { wa: 39, wb: 26, signed: false, constant: 42949673n }, // x beta (0.01 with 32 fraction bits)
  { wa: 35, wb: 26, signed: false, constant: 1n << 24n }, // a constant whose low piece is zero
  { wa: 18, wb: 31, signed: false, constant: 1n << 30n }, // x beta 0.25 with 32 fraction bits: one piece left of each, not at bit 0
  { wa: 34, wb: 29, signed: true }, // b x gamma of the regression predictor
  { wa: 50, wb: 41, signed: true }, // wider signed: 3 x 3 pieces
  { wa: 64, wb: 48, signed: false }, // the widest idle x scale
];

const mask = (w: number) => (1n << BigInt(w)) - 1n;
const toSigned = (v: bigint, w: number) => (v >> BigInt(w - 1) ? v - (1n << BigInt(w)) : v);

let sim: VectorSim | undefined;
afterAll(async () => sim?.close());

describe('pipelined multiplier', () => {
  it(`product = a x b, ${MUL_LATENCY} cycles after the operands, every cycle, for ${SHAPES.length} shapes`, async () => {
    const m = new ModuleBuilder('mul_test', 'pipelined multipliers of several shapes', {});
    m.input('clk', 1, { role: 'clock' });
    SHAPES.forEach((s, k) => {
      const ai = m.input(`a${k}`, s.wa);
      const a = m.reg(`a${k}_q`, s.wa, { signed: s.signed });
      let b;
      if (s.constant === undefined) {
        const bi = m.input(`b${k}`, s.wb);
        b = m.reg(`b${k}_q`, s.wb, { signed: s.signed });
        m.seq((x) => x.set(b!, s.signed ? bi.asSigned() : bi));
      } else b = m.localparam(`B${k}`, s.constant, s.wb, 'constant operand');
      m.seq((x) => x.set(a, s.signed ? ai.asSigned() : ai));
      const p = pipelinedMul(m, `p${k}`, a, b, `product ${k}`, s.constant);
      const o = m.output(`o${k}`, s.wa + s.wb);
      m.assign(o, s.signed ? p.asUnsigned() : p);
    });
    sim = await openBlock(m.build(), 'multiplier');
    const rng = new Rng(13);
    const pick = (w: number) => {
      const r = rng.int(0, 9);
      return r === 0 ? 0n : r === 1 ? mask(w) : r === 2 ? 1n << BigInt(w - 1) : r === 3 ? mask(w - 1) : rng.big(0n, mask(w));
    };
    const inputs = SHAPES.flatMap((s, k) => (s.constant === undefined ? [`a${k}`, `b${k}`] : [`a${k}`]));
    const outputs = SHAPES.map((_, k) => `o${k}`);
    const stimulus: Values[] = [];
    const expected: Partial<Values>[] = [];
    const history: bigint[][] = [];
    const pipes = SHAPES.map(() => new MulPipe());
    for (let c = 0; c < 400; c++) {
      const v: Values = {};
      const products: bigint[] = [];
      SHAPES.forEach((s, k) => {
        const a = pick(s.wa);
        const b = s.constant ?? pick(s.wb);
        v[`a${k}`] = a;
        if (s.constant === undefined) v[`b${k}`] = b;
        products.push(s.signed ? toSigned(a, s.wa) * toSigned(b, s.wb) : a * b);
      });
      stimulus.push(v);
      // Registered at the end of cycle c, the product shows from cycle c + 1 + MUL_LATENCY.
      history.push(products);
      const from = c - 1 - MUL_LATENCY;
      const e: Partial<Values> = {};
      if (from >= 0) SHAPES.forEach((s, k) => (e[`o${k}`] = history[from]![k]! & mask(s.wa + s.wb)));
      expected.push(e);
      // The golden model of the multiplier agrees with the same independent products.
      SHAPES.forEach((s, k) => {
        if (from >= 0) expect(pipes[k]!.product).toBe(history[from]![k]!);
        if (c >= 1) pipes[k]!.clock(history[c - 1]![k]!, 1n);
      });
    }
    const compared = await compareCycles(sim, inputs, outputs, stimulus, expected);
    expect(compared).toBe(SHAPES.length * (400 - 1 - MUL_LATENCY));
  });
});
