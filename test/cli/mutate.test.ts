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

  it.each([
    [['--top', 'nope'], /--top nope is not a generated top/],
    [['--top', 'npu_tile', '--suite', 'scheduler'], /--suite scheduler does not drive npu_tile/],
    [['--top', 'npu_tile', '--mutants', '0'], /--mutants 0 must be an integer from 1 to 10000/],
  ])('usage error %j', async (args, message) => {
    const r = await runCli(['mutate', ...args, '--out', join(root, 'rtl-bad')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
