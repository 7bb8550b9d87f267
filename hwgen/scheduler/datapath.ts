// Small HDL helpers of the scheduler's fixed-point data path, shared by its blocks: saturation to a
// width, constant right shifts, the slot <-> (unit, row) split of the banked task table, and the
// two-halves subtract and counter that keep wide time arithmetic off long carry chains.
import { cat, lit, litHex, mux, HdlError, type Block, type Expr, type ModuleBuilder, type Signal } from '../hdl/index.ts';
import { maxOf, type SchedulerFormats } from './formats.ts';

/**
 * Clamps an unsigned value to `width` bits (all ones when any higher bit is set). A wider value must
 * be a named signal (declare it with `m.named`), so no anonymous temporary appears in the Verilog.
 */
export function satTo(e: Expr, width: number): Expr {
  if (e.width <= width) return e.resize(width);
  if (!e.ref) throw new HdlError(`satTo: give ${e.text} a name before saturating it (m.named)`);
  const high = e.width - 1 === width ? e.bit(width) : e.bits(e.width - 1, width).orReduce();
  return mux(high, litHex(maxOf(width), width), e.bits(width - 1, 0));
}

/** Right shift by a constant; no operator for 0. */
export function shrBy(e: Expr, n: number): Expr {
  return n === 0 ? e : e.shr(n);
}

/** Slot s lives in unit (bank) s mod U, row s / U. */
export interface SlotSplit {
  unitOf(slot: Expr): Expr;
  rowOf(slot: Expr): Expr;
  slotOf(unit: Expr, row: Expr): Expr;
}

export function slotSplit(f: SchedulerFormats): SlotSplit {
  const U = f.units;
  const UW = f.unitWidth;
  const D = f.slotWidth;
  return {
    unitOf: (slot) => (U === 1 ? slot.bits(0, 0) : slot.bits(UW - 1, 0)),
    rowOf: (slot) => (U === 1 ? slot : slot.bits(D - 1, UW)),
    slotOf: (unit, row) => (U === 1 ? row : cat(row, unit)),
  };
}

/** Rows of each bank (>= 2) and their index width. */
export function bankRows(f: SchedulerFormats): { rows: number; rowWidth: number } {
  const rows = f.tasks / f.units;
  return { rows, rowWidth: Math.log2(rows) };
}

/** Bits hi..lo of an unsigned operand, zero where the operand is narrower. */
function slice(e: Expr, hi: number, lo: number): Expr {
  if (lo >= e.width) return lit(0, hi - lo + 1);
  return e.bits(Math.min(hi, e.width - 1), lo).resize(hi - lo + 1);
}

/** Where a wide carry chain is cut: the low half is the larger one. */
export function splitPoint(width: number): number {
  return Math.ceil(width / 2);
}

/** A difference registered in two halves by splitSub: the low half, its borrow, the high half for either borrow. */
export interface SplitValue {
  value: Signal;
  lo: Signal;
  borrow: Signal;
  hi0: Signal;
  hi1: Signal;
}

/**
 * a - b modulo 2^width over two cycles (issue 13: on iCE40 a carry cell is about 0.3 ns, a 49-bit
 * chain 15 ns). Unsigned operands, zero-extended to `width`. `load` (in the first stage's clocked
 * block) registers the low half's difference with its borrow and the high half's difference for
 * either borrow (carry select, two chains side by side); `value`, read in the next stage, picks the
 * high half by the registered borrow: a multiplexer, no carry. No chain is longer than
 * splitPoint(width) + 1 bits.
 *
 * `a` may itself be a split difference of the same width (a - b - c in consecutive stages): its high
 * half is then not multiplexed before the chains but after them. Its two halves differ by one
 * (hi1 = hi0 - 1), so a_hi - b_hi - {0, 1} is one of hi0 - b_hi, hi1 - b_hi, hi1 - b_hi - 1, each a
 * chain straight from a flip-flop; with b narrower than the low half only the last is a chain.
 */
export function splitSub(m: ModuleBuilder, name: string, a: Expr | SplitValue, b: Expr, width: number, doc: string): SplitValue & { load: (blk: Block) => void } {
  const L = splitPoint(width);
  const H = width - L;
  const lo = m.reg(`${name}_lo`, L, { doc: `${doc}: low ${L} bits` });
  const borrow = m.reg(`${name}_borrow`, 1, { doc: `${doc}: borrow out of the low bits` });
  const hi0 = m.reg(`${name}_hi0`, H, { doc: `${doc}: high bits without a borrow` });
  const hi1 = m.reg(`${name}_hi1`, H, { doc: `${doc}: high bits with a borrow` });
  const aSplit = 'hi0' in a ? a : undefined;
  if (aSplit && (aSplit.lo.width !== L || aSplit.hi0.width !== H)) throw new HdlError(`splitSub ${name}: the split minuend has ${aSplit.lo.width} + ${aSplit.hi0.width} bits, not ${L} + ${H}`);
  const aLo = aSplit ? aSplit.lo : slice(a as Expr, L - 1, 0);
  const loFull = m.named(`${name}_lo_full`, aLo.resize(L + 1).sub(slice(b, L - 1, 0).resize(L + 1)), `${doc}: low bits, bit ${L} = borrow`);
  const bHi = slice(b, width - 1, L);
  // The whole difference as a named wire, declared when first read (a minuend split into a later
  // splitSub is read by halves only).
  let value: Signal | undefined;
  return {
    get value() {
      value ??= m.named(name, cat(mux(borrow, hi1, hi0), lo), doc);
      return value;
    },
    lo, borrow, hi0, hi1,
    load: (blk) => {
      blk.set(lo, loFull.bits(L - 1, 0));
      blk.set(borrow, loFull.bit(L));
      if (aSplit) {
        const bZero = b.width <= L;
        const minus = (x: Signal) => (bZero ? x : x.sub(bHi));
        blk.set(hi0, mux(aSplit.borrow, minus(aSplit.hi1), minus(aSplit.hi0)));
        blk.set(hi1, mux(aSplit.borrow, bZero ? aSplit.hi1.sub(lit(1, H)) : aSplit.hi1.add(bHi.not()), minus(aSplit.hi1)));
      } else {
        const aHi = slice(a as Expr, width - 1, L);
        blk.set(hi0, aHi.sub(bHi));
        blk.set(hi1, aHi.add(bHi.not()));
      }
    },
  };
}

/**
 * A counter of `width` bits in two halves: the high half steps when the low half wraps, told by a
 * registered "low half is all ones" flag, so no carry chain is longer than splitPoint(width) bits.
 * Both halves change in the same clock edge: every reader of `value` sees a consistent count, as
 * from a plain counter. `step(blk)` counts one (inside a clocked block's condition), `load(blk, v)`
 * sets a constant or a named value (the flag is computed from it: a full-width adder feeding it stays
 * wide, so only for constants and simulation-only paths).
 */
export function splitCounter(m: ModuleBuilder, name: string, width: number, doc: string): { value: Signal; step: (blk: Block) => void; load: (blk: Block, v: Expr | bigint) => void } {
  const L = splitPoint(width);
  const H = width - L;
  const lo = m.reg(`${name}_lo`, L, { reset: 0, doc: `${doc}: low ${L} bits` });
  const hi = m.reg(`${name}_hi`, H, { reset: 0, doc: `${doc}: high ${H} bits` });
  const loOnes = m.reg(`${name}_lo_ones`, 1, { reset: 0, doc: `${name}_lo is all ones: the next step carries into ${name}_hi` });
  const value = m.named(name, cat(hi, lo), doc);
  const almost = maxOf(L) - 1n;
  return {
    value,
    step: (blk) => {
      blk.set(lo, lo.add(lit(1, L)));
      blk.set(loOnes, lo.eq(litHex(almost, L)));
      // The carry as an addend, not a branch: the step is one line for coverage, taken with every count.
      blk.set(hi, hi.add(loOnes.resize(H)));
    },
    load: (blk, v) => {
      if (typeof v === 'bigint') {
        const low = v & maxOf(L);
        blk.set(lo, litHex(low, L));
        blk.set(hi, litHex((v >> BigInt(L)) & maxOf(H), H));
        blk.set(loOnes, lit(low === maxOf(L) ? 1 : 0, 1));
        return;
      }
      if (!v.ref) throw new HdlError(`splitCounter ${name}: name the loaded value (m.named)`);
      blk.set(lo, v.bits(L - 1, 0));
      blk.set(hi, v.bits(width - 1, L));
      blk.set(loOnes, v.bits(L - 1, 0).andReduce());
    },
  };
}
