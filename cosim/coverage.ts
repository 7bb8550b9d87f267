// Coverage of a design folder from Verilator's own counters: simulators built with `coverage: true`
// write one `.dat` per session (StartOptions.coverageFile); this module merges them with
// `verilator_coverage`, writes the lcov `.info`, an HTML report (Debian's lcov `genhtml`) and
// annotated sources, and summarises line and toggle coverage per module with every uncovered line.
//
// Line coverage is Verilator's `--coverage-line`: one point per procedural block and per branch arm
// (an implicit `else` included); a source line is covered when every point on it was reached.
// Continuous assignments have no line points (their wires have toggle points). Toggle coverage
// (`--coverage-toggle`) has one point per bit of every signal (memories excluded).
//
// Cost: merging and annotating take about a second; genhtml a few seconds for the whole design.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { CosimError } from './errors.ts';
import { requireTool } from './tools.ts';

export interface CoveragePoint {
  /** File basename (`pe_array.v`). */
  file: string;
  line: number;
  column: number;
  /** `line` (a block), `branch` (an if/else/case arm) or `toggle` (one bit of a signal). */
  kind: 'line' | 'branch' | 'toggle';
  /** The module the point belongs to. */
  module: string;
  /** Verilator's comment: `block`, `if`, `else`, `case`, or the signal (bit) for a toggle point. */
  comment: string;
  count: number;
}

export interface UncoveredLine {
  file: string;
  line: number;
  /** The points on the line that were never reached (e.g. `else`, `if`, `block`). */
  points: string[];
  /** The source line, trimmed. */
  text: string;
}

export interface ModuleCoverage {
  module: string;
  file: string;
  lines: { hit: number; total: number };
  linePoints: { hit: number; total: number };
  toggles: { hit: number; total: number };
  uncovered: UncoveredLine[];
  /** Signals with at least one bit that never toggled (name and how many bits). */
  untoggled: { signal: string; bits: number }[];
}

const FIELD = '\x01';
const VALUE = '\x02';

/** Parses a Verilator coverage `.dat` (SystemC::Coverage-3) into points, merging instances of a module. */
export function parseCoverageDat(text: string): CoveragePoint[] {
  const merged = new Map<string, CoveragePoint>();
  for (const raw of text.split('\n')) {
    const m = /^C '(.*)' (\d+)$/.exec(raw);
    if (!m) continue;
    const fields = new Map<string, string>();
    for (const part of m[1]!.split(FIELD)) {
      const at = part.indexOf(VALUE);
      if (at > 0) fields.set(part.slice(0, at), part.slice(at + 1));
    }
    const page = fields.get('page') ?? '';
    const slash = page.indexOf('/');
    const kindName = page.slice(0, slash);
    const kind = kindName === 'v_line' ? 'line' : kindName === 'v_branch' ? 'branch' : kindName === 'v_toggle' ? 'toggle' : undefined;
    if (!kind) continue;
    const point: CoveragePoint = {
      file: path.basename(fields.get('f') ?? ''),
      line: Number(fields.get('l') ?? 0),
      column: Number(fields.get('n') ?? 0),
      kind,
      module: page.slice(slash + 1),
      comment: fields.get('o') ?? '',
      count: Number(m[2]),
    };
    // The same point in several instances (sparsity_monitor in the tile and in the scheduler) counts once.
    const key = [point.file, point.line, point.column, point.kind, point.comment].join(FIELD);
    const seen = merged.get(key);
    if (seen) seen.count += point.count;
    else merged.set(key, point);
  }
  return [...merged.values()];
}

/** Per-module line and toggle coverage with the uncovered lines (source text from `sources`). */
export function summariseCoverage(points: readonly CoveragePoint[], sources: ReadonlyMap<string, string[]>): ModuleCoverage[] {
  const byModule = new Map<string, CoveragePoint[]>();
  for (const p of points) byModule.set(p.module, [...(byModule.get(p.module) ?? []), p]);
  const out: ModuleCoverage[] = [];
  for (const [module, pts] of [...byModule.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const linePts = pts.filter((p) => p.kind !== 'toggle');
    const togglePts = pts.filter((p) => p.kind === 'toggle');
    const lines = new Map<number, CoveragePoint[]>();
    for (const p of linePts) lines.set(p.line, [...(lines.get(p.line) ?? []), p]);
    const file = pts[0]!.file;
    const text = sources.get(file) ?? [];
    const uncovered: UncoveredLine[] = [...lines.entries()]
      .filter(([, ps]) => ps.some((p) => p.count === 0))
      .sort(([a], [b]) => a - b)
      .map(([line, ps]) => ({ file, line, points: ps.filter((p) => p.count === 0).map((p) => p.comment), text: (text[line - 1] ?? '').trim() }));
    const untoggledBits = new Map<string, number>();
    for (const p of togglePts) {
      if (p.count > 0) continue;
      const signal = p.comment.replace(/\[\d+\]$/, '');
      untoggledBits.set(signal, (untoggledBits.get(signal) ?? 0) + 1);
    }
    out.push({
      module,
      file,
      lines: { hit: lines.size - uncovered.length, total: lines.size },
      linePoints: { hit: linePts.filter((p) => p.count > 0).length, total: linePts.length },
      toggles: { hit: togglePts.filter((p) => p.count > 0).length, total: togglePts.length },
      uncovered,
      untoggled: [...untoggledBits.entries()].map(([signal, bits]) => ({ signal, bits })).sort((a, b) => a.signal.localeCompare(b.signal)),
    });
  }
  return out;
}

function percent(x: { hit: number; total: number }): string {
  return x.total ? `${((100 * x.hit) / x.total).toFixed(1)}% (${x.hit}/${x.total})` : '- (0/0)';
}

/** The per-module table and the uncovered lines, as printed by `dysta cosim --coverage`. */
export function coverageText(modules: readonly ModuleCoverage[]): string {
  const head = ['module', 'lines', 'line points', 'toggle bits'];
  const rows = modules.map((m) => [m.module, percent(m.lines), percent(m.linePoints), percent(m.toggles)]);
  const w = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const fmt = (r: string[]) => r.map((x, c) => (c === 0 ? x.padEnd(w[c]!) : x.padStart(w[c]!))).join('  ');
  const out = [fmt(head), ...rows.map(fmt)];
  const uncovered = modules.flatMap((m) => m.uncovered);
  out.push('', uncovered.length ? `uncovered lines (${uncovered.length}):` : 'uncovered lines: none');
  for (const u of uncovered) out.push(`  ${u.file}:${u.line}  [${u.points.join(', ')}]  ${u.text}`);
  return out.join('\n') + '\n';
}

/** Every file below `dir`, as [relative name, bytes]. */
function readTree(dir: string, prefix = ''): [string, Buffer][] {
  const out: [string, Buffer][] = [];
  for (const name of readdirSync(path.join(dir, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    const abs = path.join(dir, rel);
    if (statSync(abs).isDirectory()) out.push(...readTree(dir, rel));
    else out.push([rel, readFileSync(abs)]);
  }
  return out;
}

export interface CoverageReport {
  modules: ModuleCoverage[];
  /** The report folder's files: coverage.dat, coverage.info, summary.txt, summary.json, annotated/, html/. */
  files: [string, Buffer | string][];
}

/**
 * Merges the `.dat` files of every run of one design (its folder `designDir`; source paths in the
 * counters are mapped there by file name, since a cached simulator may have been built from a copy
 * elsewhere) and builds the report: merged `.dat`, lcov `.info`, HTML, annotated sources, summary.
 */
export async function coverageReport(datFiles: readonly string[], designDir: string): Promise<CoverageReport> {
  if (datFiles.length === 0) throw new CosimError('no coverage data: no simulator session wrote a .dat file');
  await requireTool('verilator_coverage');
  await requireTool('genhtml');
  const work = mkdtempSync(path.join(tmpdir(), 'dysta-coverage-'));
  try {
    const design = path.resolve(designDir);
    const inputs = datFiles.map((f, i) => {
      const text = readFileSync(f, 'latin1').replace(/\x01f\x02([^\x01']*)/g, (_m, p: string) => `${FIELD}f${VALUE}${path.join(design, path.basename(p))}`);
      const out = path.join(work, `run-${i}.dat`);
      writeFileSync(out, text, 'latin1');
      return out;
    });
    const merged = path.join(work, 'coverage.dat');
    await run('verilator_coverage', ['--write', merged, ...inputs]);
    await run('verilator_coverage', ['--write-info', path.join(work, 'coverage.info'), merged]);
    await run('verilator_coverage', ['--annotate', path.join(work, 'annotated'), '--annotate-all', '--annotate-min', '1', merged]);
    await run('genhtml', ['--quiet', '--legend', '--title', 'dysta-rtl coverage', '--output-directory', path.join(work, 'html'), path.join(work, 'coverage.info')]);
    const points = parseCoverageDat(readFileSync(merged, 'latin1'));
    const sources = new Map<string, string[]>();
    for (const f of new Set(points.map((p) => p.file))) {
      try {
        sources.set(f, readFileSync(path.join(design, f), 'utf8').split('\n'));
      } catch {
        sources.set(f, []);
      }
    }
    const modules = summariseCoverage(points, sources);
    writeFileSync(path.join(work, 'summary.txt'), coverageText(modules));
    writeFileSync(path.join(work, 'summary.json'), JSON.stringify({ design, runs: datFiles.length, modules }, null, 2) + '\n');
    for (const f of inputs) rmSync(f);
    return { modules, files: readTree(work) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function run(cmd: string, args: string[]): Promise<void> {
  const r = await execa(cmd, args, { reject: false, all: true });
  if (r.exitCode !== 0) throw new CosimError(`${cmd} ${args.slice(0, 3).join(' ')} ... failed (exit ${r.exitCode}): ${(r.all ?? '').trim().split('\n').slice(-5).join(' / ')}`);
}
