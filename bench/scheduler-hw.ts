// Benchmark of the Dysta scheduler block (dysta_scheduler):
//   1. decision latency in cycles vs the number of valid tasks N = 2 ... 1024, measured in Verilator
//      (D = 10) with 1 and 4 score units, each run also checked line for line against the golden model;
//   2. Yosys `synth_xilinx` resources (LUT, FF, DSP, BRAM) for D = 6 and D = 9 with the 32-bit and the
//      16-bit score path;
//   3. the three predictor / policy builds (dysta + gamma, dysta + regression, mhg + regression):
//      decision latency at N = 2, 16, 64, 256, 1024 (MHG: with no admission since the last decision,
//      with N - 1 of them, and with every task late), synth_xilinx at D = 6 and 9, and violation rate
//      and ANTT of the RTL run on the zoo traces (`dysta cosim --suite trace`'s path) beside the float
//      model's.
//   npm run bench:scheduler-hw [-- --skip-synth] [-- --skip-latency] [-- --skip-variants | --only-variants] [-- --skip-traces] [-- --units 1,4]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { synthesize } from '../cosim/lint.ts';
import { SchedulerSim, type SchedScript } from '../cosim/scheduler/driver.ts';
import { generateDesign, parseConfig, writeDesign, type HwConfig } from '../hwgen/index.ts';
import { encodeInvIso, encodeReciprocal, schedulerFormats } from '../hwgen/scheduler/golden.ts';
import { TIMING } from '../hwgen/scheduler/formats.ts';
import { expectedLog } from '../compare/scheduler-harness-model.ts';
import { runTraceCosim } from '../compare/trace-cosim.ts';
import { TRACE_DEFAULTS } from '../verify/trace.ts';
import { compileTrace, generatePoissonTrace, workloadCapacity, zooWorkload } from '../sw-scheduler/index.ts';

const { values } = parseArgs({
  options: {
    'skip-synth': { type: 'boolean', default: false },
    'skip-latency': { type: 'boolean', default: false },
    'skip-variants': { type: 'boolean', default: false },
    'only-variants': { type: 'boolean', default: false },
    'skip-traces': { type: 'boolean', default: false },
    units: { type: 'string', default: '1,4' },
  },
});

const root = mkdtempSync(join(tmpdir(), 'bench-scheduler-hw-'));

function design(scheduler: Record<string, number | string>, name: string): { config: HwConfig; dir: string } {
  const config = parseConfig({ scheduler });
  const dir = join(root, name);
  writeDesign(generateDesign(config), dir);
  return { config, dir };
}

/**
 * N requests arriving together; the first has three layers, so its second and third decisions see
 * all N (MHG: the second inserts the N - 1 admitted during the first layer, the third none). With
 * `late`, every deadline is already past (MHG marks every task late: a victim search per task).
 */
function latencyScript(config: HwConfig, n: number, late = false): SchedScript {
  const f = schedulerFormats(config.scheduler);
  const r = encodeReciprocal(f, 1000);
  const cycles = BigInt(2 * f.tasks + 64);
  const variant = (index: number, layers: number) => {
    const suffix = (k: number) => 5000n * BigInt(layers - k);
    return {
      variant: index,
      nlayers: layers,
      suffix0: suffix(0),
      layers: Array.from({ length: layers }, (_, l) => ({ mant: r.mant, shift: r.shift, suffixNext: suffix(l + 1) })),
      ...(f.regression ? { coeffs: [0, 1].map(() => ({ a: Array.from({ length: layers }, (_, k) => suffix(k)), b: Array.from({ length: layers }, () => 0n) })) } : {}),
      ...(f.mhg ? { iso: suffix(0), invIso: encodeInvIso(f, suffix(0)) } : {}),
    };
  };
  const requests = Array.from({ length: n }, (_, i) => ({
    arrival: 100_000n,
    variant: i === 0 ? 1 : 0,
    deadline: late ? 100_000n + BigInt(i) : 10_000_000n + BigInt(i * 997),
    scale: 3n << 16n,
    layers: Array.from({ length: i === 0 ? 3 : 1 }, () => ({ cycles, nnz: 900n + BigInt(i % 200) })),
  }));
  return { start: 100_000n, variants: [variant(0, 1), variant(1, 3)], requests };
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

/** The builds of issue 11's comparison: predictor x policy. */
const VARIANTS: [string, Record<string, string>][] = [
  ['dysta + gamma', {}],
  ['dysta + regression', { predictor: 'regression' }],
  ['mhg + regression', { policy: 'mhg', predictor: 'regression' }],
];

/** t_sel -> decision event (cycles) of decision `k` of an RTL run that equals the golden model. */
async function decisionLatency(sim: SchedulerSim, config: HwConfig, script: SchedScript, k: number, what: string): Promise<bigint> {
  const run = await sim.run(script, 50_000_000);
  const want = expectedLog(config.scheduler, script);
  if (run.lines.length !== want.length || run.lines.some((l, i) => l !== want[i])) throw new Error(`${what}: RTL log differs from the golden model`);
  const d = run.lines.filter((l) => l.startsWith('D '))[k]!.split(' ');
  return BigInt(d[2]!) - BigInt(d[1]!);
}

async function variantLatency(): Promise<void> {
  const ns = [2, 16, 64, 256, 1024];
  const rows: string[] = [];
  for (const [label, extra] of VARIANTS) {
    const { config, dir } = design({ log2Tasks: 10, ...extra }, `vlat-${label.replace(/\W/g, '')}`);
    const t0 = performance.now();
    const sim = await SchedulerSim.open(dir, { trace: 'none' });
    process.stderr.write(`${label}, D=10: simulator ${sim.simulator.reused ? 'reused' : 'built'} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const mhg = config.scheduler.policy === 'mhg';
    const cells = { steady: [] as bigint[], inserted: [] as bigint[], late: [] as string[] };
    for (const n of ns) {
      cells.steady.push(await decisionLatency(sim, config, latencyScript(config, n), 2, `${label} N=${n}`));
      if (mhg) {
        cells.inserted.push(await decisionLatency(sim, config, latencyScript(config, n), 1, `${label} N=${n}`));
        // Every decision of that run marks every task late (~1.5 N^2 cycles each, N decisions): up to N = 256.
        cells.late.push(n <= 256 ? String(await decisionLatency(sim, config, latencyScript(config, n, true), 2, `${label} N=${n} late`)) : '-');
      }
    }
    await sim.close();
    rows.push(`| ${label}${mhg ? ', no admission since the last decision' : ''} | ${cells.steady.join(' | ')} |`);
    if (mhg) {
      rows.push(`| ${label}, N - 1 admitted since the last decision | ${cells.inserted.join(' | ')} |`);
      rows.push(`| ${label}, every task late (a victim search each; - = not run) | ${cells.late.join(' | ')} |`);
    }
  }
  console.log('Decision latency (cycles, t_sel -> decision event) for N requests arriving together, D = 10, measured in Verilator; RTL = golden line for line.');
  console.log('Every row but "admitted" is the third decision, which sees N - 1 tasks (the one the second decision ran has completed);');
  console.log('the "admitted" row is the second decision: all N valid, the N - 1 admitted during the first layer inserted into the list.\n');
  console.log(`| build | ${ns.map((n) => `N = ${n}`).join(' | ')} |`);
  console.log(`|---|${ns.map(() => '---:').join('|')}|`);
  for (const r of rows) console.log(r);
  console.log('');
}

async function variantResources(): Promise<void> {
  const rows: string[] = [];
  for (const d of [6, 9]) {
    for (const [label, extra] of VARIANTS) {
      const { dir } = design({ log2Tasks: d, ...extra }, `vsyn-${d}-${label.replace(/\W/g, '')}`);
      const t0 = performance.now();
      const s = summarise((await synthesize(dir, 'dysta_scheduler', 'xilinx')).cells);
      rows.push(`| ${d} | ${label} | ${s.lut} | ${s.ff} | ${s.dsp} | ${s.bram36} + ${s.bram18} | ${s.lutram} |`);
      // Each row as it comes (a run takes minutes): progress, and nothing lost if the bench is stopped.
      process.stderr.write(`synth_xilinx D=${d} ${label}: ${((performance.now() - t0) / 1000).toFixed(0)} s  ${rows[rows.length - 1]}\n`);
    }
  }
  console.log('Yosys synth_xilinx (7-series cells), dysta_scheduler incl. its sparsity monitor, by predictor and policy.\n');
  console.log('| D | build | LUT | FF | DSP48E1 | BRAM (RAMB36 + RAMB18) | LUTRAM cells |');
  console.log('|---:|---|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);
  console.log('');
}

/** Violation rate and ANTT of the RTL runs on both zoos (the trace suite's path) beside the float model's. */
async function variantTraces(): Promise<void> {
  const rows: string[] = [];
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  for (const [label, extra] of VARIANTS) {
    const { config, dir } = design({ log2Tasks: 6, ...extra }, `vtr-${label.replace(/\W/g, '')}`);
    const sim = await SchedulerSim.open(dir, { trace: 'none' });
    try {
      for (const zoo of TRACE_DEFAULTS.workloads) {
        const workload = zooWorkload(zoo);
        const trace = generatePoissonTrace(workload, { rate: TRACE_DEFAULTS.load * workloadCapacity(workload), count: TRACE_DEFAULTS.requests, seed: 1, sloMult: TRACE_DEFAULTS.sloMult });
        const compiled = compileTrace(workload, trace, TRACE_DEFAULTS.sloMult);
        const r = await runTraceCosim({ cfg: config.scheduler, sim, workload, compiled });
        if (r.firstDifference) throw new Error(`${label} on ${zoo}: RTL differs from the golden model`);
        rows.push(`| ${label} | ${zoo} | ${pct(r.metrics.rtl.violationRate)} | ${r.metrics.rtl.antt.toFixed(3)} | ${pct(r.metrics.float.violationRate)} | ${r.metrics.float.antt.toFixed(3)} | ${pct(r.agreement.goldenVsFloat)} |`);
      }
    } finally {
      await sim.close();
    }
  }
  console.log(`Zoo traces (${TRACE_DEFAULTS.requests} Poisson requests, load ${TRACE_DEFAULTS.load}, SLO x${TRACE_DEFAULTS.sloMult}, seed 1), D = 6: the RTL run (= golden line for line) beside the float model with a 64-entry table.\n`);
  console.log('| build | zoo | RTL violation rate | RTL ANTT | float violation rate | float ANTT | float agrees (lockstep) |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);
  console.log('');
}

try {
  const units = values.units.split(',').map(Number);
  if (!values['only-variants']) {
    if (!values['skip-latency']) await latencyTable(units);
    if (!values['skip-synth']) await resourceTable();
  }
  if (!values['skip-variants']) {
    if (!values['skip-latency']) await variantLatency();
    if (!values['skip-traces']) await variantTraces();
    if (!values['skip-synth']) await variantResources();
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
