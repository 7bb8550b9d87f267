// The scheduler's pipelined multiplier (issue 13), with its golden model beside it. Every multiply of
// the score units and the predictor goes through it, so no register-to-register path holds more
// than one multiplier block and none holds a multiplier together with the adders that sum its parts.
//
// The caller registers the operands (they map onto a DSP's A/B input registers); the multiplier adds
// MUL_LATENCY register stages:
//   1. partial products: A cut into pieces of up to 24 bits, B into pieces of up to 17 (an unsigned
//      product a DSP48E1 or DSP48E2 computes in one slice), one register per piece pair (the DSP's
//      M/P register);
//   2. row sums: for each piece of A, its products with B's pieces, shifted into place and added;
//   3. the product: the row sums, shifted into place and added.
// The result is exactly a x b (full width, signed when either operand is), MUL_LATENCY cycles after
// the operands; the stages run every cycle, so a new pair of operands can enter every cycle. Where a
// stage would have one term (one piece of B: no row sums; one piece of A: no final sum), the
// operands wait a cycle in registers before the partial products instead, so the latency does not
// depend on the widths. Operands are oriented so that the fewer pieces result; a constant operand's
// zero pieces are left out.
import { cat, lit, type Expr, type ModuleBuilder, type Signal } from '../hdl/index.ts';

/** Register stages from the operands to the product. */
export const MUL_LATENCY = 3;
/** Largest unsigned piece of each operand: 24 x 17 fits a DSP48E1 (25 x 18 signed) and a DSP48E2. */
const PIECE_A = 24;
const PIECE_B = 17;

interface Piece {
  /** The piece as an operand of the partial product (signed when the product is). */
  expr: Expr;
  /** Its position in the operand (bits). */
  shift: number;
}

function piecesOf(x: Expr, size: number, signedProduct: boolean, constant: bigint | undefined): Piece[] {
  const out: Piece[] = [];
  for (let lo = 0; lo < x.width; lo += size) {
    const hi = Math.min(x.width, lo + size) - 1;
    if (constant !== undefined && ((constant >> BigInt(lo)) & ((1n << BigInt(hi - lo + 1)) - 1n)) === 0n) continue;
    const raw = x.width === hi - lo + 1 && lo === 0 ? x : x.bits(hi, lo);
    let expr: Expr;
    if (!signedProduct) expr = raw.signed ? raw.asUnsigned() : raw;
    else if (x.signed && hi === x.width - 1) expr = raw.signed ? raw : raw.asSigned(); // the top piece of a signed operand carries the sign
    else expr = cat(lit(0, 1), raw.signed ? raw.asUnsigned() : raw).asSigned(); // any other piece is a non-negative number
    out.push({ expr, shift: lo });
  }
  return out;
}

const count = (w: number, size: number) => Math.ceil(w / size);

/**
 * A pipelined multiplier on registered operands `a`, `b` (a constant `b` is given with its value).
 * Returns the product register, valid MUL_LATENCY cycles after the operands.
 */
export function pipelinedMul(m: ModuleBuilder, name: string, a: Expr, b: Expr, doc: string, bConstant?: bigint): Signal {
  const signed = a.signed || b.signed;
  const W = a.width + b.width;
  // Orientation: the wider pieces on the operand that then needs fewer of them.
  const swap = bConstant === undefined && count(b.width, PIECE_A) * count(a.width, PIECE_B) < count(a.width, PIECE_A) * count(b.width, PIECE_B);
  const [x, y] = swap ? [b, a] : [a, b];
  // Pieces that are not the operand itself get a name (no anonymous temporaries in the Verilog).
  const named = (ps: Piece[], tag: string) => ps.map((p, i) => (p.expr.ref ? p : { ...p, expr: m.named(`${name}_${tag}${i}`, p.expr, `${doc}: piece ${i} of an operand`) }));
  const xs = named(piecesOf(x, PIECE_A, signed, swap ? bConstant : undefined), 'x');
  const ys = named(piecesOf(y, PIECE_B, signed, swap ? undefined : bConstant), 'y');
  const term = (e: Expr, shift: number) => {
    const wide = e.resize(W);
    return shift === 0 ? wide : wide.shl(shift);
  };
  const sum = (terms: Expr[]) => (terms.length ? terms.reduce((s, t) => s.add(t)) : signed ? lit(0, W).asSigned() : lit(0, W));
  // A stage with one term would copy a register; instead the operands wait there (a register copy
  // right after a multiplier's output register also crashes Yosys 0.23's ice40_dsp pass).
  const rowsStage = ys.length > 1;
  const productStage = xs.length > 1;
  const delay = (rowsStage ? 0 : 1) + (productStage ? 0 : 1);
  const delayed = (ps: Piece[], tag: string, constant: boolean) =>
    constant
      ? ps
      : ps.map((p, i) => {
          let e = p.expr;
          for (let k = 1; k <= delay; k++) {
            const r = m.reg(`${name}_${tag}${i}_d${k}`, e.width, { signed: e.signed, doc: `${doc}: operand piece ${i}, delayed ${k}` });
            m.seq((s) => s.set(r, e));
            e = r;
          }
          return { ...p, expr: e };
        });
  const xd = delayed(xs, 'x', swap && bConstant !== undefined);
  const yd = delayed(ys, 'y', !swap && bConstant !== undefined);
  const only = !rowsStage && !productStage;
  const product = only ? m.reg(name, W, { signed, doc }) : undefined;
  const partials = xd.map((p, i) => yd.map((q, j) => (only ? product! : m.reg(`${name}_pp${i}_${j}`, p.expr.width + q.expr.width, { signed, doc: `${doc}: partial product ${i}.${j}` }))));
  m.seq((s) => xd.forEach((p, i) => yd.forEach((q, j) => s.set(partials[i]![j]!, only ? term(p.expr.mul(q.expr), p.shift + q.shift) : p.expr.mul(q.expr)))), `${doc}: partial products (pipelined multiplier, ${MUL_LATENCY} stages).`);
  if (only) return product!;
  const rows = rowsStage
    ? xd.map((_, i) => {
        const row = productStage ? m.reg(`${name}_row${i}`, W, { signed, doc: `${doc}: the partial products of piece ${i}, added` }) : m.reg(name, W, { signed, doc });
        m.seq((s) => s.set(row, sum(partials[i]!.map((r, j) => term(r, yd[j]!.shift)))));
        return row as Expr;
      })
    : partials.map((r) => term(r[0]!, yd[0]!.shift));
  if (!productStage) return rows[0] as Signal;
  const result = m.reg(name, W, { signed, doc });
  m.seq((s) => s.set(result, sum(rows.map((r, i) => term(r, xd[i]!.shift)))));
  return result;
}

// ------------------------------------------------------------------ golden model

/** The multiplier's value pipeline: `clock(a, b)` takes this cycle's operands; `product` is a x b of MUL_LATENCY cycles ago. */
export class MulPipe {
  private stages: bigint[] = new Array<bigint>(MUL_LATENCY).fill(0n);

  get product(): bigint {
    return this.stages[MUL_LATENCY - 1]!;
  }

  clock(a: bigint, b: bigint): void {
    this.stages = [a * b, ...this.stages.slice(0, MUL_LATENCY - 1)];
  }
}
