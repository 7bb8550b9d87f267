// The newcomer's first command, end to end: RTL generated, a layer run in Verilator, the figures
// printed and the RTL in agreement with the golden model.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.ts';

describe('dysta demo', () => {
  const root = tempDir();

  it('prints cycles, density and monitor counts, and agrees with the golden model', async () => {
    const r = await runCli(['demo', '--out', join(root, 'rtl'), '--density', '0.3', '--seed', '4']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/input activation density: +\d+\.\d% \(\d+ non-zeros streamed of 9216\)/);
    const cycles = /cycles \(RTL\): +(\d+) +\(golden model (\d+); dense would take 9218/.exec(r.stdout);
    expect(cycles).not.toBeNull();
    expect(cycles![1]).toBe(cycles![2]);
    expect(Number(cycles![1])).toBeLessThan(9218 * 0.4);
    expect(r.stdout).toMatch(/monitor: non-zero outputs +\d+ of 1024/);
    expect(r.stdout).toContain('identical outputs, cycles and counts');
    expect(existsSync(join(root, 'rtl', 'manifest.json'))).toBe(true);
  });

  it('records an FST waveform with a GTKWave save file', async () => {
    const wave = join(root, 'demo.fst');
    const r = await runCli(['demo', '--out', join(root, 'rtl'), '--wave', wave, '--size', '4', '--channels', '2']);
    expect(r.exitCode).toBe(0);
    expect(statSync(wave).size).toBeGreaterThan(1000);
    const gtkw = readFileSync(join(root, 'demo.gtkw'), 'utf8');
    expect(gtkw).toContain('TOP.npu_tile.act_valid');
    expect(gtkw).toContain(`[dumpfile] "${wave}"`);
    expect(gtkw).toContain('TOP.npu_tile.mon_nonzero');
    expect(gtkw).toContain('TOP.npu_tile.u_array.lane[0].u_mac.acc'); // a generate scope
  });

  it('rejects a density outside 0..1', async () => {
    const r = await runCli(['demo', '--density', '1.5']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('--density 1.5 must be from 0 to 1');
  });
});
