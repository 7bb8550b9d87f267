// `dysta mutate` through the real CLI on a small design: Yosys plants a handful of mutations in the
// flattened npu_tile, the npu suite judges each one in Verilator, and the table, the JSON
// ({score, killed, survived, equivalent, mutants}) and the JUnit XML agree; usage errors exit 2.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.ts';

const root = tempDir('dysta-mutate-cli-');
const config = join(root, 'small.json');
writeFileSync(config, JSON.stringify({ peArray: { lanes: 3, actWidth: 4, weightWidth: 4, accWidth: 12, weightDepth: 16, maxRows: 40 } }));

interface MutantJson {
  id: number;
  mutation: string;
  mode: string;
  module: string;
  location: string;
  status: 'killed' | 'survived' | 'equivalent';
  detail: string;
}

describe('dysta mutate', () => {
  it('scores 6 mutants of npu_tile against the npu suite; table, JSON and JUnit agree', async () => {
    const json = join(root, 'm.json');
    const junit = join(root, 'm.xml');
    const r = await runCli(['mutate', '--top', 'npu_tile', '--mutants', '6', '--seed', '2', '--jobs', '2', '--config', config, '--out', join(root, 'rtl'), '--json', json, '--junit', junit]);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(readFileSync(json, 'utf8')) as { score: number; killed: number; survived: number; equivalent: number; mutants: MutantJson[]; modules: { module: string }[] };
    expect(j.mutants).toHaveLength(6);
    expect(j.killed + j.survived + j.equivalent).toBe(6);
    expect(j.killed).toBeGreaterThan(0);
    expect(j.score).toBeCloseTo(j.killed / Math.max(1, j.killed + j.survived), 10);
    for (const m of j.mutants) {
      expect(['killed', 'survived', 'equivalent']).toContain(m.status);
      expect(m.location).toMatch(/^\w+\.v:\d+\.\d+-\d+\.\d+$/); // where in the generated Verilog
      expect(['pe_array', 'pe_lane', 'sparsity_monitor', 'npu_tile']).toContain(m.module);
      if (m.status === 'killed') expect(m.detail).toMatch(/^npu\/[\w.-]+: /);
    }
    expect(r.stdout).toMatch(new RegExp(`mutation score ${(100 * j.score).toFixed(1)}% \\(${j.killed} killed, ${j.survived} survived, ${j.equivalent} equivalent\\) of 6 mutants of npu_tile`));
    expect(r.stdout).toMatch(/^total +6 +\d+ +\d+ +\d+ +[\d.]+%$/m);
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(junit, 'utf8')) as { testsuites: { tests: string; failures: string; testsuite: unknown } };
    expect(Number(xml.testsuites.tests)).toBe(6);
    expect(Number(xml.testsuites.failures)).toBe(j.survived);
    // Progress: one line per mutant on stderr.
    expect(r.stderr.split('\n').filter((l) => /^\[ ?\d\/6\] #\d+ /.test(l))).toHaveLength(6);
  });

  it('--ids runs chosen mutants of the same list; --rerun runs the survivors of an earlier report', async () => {
    const out = join(root, 'rtl');
    const full = JSON.parse(readFileSync(join(root, 'm.json'), 'utf8')) as { mutants: MutantJson[] };
    const [a, b] = full.mutants;
    const json = join(root, 'ids.json');
    const r = await runCli(['mutate', '--top', 'npu_tile', '--mutants', '6', '--seed', '2', '--ids', `${b!.id},${a!.id}`, '--jobs', '2', '--config', config, '--out', out, '--json', json]);
    expect(r.exitCode, r.stderr).toBe(0);
    const j = JSON.parse(readFileSync(json, 'utf8')) as { ids: number[]; mutants: MutantJson[] };
    expect(j.ids).toEqual([a!.id, b!.id].sort((x, y) => x - y));
    // The same mutations as in the full run (same list, same netlist), judged the same way.
    expect(j.mutants.map((m) => [m.id, m.location, m.status])).toEqual([a, b].sort((x, y) => x!.id - y!.id).map((m) => [m!.id, m!.location, m!.status]));
    expect(r.stdout).toMatch(/ of 2 chosen \(--ids\) of the 6 mutants of npu_tile \(seed 2\)/);
    // An earlier report in which one killed mutant had survived (as before new stimulus): --rerun runs only it.
    const killed = full.mutants.find((m) => m.status === 'killed')!;
    const earlier = { ...full, mutants: full.mutants.map((m) => ({ ...m, status: m.id === killed.id ? 'survived' : m.status === 'survived' ? 'killed' : m.status })) };
    const earlierFile = join(root, 'earlier.json');
    writeFileSync(earlierFile, JSON.stringify(earlier));
    const rerun = await runCli(['mutate', '--rerun', earlierFile, '--jobs', '1', '--out', out, '--json', join(root, 'rerun.json')]);
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    const rj = JSON.parse(readFileSync(join(root, 'rerun.json'), 'utf8')) as { ids: number[]; mutants: MutantJson[]; score: number };
    expect(rj.ids).toEqual([killed.id]);
    expect(rj.mutants.map((m) => m.status)).toEqual(['killed']);
    expect(rj.score).toBe(1);
    expect(rerun.stdout).toMatch(/ of 1 chosen \(--rerun\) of the 6 mutants of npu_tile \(seed 2\)/);
    // What the command line says must agree with the earlier run.
    const clash = await runCli(['mutate', '--rerun', earlierFile, '--seed', '3', '--out', out]);
    expect(clash.exitCode).toBe(2);
    expect(clash.stderr.trim()).toMatch(/^dysta: --seed 3 differs from the run in --rerun .*earlier\.json \(2\)/);
    // A reviewed equivalent entry applies to the Verilog it was reviewed on (its design hash) only.
    const reviewed = (design: string) => {
      const file = join(root, `eq-${design.slice(0, 6)}.json`);
      writeFileSync(file, JSON.stringify({ mutants: [{ top: 'npu_tile', design, mutation: killed.mutation, reason: 'test: reviewed as equivalent' }] }));
      return file;
    };
    const designHash = (JSON.parse(readFileSync(json, 'utf8')) as { designHash: string }).designHash;
    expect(designHash).toMatch(/^[0-9a-f]{64}$/);
    const same = await runCli(['mutate', '--top', 'npu_tile', '--mutants', '6', '--seed', '2', '--ids', String(killed.id), '--equivalents', reviewed(designHash), '--config', config, '--out', out, '--json', join(root, 'eq.json')]);
    expect(same.exitCode, same.stderr).toBe(0);
    expect((JSON.parse(readFileSync(join(root, 'eq.json'), 'utf8')) as { mutants: MutantJson[] }).mutants.map((m) => [m.status, m.detail])).toEqual([['equivalent', 'test: reviewed as equivalent']]);
    const other = await runCli(['mutate', '--top', 'npu_tile', '--mutants', '6', '--seed', '2', '--ids', String(killed.id), '--equivalents', reviewed('0'.repeat(64)), '--config', config, '--out', out, '--json', join(root, 'eq.json')]);
    expect(other.exitCode, other.stderr).toBe(0);
    expect(other.stderr).toMatch(/1 reviewed equivalent mutant\(s\) of npu_tile were reviewed on another version of the generated Verilog/);
    expect((JSON.parse(readFileSync(join(root, 'eq.json'), 'utf8')) as { mutants: MutantJson[] }).mutants.map((m) => m.status)).toEqual(['killed']);
    // A number that is not among the listed mutants.
    const unknown = await runCli(['mutate', '--top', 'npu_tile', '--mutants', '6', '--seed', '2', '--ids', '900', '--config', config, '--out', out]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/--ids 900: no such mutant among the 6 of npu_tile with seed 2 \(their numbers: [\d,-]+\)/);
  });

  it.each([
    [['--top', 'nope'], /--top nope is not a generated top/],
    [['--mutants', '6'], /--top is required \(or --rerun FILE/],
    [['--top', 'npu_tile', '--ids', '3,,4'], /--ids: item 2 "" is not a mutant number or a range/],
    [['--top', 'npu_tile', '--ids', '5-2'], /--ids: item 1 "5-2" is not a mutant number or a range/],
    [['--rerun', '/nonexistent/m.json'], /--rerun \/nonexistent\/m\.json: no such file/],
    [['--top', 'npu_tile', '--suite', 'scheduler'], /--suite scheduler does not drive npu_tile/],
    [['--top', 'npu_tile', '--mutants', '0'], /--mutants 0 must be an integer from 1 to 10000/],
  ])('usage error %j', async (args, message) => {
    const r = await runCli(['mutate', ...args, '--out', join(root, 'rtl-bad')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
