// Waveforms switched on and off at run time (FST by default, VCD on request) with stable scope
// names, and GTKWave save files checked against the wave's hierarchy.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CosimError, readWaveSignals, waveScope, writeGtkw } from '../../cosim/index.ts';
import { buildCounter, tempDir } from './fixture.ts';

/** Value changes of one VCD identifier code after the header, as [time, value] pairs. */
function changes(vcd: string, code: string): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  let t = 0;
  const body = vcd.slice(vcd.indexOf('$enddefinitions'));
  for (const line of body.split('\n')) {
    if (line.startsWith('#')) t = Number(line.slice(1));
    else if (line.endsWith(` ${code}`)) out.push([t, line.slice(1, -code.length - 1)]);
    else if (line === `0${code}` || line === `1${code}`) out.push([t, line[0]!]);
  }
  return out;
}

function codeOf(vcd: string, scopeLine: string, name: string): string {
  const afterScope = vcd.slice(vcd.indexOf(scopeLine));
  const m = new RegExp(`\\$var \\w+ \\d+ (\\S+) ${name}[ \\[]`).exec(afterScope);
  if (!m) throw new Error(`no ${name} in VCD`);
  return m[1]!;
}

describe('waveforms', () => {
  it('FST: only the cycles between wave on and wave off are recorded, with stable scopes', async () => {
    const dir = tempDir();
    const s = await (await buildCounter()).start({ logDir: dir });
    await s.reset(1);
    await s.poke('step', 5);
    await s.poke('en', 1);
    await s.tick(10); // not recorded
    const wave = await s.waveOn(path.join(dir, 'counter.fst'));
    await s.tick(4);
    await s.waveOff();
    await s.tick(10); // not recorded
    await s.close();

    expect(statSync(wave).size).toBeGreaterThan(0);
    const vcd = (await execa('fst2vcd', [wave])).stdout;
    const signals = await readWaveSignals(wave);
    expect(signals.get('TOP.cosim_counter.count')).toEqual({ gtkwName: 'TOP.cosim_counter.count[31:0]', width: 32 });
    expect(signals.get('TOP.cosim_counter.u_acc.sum')).toEqual({ gtkwName: 'TOP.cosim_counter.u_acc.sum[99:0]', width: 100 });
    expect(signals.get('TOP.cosim_counter.clk')).toEqual({ gtkwName: 'TOP.cosim_counter.clk', width: 1 });

    // 10 ns per cycle in 1 ps units; the file starts at cycle 11 and ends after cycle 15.
    const count = changes(vcd, codeOf(vcd, '$scope module cosim_counter', 'count'));
    expect(count.map(([t, v]) => [t, parseInt(v, 2)])).toEqual([
      [110_000, 50],
      [115_000, 55],
      [125_000, 60],
      [135_000, 65],
      [145_000, 70],
    ]);
    const clk = changes(vcd, codeOf(vcd, '$scope module cosim_counter', 'clk'));
    expect(clk.slice(0, 3)).toEqual([
      [110_000, '0'],
      [115_000, '1'],
      [120_000, '0'],
    ]);
    expect(clk.at(-1)).toEqual([150_000, '0']);
  });

  it('wave on a second file after wave off starts a fresh file', async () => {
    const dir = tempDir();
    const s = await (await buildCounter()).start({ logDir: dir });
    const a = await s.waveOn(path.join(dir, 'a.fst'));
    await s.tick(2);
    const b = await s.waveOn(path.join(dir, 'sub', 'b.fst')); // implies wave off for a.fst
    await s.tick(3);
    await s.close(); // quit closes b.fst
    for (const f of [a, b]) expect(existsSync(f)).toBe(true);
    const times = (f: string) =>
      execa('fst2vcd', [f]).then((r) => r.stdout.split('\n').filter((l) => /^#\d+$/.test(l)).map((l) => Number(l.slice(1))));
    expect(await times(a)).toEqual([0, 5000, 10000, 15000, 20000]);
    expect(await times(b)).toEqual([20000, 25000, 30000, 35000, 40000, 45000, 50000]);
  });

  it('VCD when the build asks for it; `wave on` errs on a build without tracing', async () => {
    const dir = tempDir();
    const vcdSim = await buildCounter({ trace: 'vcd' });
    const s = await vcdSim.start({ logDir: dir });
    expect(await s.send('info')).toBe('top=cosim_counter trace=vcd');
    const wave = await s.waveOn(path.join(dir, 'counter.vcd'));
    await s.reset(1);
    await s.tick(2);
    await s.close();
    const vcd = readFileSync(wave, 'utf8');
    expect(vcd).toContain('$scope module cosim_counter $end');
    expect(vcd).toMatch(/\$var wire 100 \S+ acc_in \[99:0\] \$end/);

    const plain = await (await buildCounter({ trace: 'none' })).start({ logDir: dir });
    await expect(plain.send('wave on x.fst')).rejects.toThrow(/built without tracing/);
    await plain.close();
  });

  it('writes a .gtkw save file with grouped, formatted signals that exist in the wave', async () => {
    const dir = tempDir();
    const s = await (await buildCounter()).start({ logDir: dir });
    const wave = await s.waveOn(path.join(dir, 'view.fst'));
    await s.reset(2);
    await s.close();

    const out = await writeGtkw({
      wave,
      scope: waveScope('cosim_counter'),
      groups: [
        { name: 'Control', signals: ['clk', 'rst', 'en', 'step'] },
        { name: 'Counters', signals: ['count', { name: 'delta', format: 'signed' }, { name: 'cycles', format: 'dec' }] },
        { name: 'Accumulator', signals: ['u_acc.sum'], closed: true },
      ],
    });
    expect(out).toBe(path.join(dir, 'view.gtkw'));
    expect(readFileSync(out, 'utf8')).toBe(
      [
        '[*] GTKWave save file written by dysta-rtl cosim (writeGtkw)',
        `[dumpfile] "${wave}"`,
        `[savefile] "${out}"`,
        '[timestart] 0',
        '[size] 1400 800',
        '[sst_width] 260',
        '[signals_width] 280',
        '[sst_expanded] 1',
        '[treeopen] TOP.',
        '[treeopen] TOP.cosim_counter.',
        '[treeopen] TOP.cosim_counter.u_acc.',
        '@800200',
        '-Control',
        '@28',
        'TOP.cosim_counter.clk',
        '@28',
        'TOP.cosim_counter.rst',
        '@28',
        'TOP.cosim_counter.en',
        '@22',
        'TOP.cosim_counter.step[7:0]',
        '@1000200',
        '-Control',
        '@800200',
        '-Counters',
        '@22',
        'TOP.cosim_counter.count[31:0]',
        '@424',
        'TOP.cosim_counter.delta[15:0]',
        '@24',
        'TOP.cosim_counter.cycles[63:0]',
        '@1000200',
        '-Counters',
        '@c00200',
        '-Accumulator',
        '@22',
        'TOP.cosim_counter.u_acc.sum[99:0]',
        '@1400200',
        '-Accumulator',
        '[pattern_trace] 1',
        '[pattern_trace] 0',
        '',
      ].join('\n'),
    );

    const typo = writeGtkw({ wave, scope: 'TOP.cosim_counter', groups: [{ name: 'x', signals: ['count', 'u_acc.summ'] }] });
    await expect(typo).rejects.toThrow(CosimError);
    await expect(typo).rejects.toThrow(/has no signal named TOP\.cosim_counter\.u_acc\.summ; it has e\.g\. TOP\.clk/);
  });
});
