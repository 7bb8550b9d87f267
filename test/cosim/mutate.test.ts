// `createMutants` on the split scheduler (Yosys only, no simulation): 200 mutations of the flattened
// dysta_scheduler are drawn across its sub-modules, each is attributed to the generated module
// it came from, and every one of them can be written: a mutation Yosys 0.23 cannot write (the
// enable of an asynchronous memory read port, here the predictor's variant tables) is left out and
// replaced instead of aborting the run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMutants, MUTANT_SELECT } from '../../cosim/mutate.ts';
import { generateDesign, parseConfig, writeDesign } from '../../hwgen/index.ts';
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
    // Yosys's listing for seed 2 holds an RD_EN mutation of an asynchronous read port (a predictor
    // table): it was replaced. (If the generated Verilog changes, pick a seed whose listing has one.)
    const listing = readFileSync(join(d.workDir, 'mutations-all.ys'), 'utf8');
    expect(listing, 'no RD_EN mutation of layer_recip_mant in this listing: choose another seed').toMatch(/-cell u_predictor\.layer_recip_mant -port RD_EN /);
    expect(d.mutants.some((m) => m.port === 'RD_EN' && m.cell === 'u_predictor.layer_recip_mant')).toBe(false);
    // Only the scheduler's own hierarchy was read (another top's Verilog cannot renumber its cells).
    const script = readFileSync(join(d.workDir, 'list.ys'), 'utf8');
    expect(script).toMatch(/^read_verilog sparsity_monitor\.v dysta_predictor\.v .*dysta_scheduler\.v$/m);
    expect(script).not.toMatch(/pe_array|npu_tile|dysta_system|axi/);
    // One netlist, the mutants behind the extra input.
    const netlist = readFileSync(join(d.dir, 'dysta_scheduler.v'), 'utf8');
    expect(netlist).toMatch(new RegExp(`input \\[${d.selectWidth - 1}:0\\] ${MUTANT_SELECT};`));
    const manifest = JSON.parse(readFileSync(join(d.dir, 'manifest.json'), 'utf8')) as { modules: { name: string; ports: { name: string }[] }[] };
    expect(manifest.modules.find((m) => m.name === 'dysta_scheduler')!.ports.map((p) => p.name)).toContain(MUTANT_SELECT);
  }, 120_000);
});
