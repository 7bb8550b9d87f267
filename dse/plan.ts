// The plan of a DSE run: every point with its content hash, written once to `<out>/plan.json` and
// read by each `dysta dse-point` (locally or as a Slurm task on another node).
//
// A point's hash covers everything its result depends on: the full configuration (defaults
// included), the workloads (a CSV folder by the content of its files, not its path), loads, SLO
// multipliers, seeds, request count, the measurements, the versions of the tools used, and a hash
// of the project's own sources (generator, golden and float models, driver, harness). Change any of
// them and the point is measured again; `--resume` reuses a result only under the same hash.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { requireTool } from '../cosim/tools.ts';
import type { HwConfig } from '../hwgen/index.ts';
import { loadWorkload, type Workload } from '../sw-scheduler/index.ts';
import { expandSpec, SpecError, type AxisValue, type DseSpec, type MeasureSpec, type WorkloadSpec } from './spec.ts';
import { PACKAGE_ROOT } from '../input/package-files.ts';

/** Bump when what a point measures changes in a way the hashed inputs do not show. */
export const DSE_RECIPE = 'dysta-dse-point-1';
export const PLAN_FORMAT = 'dysta-dse-plan-1';

/** The package root (from the sources and from dist/ alike). */
export const PROJECT_ROOT = PACKAGE_ROOT;

/** First lines of `verilator --version` / `yosys -V` / `nextpnr-ice40 --version` for the tools a point uses. */
export interface ToolVersions {
  verilator?: string;
  yosys?: string;
  nextpnr?: string;
}

/** A workload of the plan: its spec, its label in tables, and the content hash that identifies it. */
export type WorkloadRef = WorkloadSpec & { label: string; contentSha256: string };

export interface Scenario {
  /** Index into plan.workloads. */
  workload: number;
  load: number;
  sloMult: number;
  seed: number;
}

export interface PlannedPoint {
  index: number;
  /** First 16 hex digits of the hash: names the point's files. */
  id: string;
  hash: string;
  label: string;
  axes: Record<string, AxisValue>;
  config: HwConfig;
}

export interface Plan extends HashInputs {
  format: typeof PLAN_FORMAT;
  name: string;
  description?: string;
  specPath: string;
  /** Axis names and values, in spec order (for tables and plots). */
  axes: { name: string; values: AxisValue[] }[];
  projectRoot: string;
  points: PlannedPoint[];
  skipped: { label: string; reason: string }[];
  /** Combinations that gave a configuration already in the plan (measured once). */
  duplicates: { label: string; sameAs: string }[];
}

/** JSON with object keys sorted, so equal values always hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Folders whose sources decide what a point measures: generator, driver, harness, models, the point runner. */
const SOURCE_FOLDERS = ['hwgen', 'cosim', 'fpga', 'compare', 'sw-scheduler', 'dse'];
/** Files of those folders that only plan, run or report points: editing them keeps every result valid. */
const NOT_MEASURING = new Set(['dse/run.ts', 'dse/local.ts', 'dse/slurm.ts', 'dse/executors.ts', 'dse/report.ts', 'dse/pareto.ts', 'dse/index.ts']);

/** Hash over the project's sources (path and content of every source file) and its lock file. */
export function projectSourcesHash(root = PROJECT_ROOT): string {
  const files: string[] = [];
  for (const folder of SOURCE_FOLDERS) {
    let entries: string[];
    try {
      entries = readdirSync(join(root, folder), { recursive: true }) as string[];
    } catch {
      continue;
    }
    for (const e of entries) {
      const f = join(folder, e).split('\\').join('/');
      if (/\.(ts|js|cpp|cc|h|hpp)$/.test(e) && !NOT_MEASURING.has(f)) files.push(f);
    }
  }
  files.push('package-lock.json');
  const h = createHash('sha256');
  for (const f of files.sort()) {
    let text: Buffer;
    try {
      text = readFileSync(join(root, f));
    } catch {
      continue;
    }
    h.update(`${f}\0${sha256(text)}\n`);
  }
  return h.digest('hex');
}

/** Content hash of a CSV workload folder (names and bytes of its .csv files). */
export function csvFolderHash(dir: string): string {
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.csv$/i.test(f) && statSync(join(dir, f)).isFile()).sort();
  if (files.length === 0) throw new SpecError(`CSV workload folder ${dir} holds no .csv files`);
  const h = createHash('sha256');
  for (const f of files) h.update(`${f}\0${sha256(readFileSync(join(dir, f)))}\n`);
  return h.digest('hex');
}

export function workloadLabel(w: WorkloadSpec): string {
  if (w.kind === 'csv') return relative(process.cwd(), w.dir) || w.dir;
  const options = [w.seed !== undefined ? `seed ${w.seed}` : '', w.samples !== undefined ? `${w.samples} samples` : ''].filter(Boolean);
  return options.length ? `${w.name} (${options.join(', ')})` : w.name;
}

/** Loads a workload of the spec (the zoo's own defaults for what the spec leaves out). */
export function loadWorkloadOf(w: WorkloadSpec): Workload {
  if (w.kind === 'csv') return loadWorkload({ kind: 'csv', dir: w.dir, seqLen: w.seqLen });
  return loadWorkload({ kind: 'zoo', name: w.name, ...(w.seed !== undefined ? { seed: w.seed } : {}), ...(w.samples !== undefined ? { samples: w.samples } : {}) });
}

/**
 * Content hash of a built workload's tables (every variant's samples, per-layer latency and
 * sparsity): a zoo entry is identified by what it produces, so a change to the zoo's statistics or
 * to a measured profile it reads measures the points again.
 */
export function workloadTablesHash(w: Workload): string {
  const h = createHash('sha256').update(`${w.name}\0${w.flavour}\n`);
  for (const v of w.variants) {
    h.update(`${v.name}\0${v.layers}\0${v.sampleIds.join(',')}\n`);
    h.update(new Uint8Array(v.latency.buffer, v.latency.byteOffset, v.latency.byteLength));
    h.update(new Uint8Array(v.sparsity.buffer, v.sparsity.byteOffset, v.sparsity.byteLength));
  }
  return h.digest('hex');
}

/** What identifies a workload in a hash: a zoo entry by the tables it builds, a CSV folder by its files. */
function workloadIdentity(w: WorkloadRef): unknown {
  return w.kind === 'zoo' ? { zoo: w.name, tablesSha256: w.contentSha256 } : { csvSha256: w.contentSha256, seqLen: w.seqLen };
}

/** The versions of the tools the measurements use (requireTool: a missing tool says what to install). */
export async function toolVersions(measure: MeasureSpec): Promise<ToolVersions> {
  const tools: ToolVersions = {};
  if (measure.rtl) tools.verilator = (await requireTool('verilator')).banner;
  if (measure.synth || measure.ice40) tools.yosys = (await requireTool('yosys')).banner;
  if (measure.ice40) tools.nextpnr = (await requireTool('nextpnr-ice40')).banner;
  return tools;
}

export interface HashInputs {
  /** Hash of the project's sources that produce and check the measurements. */
  sources: string;
  tools: ToolVersions;
  workloads: WorkloadRef[];
  scenarios: Scenario[];
  requests: number;
  measure: MeasureSpec;
}

export function pointHash(config: HwConfig, h: HashInputs): string {
  return sha256(
    canonicalJson({
      recipe: DSE_RECIPE,
      sources: h.sources,
      tools: h.tools,
      config,
      workloads: h.measure.rtl ? h.workloads.map(workloadIdentity) : [],
      scenarios: h.measure.rtl ? h.scenarios : [],
      requests: h.measure.rtl ? h.requests : 0,
      measure: h.measure,
    }),
  );
}

/** Expands the spec, resolves the workloads and tool versions, and hashes every point. */
export async function makePlan(spec: DseSpec, specPath: string): Promise<Plan> {
  const { points, skipped } = expandSpec(spec);
  const workloads: WorkloadRef[] = spec.workloads.map((w) => ({ ...w, label: workloadLabel(w), contentSha256: w.kind === 'csv' ? csvFolderHash(w.dir) : workloadTablesHash(loadWorkloadOf(w)) }));
  const scenarios: Scenario[] = [];
  workloads.forEach((_, workload) => {
    for (const load of spec.loads) for (const sloMult of spec.sloMults) for (const seed of spec.seeds) scenarios.push({ workload, load, sloMult, seed });
  });
  const inputs: HashInputs = { sources: projectSourcesHash(), tools: await toolVersions(spec.measure), workloads, scenarios, requests: spec.requests, measure: spec.measure };
  const planned: PlannedPoint[] = [];
  const duplicates: Plan['duplicates'] = [];
  const byHash = new Map<string, PlannedPoint>();
  for (const p of points) {
    const hash = pointHash(p.config, inputs);
    const same = byHash.get(hash);
    if (same) {
      duplicates.push({ label: p.label, sameAs: same.label });
      continue;
    }
    const point: PlannedPoint = { index: planned.length, id: hash.slice(0, 16), hash, label: p.label, axes: p.axes, config: p.config };
    byHash.set(hash, point);
    planned.push(point);
  }
  return {
    format: PLAN_FORMAT,
    name: spec.name,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    specPath,
    axes: spec.axes.map((a) => ({ name: a.name, values: a.kind === 'key' ? a.values : a.labels })),
    projectRoot: PROJECT_ROOT,
    ...inputs,
    points: planned,
    skipped,
    duplicates,
  };
}

export function readPlan(path: string): Plan {
  let plan: Plan;
  try {
    plan = JSON.parse(readFileSync(path, 'utf8')) as Plan;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SpecError(`cannot read the DSE plan ${path}: ${code === 'ENOENT' ? 'it does not exist (`dysta dse` writes it into its --out folder)' : (code ?? (err as Error).message)}`);
  }
  if (plan?.format !== PLAN_FORMAT || !Array.isArray(plan.points)) throw new SpecError(`${path} is not a DSE plan written by this version of dysta (format ${JSON.stringify(plan?.format)})`);
  return plan;
}

/** Where a point's files live in the output folder. */
export function pointPaths(outDir: string, id: string): { result: string; log: string; output: string; sessions: string } {
  return {
    result: join(outDir, 'points', `${id}.json`),
    log: join(outDir, 'logs', `${id}.log`),
    /** What the process printed, kept when it ended without a result (crash, kill, timeout). */
    output: join(outDir, 'logs', `${id}.out`),
    /** Simulator session logs, kept when a point fails. */
    sessions: join(outDir, 'logs', id),
  };
}
