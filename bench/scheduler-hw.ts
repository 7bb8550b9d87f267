// Benchmark of the Dysta scheduler block (dysta_scheduler):
//   1. decision latency in cycles vs the number of valid tasks N = 2 ... 1024, measured in Verilator
//      (D = 10) with 1 and 4 score units, each run also checked line for line against the golden model;
//   2. Yosys `synth_xilinx` resources (LUT, FF, DSP, BRAM) for D = 6 and D = 9 with the 32-bit and the
//      16-bit score path.
//   npm run bench:scheduler-hw [-- --skip-synth] [-- --skip-latency] [-- --units 1,4]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { synthesize } from '../cosim/lint.ts';
import { SchedulerSim, type SchedScript } from '../cosim/scheduler/driver.ts';
import { generateDesign, parseConfig, writeDesign, type HwConfig } from '../hwgen/index.ts';
import { encodeReciprocal, schedulerFormats } from '../hwgen/scheduler/golden.ts';
import { TIMING } from '../hwgen/scheduler/formats.ts';
import { expectedLog } from '../compare/scheduler-harness-model.ts';

const { values } = parseArgs({
  options: {
    'skip-synth': { type: 'boolean', default: false },
    'skip-latency': { type: 'boolean', default: false },
    units: { type: 'string', default: '1,4' },
  },
});

const root = mkdtempSync(join(tmpdir(), 'bench-scheduler-hw-'));

function design(scheduler: Record<string, number>, name: string): { config: HwConfig; dir: string } {
  const config = parseConfig({ scheduler });
  const dir = join(root, name);
  writeDesign(generateDesign(config), dir);
  return { config, dir };
}

/** N requests arriving together; the first has two layers, so its second decision sees all N. */
function latencyScript(config: HwConfig, n: number): SchedScript {
  const f = schedulerFormats(config.scheduler);
  const r = encodeReciprocal(f, 1000);
  const cycles = BigInt(2 * f.tasks + 64);
  const variant = (index: number, layers: number) => ({
    variant: index,
    nlayers: layers,
    suffix0: 5000n * BigInt(layers),
    layers: Array.from({ length: layers }, (_, l) => ({ mant: r.mant, shift: r.shift, suffixNext: 5000n * BigInt(layers - l - 1) })),
  });
  const requests = Array.from({ length: n }, (_, i) => ({
    arrival: 100_000n,
    variant: i === 0 ? 1 : 0,
    deadline: 10_000_000n + BigInt(i * 997),
    scale: 3n << 16n,
    layers: Array.from({ length: i === 0 ? 2 : 1 }, () => ({ cycles, nnz: 900n + BigInt(i % 200) })),
  }));
  return { start: 100_000n, variants: [variant(0, 1), variant(1, 2)], requests };
}

async function latencyTable(units: number[]): Promise<void> {
  const ns = [2, 4, 8, 16, 32, 64, 128, 256, 512, 1000, 1024];
  const cols: Map<number, Map<number, { sel: bigint; done: bigint }>> = new Map();
  for (const u of units) {
    const { config, dir } = design({ log2Tasks: 10, selectorUnits: u }, `lat-u${u}`);
    const t0 = performance.now();
    const sim = await SchedulerSim.open(dir, { trace: 'none' });
    process.stderr.write(`D=10, ${u} unit(s): simulator ${sim.simulator.reused ? 'reused' : 'built'} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const col = new Map<number, { sel: bigint; done: bigint }>();
    for (const n of ns) {
      const script = latencyScript(config, n);
      const run = await sim.run(script, 10_000_000);
      const want = expectedLog(config.scheduler, script);
      if (run.lines.length !== want.length || run.lines.some((l, i) => l !== want[i])) throw new Error(`N=${n}, ${u} units: RTL log differs from the golden model`);
      // The second decision (index 1) is the one with all N tasks valid.
      const d = run.lines.filter((l) => l.startsWith('D '))[1]!.split(' ');
      const tSel = BigInt(d[1]!);
      const tEv = BigInt(d[2]!);
      col.set(n, { sel: tEv - tSel, done: tEv - (tSel - BigInt(TIMING.UPDATE_TO_SELECT)) });
    }
    await sim.close();
    cols.set(u, col);
  }
  console.log('Decision latency (cycles) vs valid tasks N, measured in Verilator (D = 10), RTL = golden line for line');
  console.log('"from done" = npu_layer_done sampled -> decision event visible; "from select" = t_sel -> event.\n');
  const head = ['N', 'N + log2 N', ...units.flatMap((u) => [`${u} unit${u > 1 ? 's' : ''}: from done`, 'from select'])];
  console.log(`| ${head.join(' | ')} |`);
  console.log(`|${head.map(() => '---:').join('|')}|`);
  for (const n of ns) {
    const row = [String(n), (n + Math.log2(n)).toFixed(1)];
    for (const u of units) {
      const c = cols.get(u)!.get(n)!;
      row.push(String(c.done), String(c.sel));
    }
    console.log(`| ${row.join(' | ')} |`);
  }
  console.log(`\nformula: from select = (largest per-unit valid count) + ${TIMING.SELECT_FIXED}; from done = that + ${TIMING.UPDATE_TO_SELECT} (= N + ${TIMING.SELECT_FIXED + TIMING.UPDATE_TO_SELECT} with one unit)\n`);
}

function summarise(cells: Record<string, number>): { lut: number; ff: number; dsp: number; bram36: number; bram18: number; lutram: number } {
  let lut = 0;
  let ff = 0;
  let lutram = 0;
  for (const [t, c] of Object.entries(cells)) {
    if (/^LUT[1-6]$/.test(t)) lut += c;
    else if (/^FD[RSCPE]*$/.test(t)) ff += c;
    else if (/^RAM(32|64|128|256)/.test(t)) lutram += c;
  }
  return { lut, ff, dsp: cells.DSP48E1 ?? 0, bram36: cells.RAMB36E1 ?? 0, bram18: cells.RAMB18E1 ?? 0, lutram };
}

async function resourceTable(): Promise<void> {
  const rows: string[] = [];
  const paths = [
    ['32-bit', {}],
    // The whole score path narrowed: 16-bit scores in units of 2^12 cycles (20.48 us), the idle time
    // and the penalty scale cut to match (idle < 2^36 cycles = 344 s, scale 10.6 fixed point).
    ['16-bit', { scoreWidth: 16, scoreShift: 12, idleWidth: 36, penaltyScaleWidth: 16, penaltyScaleFracBits: 6 }],
  ] as const;
  const cases: [number, (typeof paths)[number], number][] = [];
  for (const d of [6, 9]) for (const p of paths) cases.push([d, p, 1]);
  if (values.units.split(',').includes('4')) cases.push([9, paths[0], 4]);
  for (const [d, [label, extra], units] of cases) {
    const { dir } = design({ log2Tasks: d, selectorUnits: units, ...extra }, `syn-${d}-${label}-${units}`);
    const t0 = performance.now();
    const r = await synthesize(dir, 'dysta_scheduler', 'xilinx');
    const s = summarise(r.cells);
    const secs = (performance.now() - t0) / 1000;
    process.stderr.write(`synth_xilinx D=${d} ${label} ${units} unit(s): ${secs.toFixed(0)} s\n`);
    rows.push(`| ${d} | ${label} | ${units} | ${s.lut} | ${s.ff} | ${s.dsp} | ${s.bram36} + ${s.bram18} | ${s.lutram} |`);
  }
  console.log('Yosys synth_xilinx (7-series cells), dysta_scheduler incl. its sparsity monitor; other keys at their defaults.');
  console.log('16-bit path = {scoreWidth 16, scoreShift 12, idleWidth 36, penaltyScaleWidth 16, penaltyScaleFracBits 6}.\n');
  console.log('| D | score path | units | LUT | FF | DSP48E1 | BRAM (RAMB36 + RAMB18) | LUTRAM cells |');
  console.log('|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);
  console.log('');
}

try {
  const units = values.units.split(',').map(Number);
  if (!values['skip-latency']) await latencyTable(units);
  if (!values['skip-synth']) await resourceTable();
} finally {
  rmSync(root, { recursive: true, force: true });
}
