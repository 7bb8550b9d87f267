// Adapter: one workload trace through the scheduler RTL, checked against the golden model and the
// float `dysta` policy. This is the measurement `dysta cosim --suite trace` (issue 10) is to provide;
// until its library function is on main, this thin adapter composes the existing building blocks:
//   compare/hw-agreement.ts  encodeTrace (the host encoding in cycles) and lockstep (golden vs float),
//   cosim/scheduler/driver   SchedulerSim (the whole run is one `sched_run` transaction, trace NPU),
//   compare/scheduler-harness-model  expectedLog (the golden model driven as the harness drives the RTL).
// Its result has the shape the issue names for the trace suite, plus the decision latency the DSE
// needs; the rest of dse/ sees only `openRtl`, `prepareTrace`, `runTraceOnRtl` and their types.
import { SchedulerSim } from '../cosim/scheduler/driver.ts';
import type { SchedScript } from '../cosim/scheduler/driver.ts';
import { encodeTrace, lockstep, type EncodedTrace, type FloatDecision, type PlainRequests, type PlainVariant } from '../compare/hw-agreement.ts';
import { expectedLog } from '../compare/scheduler-harness-model.ts';
import { layersRun, type HwConfig } from '../hwgen/index.ts';
import { compileTrace, computeDeadlines, computeMetrics, generatePoissonTrace, getPolicy, simulateWithDecisionLog, workloadCapacity, type Workload } from '../sw-scheduler/index.ts';

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

/** A trace ready for the RTL: the script in cycles, and the float model's run of the same trace. */
export interface PreparedTrace {
  config: HwConfig;
  script: SchedScript;
  encoded: EncodedTrace;
  variants: PlainVariant[];
  requests: PlainRequests;
  floatDecisions: FloatDecision[];
  float: RunMetrics;
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
    /** Fraction of the float run's decisions the fixed-point selector makes identically in lockstep. */
    goldenVsFloat: number;
  };
  /** True when the RTL's whole log (decisions, scores, read-backs, counters) equals the golden model's. */
  logsIdentical: boolean;
  /** The first line where they differ, when they do. */
  firstMismatch?: { line: number; rtl: string; golden: string };
  metrics: { rtl: RunMetrics; golden: RunMetrics; float: RunMetrics };
  /** Cycles from a layer's completion to the next decision event (decisions with a non-empty table). */
  decisionLatency: { meanCycles: number; maxCycles: number; samples: number };
  /** Admissions the full task table refused (the request waited). */
  refusals: number;
  simCycles: number;
  /** Wall seconds: the RTL run, the golden/float models. */
  seconds: { simulate: number; check: number };
  /** The session's command log (replay: `<binary> < <log>`). */
  sessionLog: string;
}

/** Throws a plain Error naming the config key to change; the point reports it as its failure. */
function checkFits(config: HwConfig, e: EncodedTrace): void {
  const maxNnz = e.nnz.reduce((m, layers) => layers.reduce((a, b) => (b > a ? b : a), m), 0n);
  if (maxNnz >= 1n << BigInt(config.scheduler.nnzWidth)) {
    throw new Error(`scheduler.nnzWidth ${config.scheduler.nnzWidth} cannot hold the trace NPU's non-zero counts (up to ${maxNnz}); use at least ${maxNnz.toString(2).length}`);
  }
}

/** The `sched_run` script: tables, then every request with its layers' cycles and non-zero counts. */
function scriptOf(e: EncodedTrace, requestVariant: ArrayLike<number>): SchedScript {
  const variants = e.tables.map((tb, v) => ({
    variant: v,
    nlayers: tb.nlayers,
    suffix0: tb.suffix0,
    layers: tb.layers.map((l) => ({ mant: l.recip.mant, shift: l.recip.shift, suffixNext: l.suffixNext })),
  }));
  // Programming takes one cycle per table word; the run starts after it (times shift, metrics do not).
  const words = variants.reduce((n, v) => n + 1 + v.layers.length, 0);
  const start = BigInt(words + 64);
  const requests = e.arrival.map((arrival, i) => {
    const v = requestVariant[i]!;
    const n = layersRun(e.f, e.tables[v]!.nlayers);
    return {
      arrival: arrival + start,
      variant: v,
      deadline: e.deadline[i]! + start,
      scale: e.scale[i]!,
      layers: e.latency[i]!.slice(0, n).map((cycles, l) => ({ cycles, nnz: e.nnz[i]![l]! })),
    };
  });
  return { start, variants, requests };
}

interface LogFacts {
  finish: bigint[];
  decisions: { tSel: bigint; tEvent: bigint; req: number; layer: number; line: string }[];
  refusals: number;
}

function parseLog(lines: readonly string[], n: number): LogFacts {
  const finish = new Array<bigint>(n).fill(-1n);
  const decisions: LogFacts['decisions'] = [];
  let refusals = 0;
  for (const line of lines) {
    const p = line.split(' ');
    if (p[0] === 'D') decisions.push({ tSel: BigInt(p[1]!), tEvent: BigInt(p[2]!), req: Number(p[4]), layer: Number(p[5]), line });
    else if (p[0] === 'C') finish[Number(p[2])] = BigInt(p[3]!);
    else if (p[0] === 'B') refusals++;
  }
  return { finish, decisions, refusals };
}

function metricsOf(script: SchedScript, finish: readonly bigint[], clockHz: number): RunMetrics {
  const reqs = script.requests;
  let violations = 0;
  let norm = 0;
  let last = 0n;
  for (let i = 0; i < reqs.length; i++) {
    const r = reqs[i]!;
    const f = finish[i]!;
    if (f < 0n) throw new Error(`request ${i} never completed in the log`);
    if (f > r.deadline) violations++;
    const iso = r.layers.reduce((a, l) => a + l.cycles, 0n);
    norm += Number(f - r.arrival) / Number(iso);
    if (f > last) last = f;
  }
  return { violationRate: violations / reqs.length, antt: norm / reqs.length, stp: reqs.length / (Number(last - reqs[0]!.arrival) / clockHz) };
}

/**
 * Decision latency from the log: for each decision taken while the table still held a task when the
 * previous layer completed, the cycles from that completion (previous event + layer cycles) to this
 * decision's event. Decisions after the table ran empty are triggered by an admission and skipped.
 */
function decisionLatency(lines: readonly string[], script: SchedScript): TraceRunResult['decisionLatency'] {
  let occupied = 0;
  let emptied = false;
  let prevDone: bigint | undefined;
  let sum = 0;
  let max = 0;
  let samples = 0;
  for (const line of lines) {
    const p = line.split(' ');
    if (p[0] === 'A') occupied++;
    else if (p[0] === 'C') {
      occupied--;
      if (occupied === 0) emptied = true;
    } else if (p[0] === 'D') {
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

/**
 * Builds the trace, runs the float model on it and encodes it for the hardware. Pure TypeScript, so
 * a point checks that every scenario fits its configuration before anything is built; an error names
 * the config key to change.
 */
export function prepareTrace(q: TraceInput): PreparedTrace {
  const t0 = performance.now();
  const rate = q.load * workloadCapacity(q.workload);
  const trace = generatePoissonTrace(q.workload, { rate, count: q.requests, seed: q.seed, sloMult: q.sloMult });
  const compiled = compileTrace(q.workload, trace);
  const { result, decisions: floatDecisions } = simulateWithDecisionLog(compiled, getPolicy('dysta'));
  const float = computeMetrics(result);
  const variants: PlainVariant[] = q.workload.variants.map((v) => ({ layers: v.layers, suffix: v.patSuffix, avgDensity: v.avgDensity, latency: v.latency, sparsity: v.sparsity }));
  const requests: PlainRequests = { count: compiled.count, arrival: compiled.arrival, variant: compiled.variantIndex, sample: compiled.sampleIndex, deadline: computeDeadlines(compiled) };
  let encoded: EncodedTrace;
  try {
    encoded = encodeTrace(q.config.scheduler, variants, requests);
  } catch (err) {
    throw new Error(`the workload does not fit this configuration: ${(err as Error).message}`);
  }
  checkFits(q.config, encoded);
  return {
    config: q.config,
    script: scriptOf(encoded, compiled.variantIndex),
    encoded,
    variants,
    requests,
    floatDecisions,
    float: { violationRate: float.violationRate, antt: float.antt, stp: float.stp },
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Plays a prepared trace on the RTL and checks it against the golden model, line for line. */
export async function runTraceOnRtl(rtlHandle: RtlHandle, t: PreparedTrace, log: (line: string) => void = () => {}): Promise<TraceRunResult> {
  const { script, encoded, config } = t;
  const sim = rtlHandle.sim;
  const ts = performance.now();
  const run = await sim.run(script);
  const rtlLines = run.lines;
  const simCycles = run.endTime;
  const simulateSeconds = (performance.now() - ts) / 1000;
  log(`rtl: ${rtlLines.length} log lines, ${simCycles} cycles in ${simulateSeconds.toFixed(2)} s`);

  const tc = performance.now();
  const golden = expectedLog(config.scheduler, script);
  const rtl = parseLog(rtlLines, script.requests.length);
  const gold = parseLog(golden, script.requests.length);
  let same = 0;
  for (let i = 0; i < Math.min(rtl.decisions.length, gold.decisions.length); i++) if (rtl.decisions[i]!.line === gold.decisions[i]!.line) same++;
  const mismatchAt = golden.findIndex((line, i) => rtlLines[i] !== line);
  const logsIdentical = mismatchAt < 0 && rtlLines.length === golden.length;
  const firstMismatch = logsIdentical ? undefined : (() => {
    const i = mismatchAt >= 0 ? mismatchAt : Math.min(golden.length, rtlLines.length);
    return { line: i, rtl: rtlLines[i] ?? '(end of log)', golden: golden[i] ?? '(end of log)' };
  })();
  const clockHz = encoded.f.clockHz;
  const ls = lockstep(config.scheduler, t.variants, t.requests, t.floatDecisions);
  const checkSeconds = (performance.now() - tc) / 1000 + t.seconds;
  return {
    decisions: rtl.decisions.length,
    agreement: { rtlVsGolden: same / Math.max(1, gold.decisions.length, rtl.decisions.length), goldenVsFloat: ls.identical / Math.max(1, ls.decisions) },
    logsIdentical,
    ...(firstMismatch ? { firstMismatch } : {}),
    metrics: {
      rtl: rtl.finish.every((f) => f >= 0n) ? metricsOf(script, rtl.finish, clockHz) : { violationRate: NaN, antt: NaN, stp: NaN },
      golden: metricsOf(script, gold.finish, clockHz),
      float: t.float,
    },
    decisionLatency: decisionLatency(rtlLines, script),
    refusals: rtl.refusals,
    simCycles: Number(simCycles - script.start),
    seconds: { simulate: simulateSeconds, check: checkSeconds },
    sessionLog: sim.session.logPath,
  };
}
