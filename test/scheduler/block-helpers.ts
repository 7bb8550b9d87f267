// Shared helpers of the block tests: one block of dysta_scheduler as its own design (a clocked
// wrapper for the combinational ones), simulated with per-cycle vectors (cosim/scheduler/vectors.ts)
// and compared cycle by cycle with its golden model.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { VectorSim } from '../../cosim/scheduler/vectors.ts';
import { GENERATOR, GENERATOR_VERSION, writeDesign } from '../../hwgen/index.ts';
import { ModuleBuilder, renderDesign, type ModuleDef } from '../../hwgen/hdl/index.ts';

/** A top with a clock around a combinational block (the harness needs a clock port). */
export function clocked(def: ModuleDef): ModuleDef {
  const m = new ModuleBuilder(`tb_${def.name}`, `test top around ${def.name}`);
  const clk = m.input('clk', 1, { role: 'clock' });
  m.unused(clk, 'combinational block');
  const conns = Object.fromEntries(def.ports.map((p) => [p.name, p.kind === 'input' ? m.input(p.name, p.width) : m.output(p.name, p.width)]));
  m.instance(def, 'u_dut', conns);
  return m.build();
}

/** Writes a design whose only top is `def` and opens its vector simulator. */
export async function openBlock(def: ModuleDef, name: string): Promise<VectorSim> {
  const dir = join(mkdtempSync(join(tmpdir(), `dysta-block-${name}-`)), 'rtl');
  writeDesign(renderDesign([def], { block: def.name }, { generator: GENERATOR, version: GENERATOR_VERSION, command: 'test' }), dir);
  return VectorSim.open(dir, def.name, { trace: 'none', start: { logDir: join(dir, '..', 'logs') } });
}

export type Values = Record<string, bigint>;

/**
 * Plays `stimulus` (per cycle, a value per input) on the RTL and compares every output the golden
 * model defines for that cycle (`expected[c][name]`; an absent name is not checked that cycle).
 * Returns the number of values compared.
 */
export async function compareCycles(sim: VectorSim, inputs: readonly string[], outputs: readonly string[], stimulus: readonly Values[], expected: readonly Partial<Values>[]): Promise<number> {
  const got = await sim.run(inputs, outputs, stimulus.map((c) => inputs.map((k) => c[k] ?? 0n)));
  let compared = 0;
  for (let c = 0; c < stimulus.length; c++) {
    for (const [j, name] of outputs.entries()) {
      const want = expected[c]![name];
      if (want === undefined) continue;
      compared++;
      if (got[c]![j] !== want) {
        expect.fail(`cycle ${c}: ${name} = ${got[c]![j]} (RTL), ${want} (golden model); inputs ${JSON.stringify(stimulus[c], (_, v) => (typeof v === 'bigint' ? v.toString() : v))} (session ${sim.session.logPath})`);
      }
    }
  }
  return compared;
}

/** Packs per-unit values into one vector, unit 0 in the low bits. */
export function pack(values: readonly bigint[], width: number): bigint {
  return values.reduce((acc, v, i) => acc | (v << BigInt(i * width)), 0n);
}

/** Unpacks a vector of `count` fields of `width` bits. */
export function unpack(value: bigint, count: number, width: number): bigint[] {
  const mask = (1n << BigInt(width)) - 1n;
  return Array.from({ length: count }, (_, i) => (value >> BigInt(i * width)) & mask);
}
