// Shared helpers of the system suites: generate a design for a config into a temp folder, open the
// cached dysta_system simulator, run a workload through the RTL loop and compare with the golden model.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { SystemSim, type SystemRun } from '../../cosim/system/driver.ts';
import { generateDesign, parseConfig, writeDesign, type HwConfig } from '../../hwgen/index.ts';
import { runSystemGolden, systemSetup, type SystemGoldenRun, type SystemWorkload } from '../../hwgen/system/index.ts';

export function systemDesign(raw: Record<string, unknown>, name: string): { config: HwConfig; dir: string } {
  const config = parseConfig(raw);
  const dir = join(mkdtempSync(join(tmpdir(), `dysta-system-${name}-`)), 'rtl');
  writeDesign(generateDesign(config), dir);
  return { config, dir };
}

export async function openSystem(raw: Record<string, unknown>, name: string): Promise<{ config: HwConfig; sim: SystemSim; dir: string }> {
  const { config, dir } = systemDesign(raw, name);
  const sim = await SystemSim.open(dir, { trace: 'none', start: { logDir: join(dir, '..', 'logs') } });
  return { config, sim, dir };
}

/** Runs the workload through the RTL loop and asserts every log line and every layer's outputs equal the golden model's. */
export async function runAndCompare(sim: SystemSim, wl: SystemWorkload): Promise<{ rtl: SystemRun; gold: SystemGoldenRun }> {
  const gold = runSystemGolden(wl);
  const rtl = await sim.run(systemSetup(wl), (req, layer, previous) => wl.passes(req, layer, previous));
  const firstDiff = gold.lines.findIndex((line, i) => rtl.lines[i] !== line);
  if (firstDiff >= 0 || rtl.lines.length !== gold.lines.length) {
    const i = firstDiff >= 0 ? firstDiff : Math.min(gold.lines.length, rtl.lines.length);
    const ctx = (xs: string[]) => xs.slice(Math.max(0, i - 3), i + 3).join('\n      ');
    expect.fail(`RTL log differs from the system golden model at line ${i} (session ${sim.session.logPath}):\n  golden:\n      ${ctx(gold.lines)}\n  rtl:\n      ${ctx(rtl.lines)}`);
  }
  for (let r = 0; r < wl.requests.length; r++) {
    for (let l = 0; l < wl.requests[r]!.nlayers; l++) {
      expect(rtl.outputs[r]![l], `request ${r} layer ${l} outputs`).toEqual(gold.outputs[r]![l]);
    }
  }
  return { rtl, gold };
}

/** Lines of one kind, split into fields. */
export function records(lines: readonly string[], kind: string): string[][] {
  return lines.filter((l) => l.startsWith(`${kind} `)).map((l) => l.split(' ').slice(1));
}
