// Benchmark: cycles of one fixed layer vs input activation density on the generated PE array in
// Verilator, the ratio to the dense case, and the simulation speed (simulated cycles per wall
// second, measured around the layer transactions only, the build excluded).
//   npm run bench:pe-array [-- --rows 256 --k 576 --reps 3]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { NpuTileSim } from '../cosim/npu/driver.ts';
import { requireTool } from '../cosim/tools.ts';
import { defaultConfig, generateDesign, randomTile, runLayerGolden, writeDesign } from '../hwgen/index.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '256' },
    k: { type: 'string', default: '576' },
    reps: { type: 'string', default: '3' },
  },
});
const rows = Number(values.rows);
const k = Number(values.k);
const reps = Number(values.reps);

const config = defaultConfig();
const cfg = config.peArray;
const dir = mkdtempSync(join(tmpdir(), 'bench-pe-array-'));
try {
  writeDesign(generateDesign(config), dir);
  const t0 = performance.now();
  const sim = await NpuTileSim.open(dir, { trace: 'none' });
  const buildMs = performance.now() - t0;
  console.log(`PE array: ${cfg.lanes} lanes, int${cfg.actWidth} x int${cfg.weightWidth} -> int${cfg.accWidth}; layer tile: ${rows} rows x K=${k} of random int8 activations and weights (the im2col shape of a 3x3 conv with ${k / 9} input channels on a 16x16 map)`);
  console.log(`Verilator model: ${sim.simulator.reused ? 'reused from cache' : 'built'} in ${(buildMs / 1000).toFixed(1)} s (${(await requireTool('verilator')).banner}, no tracing)\n`);
  const dense = rows * k + 2;
  console.log('| density | non-zeros | cycles | golden | vs dense | sim speed (cycles/s) |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  let totalCycles = 0;
  let totalMs = 0;
  for (const density of [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]) {
    const tile = randomTile(cfg, { rows, k, density, seed: 42, actRange: [0, 127] });
    await sim.loadWeights(tile.weights);
    let cycles = 0;
    let ms = 0;
    for (let r = 0; r < reps; r++) {
      const t = performance.now();
      const hw = await sim.runLayer(tile);
      ms += performance.now() - t;
      cycles = hw.cycles;
    }
    const gold = runLayerGolden(cfg, tile);
    if (gold.cycles !== cycles) throw new Error(`cycle mismatch at density ${density}: RTL ${cycles}, golden ${gold.cycles}`);
    const nz = tile.beats.filter((b) => b.value !== 0).length;
    totalCycles += cycles * reps;
    totalMs += ms;
    const speed = (cycles * reps) / (ms / 1000);
    console.log(`| ${density.toFixed(1)} | ${nz} | ${cycles} | ${gold.cycles} | ${(cycles / dense).toFixed(3)} | ${Math.round(speed).toLocaleString('en-US')} |`);
  }
  console.log(`\noverall: ${Math.round(totalCycles / (totalMs / 1000)).toLocaleString('en-US')} simulated cycles per wall second (incl. the pipe transfer of the compressed stream)`);
  await sim.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
