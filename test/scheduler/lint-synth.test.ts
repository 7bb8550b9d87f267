// The generated dysta_scheduler is clean under `verilator --lint-only -Wall` and elaborates in Yosys
// without latches, multiple drivers or loops, for D in {1, 4, 6, 9, 10} (and the multi-unit and
// narrow-score variants). Memories are kept as memories (`memory -nomap`) so the check stays quick at
// D = 10; the Xilinx mapping is in bench/scheduler-hw.ts.
import { describe, expect, it } from 'vitest';
import { elaborationCheck, lintVerilog, synthesize, xilinxResources } from '../../cosim/lint.ts';
import { schedulerDesign } from './helpers.ts';


const configs: [string, Record<string, number>][] = [
  ['D=1', { log2Tasks: 1 }],
  ['D=4', { log2Tasks: 4 }],
  ['D=6', { log2Tasks: 6 }],
  ['D=9', { log2Tasks: 9 }],
  ['D=10', { log2Tasks: 10, log2MaxLayers: 10 }],
  ['D=6, 4 units', { log2Tasks: 6, selectorUnits: 4 }],
  ['D=9, 16-bit score, no time skip', { log2Tasks: 9, scoreWidth: 16, scoreShift: 10, timeSkip: 0 }],
];

describe('dysta_scheduler lint and synthesis', () => {
  it.each(configs)('%s: verilator -Wall clean, yosys without latches', async (name, scheduler) => {
    const { dir } = schedulerDesign(scheduler, name.replace(/[^A-Za-z0-9]/g, ''));
    const lint = await lintVerilog(dir, 'dysta_scheduler');
    expect(lint.output).toBe('');
    expect(lint.clean).toBe(true);
    const y = await elaborationCheck(dir, 'dysta_scheduler', { expectMemories: true });
    expect(y.log).toBe('');
    expect(y.ok).toBe(true);
  });
});

// Full technology mapping (not only the elaboration check above) for the smallest table, where it
// is quick; D = 6 and 9 are mapped by `npm run bench:scheduler-hw`.
describe('dysta_scheduler full synthesis', () => {
  it('D=1 maps with synth_xilinx: no latches, check -assert, real DSPs and flip-flops', async () => {
    const { dir } = schedulerDesign({ log2Tasks: 1 }, 'D1xilinx');
    const r = await synthesize(dir, 'dysta_scheduler', 'xilinx');
    const res = xilinxResources(r.cells);
    expect(Object.keys(r.cells).filter((t) => /LATCH|LD[CP]E?$/i.test(t))).toEqual([]);
    expect(res.FF).toBeGreaterThan(100);
    expect(res.DSP).toBeGreaterThan(0);
    expect(res.LUT).toBeGreaterThan(100);
  });
});
