// rtl-out/README.md: what an FPGA engineer needs without opening the generator: the files, every
// top's ports (from the manifest's docs), the host protocol with timing diagrams, the AXI4-Lite
// register map, the fixed-point formats of this configuration, how to tie off the simulation-only
// inputs, and how to run synthesis.
import type { HwConfig, PeArrayConfig } from '../config/index.ts';
import type { Manifest, ManifestModule } from '../hdl/index.ts';
import { peArrayWidths } from '../pe-array/rtl.ts';
import { schedulerFormats } from '../scheduler/formats.ts';
import { invK, invN } from '../scheduler/formats.ts';
import { REGISTERS, REG } from '../axi/regmap.ts';
import { clockPeriodNs } from './constraints.ts';
import { DEFAULT_PART } from './vivado.ts';
import { waveJson, type WaveDiagram } from './wavedrom.ts';

export interface ReadmeContext {
  generator: string;
  /** Main tops, in manifest order. */
  tops: readonly string[];
  /** Top -> its out-of-context wrapper. */
  wrappers: ReadonlyMap<string, string>;
  diagrams: readonly WaveDiagram[];
}

function portTable(m: ManifestModule): string[] {
  const rows = m.ports.map((p) => {
    const type = `${p.dir === 'input' ? 'in' : 'out'}${p.signed ? ', signed' : ''}`;
    const doc = p.doc ?? (p.role !== 'data' ? p.role : '');
    return `| \`${p.name}\` | ${type} | ${p.width} | ${doc.replace(/\|/g, '\\|')} |`;
  });
  return ['| port | dir | bits | meaning |', '|---|---|---:|---|', ...rows];
}

function moduleOf(manifest: Manifest, name: string): ManifestModule {
  const m = manifest.modules.find((x) => x.name === name);
  if (!m) throw new Error(`internal: ${name} is not in the manifest`);
  return m;
}

const TOP_SUMMARY: Record<string, string> = {
  npu_tile: 'the sparse PE array with its sparsity monitor (the NPU)',
  dysta_scheduler: 'the Dysta scheduler: task table, latency predictor, score unit(s), selector, host and NPU ports',
  dysta_system: 'the scheduler driving the NPU tile (the full loop on real compute)',
  dysta_scheduler_axi: 'dysta_scheduler behind an AXI4-Lite slave, for a Zynq PS master',
};

function formatsSection(config: HwConfig): string[] {
  const f = schedulerFormats(config.scheduler);
  const pe = config.peArray;
  const pw = peArrayWidths(pe);
  const beta = config.scheduler.betaPpm / 1e6;
  return [
    '## Fixed-point formats (this configuration)',
    '',
    'All scheduler quantities are unsigned; every right shift truncates; every register saturates at its',
    'largest value instead of wrapping.',
    '',
    '| quantity | format | host computes |',
    '|---|---|---|',
    `| times: \`time_now\`, deadlines, arrival / last run | ${f.timeWidth}-bit cycle count | round(seconds x ${config.scheduler.clockMHz}e6) |`,
    `| suffix sums, P (predicted remaining latency) | ${f.latencyWidth}-bit cycles | profiled average latency in cycles |`,
    `| 1/expected non-zeros of a layer | ${f.recipWidth}-bit mantissa + 6-bit shift | mant = round(2^(${f.gammaFrac} + shift) / expected), largest shift keeping mant < 2^${f.recipWidth} |`,
    `| gamma, layer ratio | ${config.scheduler.gammaIntBits}.${f.gammaFrac} (${f.gammaWidth} bits) | 1.0 = ${1n << BigInt(f.gammaFrac)} |`,
    `| 1/k table (ROM) | ${f.invKWidth} bits, ${f.invKFrac} fraction bits | round(2^${f.invKFrac} / k), e.g. k = 3: ${invK(f, 3)} |`,
    `| 1/N table (ROM) | ${f.invNWidth} bits, ${f.invNFrac} fraction bits | round(2^${f.invNFrac} / N), e.g. N = 3: ${invN(f, 3)} |`,
    `| penalty scale (\`adm_penalty_scale\`) | ${f.penaltyScaleWidth} bits, ${f.penaltyScaleFrac} fraction bits | round(f x 2^${f.penaltyScaleFrac} / isoEst_cycles), f = ${config.scheduler.clockMHz}e6 |`,
    `| idle time | ${f.idleWidth}-bit cycles | max(0, t_sel - last run) |`,
    `| urgency, penalty, their sum | ${f.termWidth} bits | in units of 2^${f.scoreShift} cycles |`,
    `| beta | ${f.betaQ} / 2^${f.betaFrac} (${f.betaWidth} bits) | round(${beta} x 2^${f.betaFrac}) |`,
    `| score (\`ev_score\`) | ${f.scoreWidth} bits, units of 2^${f.scoreShift} cycles | P + beta x (max(0, deadline - t_sel - P) + idle x scale / N); minimum wins, ties to the earliest admission |`,
    `| admission sequence number | ${f.seqWidth} bits | assigned by the block |`,
    '',
    `PE array (npu_tile): activations and requantised outputs int${pe.actWidth} (two's complement), weights`,
    `int${pe.weightWidth}, accumulators int${pe.accWidth}; output = saturate((relu && acc < 0 ? 0 : acc) >>> cfg_shift)`,
    `to int${pe.actWidth}. A layer of B stream beats takes B + 8 cycles; \`cycles\` is ${pw.cyclesWidth} bits, the`,
    `monitor counts ${pw.countWidth} bits. Multipliers (\`peArray.multiplier\` ${pe.multiplier}): ${MULTIPLIER_TEXT[pe.multiplier]};`,
    'the same cycles either way. Full derivations: hwgen/scheduler/README.md and hwgen/README.md of dysta-rtl.',
  ];
}

const MULTIPLIER_TEXT: Record<PeArrayConfig['multiplier'], string> = {
  dsp: "one per lane with input, product and output registers (a DSP's A/B, M and P registers)",
  lut: 'in LUTs, for FPGAs without multipliers: partial products of activation slices summed over the same three stages',
};

function registerMap(): string[] {
  const rows = REGISTERS.map((r) => `| 0x${r.offset.toString(16).padStart(2, '0').toUpperCase()} | ${r.name} | ${r.access === 'action' ? 'write (action)' : r.access.toUpperCase()} | ${r.doc.replace(/\|/g, '\\|')} |`);
  const hex = (o: number) => `0x${o.toString(16).padStart(2, '0').toUpperCase()}`;
  return [
    '## AXI4-Lite register map (`dysta_scheduler_axi`)',
    '',
    'A 256-byte window of 32-bit registers (`s_axi_awaddr`/`s_axi_araddr` bits [1:0] are ignored).',
    'Unmapped addresses, writes to read-only registers and reads of action registers answer SLVERR',
    '(`bresp`/`rresp` = 2) and change nothing. Wide values are little-endian word pairs (LO, HI); bits',
    'above a value\'s width read 0. The write channel buffers AW and W independently (either may come',
    'first); one write and one read are in flight at a time, so holding `bready` low stalls the next',
    'write\'s AW and W after one is buffered.',
    '',
    '| offset | register | access | meaning |',
    '|---|---|---|---|',
    ...rows,
    '',
    'Host sequences (C, `base` = the slave\'s address):',
    '',
    '```c',
    '// A command (table write or read): stage, issue, wait, read the response.',
    `while (rd(base + ${hex(REG.STATUS)}) & 1) ;            // STATUS.command busy`,
    `wr(base + ${hex(REG.CMD_OP)}, op); wr(base + ${hex(REG.CMD_ADDR)}, addr);`,
    `wr(base + ${hex(REG.CMD_DATA0)}, d0); wr(base + ${hex(REG.CMD_DATA1)}, d1); wr(base + ${hex(REG.CMD_DATA2)}, d2);`,
    `wr(base + ${hex(REG.CMD_GO)}, 1);`,
    `while (rd(base + ${hex(REG.STATUS)}) & 1) ;            // accepted (and, for a read, answered)`,
    `value = rd(base + ${hex(REG.RSP_DATA0)}) | (uint64_t)rd(base + ${hex(REG.RSP_DATA1)}) << 32;`,
    '',
    '// An admission: stage the request, submit; it stays pending while the table is full.',
    `wr(base + ${hex(REG.ADM_VARIANT)}, v); wr(base + ${hex(REG.ADM_DEADLINE_LO)}, dl); wr(base + ${hex(REG.ADM_DEADLINE_HI)}, dh);`,
    `wr(base + ${hex(REG.ADM_ARRIVAL_LO)}, al); wr(base + ${hex(REG.ADM_ARRIVAL_HI)}, ah); wr(base + ${hex(REG.ADM_SCALE_LO)}, s);`,
    `wr(base + ${hex(REG.ADM_BANK)}, bank);                // regression builds: the request's coefficient bank`,
    `wr(base + ${hex(REG.ADM_CTRL)}, 1);`,
    `while (!(rd(base + ${hex(REG.STATUS)}) & 8)) ;         // STATUS.admission accepted (or write ${hex(REG.ADM_CTRL)} = 2 to withdraw)`,
    `slot = rd(base + ${hex(REG.ADM_RESULT)}) & 0xffff;`,
    '',
    '// Events (or enable IRQ_ENABLE[0] and wait for irq).',
    `info = rd(base + ${hex(REG.EV_INFO)});                   // [31] valid, [29:28] kind, [25:16] layer, [9:0] slot`,
    `if (info >> 31) { t = rd(base + ${hex(REG.EV_TIME_LO)}); wr(base + ${hex(REG.EV_POP)}, 1); }`,
    '```',
  ];
}

function tieOffs(config: HwConfig, manifest: Manifest): string[] {
  const skip = config.scheduler.timeSkip === 1;
  const skipTops = manifest.modules.filter((m) => ['dysta_scheduler', 'dysta_system'].includes(m.name) && m.ports.some((p) => p.name === 'time_skip_en')).map((m) => `\`${m.name}\``);
  return [
    '## Simulation-only inputs and tie-offs',
    '',
    skip
      ? `- \`time_skip_en\`, \`time_skip\` (${skipTops.join(', ')}; \`scheduler.timeSkip = 1\`): let a simulation make one cycle stand for N. In hardware tie \`time_skip_en = 1'b0\` and \`time_skip = 1\`, or regenerate with \`{"scheduler": {"timeSkip": 0}}\`, which removes both ports. \`dysta_scheduler_axi\` ties them off itself; the constraints mark \`time_skip_en\` constant 0.`
      : '- `scheduler.timeSkip = 0`: this design has no simulation-only time-skip ports.',
    '- `npu_count_ext`, `npu_count` (`dysta_scheduler`, `dysta_scheduler_axi`): a trace NPU reports a layer\'s non-zero count here. With a real PE array on `npu_lane_*`, tie `npu_count_ext = 1\'b0` (then `npu_count` is unused: tie it to 0). `dysta_system` does so internally.',
    '- `rst` is synchronous and active high everywhere; hold it for at least 2 cycles.',
  ];
}

export function rtlOutReadme(manifest: Manifest, config: HwConfig, ctx: ReadmeContext): string {
  const period = clockPeriodNs(config.scheduler.clockMHz);
  const out: string[] = [
    '# rtl-out: the generated Sparse-DySta hardware',
    '',
    `Generated by ${ctx.generator} (\`npm run gen-rtl\`, or \`dysta gen-rtl --config FILE\`); every file here is`,
    'regenerated as a whole, so do not edit it by hand. Verilog-2005, one module per file; lint-clean under',
    '`verilator --lint-only -Wall` and latch-free in Yosys.',
    '',
    '## Files',
    '',
    '| file | what |',
    '|---|---|',
    '| `*.v`, `files.f` | the Verilog, one module per file; `files.f` lists them leaves first |',
    '| `manifest.json` | tops, modules, ports (direction, width, role, doc), parameters, SHA-256 of every file |',
    `| \`constraints.xdc\`, \`constraints.sdc\` | clock \`clk\` at ${config.scheduler.clockMHz} MHz (period ${period} ns), out-of-context I/O, simulation-only ports |`,
    `| \`vivado.tcl\` | non-project Vivado flow: every file of files.f, \`synth_design -mode out_of_context\` (default part ${DEFAULT_PART}), utilization and timing reports |`,
    '| `*_ooc.v` | out-of-context wrapper of each top: every port registered, fed and read by shift chains (6 pins) |',
    '| `wave-*.svg` | the timing diagrams below |',
    '',
    '## Tops',
    '',
    ...ctx.tops.map((t) => `- \`${t}\`: ${TOP_SUMMARY[t] ?? moduleOf(manifest, t).doc.split('\n')[0]} (wrapper \`${ctx.wrappers.get(t)}\`)`),
    '',
    'Parameters are baked in: each one sets a port or register width, a memory depth, a ROM\'s contents',
    'or a constant of the logic, so every module is generated for one configuration (its header and',
    '`manifest.json` list the values). To change one, regenerate with `dysta gen-rtl --config FILE`',
    '(`dysta gen-rtl --list-params` lists them); overriding a Verilog parameter could not resize the logic.',
    '',
    '## Synthesis',
    '',
    '```sh',
    'vivado -mode batch -source rtl-out/vivado.tcl                               # every top, xczu9eg, out of context',
    'vivado -mode batch -source rtl-out/vivado.tcl -tclargs -top npu_tile -part xc7z020clg400-1',
    'dysta synth --all --target xcup --json synth.json                          # Yosys, with a worst-path estimate',
    'dysta synth --top npu_tile --target ice40-up5k --bitstream                 # Yosys + nextpnr + icetime + icepack',
    '```',
    '',
    'The `*_ooc` wrappers put a flip-flop on every port of a top and feed them through two shift chains',
    '(`scan_in`/`scan_en` in, `scan_capture`/`scan_out` out), so a top with hundreds of port bits places',
    'and routes on a small package and is timed register to register. They are for measuring, not a',
    'functional interface.',
    '',
    '## Host protocol',
    '',
    'All ports are synchronous to `clk`. The command port, the admission port and the event stream are',
    'valid/ready handshakes: a transfer happens in a cycle where both are high. Commands and admissions are',
    'accepted only in the waiting states (`busy` low); a full table holds `adm_ready` low and the host keeps',
    'the request. An event is held until `ev_ready`; the block stalls while its event register is full.',
    '',
  ];
  for (const d of ctx.diagrams) {
    out.push(`### ${d.title}`, '', `![${d.title}](${d.file})`, '', '<details><summary>WaveDrom source</summary>', '', '```json', JSON.stringify(waveJson(d)), '```', '', '</details>', '');
  }
  out.push(
    'Command opcodes (`cmd_op`): 1 WRITE_VARIANT (addr = variant; data = {suffix0, nlayers}), 2 WRITE_LAYER',
    '(addr = {variant, layer}; data = {suffixNext, shift, mant}), 3 READ_TASK (addr = slot, data[3:0] = field:',
    '0 status, 1 gamma, 2 P, 3 ratio sum, 4 last run, 5 deadline, 6 score, 7 sequence, 8 penalty scale), 4',
    'READ_COUNTER (addr: 0 now, 1 decisions, 2 completions, 3 admissions, 4 admission stall cycles, 5 last',
    'decision latency, 6 valid tasks, 7 last t_sel). Event kinds (`ev_kind`): 1 decision, 2 completion.',
    '',
    ...registerMap(),
    '',
    ...formatsSection(config),
    '',
    ...tieOffs(config, manifest),
    '',
    '## Ports',
    '',
  );
  for (const t of ctx.tops) {
    const m = moduleOf(manifest, t);
    out.push(`### \`${t}\``, '', m.doc.split('\n').join(' '), '', ...portTable(m), '');
  }
  return out.join('\n');
}
