// The scheduler's policy and predictor as DSE axes: each point builds its own RTL (dysta or MHG
// policy, gamma or regression predictor), and the RTL equals its golden model on every decision.
// The policy must reach the hardware: MHG's decisions take longer than dysta's on the same trace.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli, tempDir } from '../helpers.ts';

interface Run { agreement: { rtlVsGolden: number }; logsIdentical: boolean; decisionLatency: { meanCycles: number } }
interface Point { status: string; axes: Record<string, string>; result: { config: { scheduler: Record<string, unknown> }; measurements: { rtl: { runs: Run[] } } } }

describe('dysta dse: policy and predictor axes', () => {
  const dir = tempDir('dysta-dse-policy-');

  it('examples/dse/policies.json: four builds, each RTL = golden, MHG slower to decide than dysta', async () => {
    const out = join(dir, 'report');
    const r = await runCli(['dse', '--spec', join(PROJECT_ROOT, 'examples/dse/policies.json'), '--out', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    const points = (JSON.parse(readFileSync(join(out, 'points.json'), 'utf8')) as { points: Point[] }).points;
    expect(points.map((p) => `${p.axes['scheduler.policy']}/${p.axes['scheduler.predictor']}`).sort()).toEqual(['dysta/gamma', 'dysta/regression', 'mhg/gamma', 'mhg/regression']);
    const latency: Record<string, number> = {};
    for (const p of points) {
      expect(p.status).toBe('ok');
      expect(p.result.config.scheduler.policy).toBe(p.axes['scheduler.policy']);
      expect(p.result.config.scheduler.predictor).toBe(p.axes['scheduler.predictor']);
      const [run] = p.result.measurements.rtl.runs;
      expect(run!.logsIdentical).toBe(true);
      expect(run!.agreement.rtlVsGolden).toBe(1);
      latency[`${p.axes['scheduler.policy']}/${p.axes['scheduler.predictor']}`] = run!.decisionLatency.meanCycles;
    }
    expect(latency['mhg/gamma']).toBeGreaterThan(latency['dysta/gamma']!);
    expect(latency['mhg/regression']).toBeGreaterThan(latency['dysta/regression']!);
  }, 600_000);
});
