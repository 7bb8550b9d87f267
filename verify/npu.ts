// Suite `npu`: the NPU tile (sparse PE array + sparsity monitor) on random layers at every density
// 0, 0.1, ..., 1 and the corner cases a user would otherwise write by hand (saturation at both ends,
// the full weight depth), each compared with the golden model: outputs, cycles, monitor counts.
import { resolve } from 'node:path';
import { writeGtkw, waveScope } from '../cosim/gtkw.ts';
import { NpuTileSim, npuWaveGroups } from '../cosim/npu/driver.ts';
import { compressRows, randomTile, runLayerGolden, type LayerTile, type PeArrayConfig } from '../hwgen/index.ts';
import { Mismatch, runOnSimulator } from './case-run.ts';
import { traceFlavour, type PlannedSuite } from './types.ts';

export interface NpuSuiteOptions {
  /** Random layers per density. */
  seeds: number;
  rows: number;
  /** Reduction length K (default min(128, weightDepth)). */
  k?: number;
  seed: number;
}

export interface NpuCase {
  name: string;
  about: string;
  tile: LayerTile;
}

export function npuCases(cfg: PeArrayConfig, o: NpuSuiteOptions): NpuCase[] {
  const k = o.k ?? Math.min(128, cfg.weightDepth);
  const rows = Math.min(o.rows, cfg.maxRows);
  const out: NpuCase[] = [];
  for (let d = 0; d <= 10; d++) {
    for (let s = 0; s < o.seeds; s++) {
      const density = d / 10;
      out.push({
        name: `density-${density.toFixed(1)}-${s}`,
        about: `random ${rows} x ${k} layer at activation density ${density.toFixed(1)}`,
        tile: randomTile(cfg, { rows, k, density, seed: 100 * d + s + 10_000 * (o.seed - 1), relu: s % 2 === 0, shift: (3 + 5 * s) % cfg.accWidth }),
      });
    }
  }
  const aMax = 2 ** (cfg.actWidth - 1) - 1;
  const aMin = -(2 ** (cfg.actWidth - 1));
  const wMax = 2 ** (cfg.weightWidth - 1) - 1;
  const full = Array.from({ length: k }, () => Array(cfg.lanes).fill(wMax));
  out.push({ name: 'all-max', about: 'every value at its maximum: the requantised outputs saturate high', tile: { weights: full, beats: compressRows([Array(k).fill(aMax)]), rows: 1, relu: false, shift: 0 } });
  out.push({ name: 'all-min', about: 'every activation at its minimum: the outputs saturate low', tile: { weights: full, beats: compressRows([Array(k).fill(aMin)]), rows: 1, relu: false, shift: 0 } });
  out.push({
    name: 'full-depth',
    about: `the whole weight buffer: K = weightDepth = ${cfg.weightDepth}`,
    tile: randomTile(cfg, { rows: Math.min(2, cfg.maxRows), k: cfg.weightDepth, density: 0.5, seed: 9 + 10_000 * (o.seed - 1), shift: 10 }),
  });
  return out;
}

export function planNpu(cfg: PeArrayConfig, o: NpuSuiteOptions): PlannedSuite {
  const cases = npuCases(cfg, o);
  return {
    suite: 'npu',
    cases: cases.map(({ name, about }) => ({ name, about })),
    async run(ctx, selected) {
      const chosen = cases.filter((c) => selected.has(c.name));
      if (!chosen.length) return [];
      const trace = traceFlavour(chosen.map((c) => ctx.waveFor('npu', c.name)));
      ctx.progress('npu: opening the npu_tile simulator (built once per design, then cached)');
      return runOnSimulator('npu', 'layers', chosen, {
        open: () => NpuTileSim.open(ctx.rtlDir, { trace, log: ctx.progress }),
        onCase: ctx.onCase,
        // The layer may have stopped half way: start the next case from reset.
        afterFailure: (sim) => sim.session.reset(2).then(() => {}),
        run: async (sim, c) => {
          const wave = ctx.waveFor('npu', c.name);
          const before = BigInt((await sim.session.send('cycle')).trim());
          if (wave) await sim.session.waveOn(resolve(wave));
          let hw;
          try {
            await sim.loadWeights(c.tile.weights);
            hw = await sim.runLayer(c.tile);
          } finally {
            if (wave) await sim.session.waveOff();
          }
          const after = BigInt((await sim.session.send('cycle')).trim());
          const gtkw = wave ? await writeGtkw({ wave: resolve(wave), scope: waveScope('npu_tile'), zoom: -19, groups: npuWaveGroups() }) : undefined;
          const gold = runLayerGolden(cfg, c.tile);
          const problems: string[] = [];
          if (hw.cycles !== gold.cycles) problems.push(`cycles: RTL ${hw.cycles}, golden ${gold.cycles}`);
          if (hw.nonzero !== gold.nonzero || hw.total !== gold.total) problems.push(`monitor: RTL ${hw.nonzero}/${hw.total}, golden ${gold.nonzero}/${gold.total} non-zero/total`);
          const row = gold.outputs.findIndex((r, i) => JSON.stringify(r) !== JSON.stringify(hw.outputs[i]));
          if (row >= 0 || hw.outputs.length !== gold.outputs.length) {
            const at = row >= 0 ? row : Math.min(hw.outputs.length, gold.outputs.length);
            const lane = (gold.outputs[at] ?? []).findIndex((v, j) => v !== hw.outputs[at]?.[j]);
            problems.push(`outputs: row ${at}${lane >= 0 ? ` lane ${lane}` : ''}: RTL ${JSON.stringify(hw.outputs[at] ?? null)}, golden ${JSON.stringify(gold.outputs[at] ?? null)}`);
          }
          return {
            checked: 1,
            simCycles: Number(after - before),
            ...(problems.length ? { mismatch: new Mismatch(problems[0]!, problems.length > 1 ? problems.join('\n') : undefined) } : {}),
            ...(wave ? { waveform: wave } : {}),
            ...(gtkw ? { gtkw } : {}),
          };
        },
      });
    },
  };
}
