// Out-of-context wrapper of a top (<top>_ooc): a register on every port, fed and read through two
// shift chains, so the wrapper has six pins whatever the top's width. Synthesis then times every
// path of the top register to register (inputs arrive from flip-flops, outputs land in flip-flops),
// nothing is optimised away (every output is observable at scan_out), and place and route on a
// small package (iCE40 UP5K SG48: 39 I/Os) works for a top with hundreds of port bits.
//
//   scan_en       shift the input chain by one (scan_in enters at bit 0) and the output chain by one
//   scan_capture  load the output chain from the top's outputs (wins over scan_en)
//   scan_out      the output chain's last bit
// Cost: one flip-flop per port bit (plus a 2:1 mux per output bit), no logic between the chains and the top.
import { cat, lit, mux, ModuleBuilder, type Expr, type ModuleDef } from '../hdl/index.ts';

export function oocName(top: string): string {
  return `${top}_ooc`;
}

export function buildOocWrapper(top: ModuleDef): ModuleDef {
  const inputs = top.ports.filter((p) => p.kind === 'input' && p.role === 'data');
  const outputs = top.ports.filter((p) => p.kind === 'output');
  const inWidth = inputs.reduce((s, p) => s + p.width, 0);
  const outWidth = outputs.reduce((s, p) => s + p.width, 0);
  const m = new ModuleBuilder(
    oocName(top.name),
    `out-of-context wrapper of ${top.name}: every port registered, fed and read through shift chains.\n` +
      `${inWidth} input bits in in_chain (scan_in enters at bit 0), ${outWidth} output bits in out_chain (scan_out = its top bit).\n` +
      'For synthesis and place and route not limited by package pins; not a functional interface.',
    { TOP: top.name, IN_BITS: inWidth, OUT_BITS: outWidth },
  );
  const clk = m.input('clk', 1, { role: 'clock' });
  const rst = m.input('rst', 1, { role: 'reset', doc: 'synchronous, active high; registered once before the top' });
  const scanIn = m.input('scan_in', 1, { doc: 'serial input of the input chain' });
  const scanEn = m.input('scan_en', 1, { doc: 'shift both chains by one bit' });
  const scanCapture = m.input('scan_capture', 1, { doc: 'load the output chain from the top\'s outputs' });
  const scanOut = m.output('scan_out', 1, { doc: 'serial output of the output chain' });

  const rstQ = m.reg('rst_q', 1, { doc: 'the reset, registered like every other input' });
  const clockPort = top.ports.find((p) => p.role === 'clock');
  if (!clockPort) throw new Error(`${top.name} has no clock input`);
  const conn: Record<string, Expr> = { [clockPort.name]: clk };
  const topReset = top.ports.find((p) => p.role === 'reset');
  if (topReset) conn[topReset.name] = rstQ;
  else m.unused(rst, `${top.name} has no reset`);
  m.seq((b) => b.set(rstQ, rst), 'Reset register.');

  if (inWidth > 0) {
    const inChain = m.reg('in_chain', inWidth, { doc: 'the top\'s data inputs, first input in the low bits' });
    m.seq((b) => b.if(scanEn, () => b.set(inChain, inWidth === 1 ? scanIn : cat(inChain.bits(inWidth - 2, 0), scanIn))), 'Input chain.');
    let at = 0;
    for (const p of inputs) {
      const slice = inChain.bits(at + p.width - 1, at);
      conn[p.name] = p.signed ? slice.asSigned() : slice;
      at += p.width;
    }
  } else {
    m.unused(scanIn, `${top.name} has no data inputs`);
  }

  const outWires = outputs.map((p) => {
    const w = m.wire(`top_${p.name}`, p.width, { signed: p.signed });
    conn[p.name] = w;
    return w;
  });
  // First output in the low bits of the chain, like the inputs.
  const captured = cat(...[...outWires].reverse().map((w) => w.asUnsigned()));
  const outChain = m.reg('out_chain', outWidth, { doc: 'the top\'s outputs, captured on scan_capture, shifted out MSB first' });
  const shifted = outWidth === 1 ? lit(0, 1) : cat(outChain.bits(outWidth - 2, 0), lit(0, 1));
  m.seq((b) => b.if(scanCapture.lor(scanEn), () => b.set(outChain, mux(scanCapture, captured, shifted))), 'Output chain.');
  m.assign(scanOut, outChain.msb());
  m.instance(top, 'u_top', conn);
  return m.build();
}
