// Static checks and synthesis of a generated design folder (files.f + manifest.json), with the real
// tools: `verilator --lint-only -Wall`, and Yosys (generic `synth` or `synth_xilinx`) with a latch
// check right after `proc`, where any inferred latch would appear as a $dlatch cell.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { requireTool } from './tools.ts';

export class CheckError extends Error {
  readonly userError = true as const;
  /** A check that ran and failed (latch, multiple drivers): exit code 1. */
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'CheckError';
  }
}

function fileList(rtlDir: string): string[] {
  const dir = resolve(rtlDir);
  return readFileSync(join(dir, 'files.f'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('//') && !l.startsWith('#'))
    .map((l) => join(dir, l));
}

export interface LintResult {
  clean: boolean;
  /** Verilator's warnings and errors, empty when clean. */
  output: string;
}

/** `verilator --lint-only -Wall` on the folder's files with `top`. */
export async function lintVerilog(rtlDir: string, top: string): Promise<LintResult> {
  await requireTool('verilator');
  const r = await execa('verilator', ['--lint-only', '-Wall', '--top-module', top, ...fileList(rtlDir)], { reject: false, all: true });
  return { clean: r.exitCode === 0 && !/%Warning|%Error/.test(r.all ?? ''), output: (r.all ?? '').trim() };
}

export interface ElaborationResult {
  ok: boolean;
  /** Yosys's messages; empty when the check passes. */
  log: string;
}

/**
 * The Yosys commands every check starts with: read the files, elaborate `top`, convert processes and
 * assert that no latch was inferred and that `check -assert` finds no driver or loop problem.
 */
function latchFreeElaboration(rtlDir: string, top: string): string[] {
  return [
    `read_verilog ${fileList(rtlDir).join(' ')}`,
    `hierarchy -check -top ${top}`,
    'proc',
    'select -assert-none t:$dlatch t:$adlatch t:$dlatchsr t:$sr',
    'check -assert',
  ];
}

/**
 * Yosys elaboration check without technology mapping (quick even for large tables): `proc` must
 * infer no latch, `check -assert` must find no multiple drivers, loops or undriven wires, and
 * memories must be inferred as memories (`memory -nomap`), not as logic.
 */
export async function elaborationCheck(rtlDir: string, top: string, opts: { expectMemories?: boolean } = {}): Promise<ElaborationResult> {
  await requireTool('yosys');
  const script = [
    ...latchFreeElaboration(rtlDir, top),
    'opt -fast',
    'memory -nomap',
    'opt_clean',
    'check -assert',
    ...(opts.expectMemories ? ['select -assert-min 1 t:$mem_v2 t:$mem'] : []),
  ].join('; ');
  const r = await execa('yosys', ['-q', '-p', script], { reject: false, all: true });
  return { ok: r.exitCode === 0, log: (r.all ?? '').trim() };
}

export interface SynthResult {
  /** Cell counts by type for the flattened top. */
  cells: Record<string, number>;
  totalCells: number;
  /** Yosys's log, for diagnostics. */
  log: string;
}

export type SynthFlow = 'generic' | 'xilinx';

/**
 * Synthesises `top` with Yosys; fails (CheckError) if `proc` infers any latch or `check -assert`
 * finds a problem (multiple drivers, combinational loops, undriven wires).
 */
export async function synthesize(rtlDir: string, top: string, flow: SynthFlow = 'generic'): Promise<SynthResult> {
  await requireTool('yosys');
  const work = mkdtempSync(join(tmpdir(), 'dysta-yosys-'));
  try {
    const statPath = join(work, 'stat.json');
    const synth = flow === 'xilinx' ? `synth_xilinx -top ${top} -flatten` : `synth -top ${top} -flatten`;
    const script = [
      ...latchFreeElaboration(rtlDir, top),
      synth,
      'check -assert',
      `tee -q -o ${statPath} stat -json`,
    ].join('\n');
    const scriptPath = join(work, 'synth.ys');
    writeFileSync(scriptPath, script + '\n');
    const r = await execa('yosys', ['-q', '-l', join(work, 'yosys.log'), '-s', scriptPath], { reject: false, all: true });
    const log = readFileSync(join(work, 'yosys.log'), 'utf8');
    if (r.exitCode !== 0) {
      const latch = /select -assert-none/.test(log) && /Assertion failed/.test(log);
      throw new CheckError(`yosys ${flow} synthesis of ${top} failed${latch ? ' (a latch was inferred)' : ''}:\n${(r.all ?? '').trim().split('\n').slice(-15).join('\n')}`);
    }
    const stat = JSON.parse(readFileSync(statPath, 'utf8')) as { design: { num_cells: number; num_cells_by_type: Record<string, number> } };
    return { cells: stat.design.num_cells_by_type, totalCells: stat.design.num_cells, log };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** LUT/FF/DSP/BRAM totals from synth_xilinx cell types. */
export function xilinxResources(cells: Record<string, number>): { LUT: number; FF: number; DSP: number; BRAM: number } {
  let LUT = 0, FF = 0, DSP = 0, BRAM = 0;
  for (const [type, n] of Object.entries(cells)) {
    if (/^LUT\d$/.test(type)) LUT += n;
    else if (/^FD[CPRS]E?$/.test(type)) FF += n;
    else if (/^DSP48/.test(type)) DSP += n;
    else if (/^RAMB(18|36)/.test(type)) BRAM += n;
  }
  return { LUT, FF, DSP, BRAM };
}
