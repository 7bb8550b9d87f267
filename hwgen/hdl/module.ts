// Modules of the HDL layer: typed ports, wires, registers, memories, continuous assignments,
// combinational and clocked processes, and instances of other modules. A `ModuleDef` is a finished,
// immutable description; `emitVerilog` (emit.ts) turns it into text.
import { Expr, HdlError, closeModule, describe, lit, openModule, slit, type Named } from './expr.ts';

export type PortDir = 'input' | 'output';
export type PortRole = 'clock' | 'reset' | 'data';
export type SignalKind = 'input' | 'output' | 'wire' | 'reg' | 'integer';

export class Signal extends Expr implements Named {
  /** Value loaded by the synchronous reset (registers only). */
  resetValue?: bigint;
  /** The named constant the reset value was given as (emitted by name). */
  resetName?: string;
  /** Why a signal is intentionally unused (emitted next to a lint waiver). */
  unusedReason?: string;

  constructor(
    readonly name: string,
    readonly kind: SignalKind,
    width: number,
    signed: boolean,
    readonly role: PortRole,
    readonly doc?: string,
  ) {
    super(width, signed, name);
  }
  override get ref(): Named {
    return this;
  }
  override get loopIndex(): boolean {
    return this.kind === 'integer';
  }
}

/** A named constant (`localparam`): reads as its name, and the generator knows its value. */
export class Const extends Expr implements Named {
  constructor(
    readonly name: string,
    readonly value: bigint,
    width: number,
    signed: boolean,
    readonly doc?: string,
  ) {
    super(width, signed, name);
  }
  override get ref(): Named {
    return this;
  }
}

export class Memory {
  constructor(
    readonly name: string,
    readonly width: number,
    readonly depth: number,
    readonly signed: boolean,
    readonly doc?: string,
  ) {}
  /** Index width: memories are powers of two deep so an address never needs a range check. */
  get addrWidth(): number {
    return Math.max(1, Math.log2(this.depth));
  }
  /** The word at `addr` (read port). */
  at(addr: Expr): Expr {
    if (addr.signed || addr.width !== this.addrWidth) {
      throw new HdlError(`memory ${this.name}[${this.depth}]: address must be unsigned ${this.addrWidth} bits, got ${describe(addr)}`);
    }
    return new Expr(this.width, this.signed, `${this.name}[${addr.text}]`);
  }
}

export type Stmt =
  | { kind: 'set'; target: Signal; value: Expr }
  | { kind: 'write'; memory: Memory; addr: Expr; value: Expr }
  | { kind: 'if'; cond: Expr; then: Stmt[]; else: Stmt[] }
  | { kind: 'case'; subject: Expr; arms: { value: bigint; label?: string; body: Stmt[] }[]; default: Stmt[] }
  | { kind: 'for'; variable: Signal; count: number; body: Stmt[] }
  | { kind: 'comment'; text: string };

export interface Process {
  kind: 'comb' | 'seq';
  body: Stmt[];
  clock?: Signal;
  reset?: Signal;
  /** Registers loaded by the reset branch (clocked processes). */
  resets: Signal[];
  doc?: string;
}

export interface Instance {
  name: string;
  module: ModuleDef;
  connections: Map<string, Expr>;
}

/** Where a generate loop drives part of a vector: `vec[index*width +: width]`. */
export interface GenerateAssign {
  kind: 'assign';
  target: Expr;
  value: Expr;
}

/** `for (genvar = 0; genvar < count; ...) begin : label ... end` inside `generate`. */
export interface GenerateLoop {
  kind: 'loop';
  label: string;
  genvar: string;
  count: number;
  items: (GenerateAssign | { kind: 'instance'; instance: Instance } | GenerateLoop)[];
}

export interface ModuleDef {
  readonly name: string;
  readonly doc: string;
  /** Generator parameters that shaped this module (listed in the header and the manifest). */
  readonly params: Readonly<Record<string, number | string | boolean>>;
  /** Named constants declared as `localparam` (FSM states, constants derived from the config). */
  readonly localparams: readonly Const[];
  readonly generates: readonly GenerateLoop[];
  readonly ports: readonly Signal[];
  readonly signals: readonly Signal[];
  readonly memories: readonly Memory[];
  readonly assigns: readonly { target: Signal; value: Expr }[];
  readonly processes: readonly Process[];
  readonly instances: readonly Instance[];
}

/** Statement collector handed to process bodies. */
export class Block {
  private stack: Stmt[][];
  constructor(
    private readonly owner: ModuleBuilder,
    readonly kind: 'comb' | 'seq',
    root: Stmt[],
  ) {
    this.stack = [root];
  }
  private get cur(): Stmt[] {
    return this.stack[this.stack.length - 1]!;
  }
  /** `target = value` (combinational) or `target <= value` (clocked). */
  set(target: Signal, value: Expr): void {
    this.owner.checkAssign(target, value, this.kind);
    this.cur.push({ kind: 'set', target, value });
  }
  /** Memory write; clocked processes only. */
  write(memory: Memory, addr: Expr, value: Expr): void {
    if (this.kind !== 'seq') throw new HdlError(`memory ${memory.name} can only be written in a clocked process`);
    memory.at(addr); // checks the address
    if (value.width !== memory.width || value.signed !== memory.signed) {
      throw new HdlError(`write to memory ${memory.name}: value ${describe(value)} does not match the word (${memory.width} bits)`);
    }
    this.cur.push({ kind: 'write', memory, addr, value });
  }
  if(cond: Expr, then: () => void, otherwise?: () => void): void {
    if (cond.width !== 1) throw new HdlError(`if condition must be 1 bit, got ${describe(cond)}`);
    const stmt: Stmt = { kind: 'if', cond, then: [], else: [] };
    this.cur.push(stmt);
    this.stack.push(stmt.then);
    then();
    this.stack.pop();
    if (otherwise) {
      this.stack.push(stmt.else);
      otherwise();
      this.stack.pop();
    }
  }
  /**
   * `case (subject)` with constant arms (unsigned values of the subject's width) and a default. In a
   * combinational process the signals it drives still need a default assignment before it.
   */
  switch(subject: Expr, arms: readonly (readonly [number | bigint | Const, () => void])[], otherwise?: () => void): void {
    const stmt: Stmt = { kind: 'case', subject, arms: [], default: [] };
    const seen = new Set<bigint>();
    for (const [value, body] of arms) {
      const v = value instanceof Const ? value.value : BigInt(value);
      if (value instanceof Const && value.width !== subject.width) throw new HdlError(`case arm ${value.name} is ${value.width} bits, the subject ${describe(subject)}`);
      if (v < 0n || v >= 1n << BigInt(subject.width)) throw new HdlError(`case arm ${v} does not fit ${describe(subject)}`);
      if (seen.has(v)) throw new HdlError(`case arm ${v} appears twice`);
      seen.add(v);
      const arm = { value: v, label: value instanceof Const ? value.name : undefined, body: [] as Stmt[] };
      stmt.arms.push(arm);
      this.stack.push(arm.body);
      body();
      this.stack.pop();
    }
    this.cur.push(stmt);
    if (otherwise) {
      this.stack.push(stmt.default);
      otherwise();
      this.stack.pop();
    }
  }
  comment(text: string): void {
    this.cur.push({ kind: 'comment', text });
  }
  /**
   * `for (i = 0; i < count; i = i + 1) begin ... end` over an integer declared with
   * `loopVariable()`; the body may select bits with it (`bitAt`).
   */
  loop(variable: Signal, count: number, body: (i: Signal) => void): void {
    if (variable.kind !== 'integer') throw new HdlError(`loop variable ${variable.name} must be declared with loopVariable()`);
    if (!Number.isInteger(count) || count < 1) throw new HdlError(`loop over ${variable.name}: count must be a positive integer, got ${count}`);
    const stmt: Stmt = { kind: 'for', variable, count, body: [] };
    this.cur.push(stmt);
    this.stack.push(stmt.body);
    body(variable);
    this.stack.pop();
  }
}

/** A generate-loop index expression: its Verilog text and its value for given genvar values. */
export class GenIndex {
  constructor(
    readonly text: string,
    readonly valueAt: (env: ReadonlyMap<string, number>) => number,
    private readonly atom = true,
  ) {}
  private wrapped(): string {
    return this.atom ? this.text : `(${this.text})`;
  }
  times(k: number): GenIndex {
    return k === 1 ? this : new GenIndex(`${this.wrapped()}*${k}`, (e) => this.valueAt(e) * k, false);
  }
  plus(k: number): GenIndex {
    return k === 0 ? this : new GenIndex(`${this.text} + ${k}`, (e) => this.valueAt(e) + k, false);
  }
  /** this * k + other (another loop's index). */
  timesPlus(k: number, other: GenIndex): GenIndex {
    return new GenIndex(`${this.times(k).text} + ${other.text}`, (e) => this.valueAt(e) * k + other.valueAt(e), false);
  }
}

/** The body of a generate loop: assignments to parts of vectors, instances, nested loops. */
export class GenerateBody {
  constructor(
    private readonly owner: ModuleBuilder,
    readonly loop: GenerateLoop,
    /** Enclosing loops, outermost first (this one last). */
    private readonly loops: readonly GenerateLoop[],
    readonly index: GenIndex,
  ) {}

  /** Every combination of genvar values of the enclosing loops. */
  private *envs(): Generator<Map<string, number>> {
    const walk = function* (ls: readonly GenerateLoop[], env: Map<string, number>): Generator<Map<string, number>> {
      if (ls.length === 0) {
        yield env;
        return;
      }
      for (let i = 0; i < ls[0]!.count; i++) yield* walk(ls.slice(1), new Map(env).set(ls[0]!.genvar, i));
    };
    yield* walk(this.loops, new Map());
  }

  /** `vec[index*width +: width]` (`vec[index]` for one bit); index defaults to this loop's. */
  part(vec: Signal | Const, width: number, index: GenIndex = this.index): Expr {
    for (const env of this.envs()) {
      const at = index.valueAt(env);
      if (at < 0 || (at + 1) * width > vec.width) throw new HdlError(`${this.owner.name}: generate ${this.loop.label}: part ${at} of ${width} bits is outside ${describe(vec)}`);
    }
    // A part as wide as the vector is all of it (index 0, checked above); a scalar cannot be indexed.
    const text = width === vec.width ? vec.name : width === 1 ? `${vec.name}[${index.text}]` : `${vec.name}[${index.times(width).text} +: ${width}]`;
    const e = new Expr(width, vec.signed, text);
    if (vec instanceof Signal) partBase.set(e, vec);
    return e;
  }

  assign(target: Expr, value: Expr): void {
    const base = partBase.get(target) ?? (target instanceof Signal ? target : undefined);
    if (!base) throw new HdlError(`${this.owner.name}: generate ${this.loop.label}: assignment target ${target.text} is not a signal or a part of one`);
    if (value.width !== target.width || value.signed !== target.signed) throw new HdlError(`${this.owner.name}: generate assignment to ${target.text} from ${describe(value)}: types differ`);
    this.owner.claimGenerated(base, this.loop.label, 'assign');
    this.loop.items.push({ kind: 'assign', target, value });
  }

  instance(module: ModuleDef, name: string, connections: Record<string, Expr>): void {
    const inst = this.owner.checkInstance(module, name, connections, (e) => partBase.get(e), this.loop.label);
    this.loop.items.push({ kind: 'instance', instance: inst });
  }

  generate(label: string, genvar: string, count: number, body: (g: GenerateBody) => void): void {
    const inner = this.owner.newLoop(label, genvar, count, this.loops);
    this.loop.items.push(inner);
    body(new GenerateBody(this.owner, inner, [...this.loops, inner], new GenIndex(genvar, (e) => e.get(genvar)!)));
  }
}

function setReset(s: Signal, reset: number | bigint | Const | undefined): void {
  if (reset === undefined) return;
  if (reset instanceof Const) {
    if (reset.width !== s.width) throw new HdlError(`${s.name}: reset value ${reset.name} is ${reset.width} bits, the register ${s.width}`);
    s.resetValue = reset.value;
    s.resetName = reset.name;
  } else s.resetValue = BigInt(reset);
}

/** The vector a generate part-select belongs to. */
const partBase = new WeakMap<Expr, Signal>();

/** Every instance of a module, including those inside generate loops (once per loop, not per iteration). */
export function instancesOf(m: ModuleDef): Instance[] {
  const out = [...m.instances];
  const walk = (l: GenerateLoop) => {
    for (const it of l.items) {
      if (it.kind === 'instance') out.push(it.instance);
      else if (it.kind === 'loop') walk(it);
    }
  };
  m.generates.forEach(walk);
  return out;
}

const IDENT = /^[A-Za-z][A-Za-z0-9_]*$/;
const RESERVED = new Set(
  'always and assign begin buf case casex casez default else end endcase endfunction endmodule endtask for function generate genvar if initial inout input integer localparam module negedge nor not or output parameter posedge reg signed task wire xor logic bit byte int'.split(' '),
);

export class ModuleBuilder {
  private readonly ports: Signal[] = [];
  private readonly signals: Signal[] = [];
  private readonly memories: Memory[] = [];
  private readonly assigns: { target: Signal; value: Expr }[] = [];
  private readonly processes: Process[] = [];
  private readonly instances: Instance[] = [];
  private readonly localparams: Const[] = [];
  private readonly generates: GenerateLoop[] = [];
  private readonly genvars = new Set<string>();
  private readonly names = new Set<string>();
  private readonly drivers = new Map<Signal, string>();
  private readonly memoryWriters = new Map<Memory, string>();
  private readonly temps = new Map<string, Signal>();
  private tempCount = 0;
  private built = false;
  private readonly hooks = { temp: (e: Expr) => this.temp(e) };

  constructor(
    readonly name: string,
    readonly doc: string,
    readonly params: Record<string, number | string | boolean> = {},
  ) {
    if (!IDENT.test(name)) throw new HdlError(`module name "${name}" is not a Verilog identifier`);
    openModule(this.hooks);
  }

  private claim(name: string): void {
    if (!IDENT.test(name.replace(/^_/, 'x')) || RESERVED.has(name)) throw new HdlError(`${this.name}: "${name}" is not a usable Verilog identifier`);
    if (this.names.has(name)) throw new HdlError(`${this.name}: name "${name}" is declared twice`);
    this.names.add(name);
  }

  input(name: string, width: number, opts: { signed?: boolean; role?: PortRole; doc?: string } = {}): Signal {
    this.claim(name);
    const s = new Signal(name, 'input', width, opts.signed ?? false, opts.role ?? 'data', opts.doc);
    this.ports.push(s);
    return s;
  }
  output(name: string, width: number, opts: { signed?: boolean; doc?: string; reset?: number | bigint | Const } = {}): Signal {
    this.claim(name);
    const s = new Signal(name, 'output', width, opts.signed ?? false, 'data', opts.doc);
    setReset(s, opts.reset);
    this.ports.push(s);
    return s;
  }
  wire(name: string, width: number, opts: { signed?: boolean; doc?: string } = {}): Signal {
    this.claim(name);
    const s = new Signal(name, 'wire', width, opts.signed ?? false, 'data', opts.doc);
    this.signals.push(s);
    return s;
  }
  /** A register; with `reset`, the clocked process that drives it loads that value on reset. */
  reg(name: string, width: number, opts: { signed?: boolean; doc?: string; reset?: number | bigint | Const } = {}): Signal {
    this.claim(name);
    const s = new Signal(name, 'reg', width, opts.signed ?? false, 'data', opts.doc);
    setReset(s, opts.reset);
    this.signals.push(s);
    return s;
  }
  memory(name: string, opts: { width: number; depth: number; signed?: boolean; doc?: string }): Memory {
    this.claim(name);
    if (!Number.isInteger(opts.depth) || opts.depth < 2 || (opts.depth & (opts.depth - 1)) !== 0) {
      throw new HdlError(`memory ${name}: depth must be a power of two >= 2, got ${opts.depth}`);
    }
    const m = new Memory(name, opts.width, opts.depth, opts.signed ?? false, opts.doc);
    this.memories.push(m);
    return m;
  }

  /** A named constant, `localparam [width-1:0] NAME = value;` (signed: `localparam signed ...`). */
  localparam(name: string, value: number | bigint, width: number, doc?: string, signed = false): Const {
    this.claim(name);
    (signed ? slit : lit)(value, width); // checks that it fits
    const c = new Const(name, BigInt(value), width, signed, doc);
    this.localparams.push(c);
    return c;
  }

  /** A wire carrying `value`, so that it has a name (and can be bit-selected without a temporary). */
  named(name: string, value: Expr, doc?: string): Signal {
    const s = this.wire(name, value.width, { signed: value.signed, doc });
    this.assign(s, value);
    return s;
  }

  /** An `integer` for `for` loops in processes (Block.loop). */
  loopVariable(name: string): Signal {
    this.claim(name);
    const s = new Signal(name, 'integer', 32, true, 'data');
    this.signals.push(s);
    return s;
  }

  /**
   * `genvar` + `generate for`: the body runs once, symbolically; `g.index` is the genvar and
   * `g.part(vec, w)` the slice of `vec` this iteration owns.
   */
  generate(label: string, genvar: string, count: number, body: (g: GenerateBody) => void): void {
    const loop = this.newLoop(label, genvar, count);
    this.generates.push(loop);
    body(new GenerateBody(this, loop, [loop], new GenIndex(genvar, (e) => e.get(genvar)!)));
  }

  /** Used by GenerateBody. */
  newLoop(label: string, genvar: string, count: number, enclosing: readonly GenerateLoop[] = []): GenerateLoop {
    if (!Number.isInteger(count) || count < 1) throw new HdlError(`${this.name}: generate ${label}: count must be a positive integer, got ${count}`);
    this.claim(label);
    // A genvar may serve several loops one after the other, never a loop and one inside it.
    if (enclosing.some((l) => l.genvar === genvar)) throw new HdlError(`${this.name}: generate ${label}: genvar ${genvar} is already the index of an enclosing loop`);
    if (!this.genvars.has(genvar)) {
      this.claim(genvar);
      this.genvars.add(genvar);
    }
    return { kind: 'loop', label, genvar, count, items: [] };
  }

  /** A vector driven (in parts) by one generate loop; a second loop or any other driver is refused. */
  claimGenerated(target: Signal, label: string, how: 'assign' | 'instance'): void {
    if (target.kind === 'input') throw new HdlError(`${this.name}: cannot drive input ${target.name}`);
    if (target.kind === 'integer') throw new HdlError(`${this.name}: generate ${label}: loop variable ${target.name} cannot be driven by ${how}`);
    if (how === 'assign' && target.kind === 'reg') throw new HdlError(`${this.name}: register ${target.name} cannot be driven by assign; declare it with wire()`);
    if (!this.ports.includes(target) && !this.signals.includes(target)) throw new HdlError(`${this.name}: ${target.name} does not belong to this module`);
    this.claimDriver(target, `generate ${label}`);
  }

  /** Marks a signal as intentionally unused (e.g. the low bits of a port), with the reason. */
  unused(sig: Signal, reason: string): void {
    sig.unusedReason = reason;
  }

  private temp(e: Expr): Signal {
    const found = this.temps.get(e.text);
    if (found && found.width === e.width && found.signed === e.signed) return found;
    const name = `_t${this.tempCount++}`;
    this.claim(name);
    const s = new Signal(name, 'wire', e.width, e.signed, 'data');
    this.signals.push(s);
    this.assigns.push({ target: s, value: e });
    this.drivers.set(s, 'assign');
    this.temps.set(e.text, s);
    return s;
  }

  checkAssign(target: Signal, value: Expr, how: 'comb' | 'seq' | 'assign'): void {
    if (target.kind === 'input') throw new HdlError(`${this.name}: cannot drive input ${target.name}`);
    if (!this.ports.includes(target) && !this.signals.includes(target)) {
      throw new HdlError(`${this.name}: ${target.name} does not belong to this module`);
    }
    if (value.width !== target.width || value.signed !== target.signed) {
      throw new HdlError(`${this.name}: assignment to ${describe(target)} from ${describe(value)}: types differ`);
    }
    if (how === 'seq' && target.kind === 'wire') throw new HdlError(`${this.name}: wire ${target.name} cannot be driven by a clocked process; declare it with reg()`);
    if (how === 'assign' && target.kind === 'reg') throw new HdlError(`${this.name}: register ${target.name} cannot be driven by assign; declare it with wire()`);
  }

  claimDriver(target: Signal, owner: string): void {
    const prev = this.drivers.get(target);
    if (prev !== undefined && prev !== owner) throw new HdlError(`${this.name}: ${target.name} has two drivers (${prev} and ${owner})`);
    this.drivers.set(target, owner);
  }

  /** Continuous assignment. Each `assign` is a driver of its own: a second one to the same target is refused. */
  assign(target: Signal, value: Expr): void {
    this.checkAssign(target, value, 'assign');
    this.claimDriver(target, `assign ${this.assigns.length}`);
    this.assigns.push({ target, value });
  }

  /**
   * A combinational process (`always @(*)`). To rule out latches, every signal it drives must be
   * given a value unconditionally (a default) before any conditional assignment to it.
   */
  comb(body: (b: Block) => void, doc?: string): void {
    const root: Stmt[] = [];
    body(new Block(this, 'comb', root));
    const owner = `always block ${this.processes.length}`;
    const defaults = new Set<Signal>();
    for (const s of root) if (s.kind === 'set') defaults.add(s.target);
    for (const t of targets(root)) {
      if (!defaults.has(t)) throw new HdlError(`${this.name}: ${t.name} is assigned conditionally in a combinational process without a default (it would be a latch)`);
      if (t.kind === 'wire') throw new HdlError(`${this.name}: ${t.name} is driven by a process; declare it with reg()`);
      this.claimDriver(t, owner);
    }
    this.processes.push({ kind: 'comb', body: root, resets: [], doc });
  }

  /** A clocked process on the module's clock with synchronous, active-high reset of the registers that have a reset value. */
  seq(body: (b: Block) => void, doc?: string): void {
    const clock = this.ports.find((p) => p.role === 'clock');
    if (!clock) throw new HdlError(`${this.name}: a clocked process needs an input with role "clock"`);
    const reset = this.ports.find((p) => p.role === 'reset');
    const root: Stmt[] = [];
    body(new Block(this, 'seq', root));
    const owner = `always block ${this.processes.length}`;
    const resets: Signal[] = [];
    for (const mem of writtenMemories(root)) {
      const prev = this.memoryWriters.get(mem);
      if (prev !== undefined) throw new HdlError(`${this.name}: memory ${mem.name} is written by two processes (${prev} and ${owner})`);
      this.memoryWriters.set(mem, owner);
    }
    for (const t of targets(root)) {
      this.claimDriver(t, owner);
      if (t.resetValue !== undefined) {
        if (!reset) throw new HdlError(`${this.name}: register ${t.name} has a reset value but the module has no reset input`);
        resets.push(t);
      }
    }
    this.processes.push({ kind: 'seq', body: root, clock, reset: resets.length ? reset : undefined, resets, doc });
  }

  /** Instantiates `module`; every port must be connected, outputs to wires of this module. */
  instance(module: ModuleDef, name: string, connections: Record<string, Expr>): void {
    this.instances.push(this.checkInstance(module, name, connections, () => undefined));
  }

  /** Checks an instance's connections and claims the signals its outputs drive. */
  checkInstance(module: ModuleDef, name: string, connections: Record<string, Expr>, partOf: (e: Expr) => Signal | undefined, generateLabel?: string): Instance {
    this.claim(name);
    const map = new Map<string, Expr>();
    for (const port of module.ports) {
      const e = connections[port.name];
      if (!e) throw new HdlError(`${this.name}.${name}: port ${port.name} of ${module.name} is not connected`);
      if (e.width !== port.width) throw new HdlError(`${this.name}.${name}: port ${port.name} is ${port.width} bits, connected to ${describe(e)}`);
      if (port.kind === 'output') {
        const base = partOf(e);
        if (base && generateLabel) {
          if (base.kind !== 'wire' && base.kind !== 'output') throw new HdlError(`${this.name}.${name}: output ${port.name} must connect to (a part of) a wire or an output port`);
          this.claimGenerated(base, generateLabel, 'instance');
        } else if (!(e instanceof Signal) || (e.kind !== 'wire' && e.kind !== 'output')) {
          throw new HdlError(`${this.name}.${name}: output ${port.name} must connect to a wire or an output port`);
        } else if (generateLabel) this.claimGenerated(e, generateLabel, 'instance');
        else this.claimDriver(e, `instance ${name}`);
      }
      map.set(port.name, e);
    }
    for (const key of Object.keys(connections)) {
      if (!module.ports.some((p) => p.name === key)) throw new HdlError(`${this.name}.${name}: ${module.name} has no port ${key}`);
    }
    return { name, module, connections: map };
  }

  /** Signed or unsigned literal matching `like`'s type. */
  constant(value: number | bigint, like: { width: number; signed: boolean }): Expr {
    return like.signed ? slit(value, like.width) : lit(value, like.width);
  }

  build(): ModuleDef {
    if (this.built) throw new HdlError(`${this.name}: build() called twice`);
    this.built = true;
    closeModule(this.hooks);
    for (const s of [...this.ports, ...this.signals]) {
      if (s.kind !== 'input' && s.kind !== 'integer' && !this.drivers.has(s)) throw new HdlError(`${this.name}: ${s.name} is never driven`);
    }
    return {
      name: this.name,
      doc: this.doc,
      params: { ...this.params },
      localparams: [...this.localparams],
      generates: [...this.generates],
      ports: [...this.ports],
      signals: [...this.signals],
      memories: [...this.memories],
      assigns: [...this.assigns],
      processes: [...this.processes],
      instances: [...this.instances],
    };
  }
}

/** Calls `visit` on every statement of a list, nested ones included. */
function eachStmt(stmts: readonly Stmt[], visit: (s: Stmt) => void): void {
  for (const s of stmts) {
    visit(s);
    if (s.kind === 'if') {
      eachStmt(s.then, visit);
      eachStmt(s.else, visit);
    } else if (s.kind === 'case') {
      for (const a of s.arms) eachStmt(a.body, visit);
      eachStmt(s.default, visit);
    } else if (s.kind === 'for') eachStmt(s.body, visit);
  }
}

/** Every memory a statement list writes (at any depth). */
function writtenMemories(stmts: readonly Stmt[], out = new Set<Memory>()): Set<Memory> {
  eachStmt(stmts, (s) => {
    if (s.kind === 'write') out.add(s.memory);
  });
  return out;
}

/** Every signal a statement list assigns (at any depth). */
export function targets(stmts: readonly Stmt[], out = new Set<Signal>()): Set<Signal> {
  eachStmt(stmts, (s) => {
    if (s.kind === 'set') out.add(s.target);
  });
  return out;
}
