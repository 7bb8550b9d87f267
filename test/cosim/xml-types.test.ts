// Port widths of SystemVerilog types (typedefs, packed arrays and structs, enums) as Verilator's
// XML describes them, so designs beyond plain vectors bind correctly.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readVerilatorXml, sha256Hex, type Design } from '../../cosim/index.ts';
import { tempDir } from './fixture.ts';

const SV = `typedef logic [3:0] nib_t;
typedef struct packed { logic [2:0] a; nib_t b; } pair_t;
typedef enum logic [1:0] { IDLE, BUSY } state_t;
module typed (
  input  wire                clk,
  input  logic [3:0][7:0]    packed_bytes,
  input  pair_t              pair,
  output state_t             state,
  output nib_t               nib,
  output logic signed [69:0] wide_signed
);
  assign state = IDLE;
  assign nib = 4'd0;
  assign wide_signed = 70'sd0;
endmodule
`;

describe('XML port types', () => {
  it('computes widths and signedness through typedefs, packed arrays, structs and enums', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'typed.sv');
    writeFileSync(file, SV);
    const top = { name: 'typed', file: 'typed.sv', sha256: sha256Hex(SV), parameters: {}, ports: [], instances: [] };
    const design: Design = {
      dir,
      manifest: { generator: 't', generatorVersion: '0', tops: ['typed'], files: [{ path: 'typed.sv', sha256: top.sha256 }], modules: [top] },
      files: [{ rel: 'typed.sv', abs: file, sha256: top.sha256 }],
      top,
    };
    const xml = await readVerilatorXml(design, ['-Wno-fatal']);
    expect(xml.ports).toEqual([
      { name: 'clk', dir: 'input', width: 1, signed: false },
      { name: 'packed_bytes', dir: 'input', width: 32, signed: false },
      { name: 'pair', dir: 'input', width: 7, signed: false },
      { name: 'state', dir: 'output', width: 2, signed: false },
      { name: 'nib', dir: 'output', width: 4, signed: false },
      { name: 'wide_signed', dir: 'output', width: 70, signed: true },
    ]);
  });
});
