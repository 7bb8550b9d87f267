// Icarus Verilog (`iverilog -g2005`) elaborates every top of the design, for four configurations.
// Each top is elaborated with exactly the files of its own hierarchy (from the manifest), so one
// module Icarus rejects cannot hide another's result. Every scheduler block (task table, predictor,
// policy: dysta's score units or MHG) is in it, with no allowance: any message fails the top.
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../../cosim/tools.ts';
import { generateDesign, parseConfig, writeDesign } from '../../hwgen/index.ts';
import type { RenderedDesign } from '../../hwgen/hdl/index.ts';
import { tempDir } from '../helpers.ts';

const configs: [string, Record<string, unknown>][] = [
  ['default', {}],
  ['small: 3 lanes, LUT multiplier, D=1, no time skip', { peArray: { lanes: 3, weightDepth: 16, maxRows: 100, accWidth: 20, multiplier: 'lut' }, scheduler: { log2Tasks: 1, log2Variants: 1, log2MaxLayers: 2, timeSkip: 0 } }],
  ['wide: 33 lanes, D=10, 4 units, 64-bit time', { peArray: { lanes: 33, actWidth: 12, weightWidth: 12, accWidth: 40, weightDepth: 4096 }, scheduler: { log2Tasks: 10, selectorUnits: 4, timeWidth: 64, latencyWidth: 48, scoreWidth: 48 } }],
  ['mhg + regression: D=5, 5 lanes', { peArray: { lanes: 5, weightDepth: 64, maxRows: 300 }, scheduler: { log2Tasks: 5, policy: 'mhg', predictor: 'regression' } }],
];

/** Files of `top` and everything below it, leaves first (files.f order). */
function hierarchyFiles(design: RenderedDesign, top: string): string[] {
  const byName = new Map(design.manifest.modules.map((m) => [m.name, m]));
  const need = new Set<string>();
  const visit = (n: string) => {
    if (need.has(n)) return;
    need.add(n);
    for (const i of byName.get(n)!.instances) visit(i.module);
  };
  visit(top);
  return design.manifest.modules.filter((m) => need.has(m.name)).map((m) => m.file);
}

async function elaborate(dir: string, top: string, files: string[]) {
  const r = await execa('iverilog', ['-g2005', '-s', top, '-o', '/dev/null', ...files.map((f) => join(dir, f))], { reject: false, all: true });
  return { ok: r.exitCode === 0 && !/error/i.test(r.all ?? ''), log: (r.all ?? '').replaceAll(`${dir}/`, '').trim() };
}

describe('iverilog -g2005 elaborates every top', () => {
  const root = tempDir();
  it.each(configs)('%s', async (name, raw) => {
    await requireTool('iverilog');
    const design = generateDesign(parseConfig(raw));
    const dir = join(root, name.split(':')[0]!);
    writeDesign(design, dir);
    expect(design.manifest.tops).toHaveLength(8);
    for (const top of design.manifest.tops) {
      const files = hierarchyFiles(design, top);
      const r = await elaborate(dir, top, files);
      expect(r.log, `${top}: Icarus reports`).toBe('');
      expect(r.ok, top).toBe(true);
    }
  });
});
