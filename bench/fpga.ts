// FPGA timing benchmark (issue 13): what clock the generated RTL can reach, before and after pipelining.
//   1. UltraScale+ (Yosys synth_xilinx -family xcup): the worst register-to-register path of each top at
//      the default configuration, and of dysta_scheduler at D = 9 and D = 10, as cells (LUT levels,
//      carry bits, DSPs and RAMs on it) with the estimated delay of fpga/delay-model.ts, and the most
//      DSPs + RAMs on any one register-to-register path (issue 13's goal: at most 1).
//   2. iCE40 (Yosys synth_ice40 of the <top>_ooc wrapper, nextpnr-ice40 at scheduler.clockMHz, icetime):
//      measured Fmax of a 2-lane NPU tile on UP5K and HX8K (there with peArray.multiplier 'lut') and of a
//      narrowed D = 1 scheduler on UP5K.
//   npm run bench:fpga [-- --only xcup|ice40] [-- --json FILE]
// Takes tens of minutes on a shared 2-core machine (the D = 10 synthesis and nextpnr dominate).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { synthesizeTop, type SynthReport } from '../fpga/flow.ts';
import type { TargetName } from '../fpga/devices.ts';
import { pathCells } from '../fpga/timing.ts';
import { generateDesign, parseConfig, writeDesign } from '../hwgen/index.ts';
import { checkOutputFile, writeOutputFile } from '../output/index.ts';

const { values } = parseArgs({ options: { only: { type: 'string' }, json: { type: 'string' } } });
// Before tens of minutes of work: an unwritable --json is one line and exit code 2, as in the CLI.
try {
  if (values.json) checkOutputFile(values.json, '--json');
} catch (err) {
  process.stderr.write(`bench:fpga: ${(err as Error).message}\n`);
  process.exit(2);
}

/** The narrowed D = 1 scheduler that fits an iCE40 UP5K (7 of its 8 SB_MAC16). */
export const NARROW_D1 = {
  peArray: { lanes: 2 },
  scheduler: {
    log2Tasks: 1, log2Variants: 1, log2MaxLayers: 2, latencyWidth: 16, nnzWidth: 8, recipWidth: 8, gammaIntBits: 2, gammaFracBits: 8,
    invKFracBits: 8, invNFracBits: 8, scoreWidth: 12, scoreShift: 6, idleWidth: 16, penaltyScaleWidth: 8, penaltyScaleFracBits: 0,
    betaFracBits: 8, seqWidth: 8, timeSkip: 0,
  },
};

interface Run {
  name: string;
  raw: Record<string, unknown>;
  top: string;
  target: TargetName;
}

const xcup: Run[] = [
  ...['npu_tile', 'dysta_scheduler', 'dysta_system', 'dysta_scheduler_axi'].map((top) => ({ name: 'default', raw: {}, top, target: 'xcup' as const })),
  { name: 'D=9', raw: { scheduler: { log2Tasks: 9 } }, top: 'dysta_scheduler', target: 'xcup' },
  { name: 'D=10', raw: { scheduler: { log2Tasks: 10 } }, top: 'dysta_scheduler', target: 'xcup' },
];
const ice40: Run[] = [
  { name: '2-lane NPU tile', raw: { peArray: { lanes: 2 } }, top: 'npu_tile', target: 'ice40-up5k' },
  // HX8K has no multipliers: the LUT multiplier, as `dysta synth --target ice40-hx8k --config` chooses.
  { name: '2-lane NPU tile, LUT multiplier', raw: { peArray: { lanes: 2, multiplier: 'lut' } }, top: 'npu_tile', target: 'ice40-hx8k' },
  { name: 'narrowed D=1 scheduler', raw: NARROW_D1, top: 'dysta_scheduler', target: 'ice40-up5k' },
];
const runs = values.only === 'xcup' ? xcup : values.only === 'ice40' ? ice40 : [...xcup, ...ice40];

const root = mkdtempSync(join(tmpdir(), 'bench-fpga-'));
const dirs = new Map<string, string>();
function designFor(r: Run): string {
  const key = JSON.stringify(r.raw);
  let dir = dirs.get(key);
  if (!dir) {
    dir = join(root, `d${dirs.size}`);
    writeDesign(generateDesign(parseConfig(r.raw)), dir);
    dirs.set(key, dir);
  }
  return dir;
}

const results: { run: Run; report: SynthReport }[] = [];
try {
  for (const run of runs) {
    const t0 = performance.now();
    process.stderr.write(`bench:fpga ${run.name} ${run.top} on ${run.target}...\n`);
    const report = await synthesizeTop({ rtlDir: designFor(run), top: run.top, target: run.target, log: (l) => process.stderr.write(`  ${l}\n`) });
    results.push({ run, report });
    process.stderr.write(`  ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}

const fmt = (x: number | null) => (x === null ? '—' : String(x));
const xRows = results.filter((r) => r.run.target === 'xcup');
if (xRows.length) {
  console.log('\nUltraScale+ (synth_xilinx -family xcup), worst register-to-register path, estimated:\n');
  console.log('| config | top | LUT | FF | DSP | BRAM | path delay (ns) | est. MHz | LUT levels | carry bits | DSPs on path | RAMs on path | most DSPs + RAMs on any path | from -> to |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const { run, report: r } of xRows) {
    const p = r.worstPath!;
    console.log(`| ${run.name} | ${run.top} | ${r.luts} | ${r.ffs} | ${r.dsps} | ${r.brams} | ${p.delayNs.toFixed(2)} | ${p.estimatedMHz} | ${p.lutLevels} | ${p.carryBits} | ${p.dsps} | ${p.brams + p.lutrams} | ${p.mostHardBlocks} | \`${p.from}\` -> \`${p.to}\` |`);
  }
  console.log('\nCells on each path:\n');
  for (const { run, report: r } of xRows) console.log(`- ${run.name} ${run.top}: ${pathCells(r.worstPath!)}; most DSPs + RAMs (${r.worstPath!.mostHardBlocks}): ${r.worstPath!.mostHardBlocksPath}`);
}
const iRows = results.filter((r) => r.run.target !== 'xcup');
if (iRows.length) {
  console.log('\niCE40, placed and routed by nextpnr-ice40 (clock asked: scheduler.clockMHz), measured:\n');
  console.log('| configuration | device | LUT | FF | DSP | BRAM | Fmax nextpnr (MHz) | Fmax icetime (MHz) | est. path (ns) | cells on the estimated path |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const { run, report: r } of iRows) {
    console.log(`| ${run.name} | ${r.device} | ${r.luts} | ${r.ffs} | ${r.dsps} | ${r.brams} | ${fmt(r.fmaxMHz)} | ${fmt(r.icetimeMHz)} | ${r.worstPath?.delayNs.toFixed(1) ?? '—'} | ${r.worstPath ? pathCells(r.worstPath) : r.overflow} |`);
  }
}
if (values.json) {
  await writeOutputFile(values.json, JSON.stringify(results.map(({ run, report }) => ({ config: run.name, raw: run.raw, ...report, bitstream: undefined, pnr: report.pnr })), null, 2) + '\n', '--json');
}
