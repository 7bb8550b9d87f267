// The vendor files gen-rtl writes, read back: the XDC and SDC clock period is 1000 / clockMHz (computed
// here independently, for clocks that do not divide 1000 evenly), the reset and simulation-only ports
// are described, and vivado.tcl run by a real Tcl interpreter (tclsh, Vivado's commands stubbed to
// record their calls) reads every file of files.f, the XDC out of context, and synthesises every top
// out of context for the default UltraScale+ part, writing the two reports per top.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { generateDesign, parseConfig, writeDesign } from '../../hwgen/index.ts';
import { tempDir } from '../helpers.ts';

/** The period (ns) a constraints file gives the clock named clk on port clk. */
function clockPeriod(text: string): number {
  const lines = text.split('\n').filter((l) => /^\s*create_clock\b/.test(l));
  expect(lines).toHaveLength(1);
  const m = /-period\s+([\d.]+)/.exec(lines[0]!);
  expect(lines[0]).toMatch(/\[get_ports clk\]/);
  return Number(m![1]);
}

const STUBS = `
set ::calls {}
proc record {args} { lappend ::calls [concat {*}$args] }
foreach cmd {create_project read_verilog read_xdc synth_design report_utilization report_timing_summary close_project} {
    proc $cmd {args} "record $cmd {*}\\$args"
}
`;

describe('constraints and vivado.tcl', () => {
  const root = tempDir();

  it.each([
    [200, 5.0],
    [150, 6.667],
    [333, 3.003],
    [7, 142.857],
  ])('clockMHz %i gives a %f ns period in both constraint files', (mhz, period) => {
    const dir = join(root, `clk${mhz}`);
    writeDesign(generateDesign(parseConfig({ scheduler: { clockMHz: mhz } })), dir);
    const want = Math.round((1000 / mhz) * 1000) / 1000;
    expect(want).toBe(period);
    for (const f of ['constraints.xdc', 'constraints.sdc']) {
      const text = readFileSync(join(dir, f), 'utf8');
      expect(clockPeriod(text)).toBe(want);
      expect(text).toMatch(/rst is synchronous and active high/);
      expect(text).toMatch(/set_case_analysis 0 .*time_skip_en/);
      expect(text).toMatch(/set_false_path -from .*time_skip\[\*\]/);
    }
  });

  it('with timeSkip 0 the constraints say the simulation-only ports are gone', () => {
    const dir = join(root, 'noskip');
    writeDesign(generateDesign(parseConfig({ scheduler: { timeSkip: 0 } })), dir);
    for (const f of ['constraints.xdc', 'constraints.sdc']) {
      const text = readFileSync(join(dir, f), 'utf8');
      expect(text).not.toMatch(/set_case_analysis|time_skip\[/);
      expect(text).toMatch(/timeSkip = 0 removed time_skip_en \/ time_skip/);
    }
  });

  it('vivado.tcl, run by tclsh, reads every file of files.f and synthesises every top out of context', async () => {
    const dir = join(root, 'tcl');
    const config = parseConfig({ scheduler: { log2Tasks: 3 } });
    const design = generateDesign(config);
    writeDesign(design, dir);
    const files = readFileSync(join(dir, 'files.f'), 'utf8').trim().split('\n');
    const driver = join(dir, 'run-stubbed.tcl');
    const out = join(root, 'reports');
    const script = `${STUBS}
set argv {-out ${out}}
source ${join(dir, 'vivado.tcl')}
foreach c $::calls { puts $c }
`;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(driver, script);
    const r = await execa('tclsh', [driver], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    const calls = r.stdout.split('\n').filter((l) => l && !l.startsWith('vivado.tcl:'));
    const tops = ['npu_tile', 'dysta_scheduler', 'dysta_system', 'dysta_scheduler_axi'];
    const synth = calls.filter((c) => c.startsWith('synth_design'));
    expect(synth).toEqual(tops.map((t) => `synth_design -top ${t} -part xczu9eg-ffvb1156-2-e -mode out_of_context`));
    const reads = calls.filter((c) => c.startsWith('read_verilog'));
    expect(reads).toHaveLength(tops.length);
    for (const line of reads) expect(line.split(' ').slice(1)).toEqual(files.map((f) => join(dir, f)));
    expect(calls.filter((c) => c.startsWith('read_xdc'))).toEqual(tops.map(() => `read_xdc -mode out_of_context ${join(dir, 'constraints.xdc')}`));
    for (const t of tops) {
      expect(calls).toContain(`report_utilization -file ${join(out, t, 'utilization.rpt')}`);
      expect(calls).toContain(`report_timing_summary -max_paths 10 -file ${join(out, t, 'timing_summary.rpt')}`);
    }
    // Every Verilog file the design has is in files.f (so "every file of files.f" is the whole design).
    expect(files.sort()).toEqual(design.manifest.modules.map((m) => m.file).sort());

    // Options: one top, another part, the wrapper.
    writeFileSync(driver, `${STUBS}\nset argv {-top npu_tile -part xc7z020clg400-1 -ooc_wrapper -out ${out}}\nsource ${join(dir, 'vivado.tcl')}\nforeach c $::calls { puts $c }\n`);
    const r2 = await execa('tclsh', [driver], { reject: false });
    expect(r2.stdout.split('\n').filter((c) => c.startsWith('synth_design'))).toEqual(['synth_design -top npu_tile_ooc -part xc7z020clg400-1 -mode out_of_context']);
    writeFileSync(driver, `${STUBS}\nset argv {-colour red}\nsource ${join(dir, 'vivado.tcl')}\n`);
    const bad = await execa('tclsh', [driver], { reject: false, all: true });
    expect(bad.exitCode).not.toBe(0);
    expect(bad.all).toContain("unknown argument '-colour'");
  });

  it('README.md documents every top\'s ports, the register map and the diagrams it renders', () => {
    const dir = join(root, 'clk200');
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { modules: { name: string; ports: { name: string }[] }[] };
    for (const top of ['npu_tile', 'dysta_scheduler', 'dysta_system', 'dysta_scheduler_axi']) {
      expect(readme).toContain(`### \`${top}\``);
      for (const p of manifest.modules.find((m) => m.name === top)!.ports) expect(readme).toContain(`| \`${p.name}\` |`);
    }
    expect(readme).toContain('| 0x5C | ADM_CTRL |');
    for (const svg of ['wave-command.svg', 'wave-admission.svg', 'wave-events.svg', 'wave-axi-lite.svg']) {
      expect(readme).toContain(`](${svg})`);
      const text = readFileSync(join(dir, svg), 'utf8');
      expect(text).toMatch(/^<svg [^>]*class="WaveDrom"/);
      expect(text).toContain('</svg>');
    }
    expect(readme).toMatch(/time_skip_en = 1'b0/);
    expect(readme).toContain('gamma, layer ratio | 4.24 (28 bits)');
  });
});
