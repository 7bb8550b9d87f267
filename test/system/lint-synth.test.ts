// dysta_system is in the manifest's tops, instantiates the very npu_tile and dysta_scheduler of the
// design (one definition each, one sparsity_monitor module), is clean under
// `verilator --lint-only -Wall` and elaborates in Yosys without latches, multiple drivers or loops.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { elaborationCheck, lintVerilog } from '../../cosim/lint.ts';
import { TOPS } from '../../hwgen/index.ts';
import { systemDesign } from './helpers.ts';


const configs: [string, Record<string, unknown>][] = [
  ['default', {}],
  ['8 lanes, D=2, 2 units, no time skip', { peArray: { lanes: 8, weightDepth: 128, maxRows: 1024 }, scheduler: { log2Tasks: 2, selectorUnits: 2, timeSkip: 0 } }],
  ['32 lanes, D=9, 16-bit score', { peArray: { lanes: 32, weightDepth: 512 }, scheduler: { log2Tasks: 9, scoreWidth: 16, scoreShift: 10 } }],
];

describe('dysta_system lint and synthesis', () => {
  it.each(configs)('%s: in tops, verilator -Wall clean, yosys without latches', async (name, raw) => {
    const { dir } = systemDesign(raw, name.replace(/[^A-Za-z0-9]/g, ''));
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { tops: string[]; modules: { name: string; instances: { name: string; module: string }[] }[] };
    expect(manifest.tops).toEqual(['npu_tile', 'dysta_scheduler', TOPS.system, TOPS.schedulerAxi, 'npu_tile_ooc', 'dysta_scheduler_ooc', 'dysta_system_ooc', 'dysta_scheduler_axi_ooc']);
    expect(manifest.modules.find((m) => m.name === 'dysta_system')!.instances).toEqual([
      { name: 'u_sched', module: 'dysta_scheduler' },
      { name: 'u_npu', module: 'npu_tile' },
    ]);
    expect(manifest.modules.filter((m) => m.name === 'sparsity_monitor')).toHaveLength(1);
    const lint = await lintVerilog(dir, 'dysta_system');
    expect(lint.output).toBe('');
    expect(lint.clean).toBe(true);
    const y = await elaborationCheck(dir, 'dysta_system');
    expect(y.log).toBe('');
    expect(y.ok).toBe(true);
  });
});
