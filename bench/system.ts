// Benchmark: the integrated loop (dysta_system in Verilator) on the real MNIST networks: requests per
// second and simulated cycles per wall second, warm (the simulator built and the run repeated), plus
// the whole-process time of the user's command `dysta system -n N` (target: 40 requests under 60 s).
//   npm run bench:system [-- --requests 40 --reps 2]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { SystemSim } from '../cosim/system/driver.ts';
import { defaultConfig, generateDesign, writeDesign } from '../hwgen/index.ts';
import { runSystemGolden, systemSetup } from '../hwgen/system/index.ts';
import { loadDigits } from '../models/data.ts';
import { STATIC_PROFILE_DIGITS, buildMnistWorkload } from '../models/system.ts';
import { parseModelList } from '../models/weights.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '40' }, reps: { type: 'string', default: '2' } } });
const requests = Number(values.requests);
const reps = Number(values.reps);
const config = defaultConfig();
const dir = mkdtempSync(join(tmpdir(), 'bench-system-'));
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
try {
  let t = performance.now();
  loadDigits();
  const digitsMs = performance.now() - t;
  t = performance.now();
  const wl = buildMnistWorkload(config, { variants: parseModelList('all'), requests, seed: 1, load: 1.0 });
  const workloadMs = performance.now() - t;
  t = performance.now();
  const gold = runSystemGolden(wl);
  const goldenMs = performance.now() - t;
  const cycles = Number(gold.lines.at(-1)!.split(' ').at(-1)) - Number(wl.start);
  writeDesign(generateDesign(config), dir);
  t = performance.now();
  const sim = await SystemSim.open(dir, { trace: 'none' });
  const openMs = performance.now() - t;
  const runs: number[] = [];
  for (let r = 0; r < reps; r++) {
    t = performance.now();
    const run = await sim.run(systemSetup(wl), (req, layer, previous) => wl.passes(req, layer, previous));
    runs.push(performance.now() - t);
    if (run.lines.join('\n') !== gold.lines.join('\n')) throw new Error('the RTL disagreed with the golden model');
  }
  await sim.close();
  const warm = Math.min(...runs);
  const passes = gold.lines.filter((l) => l.startsWith('L ')).length;
  console.log(`dysta_system, default config (16 lanes, 1024-row buffer, D = 6), ${requests} requests of the 9 MNIST variants (seed 1, load 1.0):`);
  console.log(`${gold.layers.length} layers, ${passes} PE-array passes, ${cycles.toLocaleString('en-US')} simulated cycles; simulator ${sim.simulator.reused ? 'reused from cache' : 'built'} in ${s(openMs)}\n`);
  console.log('| phase | wall time | rate |');
  console.log('|---|---:|---:|');
  console.log(`| load and split the digits | ${s(digitsMs)} | |`);
  console.log(`| static level (golden model on ${STATIC_PROFILE_DIGITS} calibration digits x 9 variants) + requests | ${s(workloadMs)} | |`);
  console.log(`| system golden model | ${s(goldenMs)} | ${Math.round(cycles / (goldenMs / 1000)).toLocaleString('en-US')} cycles/s |`);
  console.log(`| RTL loop, warm (best of ${reps}) | ${s(warm)} | ${(requests / (warm / 1000)).toFixed(1)} requests/s, ${Math.round(cycles / (warm / 1000)).toLocaleString('en-US')} cycles/s |`);
  t = performance.now();
  const cli = await execa('node', [join(import.meta.dirname, '..', 'bin', 'dysta.js'), 'system', '-n', String(requests), '--out', join(dir, 'cli-rtl')], { reject: false });
  const cliMs = performance.now() - t;
  if (cli.exitCode !== 0) throw new Error(`dysta system failed: ${cli.stderr}`);
  console.log(`| whole process: \`dysta system -n ${requests}\` (warm build cache) | ${s(cliMs)} | target: 40 requests < 60 s |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
