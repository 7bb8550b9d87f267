// The HDL layer refuses every second driver of a signal or memory, whatever the two drivers are: two
// continuous assignments, an assignment and a process, two processes, an instance output and anything
// else, and two processes writing one memory. Neither `verilator --lint-only -Wall` nor Yosys's
// `check` flags two `assign`s to one wire, so this check is the only line of defence.
import { describe, expect, it } from 'vitest';
import { HdlError, ModuleBuilder, emitVerilog, lit, type ModuleDef, type Signal } from '../../hwgen/hdl/index.ts';

type Driver = (m: ModuleBuilder, target: Signal, d: Signal) => void;

/** A one-output child module to instantiate (its output is a driver of whatever it connects to). */
function child(): ModuleDef {
  const c = new ModuleBuilder('child', 'passes d to q');
  const d = c.input('d', 1);
  c.assign(c.output('q', 1), d);
  return c.build();
}

const drivers: Record<string, Driver> = {
  assign: (m, q, d) => m.assign(q, d),
  'assign (inverted)': (m, q, d) => m.assign(q, d.lnot()),
  comb: (m, q, d) => m.comb((b) => b.set(q, d)),
  seq: (m, q, d) => m.seq((b) => b.set(q, d)),
  instance: (m, q, d) => m.instance(child(), `u_child_${Math.random().toString(36).slice(2, 8)}`, { d, q }),
};

/** Builds a module whose output q gets `first` and then `second` as drivers. */
function twoDrivers(first: Driver, second: Driver): () => void {
  const m = new ModuleBuilder('two_drivers', 'x');
  m.input('clk', 1, { role: 'clock' });
  const d = m.input('d', 1);
  const q = m.output('q', 1);
  first(m, q, d);
  return () => second(m, q, d);
}

describe('HDL layer: one driver per signal', () => {
  const names = Object.keys(drivers);
  const pairs = names.flatMap((a) => names.map((b) => [a, b] as const));

  it.each(pairs)('%s then %s: the second driver is refused, naming both', (a, b) => {
    const second = twoDrivers(drivers[a]!, drivers[b]!);
    expect(second).toThrow(HdlError);
    expect(second).toThrow(/q has two drivers \(.+ and .+\)/);
  });

  it.each(names)('%s alone is accepted and emitted once', (a) => {
    const m = new ModuleBuilder('one_driver', 'x');
    m.input('clk', 1, { role: 'clock' });
    const d = m.input('d', 1);
    const q = m.output('q', 1);
    drivers[a]!(m, q, d);
    const text = emitVerilog(m.build(), { generator: 't', version: '0', command: 'none' });
    const assigns = text.split('\n').filter((l) => /^\s*assign q =|^\s*q <?= /.test(l) || /\.q\s+\(q\)/.test(l));
    expect(assigns).toHaveLength(1);
  });

  it('one process may assign a signal on several paths (that is one driver)', () => {
    const m = new ModuleBuilder('one_process', 'x');
    m.input('clk', 1, { role: 'clock' });
    const d = m.input('d', 1);
    const q = m.output('q', 1);
    m.comb((b) => {
      b.set(q, lit(0, 1));
      b.if(d, () => b.set(q, lit(1, 1)));
    });
    expect(() => m.build()).not.toThrow();
  });

  it('a memory written by two processes is refused; by one process on two paths it is accepted', () => {
    const m = new ModuleBuilder('two_writers', 'x');
    m.input('clk', 1, { role: 'clock' });
    const a = m.input('a', 1);
    const d = m.input('d', 4);
    const mem = m.memory('mem', { width: 4, depth: 2 });
    m.seq((b) => {
      b.if(a, () => b.write(mem, a, d), () => b.write(mem, a, d.not()));
    });
    expect(() => m.seq((b) => b.write(mem, a, d))).toThrow(/memory mem is written by two processes \(always block 0 and always block 1\)/);
  });
});
