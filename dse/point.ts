// One DSE point, start to end: generate the RTL of its configuration, run every scenario (workload x
// load x SLO multiplier x seed) through the scheduler RTL with the golden and float models beside it,
// synthesise (and place and route on iCE40), and write one JSON result plus a log. This is what `dysta dse-point` runs, locally or
// as a Slurm task; a failure is recorded in the result (status, error, log) instead of thrown, so
// one point never stops the others.
//
// Costs: generation ~0.1 s; the Verilator build of the scheduler ~20 s cold (ccache and the
// content-addressed cache make it ~0.2-3 s afterwards); a trace run of a few hundred requests ~1 s
// of simulation plus the golden model; synth_xilinx ~30 s at D = 1 to minutes at D = 9, nextpnr on
// iCE40 10-60 s (both cached by content).
import { mkdtempSync, renameSync, rmSync, cpSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDesign, writeDesign } from '../hwgen/index.ts';
import { writeOutputFile, ensureOutputDir } from '../output/index.ts';
import type { Workload } from '../sw-scheduler/index.ts';
import { csvFolderHash, loadWorkloadOf, pointHash, pointPaths, projectSourcesHash, readPlan, toolVersions, workloadTablesHash, type Plan, type PlannedPoint, type ToolVersions, type WorkloadRef } from './plan.ts';
import { openRtl, prepareTrace, runTraceOnRtl, type RunMetrics, type TraceRunResult } from './rtl-trace.ts';
import { measureSynthesis, type SynthMeasurement } from './synth.ts';
import { configMatches } from './spec.ts';

export const RESULT_FORMAT = 'dysta-dse-point-1';

export interface RtlRun {
  workload: string;
  load: number;
  sloMult: number;
  seed: number;
  requests: number;
  decisions: number;
  agreement: TraceRunResult['agreement'];
  logsIdentical: boolean;
  firstDifference?: string;
  metrics: TraceRunResult['metrics'];
  decisionLatency: TraceRunResult['decisionLatency'];
  refusals: number;
  simCycles: number;
}

/** Means over a point's scenarios (violation rate, ANTT, STP of the RTL and of the float model). */
export interface RtlSummary {
  violationRate: number;
  antt: number;
  stp: number;
  floatViolationRate: number;
  floatAntt: number;
  /** Lowest fraction of identical RTL/golden decisions over the runs (1 = every decision equal). */
  rtlVsGolden: number;
  /** Mean lockstep agreement of the fixed-point selector with the float policy. */
  goldenVsFloat: number;
  decisionLatencyMeanCycles: number;
  decisionLatencyMaxCycles: number;
  decisions: number;
  refusals: number;
  simCycles: number;
}

export type PointStatus = 'ok' | 'failed' | 'mismatch';

export interface PointSeconds {
  generate: number;
  build: number;
  simulate: number;
  /** Trace generation, the golden model's expected log, the float model and the comparisons. */
  check: number;
  synth: number;
  /** iCE40 synthesis, place and route. */
  ice40: number;
  total: number;
}

export interface PointResult {
  format: typeof RESULT_FORMAT;
  index: number;
  id: string;
  hash: string;
  label: string;
  axes: PlannedPoint['axes'];
  config: PlannedPoint['config'];
  status: PointStatus;
  error?: string;
  measurements: { rtl?: { runs: RtlRun[]; summary: RtlSummary }; synth?: SynthMeasurement; ice40?: SynthMeasurement };
  seconds: PointSeconds;
  cached: { build: boolean; synth: boolean; ice40: boolean };
  tools: ToolVersions;
  host: string;
  executor: string;
  finishedAt: string;
  /** The point's log, relative to the output folder. */
  log: string;
}

/** The part of a result that must not depend on where, when or by which executor it was measured. */
export function comparableResult(r: PointResult): Pick<PointResult, 'hash' | 'label' | 'axes' | 'config' | 'status' | 'error' | 'measurements'> {
  return { hash: r.hash, label: r.label, axes: r.axes, config: r.config, status: r.status, ...(r.error !== undefined ? { error: r.error } : {}), measurements: r.measurements };
}

function summarise(runs: RtlRun[]): RtlSummary {
  const mean = (f: (r: RtlRun) => number) => runs.reduce((a, r) => a + f(r), 0) / runs.length;
  const sum = (f: (r: RtlRun) => number) => runs.reduce((a, r) => a + f(r), 0);
  const latencySamples = sum((r) => r.decisionLatency.samples);
  return {
    violationRate: mean((r) => r.metrics.rtl.violationRate),
    antt: mean((r) => r.metrics.rtl.antt),
    stp: mean((r) => r.metrics.rtl.stp),
    floatViolationRate: mean((r) => r.metrics.float.violationRate),
    floatAntt: mean((r) => r.metrics.float.antt),
    rtlVsGolden: Math.min(...runs.map((r) => r.agreement.rtlVsGolden)),
    goldenVsFloat: mean((r) => r.agreement.goldenVsFloat),
    decisionLatencyMeanCycles: latencySamples ? sum((r) => r.decisionLatency.meanCycles * r.decisionLatency.samples) / latencySamples : 0,
    decisionLatencyMaxCycles: Math.max(...runs.map((r) => r.decisionLatency.maxCycles)),
    decisions: sum((r) => r.decisions),
    refusals: sum((r) => r.refusals),
    simCycles: sum((r) => r.simCycles),
  };
}

/** Checks that this machine measures what the plan hashed: same sources and tool versions. */
async function checkSameEnvironment(plan: Plan, point: PlannedPoint): Promise<ToolVersions> {
  const tools = await toolVersions(plan.measure);
  const sources = projectSourcesHash();
  const differs: string[] = [];
  if (sources !== plan.sources) differs.push(`the project's sources (hash ${sources.slice(0, 12)} here, ${plan.sources.slice(0, 12)} in the plan)`);
  for (const k of Object.keys(plan.tools) as (keyof ToolVersions)[]) {
    if (tools[k] !== plan.tools[k]) differs.push(`${k} ("${tools[k] ?? 'missing'}" here, "${plan.tools[k]}" in the plan)`);
  }
  if (differs.length) {
    throw new Error(`this machine (${hostname()}) differs from the one that planned the run: ${differs.join('; ')}. Every node must see the same project checkout and tool versions`);
  }
  if (pointHash(point.config, plan) !== point.hash) throw new Error('the point does not match its hash in the plan; the plan file was edited');
  return tools;
}

/** Loads a workload of the plan, checking that it is still what the plan hashed (a node sees the same data). */
function loadPlannedWorkload(ref: WorkloadRef): Workload {
  const workload = loadWorkloadOf(ref);
  const now = ref.kind === 'csv' ? csvFolderHash(ref.dir) : workloadTablesHash(workload);
  if (now !== ref.contentSha256) {
    throw new Error(`workload ${ref.label} differs from the one the plan hashed (content ${now.slice(0, 12)} here, ${ref.contentSha256.slice(0, 12)} in the plan); run \`dysta dse\` again so the plan measures what is there now`);
  }
  return workload;
}

export interface RunPointOptions {
  executor: string;
  /** Progress lines (stdout of `dysta dse-point`). */
  print?: (line: string) => void;
}

/** Runs point `index` of the plan in `planPath`; writes its result and log next to the plan. */
export async function runPoint(planPath: string, index: number, options: RunPointOptions): Promise<PointResult> {
  const plan = readPlan(planPath);
  const point = plan.points[index];
  if (!point) throw new RangeError(`the plan has ${plan.points.length} points; index ${index} is out of range (0..${plan.points.length - 1})`);
  const outDir = join(planPath, '..');
  const paths = pointPaths(outDir, point.id);
  const started = performance.now();
  const lines: string[] = [];
  const log = (line: string) => {
    const stamped = `[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`;
    lines.push(stamped);
    options.print?.(stamped);
  };
  log(`point ${point.index} ${point.id}: ${point.label} on ${hostname()} (executor ${options.executor})`);
  const seconds: PointSeconds = { generate: 0, build: 0, simulate: 0, check: 0, synth: 0, ice40: 0, total: 0 };
  const cached = { build: false, synth: false, ice40: false };
  const measurements: PointResult['measurements'] = {};
  let status: PointStatus = 'ok';
  let error: string | undefined;
  let tools: ToolVersions = {};
  const work = mkdtempSync(join(tmpdir(), `dysta-dse-${point.id}-`));
  const sessions = join(work, 'sessions');
  // Interrupted (Ctrl-C, the local executor stopping, scancel): no result is written, and the
  // scratch folder goes (the simulator and tool processes end with this one).
  const interrupted = (signal: NodeJS.Signals) => {
    rmSync(work, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    tools = await checkSameEnvironment(plan, point);
    const t0 = performance.now();
    const rtlDir = join(work, 'rtl');
    writeDesign(generateDesign(point.config), rtlDir);
    seconds.generate = (performance.now() - t0) / 1000;
    log(`generated the RTL in ${seconds.generate.toFixed(2)} s`);

    if (plan.measure.rtl) {
      const runs: RtlRun[] = [];
      const workloads = new Map<number, Workload>();
      // Every scenario is encoded first: one that does not fit the configuration fails the point
      // before anything is built.
      const prepared = plan.scenarios.map((s) => {
        let workload = workloads.get(s.workload);
        if (!workload) workloads.set(s.workload, (workload = loadPlannedWorkload(plan.workloads[s.workload]!)));
        return prepareTrace({ config: point.config, workload, load: s.load, sloMult: s.sloMult, seed: s.seed, requests: plan.requests });
      });
      const rtl = await openRtl(rtlDir, sessions, log);
      seconds.build = rtl.buildSeconds;
      cached.build = rtl.reused;
      try {
        for (const [k, s] of plan.scenarios.entries()) {
          const ref = plan.workloads[s.workload]!;
          log(`rtl: ${ref.label}, load ${s.load}, SLO x${s.sloMult}, seed ${s.seed}, ${plan.requests} requests`);
          const r = await runTraceOnRtl(rtl, prepared[k]!, log);
          seconds.simulate += r.seconds.simulate;
          seconds.check += r.seconds.check;
          runs.push({
            workload: ref.label,
            load: s.load,
            sloMult: s.sloMult,
            seed: s.seed,
            requests: plan.requests,
            decisions: r.decisions,
            agreement: r.agreement,
            logsIdentical: r.logsIdentical,
            ...(r.firstDifference !== undefined ? { firstDifference: r.firstDifference } : {}),
            metrics: r.metrics,
            decisionLatency: r.decisionLatency,
            refusals: r.refusals,
            simCycles: r.simCycles,
          });
          const m: RunMetrics = r.metrics.rtl;
          log(`rtl: ${r.decisions} decisions, RTL = golden ${r.logsIdentical ? 'yes' : 'NO'}, violation rate ${m.violationRate.toFixed(4)} (float ${r.metrics.float.violationRate.toFixed(4)}), ANTT ${m.antt.toFixed(3)}, decision latency max ${r.decisionLatency.maxCycles} cycles`);
          if (!r.logsIdentical) {
            status = 'mismatch';
            const where = r.firstDifference!.split('\n').slice(0, 3).map((l) => l.trim()).join(' | ');
            error ??= `RTL differs from the golden model (${ref.label}, load ${s.load}, SLO x${s.sloMult}, seed ${s.seed}): ${where}`;
            log(`MISMATCH: ${r.firstDifference}; session log ${r.sessionLog}`);
          }
        }
      } finally {
        await rtl.close();
      }
      measurements.rtl = { runs, summary: summarise(runs) };
    }
    if (plan.measure.synth) {
      const s = await measureSynthesis(rtlDir, plan.measure.synth.target, plan.measure.synth.top, log);
      measurements.synth = s.measurement;
      seconds.synth = s.seconds;
      cached.synth = s.cached;
    }
    if (plan.measure.ice40 && configMatches(point.config, plan.measure.ice40.when)) {
      const s = await measureSynthesis(rtlDir, plan.measure.ice40.target, plan.measure.ice40.top, log);
      measurements.ice40 = s.measurement;
      seconds.ice40 = s.seconds;
      cached.ice40 = s.cached;
    }
  } catch (err) {
    status = 'failed';
    error = (err as Error).message.split('\n')[0];
    log(`FAILED: ${(err as Error).stack ?? String(err)}`);
  }
  process.off('SIGINT', interrupted);
  process.off('SIGTERM', interrupted);
  seconds.total = (performance.now() - started) / 1000;
  // Keep the simulator sessions (command logs, scripts, RTL logs) of a point that did not pass.
  if (status !== 'ok' && existsSync(sessions)) {
    try {
      rmSync(paths.sessions, { recursive: true, force: true });
      ensureOutputDir(join(outDir, 'logs'), 'dse logs', 'DSE logs folder');
      try {
        renameSync(sessions, paths.sessions);
      } catch {
        cpSync(sessions, paths.sessions, { recursive: true });
      }
      log(`simulator session logs kept in ${paths.sessions} (replay: <binary> < <name>.cmds)`);
    } catch (err) {
      log(`could not keep the session logs: ${(err as Error).message}`);
    }
  }
  rmSync(work, { recursive: true, force: true });
  log(`${status} in ${seconds.total.toFixed(1)} s (generate ${seconds.generate.toFixed(1)}, build ${seconds.build.toFixed(1)}, simulate ${seconds.simulate.toFixed(1)}, check ${seconds.check.toFixed(1)}, synth ${seconds.synth.toFixed(1)}, iCE40 ${seconds.ice40.toFixed(1)})`);
  const result: PointResult = {
    format: RESULT_FORMAT,
    index: point.index,
    id: point.id,
    hash: point.hash,
    label: point.label,
    axes: point.axes,
    config: point.config,
    status,
    ...(error !== undefined ? { error } : {}),
    measurements,
    seconds,
    cached,
    tools,
    host: hostname(),
    executor: options.executor,
    finishedAt: new Date().toISOString(),
    log: `logs/${point.id}.log`,
  };
  ensureOutputDir(join(outDir, 'logs'), 'dse logs', 'DSE logs folder');
  ensureOutputDir(join(outDir, 'points'), 'dse results', 'DSE results folder');
  await writeOutputFile(paths.log, lines.join('\n') + '\n', 'point log');
  await writeOutputFile(paths.result, JSON.stringify(result, null, 1) + '\n', 'point result');
  return result;
}
