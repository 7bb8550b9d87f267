// Mutation coverage of a design folder, the way YosysHQ's mcy measures it, with Yosys's own `mutate`
// command: the top is flattened, `mutate -list N -seed S` picks N mutations spread evenly over the
// design (inverted, stuck-at-0/1 and conditionally flipped bits of cell outputs and inputs), and all
// of them are applied into ONE netlist, each active when an extra input `mutsel` equals its number
// (0: the design as generated). So a single Verilator build (cached) serves every mutant: a run
// holds `mutsel` at the mutant's number, and the regression either fails (killed) or passes
// (survived). This module knows nothing of the regression: the caller passes a function that runs
// it on a design folder with `mutsel` held.
//
// Cost: Yosys takes a few seconds; one Verilator build of the flattened netlist (tens of seconds);
// then one regression run per mutant, `jobs` at a time.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { loadDesign, sha256Hex, type Manifest } from './design.ts';
import { CosimError } from './errors.ts';
import { requireTool } from './tools.ts';

/** Name of the input that selects the active mutant (0 = none). */
export const MUTANT_SELECT = 'mutsel';

/** Memory ports Yosys 0.23 cannot write as logic (a mutation there aborts `write_verilog`). */
const UNSUPPORTED_PORT = / -port (RD_SRST|RD_ARST|RD_CLK|WR_CLK) /;

/**
 * Whether Yosys 0.23 can write the netlist with this mutation: not a memory's read reset or clocks,
 * and not the enable of an asynchronous read port (it must stay 1: `write_verilog` asserts it).
 */
function writable(line: string, cells: Map<string, CellInfo>): boolean {
  if (UNSUPPORTED_PORT.test(line)) return false;
  const en = / -cell (\S+) -port RD_EN -portbit (\d+) /.exec(line);
  if (!en) return true;
  const clocked = cells.get(en[1]!)?.params.get('RD_CLK_ENABLE');
  return clocked !== undefined && clocked[Number(en[2])] === '1';
}

export interface Mutant {
  /** Its `mutsel` value, 1..N. */
  id: number;
  /** mutate's mode: inv, const0, const1, cnot0, cnot1. */
  mode: string;
  /** The cell mutated (flattened name) and its port and bit. */
  cell: string;
  port: string;
  portbit: number;
  ctrlbit?: number;
  /** The signal at the mutated bit, as `wire[bit]` (for a reader). */
  signal: string;
  /** The generated module the cell came from (from the cell's `src` attribute). */
  module: string;
  /** Where in the generated Verilog: `file:line.col-line.col` of the cell. */
  location: string;
  /** The mutation as Yosys spells it (without `-ctrl`): the key of the equivalent-mutant list. */
  mutation: string;
  /** Set when the netlist alone proves the mutant equivalent (a bit forced to the constant it is). */
  equivalentBecause?: string;
}

export interface MutantDesign {
  /** Design folder of the mutated netlist (`<top>.v`, files.f, manifest.json). */
  dir: string;
  top: string;
  mutants: Mutant[];
  selectWidth: number;
  /** Yosys's working files (script, listing, logs). */
  workDir: string;
  /**
   * SHA-256 over the Verilog files Yosys read, the top's hierarchy (names and hashes): Yosys's cell
   * names ($procmux$891) are numbered across all of them, so a reviewed equivalent mutant holds for
   * this hash only.
   */
  designHash: string;
}

function bitsFor(n: number): number {
  let w = 1;
  while (2 ** w <= n) w++;
  return w;
}

/** The files (normalised relative paths) of `top` and every module under it, from the manifest. */
function hierarchyFiles(manifest: Manifest, top: string): Set<string> {
  const byName = new Map(manifest.modules.map((m) => [m.name, m]));
  const files = new Set<string>();
  const seen = new Set<string>();
  const visit = (name: string) => {
    const m = byName.get(name);
    if (!m || seen.has(name)) return;
    seen.add(name);
    files.add(path.normalize(m.file));
    for (const i of m.instances) visit(i.module);
  };
  visit(top);
  return files;
}

/** Runs a Yosys script in `cwd`; the script and its log are kept as `<base>.ys` / `<base>.log`. */
async function yosys(cwd: string, script: string, base: string): Promise<void> {
  writeFileSync(`${base}.ys`, script);
  const r = await execa('yosys', ['-q', '-l', `${base}.log`, '-s', `${base}.ys`], { cwd, reject: false, all: true });
  if (r.exitCode !== 0) throw new CosimError(`yosys failed (exit ${r.exitCode}); log: ${base}.log\n${(r.all ?? '').trim().split('\n').slice(-8).join('\n')}`);
}

/** The `src` of every instance of a user module (cell type `\\name`) in an unflattened RTLIL dump. */
function instanceSources(rtlil: string): Set<string> {
  const out = new Set<string>();
  let src: string | undefined;
  for (const line of rtlil.split('\n')) {
    const t = line.trim();
    const a = /^attribute \\src "(.*)"$/.exec(t);
    if (a) src = a[1];
    else if (/^cell \\/.test(t)) {
      if (src) for (const part of src.split('|')) out.add(part);
      src = undefined;
    } else if (!t.startsWith('attribute ')) src = undefined;
  }
  return out;
}

interface CellInfo {
  /** The `src` attribute (the attribute lines precede the cell line). */
  src?: string;
  /** Ports connected to a constant, as its bits (least significant first). */
  constants: Map<string, string>;
  /** Constant bit-vector parameters (least significant bit first), e.g. a memory's RD_CLK_ENABLE. */
  params: Map<string, string>;
}

/** The cells of an RTLIL dump: where each is written, and which of its ports are constants. */
function readCells(rtlil: string): Map<string, CellInfo> {
  const out = new Map<string, CellInfo>();
  let src: string | undefined;
  let cell: CellInfo | undefined;
  for (const line of rtlil.split('\n')) {
    const t = line.trim();
    const a = /^attribute \\src "(.*)"$/.exec(t);
    if (cell) {
      if (t === 'end') cell = undefined;
      else {
        // connect \B 8'10000000: a constant, most significant bit first.
        const c = /^(connect|parameter) \\(\S+) (\d+)'([01xz]+)$/.exec(t);
        if (c) (c[1] === 'connect' ? cell.constants : cell.params).set(c[2]!, [...c[4]!].reverse().join(''));
      }
    } else if (a) src = a[1];
    else if (t.startsWith('cell ')) {
      cell = { src, constants: new Map(), params: new Map() };
      // `mutate` names a public cell without RTLIL's leading backslash (`u_table.u_bank.task_seq`).
      out.set(t.split(/\s+/)[2]!.replace(/^\\/, ''), cell);
      src = undefined;
    } else if (!t.startsWith('attribute ')) src = undefined;
  }
  return out;
}

/** Parses one `mutate -ctrl mutsel W K -mode ...` line of `mutate -list`. */
function parseMutation(line: string, cells: Map<string, CellInfo>, instances: Set<string>): Mutant {
  const tok = line.trim().split(/\s+/);
  const opt = new Map<string, string>();
  let id = -1;
  const kept: string[] = [];
  for (let i = 1; i < tok.length; i++) {
    const k = tok[i]!;
    if (k === '-ctrl') {
      id = Number(tok[i + 3]);
      i += 3;
    } else if (k.startsWith('-')) {
      const v = tok[i + 1] ?? '';
      // -src is repeated, one per source location of the cell: keep them all, `|`-joined as in RTLIL.
      opt.set(k, k === '-src' && opt.has(k) ? `${opt.get(k)}|${v}` : (opt.get(k) ?? v));
      if (!['-src', '-wire', '-wirebit'].includes(k)) kept.push(k, v);
      i++;
    }
  }
  const cell = opt.get('-cell') ?? '';
  const info = cells.get(cell);
  // A flattened cell's src lists the instances it came through as well as its own statement(s), in
  // an order that depends on the nesting: drop the instances; the last remaining part is the cell.
  const src = info?.src ?? opt.get('-src') ?? '';
  const own = src.split('|').filter((part) => !instances.has(part));
  const mode = opt.get('-mode') ?? '?';
  const port = opt.get('-port') ?? '';
  const portbit = Number(opt.get('-portbit') ?? 0);
  // Forcing a bit to the constant it already is changes nothing.
  const constBit = info?.constants.get(port)?.[portbit];
  const constant = (mode === 'const0' && constBit === '0') || (mode === 'const1' && constBit === '1') ? constBit : undefined;
  const location = own.at(-1) ?? src.split('|').at(-1) ?? '';
  const wire = opt.get('-wire');
  return {
    id,
    mode,
    cell,
    port,
    portbit,
    ...(constant !== undefined ? { equivalentBecause: `the ${port}[${portbit}] input of the cell is the constant ${constant} already` } : {}),
    ...(opt.has('-ctrlbit') ? { ctrlbit: Number(opt.get('-ctrlbit')) } : {}),
    signal: wire ? `${wire}[${opt.get('-wirebit') ?? 0}]` : `${cell}.${opt.get('-port')}[${opt.get('-portbit')}]`,
    module: path.basename(location.split(':')[0] ?? '', '.v') || '?',
    location,
    mutation: kept.join(' '),
  };
}

/**
 * Lists `count` mutations of `top` (seeded) and writes the netlist holding all of them, selectable
 * by `mutsel`, as a design folder in `outDir` (replaced if it exists: it is scratch).
 */
export async function createMutants(o: { rtlDir: string; top: string; count: number; seed: number; outDir: string; log?: (l: string) => void }): Promise<MutantDesign> {
  await requireTool('yosys');
  if (!(Number.isInteger(o.count) && o.count >= 1 && o.count <= 100_000)) throw new CosimError(`the number of mutants must be from 1 to 100000, not ${o.count}`);
  const design = await loadDesign(o.rtlDir, o.top);
  const workDir = path.join(o.outDir, 'yosys');
  const dir = path.join(o.outDir, 'design');
  mkdirSync(workDir, { recursive: true });
  mkdirSync(dir, { recursive: true });
  // Only the files of the top's own hierarchy are read: Yosys numbers its cells ($procmux$891)
  // across everything it reads, so the mutants and the reviewed equivalent list of one top stay as
  // they are when another top's Verilog changes. Relative paths, so src attributes read
  // `pe_array.v:197.20-197.92`.
  const own = hierarchyFiles(design.manifest, o.top);
  const read = design.files.filter((f) => own.has(path.normalize(f.rel)));
  const files = read.map((f) => path.relative(design.dir, f.abs));
  // Yosys 0.23 cannot write a memory whose read-port reset or clock, or an asynchronous read port's
  // enable, became logic, so mutations of those are left out; the list is drawn again, larger, until `count` remain. (The list is
  // drawn in the same Yosys run as the flattening: the sampling depends on the design's order in
  // memory, which a design read back from RTLIL does not keep.)
  let listed = o.count;
  let lines: string[] = [];
  let cells = new Map<string, CellInfo>();
  for (let attempt = 0; attempt < 4; attempt++) {
    o.log?.(`mutate: listing ${listed} mutations of ${o.top} (yosys mutate -list ${listed} -seed ${o.seed})`);
    await yosys(
      design.dir,
      [
        `read_verilog ${files.join(' ')}`,
        `hierarchy -check -top ${o.top}`,
        `prep -top ${o.top}`,
        `write_rtlil ${path.join(workDir, 'hierarchy.il')}`,
        'flatten',
        'opt_clean',
        `write_rtlil ${path.join(workDir, 'design.il')}`,
        `mutate -list ${listed} -seed ${o.seed} -ctrl ${MUTANT_SELECT} ${bitsFor(listed)} 1 -o ${path.join(workDir, 'mutations-all.ys')} -s ${path.join(workDir, 'sources.txt')}`,
        '',
      ].join('\n'),
      path.join(workDir, 'list'),
    );
    const all = readFileSync(path.join(workDir, 'mutations-all.ys'), 'utf8').split('\n').filter((l) => l.startsWith('mutate '));
    cells = readCells(readFileSync(path.join(workDir, 'design.il'), 'utf8'));
    lines = all.filter((l) => writable(l, cells)).slice(0, o.count);
    if (lines.length >= o.count || all.length < listed) break;
    listed += o.count - lines.length;
  }
  const instances = instanceSources(readFileSync(path.join(workDir, 'hierarchy.il'), 'utf8'));
  const mutants = lines.map((l) => parseMutation(l, cells, instances));
  if (mutants.length === 0) throw new CosimError(`yosys listed no mutations for ${o.top}`);
  const width = bitsFor(listed);
  writeFileSync(path.join(workDir, 'mutations.ys'), lines.join('\n') + '\n');
  o.log?.(`mutate: writing the netlist with ${mutants.length} mutants behind ${MUTANT_SELECT} (${width} bits)`);
  const netlist = `${o.top}.v`;
  await yosys(workDir, ['read_rtlil design.il', 'script mutations.ys', `write_verilog -noattr ${path.join(dir, netlist)}`, ''].join('\n'), path.join(workDir, 'apply'));
  writeFileSync(path.join(dir, netlist), keepRegisterNames(readFileSync(path.join(dir, netlist), 'utf8')));
  writeMutantManifest(design.manifest, o.top, dir, netlist, width);
  const designHash = sha256Hex(read.map((f) => `${f.rel} ${f.sha256}`).join('\n'));
  return { dir, top: o.top, mutants, selectWidth: width, workDir, designHash };
}

const IDENT = /\\\S+|[A-Za-z_][A-Za-z0-9_$]*/g;

/**
 * Gives a flip-flop that a mutation of its output split off its name back: Yosys writes such a
 * register as an anonymous `reg [23:0] _3675_;` and the named signal as a wire assembled from it and
 * the mutated bits (`assign { ctr_completions_lo[23:9], _0114_, ctr_completions_lo[7:0] } = _3675_;`).
 * The register is renamed to the signal's name and the wire to `<name>_mutated`, the same netlist
 * otherwise, so the harness can preset the register by its name (BuildOptions.writable) in a
 * mutant netlist as in the generated design. A pattern that does not match exactly is left alone.
 */
export function keepRegisterNames(verilog: string): string {
  const regs = new Map<string, number>();
  for (const m of verilog.matchAll(/^\s*reg (?:\[(\d+):0\] )?(_\d+_);$/gm)) regs.set(m[2]!, m[1] === undefined ? 1 : Number(m[1]) + 1);
  const widthOf = new Map<string, number>();
  for (const m of verilog.matchAll(/^\s*(?:wire|reg) (?:\[(\d+):0\] )?(\\\S+|[A-Za-z_][\w$]*) ?;$/gm)) widthOf.set(m[2]!, m[1] === undefined ? 1 : Number(m[1]) + 1);
  // Ports keep their names (the harness binds them).
  const ports = new Set([...verilog.matchAll(/^\s*(?:input|output|inout) (?:\[\d+:\d+\] )?(\\\S+|[A-Za-z_][\w$]*) ?;$/gm)].map((m) => m[1]!));
  const rename = new Map<string, string>();
  for (const m of verilog.matchAll(/^\s*assign \{ (.*) \} = (_\d+_);$/gm)) {
    const reg = m[2]!;
    const width = regs.get(reg);
    if (width === undefined) continue;
    // Parts MSB first: slices of one signal at their own bit positions, and single fresh bits.
    let signal: string | undefined;
    let pos = width;
    let fresh = 0;
    let ok = true;
    for (const part of m[1]!.split(/, /)) {
      const slice = /^(\\\S+|[A-Za-z_][\w$]*) ?\[(\d+)(?::(\d+))?\]$/.exec(part);
      if (slice) {
        const hi = Number(slice[2]);
        const lo = slice[3] === undefined ? hi : Number(slice[3]);
        if ((signal !== undefined && signal !== slice[1]) || hi !== pos - 1) ok = false;
        signal = slice[1];
        pos = lo;
      } else if (/^_\d+_$/.test(part) && widthOf.get(part) === 1) {
        pos -= 1;
        fresh++;
      } else ok = false;
    }
    if (!ok || pos !== 0 || signal === undefined || fresh === 0 || ports.has(signal) || widthOf.get(signal) !== width || rename.has(signal)) continue;
    const mutated = `${signal}_mutated`;
    if (widthOf.has(mutated)) continue;
    rename.set(signal, mutated);
    rename.set(reg, signal);
  }
  if (rename.size === 0) return verilog;
  // An escaped identifier ends at white space: the new name keeps one after it.
  return verilog.replace(IDENT, (id) => {
    const to = rename.get(id);
    return to === undefined ? id : to.startsWith('\\') ? `${to} ` : to;
  });
}

/**
 * manifest.json + files.f for the flattened, mutated top: its ports as generated plus `mutsel`, no
 * instances, the generator's parameters (drivers read them), and the parameter-only entries of the
 * other modules for drivers that read those (e.g. the monitor's lanes).
 */
function writeMutantManifest(original: Manifest, top: string, dir: string, netlist: string, width: number): void {
  const text = readFileSync(path.join(dir, netlist));
  const sha = sha256Hex(text);
  const topEntry = original.modules.find((m) => m.name === top)!;
  const manifest: Manifest & { mutantSelect: string } = {
    generator: `${original.generator} (flattened and mutated by yosys mutate)`,
    generatorVersion: original.generatorVersion,
    config: original.config,
    tops: [top],
    files: [{ path: netlist, sha256: sha }],
    mutantSelect: MUTANT_SELECT,
    modules: [
      {
        ...topEntry,
        file: netlist,
        sha256: sha,
        // Yosys writes every port unsigned; the values are the same bits.
        ports: [...topEntry.ports.map((p) => ({ ...p, signed: false })), { name: MUTANT_SELECT, dir: 'input', width, signed: false, role: 'data' }],
        instances: [],
      },
      ...original.modules.filter((m) => m.name !== top).map((m) => ({ ...m, file: netlist, sha256: sha, instances: [] })),
    ],
  };
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  writeFileSync(path.join(dir, 'files.f'), `${netlist}\n`);
}

export type MutantStatus = 'killed' | 'survived' | 'equivalent';

export interface MutantResult extends Mutant {
  status: MutantStatus;
  /** The first failing check (killed), or the reviewed reason (equivalent). */
  detail: string;
  seconds: number;
}

/** What the regression says about one `mutsel` value: failed (with the first failure) or passed. */
export type RegressionVerdict = { failed: false } | { failed: true; detail: string };

/** A reviewed equivalent mutant: the same behaviour as the design, so no test can kill it. */
export interface EquivalentEntry {
  top: string;
  mutation: string;
  reason: string;
  /** `default`: the reason holds for the default configuration only (the caller filters). */
  config?: string;
  /** The `designHash` of the Verilog it was reviewed on: it applies to that Verilog only. */
  design?: string;
}

/** Reads a reviewed list `{ "mutants": [{ "top", "mutation", "reason" }] }`; a missing file is an empty list. */
export function readEquivalents(file: string): EquivalentEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new CosimError(`equivalent-mutant list ${file} is not valid JSON (${(err as Error).message})`);
  }
  const list = (raw as { mutants?: unknown }).mutants;
  if (!Array.isArray(list)) throw new CosimError(`equivalent-mutant list ${file} must be {"mutants": [...]}`);
  return list.map((e, i) => {
    const x = e as Partial<EquivalentEntry>;
    if (typeof x.top !== 'string' || typeof x.mutation !== 'string' || typeof x.reason !== 'string' || x.reason.trim() === '') {
      throw new CosimError(`equivalent-mutant list ${file}, entry ${i}: needs "top", "mutation" and a non-empty "reason"`);
    }
    return { top: x.top, mutation: x.mutation, reason: x.reason, ...(typeof x.config === 'string' ? { config: x.config } : {}), ...(typeof x.design === 'string' ? { design: x.design } : {}) };
  });
}

/** The reviewed entries that hold for this top and this Verilog (entries without a hash hold for any). */
export function applicableEquivalents(entries: readonly EquivalentEntry[], design: Pick<MutantDesign, 'top' | 'designHash'>): EquivalentEntry[] {
  return entries.filter((e) => e.top === design.top && (e.design === undefined || e.design === design.designHash));
}

/**
 * Runs `regress(mutsel)` for every mutant, `jobs` at a time, after checking that the unmutated
 * netlist (mutsel = 0) passes. Reviewed equivalent mutants are not run.
 */
export async function runMutants(o: {
  design: MutantDesign;
  regress: (select: number) => Promise<RegressionVerdict>;
  jobs: number;
  equivalents?: readonly EquivalentEntry[];
  onResult?: (r: MutantResult, done: number, total: number) => void;
}): Promise<MutantResult[]> {
  const baseline = await o.regress(0);
  if (baseline.failed) {
    throw new CosimError(`the regression fails on the unmutated netlist (mutsel = 0), so no mutant can be judged: ${baseline.detail}`);
  }
  const equivalent = new Map(applicableEquivalents(o.equivalents ?? [], o.design).map((e) => [e.mutation, e.reason]));
  const results: MutantResult[] = new Array(o.design.mutants.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      const m = o.design.mutants[i];
      if (!m) return;
      const t0 = performance.now();
      const reason = m.equivalentBecause ?? equivalent.get(m.mutation);
      let r: MutantResult;
      if (reason !== undefined) r = { ...m, status: 'equivalent', detail: reason, seconds: 0 };
      else {
        const v = await o.regress(m.id);
        r = { ...m, status: v.failed ? 'killed' : 'survived', detail: v.failed ? v.detail : '', seconds: (performance.now() - t0) / 1000 };
      }
      results[i] = r;
      o.onResult?.(r, ++done, o.design.mutants.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.jobs) }, worker));
  return results;
}

export interface ModuleScore {
  module: string;
  mutants: number;
  killed: number;
  survived: number;
  equivalent: number;
  /** killed / (killed + survived); 1 when every mutant is equivalent. */
  score: number;
}

export interface MutationSummary {
  top: string;
  seed: number;
  score: number;
  killed: number;
  survived: number;
  equivalent: number;
  modules: ModuleScore[];
  mutants: MutantResult[];
}

function scoreOf(killed: number, survived: number): number {
  return killed + survived === 0 ? 1 : killed / (killed + survived);
}

export function summariseMutants(top: string, seed: number, results: readonly MutantResult[]): MutationSummary {
  const count = (rs: readonly MutantResult[], s: MutantStatus) => rs.filter((r) => r.status === s).length;
  const byModule = new Map<string, MutantResult[]>();
  for (const r of results) byModule.set(r.module, [...(byModule.get(r.module) ?? []), r]);
  const modules = [...byModule.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([module, rs]) => ({ module, mutants: rs.length, killed: count(rs, 'killed'), survived: count(rs, 'survived'), equivalent: count(rs, 'equivalent'), score: scoreOf(count(rs, 'killed'), count(rs, 'survived')) }));
  const killed = count(results, 'killed');
  const survived = count(results, 'survived');
  return { top, seed, score: scoreOf(killed, survived), killed, survived, equivalent: count(results, 'equivalent'), modules, mutants: [...results] };
}

/** The per-module table and the surviving mutants with their place in the generated Verilog. */
export function mutationText(s: MutationSummary): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const head = ['module', 'mutants', 'killed', 'survived', 'equivalent', 'score'];
  const rows = [...s.modules.map((m) => [m.module, String(m.mutants), String(m.killed), String(m.survived), String(m.equivalent), pct(m.score)]), ['total', String(s.mutants.length), String(s.killed), String(s.survived), String(s.equivalent), pct(s.score)]];
  const w = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const fmt = (r: string[]) => r.map((x, c) => (c === 0 ? x.padEnd(w[c]!) : x.padStart(w[c]!))).join('  ');
  const out = [fmt(head), ...rows.map(fmt)];
  const survivors = s.mutants.filter((m) => m.status === 'survived');
  out.push('', survivors.length ? `surviving mutants (${survivors.length}):` : 'surviving mutants: none');
  for (const m of survivors) out.push(`  #${m.id}  ${m.mode.padEnd(6)} ${m.signal}  at ${m.location}`);
  return out.join('\n') + '\n';
}
