// `dysta synth` through the real CLI and the real tools: a 1-lane NPU tile (the smallest design with a
// multiplier, a RAM and a carry chain) through the whole iCE40 flow (Yosys synth_ice40 of its
// out-of-context wrapper, nextpnr-ice40 at the configured clock, icetime, icepack), the same on a
// Xilinx target (no place and route: Fmax null), a design that does not fit, and usage errors.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.ts';

const TINY = { peArray: { lanes: 1, weightDepth: 16, maxRows: 15, accWidth: 20 }, scheduler: { clockMHz: 48 } };

describe('dysta synth', () => {
  const root = tempDir();
  const cfg = join(root, 'tiny.json');
  writeFileSync(cfg, JSON.stringify(TINY));

  it('iCE40 UP5K: synthesis, place and route, timing and bitstream of a 1-lane NPU tile', async () => {
    const json = join(root, 'up5k.json');
    const r = await runCli(['synth', '--config', cfg, '--top', 'npu_tile', '--target', 'ice40-up5k', '--json', json, '--bitstream', '--out', root]);
    expect(r.exitCode, r.stderr).toBe(0);
    const rep = JSON.parse(readFileSync(json, 'utf8')).npu_tile;
    expect(rep).toMatchObject({ target: 'ice40-up5k', device: 'iCE40UP5K-SG48', synthesized: 'npu_tile_ooc', fits: true, overflow: null, clockMHz: 48, dsps: 1 });
    expect(rep.luts).toBeGreaterThan(50);
    expect(rep.ffs).toBeGreaterThan(50);
    // Placed and routed: nextpnr's and icetime's Fmax of the same routed design agree within 15%.
    expect(rep.fmaxMHz).toBeGreaterThan(5);
    expect(rep.fmaxMHz).toBeLessThan(200);
    expect(Math.abs(rep.icetimeMHz - rep.fmaxMHz) / rep.fmaxMHz).toBeLessThan(0.15);
    expect(rep.worstPath.lutLevels).toBeGreaterThan(0);
    expect(rep.worstPath.cells[0].kind).toMatch(/ff|bram|dsp/);
    expect(r.stdout).toMatch(/placed and routed: Fmax [\d.]+ MHz \(nextpnr\), [\d.]+ MHz \(icetime\); clock 48 MHz/);
    const bin = readFileSync(join(root, 'npu_tile.ice40-up5k.bin'));
    // An iCE40 bitstream carries the sync word 7EAA997E near its start.
    expect(bin.subarray(0, 64).toString('hex')).toContain('7eaa997e');
    expect(bin.length).toBeGreaterThan(50_000);
  });

  it('iCE40 HX8K (no multipliers): --config takes the LUT multiplier unless it chooses; --rtl with the one-stage multiply gets a note', async () => {
    const lutJson = join(root, 'hx8k-lut.json');
    const a = await runCli(['synth', '--config', cfg, '--top', 'npu_tile', '--target', 'ice40-hx8k', '--json', lutJson, '--no-lint']);
    expect(a.exitCode, a.stderr).toBe(0);
    expect(a.stdout).toContain(`peArray.multiplier: lut (iCE40HX8K-CT256 has no multipliers; set peArray.multiplier in ${cfg} to choose)`);
    const lut = JSON.parse(readFileSync(lutJson, 'utf8')).npu_tile;
    expect(lut).toMatchObject({ target: 'ice40-hx8k', device: 'iCE40HX8K-CT256', dsps: 0, fits: true });
    expect(lut.fmaxMHz).toBeGreaterThan(5);
    // The config's own choice stands: the one-stage multiply, a different netlist (no partial-product
    // or running-sum registers: fewer flip-flops).
    const dspCfg = join(root, 'tiny-dsp.json');
    writeFileSync(dspCfg, JSON.stringify({ ...TINY, peArray: { ...TINY.peArray, multiplier: 'dsp' } }));
    const dspJson = join(root, 'hx8k-dsp.json');
    const b = await runCli(['synth', '--config', dspCfg, '--top', 'npu_tile', '--target', 'ice40-hx8k', '--json', dspJson, '--no-lint']);
    expect(b.exitCode, b.stderr).toBe(0);
    expect(b.stdout).not.toContain('peArray.multiplier');
    const dsp = JSON.parse(readFileSync(dspJson, 'utf8')).npu_tile;
    expect(lut.ffs).toBeGreaterThan(dsp.ffs);
    // A generated folder is taken as it is, with a note naming the setting.
    const rtl = join(root, 'tiny-rtl');
    expect((await runCli(['gen-rtl', '--config', cfg, '--out', rtl])).exitCode).toBe(0);
    const d = await runCli(['synth', '--rtl', rtl, '--top', 'npu_tile', '--target', 'ice40-hx8k', '--no-lint']);
    expect(d.exitCode, d.stderr).toBe(0);
    expect(d.stdout).toContain(`note: the PE array in ${rtl} multiplies in one stage (peArray.multiplier dsp), in LUTs on iCE40HX8K-CT256; generated with {"peArray": {"multiplier": "lut"}} it reaches a higher clock there`);
  }, 120_000);

  it('Xilinx: resources and the estimated worst path, no place and route', async () => {
    const json = join(root, 'xc7.json');
    const r = await runCli(['synth', '--config', cfg, '--top', 'npu_tile', '--target', 'xc7', '--json', json, '--no-lint']);
    expect(r.exitCode, r.stderr).toBe(0);
    const rep = JSON.parse(readFileSync(json, 'utf8')).npu_tile;
    expect(rep).toMatchObject({ target: 'xc7', device: 'xc7z020', synthesized: 'npu_tile', fmaxMHz: null, icetimeMHz: null, fits: true });
    expect(rep.worstPath.delayNs).toBeGreaterThan(1);
    expect(rep.worstPath.model).toMatch(/7-series/);
    expect(r.stdout).toMatch(/worst path [\d.]+ ns \([\d.]+ MHz est\.\)/);
  });

  it('a design that does not fit says which resource and by how much, and exits 1', async () => {
    const nine = join(root, 'nine.json');
    writeFileSync(nine, JSON.stringify({ peArray: { lanes: 9, weightDepth: 16, maxRows: 15, accWidth: 20 } }));
    const r = await runCli(['synth', '--config', nine, '--target', 'ice40-up5k', '--no-lint']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('does not fit iCE40UP5K-SG48: DSP 9 of 8 (1 over, 113%)');
    expect(r.stdout).not.toContain('placed and routed');
  });

  it('usage errors exit 2 with one line', async () => {
    const a = await runCli(['synth', '--config', cfg, '--target', 'xcup', '--bitstream']);
    expect(a.exitCode).toBe(2);
    expect(a.stderr.trim()).toBe('dysta: --bitstream needs an iCE40 target (--target ice40-up5k or ice40-hx8k), not xcup');
    const b = await runCli(['synth', '--config', cfg, '--top', 'npu_tile', '--all']);
    expect(b.exitCode).toBe(2);
    const c = await runCli(['synth', '--config', cfg, '--top', 'no_such_top', '--no-lint']);
    expect(c.exitCode).toBe(2);
    expect(c.stderr).toContain('--top no_such_top is not a module');
    const d = await runCli(['synth', '--rtl', join(root, 'nowhere')]);
    expect(d.exitCode).not.toBe(0);
    expect(d.stderr).toContain('has no manifest.json/files.f; run `dysta gen-rtl');
  });
});
