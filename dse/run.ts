// `dysta dse`: spec -> plan -> the points an executor runs -> the report.
//
// The output folder holds plan.json, points/<id>.json, logs/<id>.log and the report. It is created
// with the output module's marker and filled in place (never replaced as a whole), so results from
// earlier runs stay and `--resume` can reuse every point whose result has the same hash and status ok.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { checkOutputDir, ensureOutputDir, writeOutputFile } from '../output/index.ts';
import { runLocal } from './local.ts';
import { makePlan, pointPaths, type Plan } from './plan.ts';
import type { PointResult } from './point.ts';
import { writeReport, type ReportPoint } from './report.ts';
import { checkSlurm, runSlurm, type SlurmOptions } from './slurm.ts';
import { loadSpecFile } from './spec.ts';

export interface DseOptions {
  specPath: string;
  /** Default: reports/dse-<spec name>. */
  out?: string;
  executor: 'local' | 'slurm';
  resume: boolean;
  /** Local: points at once (default: cores). Slurm: the array's %N cap (default: none). */
  jobs?: number;
  slurm: Omit<SlurmOptions, 'jobs'>;
  /** Print the points and stop. */
  list: boolean;
  /** Progress (stderr). */
  log: (line: string) => void;
  /** Results (stdout). */
  print: (text: string) => void;
}

export interface DseOutcome {
  exitCode: number;
  outDir?: string;
  points: ReportPoint[];
}

function readResult(outDir: string, plan: Plan, index: number): PointResult | undefined {
  const point = plan.points[index]!;
  try {
    const r = JSON.parse(readFileSync(pointPaths(outDir, point.id).result, 'utf8')) as PointResult;
    return r.hash === point.hash ? r : undefined;
  } catch {
    return undefined;
  }
}

/** A path as the user would type it: relative to the working folder when inside it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

function listPoints(plan: Plan): string {
  const m = plan.measure;
  const lines = [
    `${plan.points.length} point(s); each measured on ${m.rtl ? `${plan.scenarios.length} trace(s)` : 'no trace'}${m.synth ? ` and synthesised (${m.synth.target}, ${m.synth.top})` : ''}${m.ice40 ? `; placed and routed on ${m.ice40.target} (${m.ice40.top}) where it matches` : ''}`,
  ];
  for (const p of plan.points) lines.push(`${String(p.index).padStart(4)}  ${p.id}  ${p.label}`);
  for (const s of plan.skipped) lines.push(`   -  (skipped)          ${s.label}: ${s.reason}`);
  return lines.join('\n') + '\n';
}

function describeResult(r: PointResult | undefined, note: string | undefined): string {
  if (!r) return `no result (${note ?? 'the process ended without writing one'})`;
  const t = r.seconds;
  const split = `total ${t.total.toFixed(1)} s: build ${t.build.toFixed(1)}, simulate ${t.simulate.toFixed(1)}, check ${t.check.toFixed(1)}, synth ${t.synth.toFixed(1)}${t.ice40 ? `, iCE40 ${t.ice40.toFixed(1)}` : ''}`;
  if (r.status === 'ok') {
    const s = r.measurements.rtl?.summary;
    const y = r.measurements.synth;
    const i = r.measurements.ice40;
    const what = [
      y ? `LUT ${y.LUT}${y.worstPath ? `, est. ${y.worstPath.estimatedMHz.toFixed(0)} MHz` : ''}` : '',
      i ? (i.fits ? `iCE40 ${i.fmaxMHz?.toFixed(1)} MHz` : 'iCE40: does not fit') : '',
      s ? `violation ${s.violationRate.toFixed(4)}, decision latency max ${s.decisionLatencyMaxCycles} cycles` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return `ok${what ? ` (${what})` : ''}, ${split}`;
  }
  return `${r.status.toUpperCase()}: ${r.error ?? ''}`;
}

export async function runDse(o: DseOptions): Promise<DseOutcome> {
  const started = performance.now();
  const spec = loadSpecFile(o.specPath);
  const out = o.out ?? join('reports', `dse-${spec.name}`);
  const plan = await makePlan(spec, resolve(o.specPath));
  if (o.list) {
    o.print(listPoints(plan));
    return { exitCode: 0, points: [] };
  }
  // The default folder's parent (reports/) is made if missing; a folder the user names must have one.
  if (o.out === undefined) mkdirSync(dirname(resolve(out)), { recursive: true });
  checkOutputDir(out, '--out');
  if (o.executor === 'slurm') o.log(`dse: ${await checkSlurm()}`);
  const outDir = ensureOutputDir(out, 'dse', '--out');
  ensureOutputDir(join(outDir, 'points'), 'dse results', 'DSE results folder');
  ensureOutputDir(join(outDir, 'logs'), 'dse logs', 'DSE logs folder');
  const planPath = join(outDir, 'plan.json');
  await writeOutputFile(planPath, JSON.stringify(plan, null, 1) + '\n', 'DSE plan');

  const reused = new Set<number>();
  if (o.resume) for (const p of plan.points) if (readResult(outDir, plan, p.index)?.status === 'ok') reused.add(p.index);
  const todo = plan.points.map((p) => p.index).filter((i) => !reused.has(i));
  // Stale files of the points about to run (ours: inside our output folder, named by their hash).
  for (const i of todo) {
    const paths = pointPaths(outDir, plan.points[i]!.id);
    for (const f of [paths.result, paths.log, paths.output]) rmSync(f, { force: true });
    rmSync(paths.sessions, { recursive: true, force: true });
  }
  const where = shown(outDir);
  o.log(`dse: ${plan.name}: ${plan.points.length} point(s)${reused.size ? `, ${reused.size} already done (--resume)` : ''}, ${todo.length} to run; results in ${where}/`);

  const controller = new AbortController();
  const abort = () => {
    // A second Ctrl-C does not wait for the clean-up.
    if (controller.signal.aborted) process.exit(130);
    o.log('dse: interrupted; stopping the points that run (results so far are kept; Ctrl-C again to quit at once)');
    controller.abort();
  };
  process.on('SIGINT', abort);
  process.on('SIGTERM', abort);
  const notes = new Map<number, string>();
  let ended = 0;
  const ctx = {
    plan,
    planPath,
    outDir,
    signal: controller.signal,
    log: o.log,
    onEnded: (index: number, note?: string) => {
      ended++;
      if (note) notes.set(index, note);
      const r = readResult(outDir, plan, index);
      const p = plan.points[index]!;
      const log = existsSync(pointPaths(outDir, p.id).log) ? pointPaths(outDir, p.id).log : pointPaths(outDir, p.id).output;
      const showLog = r ? r.status !== 'ok' : existsSync(log);
      o.log(`dse: [${ended}/${todo.length}] ${p.label}: ${describeResult(r, note)}${showLog ? `; log: ${shown(log)}` : ''}`);
    },
  };
  let workers: string;
  try {
    if (todo.length > 0) {
      if (o.executor === 'local') {
        const jobs = o.jobs ?? availableParallelism();
        workers = `${Math.min(jobs, todo.length)} worker(s) on ${availableParallelism()} core(s)`;
        await runLocal(ctx, todo, { jobs });
      } else {
        workers = `Slurm array job${o.jobs ? `, at most ${o.jobs} task(s) at once` : ''}, ${o.slurm.cpus} CPU(s) per task`;
        await runSlurm(ctx, todo, { ...o.slurm, ...(o.jobs ? { jobs: o.jobs } : {}) });
      }
    } else workers = 'nothing to run';
  } finally {
    process.off('SIGINT', abort);
    process.off('SIGTERM', abort);
  }

  const points: ReportPoint[] = plan.points.map((p) => {
    const r = readResult(outDir, plan, p.index);
    const paths = pointPaths(outDir, p.id);
    const log = relative(outDir, r || !existsSync(paths.output) ? paths.log : paths.output);
    if (!r) {
      const note = notes.get(p.index) ?? (controller.signal.aborted ? 'interrupted' : 'the process ended without writing a result');
      return { index: p.index, id: p.id, label: p.label, axes: p.axes, status: 'missing', error: note, log, reused: false };
    }
    return { index: p.index, id: p.id, label: p.label, axes: p.axes, result: r, status: r.status, ...(r.error !== undefined ? { error: r.error } : {}), log, reused: reused.has(p.index) };
  });
  const summary = await writeReport(outDir, { plan, points, executor: o.executor, workers, wallSeconds: (performance.now() - started) / 1000 });
  o.print(summary);
  o.log(`dse: report in ${where}/summary.md`);
  const failed = points.filter((p) => p.status !== 'ok').length;
  if (controller.signal.aborted) return { exitCode: 130, outDir, points };
  return { exitCode: failed ? 1 : 0, outDir, points };
}
