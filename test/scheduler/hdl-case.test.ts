// The HDL layer's additions used by the scheduler: `case` statements (the 1/k and 1/N ROMs) and
// hex literals (wide masks), emitted as readable Verilog and latch-free in combinational processes.
import { describe, expect, it } from 'vitest';
import { HdlError, ModuleBuilder, emitVerilog, lit, litHex } from '../../hwgen/hdl/index.ts';

const ctx = { generator: 'test', version: '0', command: 'none' };

describe('HDL case statement and hex literals', () => {
  it('emits a case ROM with a default assignment before it', () => {
    const m = new ModuleBuilder('rom', 'a 1/k table');
    const k = m.input('k', 2);
    const out = m.output('value', 8);
    const r = m.reg('value_r', 8);
    m.comb((b) => {
      b.set(r, lit(0, 8));
      b.switch(k, [[1, () => b.set(r, lit(255, 8))], [2, () => b.set(r, lit(128, 8))]]);
    });
    m.assign(out, r);
    const text = emitVerilog(m.build(), ctx);
    expect(text).toContain(
      [
        '    always @(*) begin',
        "        value_r = 8'd0;",
        '        case (k)',
        "            2'd1: begin",
        "                value_r = 8'd255;",
        '            end',
        "            2'd2: begin",
        "                value_r = 8'd128;",
        '            end',
        '            default: begin',
        '            end',
        '        endcase',
        '    end',
      ].join('\n'),
    );
  });

  it('rejects a case target without a default (a latch) and out-of-range or repeated arms', () => {
    const m = new ModuleBuilder('bad', 'x');
    const k = m.input('k', 2);
    const r = m.reg('r', 1);
    expect(() => m.comb((b) => b.switch(k, [[1, () => b.set(r, lit(1, 1))]]))).toThrow(/latch/);
    expect(() => m.comb((b) => b.switch(k, [[4, () => {}]]))).toThrow(HdlError);
    expect(() => m.comb((b) => b.switch(k, [[1, () => {}], [1, () => {}]]))).toThrow(/twice/);
  });

  it('hex literals', () => {
    expect(litHex(0xaaaa, 16).text).toBe("16'haaaa");
    expect(litHex((1n << 70n) - 1n, 70).text).toBe("70'h3fffffffffffffffff");
    expect(() => litHex(256, 8)).toThrow(HdlError);
  });
});
