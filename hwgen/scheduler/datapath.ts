// Small HDL helpers of the scheduler's fixed-point data path, shared by its blocks: saturation to a
// width, constant right shifts, and the slot <-> (unit, row) split of the banked task table.
import { cat, litHex, mux, HdlError, type Expr } from '../hdl/index.ts';
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
