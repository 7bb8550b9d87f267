// Typed expressions of the HDL layer. Every expression knows its width and signedness, and the
// operators check them at generation time, so the emitted Verilog has no implicit width changes
// (it stays clean under `verilator --lint-only -Wall`) and a width mistake fails in TypeScript, with
// the operator and both widths named, instead of silently truncating in hardware.

export class HdlError extends Error {
  readonly userError = true as const;
  constructor(message: string) {
    super(message);
    this.name = 'HdlError';
  }
}

/** Something that can name itself in Verilog and can be bit-selected (a port, wire, register). */
export interface Named {
  readonly name: string;
  readonly width: number;
  readonly signed: boolean;
}

/**
 * Operator precedence levels, used to parenthesise only where Verilog needs it.
 * Higher binds tighter. Atoms (names, literals, calls, concatenations) are 100.
 */
const PREC = {
  cond: 1,
  lor: 2,
  land: 3,
  bor: 4,
  bxor: 5,
  band: 6,
  eq: 7,
  rel: 8,
  shift: 9,
  add: 10,
  mul: 11,
  unary: 12,
  atom: 100,
} as const;

type Hooks = {
  /** Materialises an expression into a named temporary so it can be bit-selected. */
  temp(e: Expr): Named;
};

// The module builders being described, innermost last: a temporary belongs to the innermost one.
const openModules: Hooks[] = [];

/** Called by a module builder when it is created (open) and when it is built (close). */
export function openModule(h: Hooks): void {
  openModules.push(h);
}
export function closeModule(h: Hooks): void {
  if (openModules[openModules.length - 1] !== h) throw new HdlError('modules must be built in the reverse order of their creation');
  openModules.pop();
}

function assertWidth(width: number, what: string): void {
  if (!Number.isInteger(width) || width < 1) throw new HdlError(`${what}: width must be a positive integer, got ${width}`);
}

export class Expr {
  constructor(
    readonly width: number,
    readonly signed: boolean,
    /** Verilog text of this expression. */
    readonly text: string,
    readonly prec: number = PREC.atom,
  ) {
    assertWidth(width, text);
  }

  /** The named signal this expression is, if it is exactly one (so it can be bit-selected). */
  get ref(): Named | undefined {
    return undefined;
  }

  /** True for the integer variable of a `for` loop (it may index any vector). */
  get loopIndex(): boolean {
    return false;
  }

  /** Text as the left operand of (or operand of a unary) operator at `level`. */
  private wrap(level: number): string {
    return this.prec < level ? `(${this.text})` : this.text;
  }

  /** A name for this value that Verilog allows to be indexed: itself, or a temporary wire. */
  private named(): Named {
    if (this.ref) return this.ref;
    const hooks = openModules[openModules.length - 1];
    if (!hooks) throw new HdlError(`cannot select bits of "${this.text}" outside a module body`);
    return hooks.temp(this);
  }

  private same(other: Expr, op: string): void {
    if (other.width !== this.width || other.signed !== this.signed) {
      throw new HdlError(
        `operator ${op}: operands differ: ${describe(this)} vs ${describe(other)}; resize() or asSigned()/asUnsigned() one of them`,
      );
    }
  }

  private bin(other: Expr, op: string, level: number, width = this.width, signed = this.signed): Expr {
    this.same(other, op);
    return new Expr(width, signed, `${this.wrap(level)} ${op} ${other.wrapRight(level)}`, level);
  }

  /**
   * Operand of a unary operator: anything but an atom is parenthesised, so two unary operators never
   * touch (`!(|x)`, `~(~x)`: Icarus rejects `!|x` and `~~x`).
   */
  private operand(): string {
    return this.prec === PREC.atom ? this.text : `(${this.text})`;
  }

  /** Right operands of a left-associative operator at the same level need parentheses. */
  private wrapRight(level: number): string {
    return this.prec <= level && this.prec !== PREC.atom ? `(${this.text})` : this.text;
  }

  // Arithmetic: same width and signedness in, same width out (wrap-around, as in hardware).
  add(o: Expr): Expr {
    return this.bin(o, '+', PREC.add);
  }
  sub(o: Expr): Expr {
    return this.bin(o, '-', PREC.add);
  }
  /** Full-precision product: width is the sum of the operand widths. Operands may differ in width. */
  mul(o: Expr): Expr {
    if (o.signed !== this.signed) throw new HdlError(`operator *: signedness differs: ${describe(this)} vs ${describe(o)}`);
    const w = this.width + o.width;
    const a = this.resize(w);
    const b = o.resize(w);
    return new Expr(w, this.signed, `${a.wrap(PREC.mul)} * ${b.wrapRight(PREC.mul)}`, PREC.mul);
  }

  // Bitwise.
  and(o: Expr): Expr {
    return this.bin(o, '&', PREC.band);
  }
  or(o: Expr): Expr {
    return this.bin(o, '|', PREC.bor);
  }
  xor(o: Expr): Expr {
    return this.bin(o, '^', PREC.bxor);
  }
  not(): Expr {
    return new Expr(this.width, this.signed, `~${this.operand()}`, PREC.unary);
  }

  // Comparisons: 1-bit unsigned results.
  eq(o: Expr): Expr {
    return this.bin(o, '==', PREC.eq, 1, false);
  }
  ne(o: Expr): Expr {
    return this.bin(o, '!=', PREC.eq, 1, false);
  }
  lt(o: Expr): Expr {
    return this.bin(o, '<', PREC.rel, 1, false);
  }
  le(o: Expr): Expr {
    return this.bin(o, '<=', PREC.rel, 1, false);
  }
  gt(o: Expr): Expr {
    return this.bin(o, '>', PREC.rel, 1, false);
  }
  ge(o: Expr): Expr {
    return this.bin(o, '>=', PREC.rel, 1, false);
  }

  // Logic on 1-bit values.
  private bit1(op: string): void {
    if (this.width !== 1) throw new HdlError(`operator ${op} needs 1-bit operands, got ${describe(this)}`);
  }
  land(o: Expr): Expr {
    this.bit1('&&');
    o.bit1('&&');
    return new Expr(1, false, `${this.wrap(PREC.land)} && ${o.wrapRight(PREC.land)}`, PREC.land);
  }
  lor(o: Expr): Expr {
    this.bit1('||');
    o.bit1('||');
    return new Expr(1, false, `${this.wrap(PREC.lor)} || ${o.wrapRight(PREC.lor)}`, PREC.lor);
  }
  lnot(): Expr {
    this.bit1('!');
    return new Expr(1, false, `!${this.operand()}`, PREC.unary);
  }

  /** Reductions: 1-bit results. */
  orReduce(): Expr {
    return new Expr(1, false, `|${this.operand()}`, PREC.unary);
  }
  andReduce(): Expr {
    return new Expr(1, false, `&${this.operand()}`, PREC.unary);
  }

  /** Shift left by a constant or an unsigned amount; width unchanged. */
  shl(amount: number | Expr): Expr {
    return this.shift('<<', amount);
  }
  /** Shift right: arithmetic (sign-filling) for signed values, logical for unsigned. */
  shr(amount: number | Expr): Expr {
    return this.shift(this.signed ? '>>>' : '>>', amount);
  }
  private shift(op: string, amount: number | Expr): Expr {
    let rhs: string;
    if (typeof amount === 'number') {
      if (!Number.isInteger(amount) || amount < 0) throw new HdlError(`shift ${op}: amount must be a non-negative integer, got ${amount}`);
      rhs = String(amount);
    } else {
      if (amount.signed) throw new HdlError(`shift ${op}: amount must be unsigned, got ${describe(amount)}`);
      rhs = amount.wrapRight(PREC.shift);
    }
    return new Expr(this.width, this.signed, `${this.wrap(PREC.shift)} ${op} ${rhs}`, PREC.shift);
  }

  /** Bits hi..lo (unsigned). */
  bits(hi: number, lo: number): Expr {
    if (!(Number.isInteger(hi) && Number.isInteger(lo) && lo >= 0 && hi >= lo && hi < this.width)) {
      throw new HdlError(`bits(${hi}, ${lo}) out of range for ${describe(this)}`);
    }
    if (lo === 0 && hi === this.width - 1) return this.asUnsigned();
    const n = this.named();
    return new Expr(hi - lo + 1, false, hi === lo ? `${n.name}[${hi}]` : `${n.name}[${hi}:${lo}]`, PREC.atom);
  }
  bit(i: number): Expr {
    return this.bits(i, i);
  }
  /**
   * `x[i]`, one bit selected by
   * - a loop variable (Block.loop) that runs over the bits of x, or
   * - a run-time value: an unsigned index exactly wide enough to address every bit (log2 of a
   *   power-of-two width), so no index is ever out of range.
   */
  bitAt(index: Expr): Expr {
    if (index.loopIndex) {
      if (this.width === 1) return this.asUnsigned(); // a scalar cannot be indexed; the loop runs once
      return new Expr(1, false, `${this.named().name}[${index.text}]`, PREC.atom);
    }
    if (index.signed) throw new HdlError(`bitAt: index ${describe(index)} must be unsigned or a loop variable`);
    if (2 ** index.width !== this.width) throw new HdlError(`bitAt: a ${index.width}-bit index does not address exactly the ${this.width} bits of ${describe(this)}`);
    return new Expr(1, false, `${this.named().name}[${index.text}]`, PREC.atom);
  }
  /**
   * `x[index*width +: width]`: one of the 2^index.width equal parts of x, selected at run time by an
   * unsigned index exactly wide enough to address every part (no part is ever out of range).
   */
  partAt(index: Expr, width: number): Expr {
    if (index.signed) throw new HdlError(`partAt: index ${describe(index)} must be unsigned`);
    if (!Number.isInteger(width) || width < 1 || 2 ** index.width * width !== this.width) {
      throw new HdlError(`partAt: a ${index.width}-bit index does not address exactly the ${width}-bit parts of ${describe(this)}`);
    }
    if (width === 1) return this.bitAt(index);
    return new Expr(width, false, `${this.named().name}[${index.wrap(PREC.mul)}*${width} +: ${width}]`, PREC.atom);
  }
  msb(): Expr {
    return this.bit(this.width - 1);
  }

  /** Sign- or zero-extends (by this value's signedness) or truncates to `width`, keeping signedness. */
  resize(width: number): Expr {
    assertWidth(width, 'resize');
    if (width === this.width) return this;
    if (width < this.width) {
      const low = this.bits(width - 1, 0);
      return this.signed ? low.asSigned() : low;
    }
    const extra = width - this.width;
    const fill = this.signed ? this.msb().text : "1'b0";
    // One extra bit is a plain concatenation; more are a replication.
    const head = extra === 1 ? fill : `{${extra}{${fill}}}`;
    const body = `{${head}, ${this.signed ? this.named().name : this.text}}`;
    const e = new Expr(width, false, body, PREC.atom);
    return this.signed ? e.asSigned() : e;
  }

  asSigned(): Expr {
    if (this.signed) return this;
    return new Expr(this.width, true, `$signed(${this.text})`, PREC.atom);
  }
  asUnsigned(): Expr {
    if (!this.signed) return this;
    return new Expr(this.width, false, `$unsigned(${this.text})`, PREC.atom);
  }

  toString(): string {
    return this.text;
  }
}

export function describe(e: { width: number; signed: boolean; text?: string; name?: string }): string {
  return `${e.name ?? e.text} (${e.signed ? 'signed' : 'unsigned'} ${e.width} bit${e.width === 1 ? '' : 's'})`;
}

/** An unsigned literal. */
export function lit(value: number | bigint, width: number): Expr {
  const v = BigInt(value);
  assertWidth(width, `literal ${v}`);
  if (v < 0n || v >= 1n << BigInt(width)) throw new HdlError(`literal ${v} does not fit in ${width} unsigned bits`);
  return new Expr(width, false, `${width}'d${v}`);
}

/** An unsigned literal written in hex (readable for wide masks). */
export function litHex(value: number | bigint, width: number): Expr {
  const v = BigInt(value);
  assertWidth(width, `literal ${v}`);
  if (v < 0n || v >= 1n << BigInt(width)) throw new HdlError(`literal ${v} does not fit in ${width} unsigned bits`);
  return new Expr(width, false, `${width}'h${v.toString(16)}`);
}

/** A signed literal (two's complement). */
export function slit(value: number | bigint, width: number): Expr {
  const v = BigInt(value);
  assertWidth(width, `literal ${v}`);
  const lo = -(1n << BigInt(width - 1));
  const hi = (1n << BigInt(width - 1)) - 1n;
  if (v < lo || v > hi) throw new HdlError(`literal ${v} does not fit in ${width} signed bits (${lo}..${hi})`);
  if (v >= 0n) return new Expr(width, true, `${width}'sd${v}`);
  // The most negative value has no positive counterpart to negate; spell its bits out.
  if (v === lo) return new Expr(width, true, `${width}'sh${(1n << BigInt(width - 1)).toString(16)}`);
  return new Expr(width, true, `-${width}'sd${-v}`, PREC.unary);
}

/** `cond ? a : b` with a 1-bit condition and operands of identical type. */
export function mux(cond: Expr, whenTrue: Expr, whenFalse: Expr): Expr {
  if (cond.width !== 1) throw new HdlError(`mux condition must be 1 bit, got ${describe(cond)}`);
  if (whenTrue.width !== whenFalse.width || whenTrue.signed !== whenFalse.signed) {
    throw new HdlError(`mux arms differ: ${describe(whenTrue)} vs ${describe(whenFalse)}`);
  }
  const c = cond.prec <= PREC.cond ? `(${cond.text})` : cond.text;
  const t = whenTrue.prec <= PREC.cond ? `(${whenTrue.text})` : whenTrue.text;
  return new Expr(whenTrue.width, whenTrue.signed, `${c} ? ${t} : ${whenFalse.text}`, PREC.cond);
}

/** Concatenation, most significant part first (unsigned). */
export function cat(...parts: Expr[]): Expr {
  if (parts.length === 0) throw new HdlError('cat() needs at least one part');
  if (parts.length === 1) return parts[0]!.asUnsigned();
  const width = parts.reduce((w, p) => w + p.width, 0);
  return new Expr(width, false, `{${parts.map((p) => p.text).join(', ')}}`);
}

/** Number of bits needed to represent values 0..n (n >= 0). */
export function bitsFor(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new HdlError(`bitsFor: need a non-negative integer, got ${n}`);
  let w = 1;
  while (2 ** w <= n) w++;
  return w;
}

/** ceil(log2(n)) for n >= 1 (at least 1, so it can size an index). */
export function clog2(n: number): number {
  let w = 0;
  while (2 ** w < n) w++;
  return Math.max(1, w);
}
