// Adapter: one workload trace of a DSE point through the scheduler RTL, checked against the golden
// model, with the float policy beside it: the measurement of `dysta cosim --suite trace`
// (compare/trace-cosim.ts `runTraceCosim`, compare/trace-script.ts `traceScript`). The RTL makes every
// decision in one `sched_run` transaction (trace NPU, admissions held while the table is full); its
// log must equal the golden model's line for line; the float policy runs the same trace with a task
// table of the same size. This file only shapes that report for the DSE and adds what the DSE needs
// beside it: the decision latency, read from the RTL's log.
import { readFileSync } from 'node:fs';
import { SchedulerSim, type SchedScript } from '../cosim/scheduler/driver.ts';
import { runTraceCosim } from '../compare/trace-cosim.ts';
import { traceScript, type TraceScript } from '../compare/trace-script.ts';
import type { HwConfig } from '../hwgen/index.ts';
import { compileTrace, generatePoissonTrace, workloadCapacity, type CompiledTrace, type Workload } from '../sw-scheduler/index.ts';

/** The scheduler RTL of one design, built (or taken from the cache) and running: one per point. */
export interface RtlHandle {
  sim: SchedulerSim;
  /** Wall seconds of the build step (Verilator, or the cache lookup and XML check). */
  buildSeconds: number;
  /** True when the simulator came from the content-addressed cache. */
  reused: boolean;
  close(): Promise<void>;
}

/** Builds (or reuses) the scheduler simulator of a generated design folder and starts it. */
export async function openRtl(rtlDir: string, logDir: string, log: (line: string) => void = () => {}): Promise<RtlHandle> {
  const t0 = performance.now();
  const sim = await SchedulerSim.open(rtlDir, { trace: 'none', log, start: { logDir, timeoutMs: 1_800_000 } });
  return { sim, buildSeconds: (performance.now() - t0) / 1000, reused: sim.simulator.reused, close: () => sim.close() };
}

/** One trace of a scenario: what the workload, load, SLO multiplier and seed make of it. */
export interface TraceInput {
  config: HwConfig;
  workload: Workload;
  /** Arrival rate as a fraction of the workload's capacity. */
  load: number;
  sloMult: number;
  seed: number;
  requests: number;
}

/** A trace ready for the RTL: the compiled trace and its script in cycles. */
export interface PreparedTrace {
  config: HwConfig;
  workload: Workload;
  compiled: CompiledTrace;
  script: TraceScript;
  seconds: number;
}

export interface RunMetrics {
  violationRate: number;
  antt: number;
  /** Inferences per second. */
  stp: number;
}

export interface TraceRunResult {
  decisions: number;
  agreement: {
    /** Fraction of RTL decisions identical to the golden model's (must be exactly 1). */
    rtlVsGolden: number;
    /** Fraction of the golden model's decisions the float policy takes too, given the same ready sets. */
    goldenVsFloat: number;
  };
  /** True when the RTL's whole log (decisions, read-backs, admissions, completions, counters) equals the golden model's. */
  logsIdentical: boolean;
  /** Where and how the logs part, when they do. */
  firstDifference?: string;
  metrics: { rtl: RunMetrics; golden: RunMetrics; float: RunMetrics };
  /** Cycles from a layer's completion to the next decision event (decisions with a non-empty table). */
  decisionLatency: { meanCycles: number; maxCycles: number; samples: number };
  /** Admissions the full task table refused (the request waited). */
  refusals: number;
  /** Scheduler cycles the run covered (time skips included). */
  simCycles: number;
  /** Wall seconds: the RTL run; the golden and float models (they overlap the RTL run). */
  seconds: { simulate: number; check: number };
  /** The session's command log (replay: `<binary> < <log>`). */
  sessionLog: string;
}

/**
 * Builds the trace and encodes it for the configured hardware. Pure TypeScript, so a point checks
 * that every scenario fits its configuration before anything is built; the error names the config
 * key to change.
 */
export function prepareTrace(q: TraceInput): PreparedTrace {
  const t0 = performance.now();
  const rate = q.load * workloadCapacity(q.workload);
  const compiled = compileTrace(q.workload, generatePoissonTrace(q.workload, { rate, count: q.requests, seed: q.seed, sloMult: q.sloMult }));
  let script: TraceScript;
  try {
    script = traceScript(q.config.scheduler, q.workload, compiled);
  } catch (err) {
    // The message names the key to change; here it is set in the spec, not a --config file.
    throw new Error(`the workload does not fit this configuration: ${(err as Error).message.replace(/ in the --config file/g, '')}`);
  }
  return { config: q.config, workload: q.workload, compiled, script, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Decision latency from the RTL's log: for each decision taken while the table still held a task when
 * the previous layer completed, the cycles from that completion (previous decision event + the
 * layer's cycles) to this decision's event. Decisions after the table ran empty are triggered by an
 * admission and left out.
 */
export function decisionLatency(log: string, script: SchedScript): TraceRunResult['decisionLatency'] {
  let occupied = 0;
  let emptied = false;
  let prevDone: bigint | undefined;
  let sum = 0;
  let max = 0;
  let samples = 0;
  for (const line of log.split('\n')) {
    const kind = line[0];
    if (kind === 'A') occupied++;
    else if (kind === 'C') {
      occupied--;
      if (occupied === 0) emptied = true;
    } else if (kind === 'D') {
      const p = line.split(' ');
      const tEvent = BigInt(p[2]!);
      if (prevDone !== undefined && !emptied) {
        const cycles = Number(tEvent - prevDone);
        sum += cycles;
        max = Math.max(max, cycles);
        samples++;
      }
      emptied = false;
      prevDone = tEvent + script.requests[Number(p[4])]!.layers[Number(p[5])]!.cycles;
    }
  }
  return { meanCycles: samples ? sum / samples : 0, maxCycles: max, samples };
}

/** Plays a prepared trace on the RTL beside the golden and float models (`dysta cosim --suite trace`). */
export async function runTraceOnRtl(rtl: RtlHandle, t: PreparedTrace, log: (line: string) => void = () => {}): Promise<TraceRunResult> {
  const r = await runTraceCosim({ cfg: t.config.scheduler, sim: rtl.sim, workload: t.workload, compiled: t.compiled, script: t.script, progress: log });
  const logsIdentical = r.firstDifference === null && r.logLines.identical === r.logLines.golden && r.logLines.rtl === r.logLines.golden;
  return {
    decisions: r.decisions,
    agreement: r.agreement,
    logsIdentical,
    ...(logsIdentical ? {} : { firstDifference: r.firstDifference ?? 'the logs differ' }),
    metrics: r.metrics,
    decisionLatency: decisionLatency(readFileSync(r.log, 'utf8'), t.script.script),
    refusals: r.heldAdmissions.rtl,
    simCycles: r.simCycles,
    seconds: { simulate: r.seconds.rtl, check: t.seconds + r.seconds.golden + r.seconds.float },
    sessionLog: r.commandLog,
  };
}
