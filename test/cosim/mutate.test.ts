// `createMutants` (Yosys only, no simulation). On the split scheduler: 200 mutations of the flattened
// dysta_scheduler are drawn across its sub-modules, each attributed to the generated module it came
// from, and all written into one netlist. On a one-memory module written the way the generator
// writes its tables: a mutation Yosys 0.23 cannot write (the enable of an asynchronous memory read
// port, a memory's read clock or reset) is left out and another is drawn instead of aborting the run.
// (The scheduler has such ports too, its predictor tables and task banks, but since the pipelining
// of issue 13 no small seed draws an RD_EN mutation of them, so the fixture proves the mechanism.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMutants, keepRegisterNames, MUTANT_SELECT } from '../../cosim/mutate.ts';
import { GENERATOR, GENERATOR_VERSION, generateDesign, parseConfig, writeDesign } from '../../hwgen/index.ts';
import { ModuleBuilder, renderDesign } from '../../hwgen/hdl/index.ts';
import { tempDir } from '../helpers.ts';

const root = tempDir('dysta-mutate-');

describe('createMutants on dysta_scheduler', () => {
  it('draws 200 mutations across every sub-module and writes them all into one netlist', async () => {
    const rtl = join(root, 'rtl');
    writeDesign(generateDesign(parseConfig({})), rtl);
    const d = await createMutants({ rtlDir: rtl, top: 'dysta_scheduler', count: 200, seed: 2, outDir: join(root, 'm') });
    expect(d.mutants).toHaveLength(200);
    expect(new Set(d.mutants.map((m) => m.id)).size).toBe(200);
    // The scheduler's blocks (issue 11) all receive mutations, and each is named after its file.
    const modules = new Set(d.mutants.map((m) => m.module));
    for (const m of ['dysta_scheduler', 'dysta_task_table', 'dysta_task_bank', 'dysta_predictor', 'dysta_policy', 'dysta_score_unit', 'find_first_set_64', 'sparsity_monitor']) expect(modules, m).toContain(m);
    for (const m of d.mutants) expect(m.location).toMatch(new RegExp(`^${m.module}\\.v:\\d+\\.\\d+-\\d+\\.\\d+$`));
    // A memory of a task bank is attributed to the bank's file, not to the instance line in the top.
    const bankMemories = d.mutants.filter((m) => /^u_table\.u_bank\.task_\w+$/.test(m.cell));
    expect(bankMemories.length).toBeGreaterThan(0);
    for (const m of bankMemories) expect(m.module, m.cell).toBe('dysta_task_bank');
    // The predictor's tables are still read through asynchronous ports (so the exclusion tested
    // below still applies to the scheduler), and no drawn mutant is one Yosys cannot write.
    const il = readFileSync(join(d.workDir, 'design.il'), 'utf8');
    expect(il).toMatch(/cell \$mem_v2 \\u_predictor\.layer_recip_mant\n(?:\s+(?:parameter|connect) .*\n)*?\s+parameter \\RD_CLK_ENABLE 1'0\n/);
    expect(d.mutants.filter((m) => /^(RD_EN|RD_SRST|RD_ARST|RD_CLK|WR_CLK)$/.test(m.port))).toEqual([]);
    // Only the scheduler's own hierarchy was read (another top's Verilog cannot renumber its cells).
    const script = readFileSync(join(d.workDir, 'list.ys'), 'utf8');
    expect(script).toMatch(/^read_verilog sparsity_monitor\.v dysta_predictor\.v .*dysta_scheduler\.v$/m);
    expect(script).not.toMatch(/pe_array|npu_tile|dysta_system|axi/);
    // One netlist, the mutants behind the extra input.
    const netlist = readFileSync(join(d.dir, 'dysta_scheduler.v'), 'utf8');
    expect(netlist).toMatch(new RegExp(`input \\[${d.selectWidth - 1}:0\\] ${MUTANT_SELECT};`));
    const manifest = JSON.parse(readFileSync(join(d.dir, 'manifest.json'), 'utf8')) as { modules: { name: string; ports: { name: string }[] }[] };
    expect(manifest.modules.find((m) => m.name === 'dysta_scheduler')!.ports.map((p) => p.name)).toContain(MUTANT_SELECT);
    // Every register the scheduler's harness may preset is a flip-flop under its own name, also
    // where a mutation of its output made Yosys write it as an anonymous register.
    for (const r of ['seq_next', 'ctr_decisions_lo', 'ctr_decisions_hi', 'ctr_completions_lo', 'ctr_completions_hi', 'ctr_admissions_lo', 'ctr_admissions_hi', 'ctr_admit_stalls_lo', 'ctr_admit_stalls_hi']) {
      expect(netlist, r).toMatch(new RegExp(`^\\s*reg \\[\\d+:0\\] (\\\\u_table\\.)?${r} ?;$`, 'm'));
    }
  }, 120_000);
});

describe('keepRegisterNames', () => {
  const yosysText = [
    'module t(clk, q);',
    '  input clk;',
    '  output [3:0] q;',
    '  wire [3:0] q;',
    '  wire [7:0] count;',
    '  wire _01_;',
    '  wire _02_;',
    '  wire [31:0] \\u_x.seq ;',
    '  wire _03_;',
    '  reg [7:0] _10_;',
    '  always @(posedge clk)',
    '    _10_ <= count + 8\'h01;',
    '  assign { count[7:5], _01_, count[3:0] } = _10_;',
    '  assign count[4] = ~_01_;',
    '  reg [31:0] _11_;',
    '  always @(posedge clk)',
    '    _11_ <= \\u_x.seq  + 1;',
    '  assign { \\u_x.seq [31:9], _03_, \\u_x.seq [7:0] } = _11_;',
    '  assign \\u_x.seq [8] = _03_;',
    '  reg [3:0] _12_;',
    '  always @(posedge clk)',
    '    _12_ <= count[3:0];',
    '  assign { q[3:1], _02_ } = _12_;',
    '  assign q[0] = ~_02_;',
    'endmodule',
  ].join('\n');

  it('names the flip-flop after the signal and the mutated wire <signal>_mutated; ports and other text stay', () => {
    const out = keepRegisterNames(yosysText);
    expect(out).toContain('  reg [7:0] count;\n  always @(posedge clk)\n    count <= count_mutated + 8\'h01;');
    expect(out).toContain('  wire [7:0] count_mutated;');
    expect(out).toContain('  assign { count_mutated[7:5], _01_, count_mutated[3:0] } = count;');
    expect(out).toContain('  assign count_mutated[4] = ~_01_;');
    // An escaped name keeps the space that ends it.
    expect(out).toContain('  reg [31:0] \\u_x.seq ;');
    expect(out).toContain('    \\u_x.seq  <= \\u_x.seq_mutated   + 1;');
    // A port is bound by name: left as Yosys wrote it.
    expect(out).toContain('  reg [3:0] _12_;');
    expect(out).toContain('  assign { q[3:1], _02_ } = _12_;');
  });

  it('leaves a netlist without such registers unchanged', () => {
    const plain = 'module t(clk);\n  input clk;\n  reg [3:0] r;\n  always @(posedge clk)\n    r <= r + 1;\nendmodule\n';
    expect(keepRegisterNames(plain)).toBe(plain);
  });
});

/**
 * A table written by the host and read at an address every cycle, built with the generator's HDL
 * layer the way the predictor builds its tables: Yosys's `prep` makes its read an asynchronous
 * read port (RD_CLK_ENABLE 0) whose enable is the constant 1.
 */
function asyncTableDesign(dir: string): void {
  const m = new ModuleBuilder('async_table', 'a table read at an address every cycle');
  m.input('clk', 1, { role: 'clock' });
  const wrEn = m.input('wr_en', 1);
  const wrAddr = m.input('wr_addr', 3);
  const wrData = m.input('wr_data', 5);
  const rdAddr = m.input('rd_addr', 3);
  const rdData = m.output('rd_data', 5);
  const table = m.memory('entries', { width: 5, depth: 8, doc: 'host-written table' });
  m.seq((b) => {
    b.if(wrEn, () => b.write(table, wrAddr, wrData));
    b.set(rdData, table.at(rdAddr));
  }, 'host writes; one read per cycle');
  writeDesign(renderDesign([m.build()], {}, { generator: GENERATOR, version: GENERATOR_VERSION, command: 'test' }), dir);
}

describe('createMutants on an asynchronous memory read port', () => {
  it('leaves out the RD_EN mutations Yosys 0.23 cannot write, draws others in their place, and writes the netlist', async () => {
    const rtl = join(root, 'async-rtl');
    asyncTableDesign(rtl);
    // 200 of the module's 272 possible mutations; seed 3's first listing of 200 holds RD_EN ones.
    const count = 200;
    const d = await createMutants({ rtlDir: rtl, top: 'async_table', count, seed: 3, outDir: join(root, 'async-m') });
    const il = readFileSync(join(d.workDir, 'design.il'), 'utf8');
    expect(il).toMatch(/cell \$mem_v2 \\entries\n(?:\s+(?:parameter|connect) .*\n)*?\s+parameter \\RD_CLK_ENABLE 1'0\n/);
    // Yosys's listing (the last one drawn) holds mutations of the asynchronous port's enable...
    const listing = readFileSync(join(d.workDir, 'mutations-all.ys'), 'utf8').split('\n').filter((l) => l.startsWith('mutate '));
    expect(listing.filter((l) => / -cell entries -port RD_EN -portbit 0 /.test(l)).length, 'no RD_EN mutation in this listing: choose another seed').toBeGreaterThan(0);
    // ...none of them was kept, nor one of a read clock or reset, and the list was drawn again,
    // larger, so that `count` mutants remain: their numbers skip the left-out ones.
    expect(d.mutants).toHaveLength(count);
    expect(d.mutants.filter((m) => /^(RD_EN|RD_SRST|RD_ARST|RD_CLK|WR_CLK)$/.test(m.port))).toEqual([]);
    expect(listing.length).toBeGreaterThan(count);
    expect(Math.max(...d.mutants.map((m) => m.id))).toBeGreaterThan(count);
    expect(d.selectWidth).toBe(Math.floor(Math.log2(listing.length)) + 1);
    for (const m of d.mutants) expect(m.location).toMatch(/^async_table\.v:\d+\.\d+-\d+\.\d+$/);
    // Yosys wrote the netlist with every kept mutant behind mutsel (it aborts on an RD_EN one).
    const netlist = readFileSync(join(d.dir, 'async_table.v'), 'utf8');
    expect(netlist).toMatch(new RegExp(`input \\[${d.selectWidth - 1}:0\\] ${MUTANT_SELECT};`));
    const applied = readFileSync(join(d.workDir, 'mutations.ys'), 'utf8').split('\n').filter((l) => l.startsWith('mutate '));
    expect(applied).toHaveLength(count);
  }, 120_000);
});
