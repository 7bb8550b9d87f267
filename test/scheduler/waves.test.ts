// Waveforms of a scheduler run: an FST plus a GTKWave save file whose groups (state, host, events,
// scores, predictor, monitor, NPU) all resolve against the wave's hierarchy.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openScheduler, runAndCompare } from './helpers.ts';
import { randomScenario } from './scenarios.ts';

describe('scheduler waveforms', () => {
  it.each([1, 2])('%i unit(s): FST + .gtkw with every group resolved', async (units) => {
    const { sim, config, dir } = await openScheduler({ log2Tasks: 3, selectorUnits: units }, `wave${units}`, 'fst');
    try {
      const script = randomScenario(config.scheduler, { seed: 9, requests: 6 });
      const wave = join(dir, '..', 'run.fst');
      await runAndCompare(sim, config, script);
      const run = await sim.run(script, 1_000_000, { wave });
      expect(existsSync(wave)).toBe(true);
      const gtkw = readFileSync(run.gtkw!, 'utf8');
      for (const group of ['scheduler state', 'events', 'predictor', 'sparsity monitor', 'NPU side']) expect(gtkw).toContain(group);
      expect(gtkw).toMatch(/TOP\.dysta_scheduler\.ev_score/);
    } finally {
      await sim.close();
    }
  });

  it('mhg: the MHG policy group instead of the score units', async () => {
    const { sim, config, dir } = await openScheduler({ log2Tasks: 3, policy: 'mhg' }, 'wavemhg', 'fst');
    try {
      const script = randomScenario(config.scheduler, { seed: 9, requests: 6 });
      const run = await sim.run(script, 1_000_000, { wave: join(dir, '..', 'mhg.fst') });
      const gtkw = readFileSync(run.gtkw!, 'utf8');
      expect(gtkw).toContain('MHG policy');
      expect(gtkw).toMatch(/TOP\.dysta_scheduler\.u_policy\.phase/);
    } finally {
      await sim.close();
    }
  });
});
