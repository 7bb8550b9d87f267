// The manifest is checked against what Verilator itself elaborates (`verilator --xml-only`).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSimulator, crossCheck, DesignError, loadDesign, readVerilatorXml } from '../../cosim/index.ts';
import { FIXTURE, fixtureCopy } from './fixture.ts';

describe('Verilator XML cross-check', () => {
  it('reads the top ports and instances from Verilator, including >64-bit and signed ports', async () => {
    const xml = await readVerilatorXml(await loadDesign(FIXTURE));
    expect(xml.name).toBe('cosim_counter');
    expect(xml.ports.map((p) => `${p.name}:${p.dir}:${p.width}${p.signed ? 's' : ''}`)).toEqual([
      'clk:input:1',
      'rst:input:1',
      'en:input:1',
      'step:input:8',
      'acc_in:input:100',
      'die:input:1',
      'halt:input:1',
      'count:output:32',
      'cycles:output:64',
      'delta:output:16s',
      'acc:output:100',
    ]);
    expect(xml.instances).toEqual([{ name: 'u_acc', module: 'wide_accumulator' }]);
  });

  it('lists every disagreement between manifest and Verilog in one error', async () => {
    const dir = fixtureCopy();
    const file = path.join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(file, 'utf8'));
    const top = m.modules[1];
    top.ports.find((p: any) => p.name === 'count').width = 31;
    top.ports.find((p: any) => p.name === 'die').dir = 'output';
    top.ports.find((p: any) => p.name === 'delta').signed = false;
    top.ports = top.ports.filter((p: any) => p.name !== 'cycles');
    top.ports.push({ name: 'ghost', dir: 'input', width: 4, signed: false, role: 'data' });
    top.instances = [{ name: 'u_acc', module: 'narrow_accumulator' }];
    writeFileSync(file, JSON.stringify(m));

    const design = await loadDesign(dir);
    const err = (() => {
      try {
        return crossCheck(design, { name: 'x', ports: [], instances: [] }), undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DesignError); // even an empty XML is reported, not crashed on

    const built = await buildSimulator({ rtlDir: dir }).catch((e: unknown) => e as Error);
    expect(built).toBeInstanceOf(DesignError);
    expect((built as Error).message).toBe(
      `manifest of ${dir} disagrees with the Verilog of top "cosim_counter":\n` +
        '  - port "die": manifest says output, Verilog says input\n' +
        '  - port "count": manifest says 31 bits, Verilog says 32\n' +
        '  - port "delta": manifest says unsigned, Verilog says signed\n' +
        '  - port "ghost" is in the manifest but not in the Verilog\n' +
        '  - port "cycles" is in the Verilog but not in the manifest\n' +
        '  - instance "u_acc": manifest says module narrow_accumulator, Verilog says wide_accumulator\n' +
        'Regenerate with `npm run gen-rtl`; if the manifest was written by hand, fix it.',
    );
  });

  it('reports Verilog that does not elaborate as a build error with Verilator\'s message', async () => {
    const dir = fixtureCopy();
    const file = path.join(dir, 'cosim_counter.v');
    const text = readFileSync(file, 'utf8').replace('assign delta', 'assign delta_typo');
    writeFileSync(file, text);
    const m = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256').update(text).digest('hex');
    m.files[1].sha256 = sha;
    m.modules[1].sha256 = sha;
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(m));
    await expect(readVerilatorXml(await loadDesign(dir))).rejects.toThrow(/verilator --xml-only failed[\s\S]*delta_typo/);
  });
});
