// A workload trace through the scheduler RTL, the fixed-point golden model and the float policy.
//
//   RTL     the script (trace-script.ts) played by `sched_run` in Verilator: the C++ host programs
//           the tables, admits each request at its arrival cycle (holding it while the table is
//           full) and plays the trace NPU; the RTL makes every decision.
//   golden  the same host driving GoldenScheduler (compare/scheduler-harness-model.ts): the log the
//           RTL must reproduce line for line (decisions, scores, gammas, times, counters).
//   float   the float policy of sw-scheduler, twice: (1) in lockstep along the golden model's
//           decisions (followSchedule: the same ready sets, hence the same admission order and the
//           same requests held back by a full table, the same times and history) -- its choices give
//           `goldenVsFloat`; (2) on its own, with a task table of the same 2^D entries and the
//           hardware host's admission rule (SimulationOptions.tableSize) -- its finish times give
//           its metrics.
// The RTL runs in its own process while Node computes the golden and float models.
import type { SchedRun, SchedScript, SchedulerSim } from '../cosim/scheduler/driver.ts';
import type { SchedulerConfig } from '../hwgen/index.ts';
import { computeMetrics, followSchedule, getPolicy, getPredictor, simulate, type CompiledTrace, type FollowStep, type Metrics, type PolicyDefinition, type PredictorDefinition, type Workload } from '../sw-scheduler/index.ts';
import { compareLogs, describeDifference, type LogComparison } from './log-diff.ts';
import { expectedLog } from './scheduler-harness-model.ts';
import { TraceFitError, traceScript, type TraceScript } from './trace-script.ts';

/** The float policy (and predictor) that the configured hardware implements. */
export function floatModelFor(cfg: SchedulerConfig): { policy: PolicyDefinition; predictor?: PredictorDefinition; label: string } {
  // `scheduler.policy` / `scheduler.predictor` (dysta | mhg, gamma | regression) arrive with the
  // second scheduler policy; until then every design implements dysta with gamma.
  const extra = cfg as unknown as { policy?: string; predictor?: string };
  const name = extra.policy ?? 'dysta';
  let policy: PolicyDefinition;
  try {
    policy = getPolicy(name);
  } catch {
    throw new TraceFitError(`scheduler.policy = '${name}' has no float model to compare with`);
  }
  const predictorName = extra.predictor === undefined ? undefined : extra.predictor === 'gamma' ? 'average' : extra.predictor;
  const predictor = predictorName === undefined ? undefined : getPredictor(predictorName);
  return { policy, predictor, label: predictorName ? `${name} (${extra.predictor})` : name };
}

export interface HwRun {
  /** Per request: finish cycle (undefined if it never completed). */
  finish: (bigint | undefined)[];
  decisions: number;
  /** Admissions refused by a full table (B lines). */
  held: number;
  /** Scheduler time at the end (the K line's `now`). */
  endCycle: bigint;
}

/** Finish times and counts from a `sched_run` log. */
export function readRun(lines: readonly string[], requests: number): HwRun {
  const finish = new Array<bigint | undefined>(requests).fill(undefined);
  let decisions = 0;
  let held = 0;
  let endCycle = 0n;
  for (const line of lines) {
    const c = line.charCodeAt(0);
    if (c === 68 /* D */) decisions++;
    else if (c === 66 /* B */) held++;
    else if (c === 67 /* C */) {
      const p = line.split(' ');
      finish[Number(p[2])] = BigInt(p[3]!);
    } else if (c === 75 /* K */) endCycle = BigInt(line.slice(line.lastIndexOf(' ') + 1));
  }
  return { finish, decisions, held, endCycle };
}

/** Violation rate, ANTT and STP from finish cycles (ALGORITHMS.md section 5, in cycles). */
export function hwMetrics(ts: TraceScript, finish: readonly (bigint | undefined)[], clockHz: number): Metrics {
  const n = finish.length;
  let violations = 0;
  let norm = 0;
  let last = 0n;
  for (let i = 0; i < n; i++) {
    const fin = finish[i];
    if (fin === undefined) return { violationRate: NaN, antt: NaN, stp: NaN };
    if (fin > ts.deadline[i]!) violations++;
    norm += Number(fin - ts.arrival[i]!) / Number(ts.isoCycles[i]!);
    if (fin > last) last = fin;
  }
  return { violationRate: violations / n, antt: norm / n, stp: n / (Number(last - ts.arrival[0]!) / clockHz) };
}

/** The golden model's decisions as a schedule for the float policy to follow. */
export function followSteps(ts: TraceScript, golden: readonly string[], clockHz: number): FollowStep[] {
  const steps: FollowStep[] = [];
  let admitted = 0;
  const seconds = (cycle: bigint) => Number(cycle - ts.start) / clockHz;
  for (const line of golden) {
    const c = line.charCodeAt(0);
    if (c === 65 /* A */) admitted++;
    else if (c === 68 /* D */) {
      const [, tSel, tEvent, , req, layer] = line.split(' ');
      const r = Number(req);
      const cycles = ts.script.requests[r]!.layers[Number(layer)]!.cycles;
      steps.push({ time: seconds(BigInt(tSel!)), admitted, chosen: r, end: seconds(BigInt(tEvent!) + cycles) });
    }
  }
  return steps;
}

export interface FloatFlip {
  decision: number;
  time: number;
  /** The golden model's (= the RTL's) choice and the float policy's, with both models' scores of the two. */
  golden: { request: number; fixedScore?: string; floatScore: number };
  float: { request: number; fixedScore?: string; floatScore: number };
  ready: number;
}

export interface TraceCosimReport {
  workload: string;
  requests: number;
  policy: string;
  log2Tasks: number;
  clockMHz: number;
  decisions: number;
  agreement: { rtlVsGolden: number; goldenVsFloat: number };
  metrics: { rtl: Metrics; golden: Metrics; float: Metrics };
  /** Scheduler cycles covered (time skips included) and clock cycles the simulator evaluated. */
  simCycles: number;
  evaluatedCycles: number;
  wallSeconds: number;
  waveform: string | null;
  gtkw: string | null;
  /** The RTL's log (format: cosim/scheduler/README.md), its command log and how to replay it. */
  log: string;
  commandLog: string;
  replay: string;
  logLines: { rtl: number; golden: number; identical: number };
  /** Admissions a full table held back: RTL and golden (B lines). */
  heldAdmissions: { rtl: number; golden: number };
  firstDifference: string | null;
  floatFlips: FloatFlip[];
  /** Seconds spent in each model (the RTL overlaps the other two). */
  seconds: { rtl: number; golden: number; float: number };
}

export interface TraceCosimOptions {
  cfg: SchedulerConfig;
  sim: SchedulerSim;
  workload: Workload;
  compiled: CompiledTrace;
  /** The script, if the caller already built (and checked) it. */
  script?: TraceScript;
  wave?: string;
  progress?: (line: string) => void;
}

/** Which slot each request held at each golden decision, to quote fixed-point scores by request. */
function fixedScoresAt(golden: readonly string[], decision: number): Map<number, string> {
  const slotReq = new Map<number, number>();
  const out = new Map<number, string>();
  let k = -1;
  for (const line of golden) {
    const p = line.split(' ');
    if (p[0] === 'A') slotReq.set(Number(p[2]), Number(p[1]));
    else if (p[0] === 'D') {
      if (k === decision) break;
      k++;
    } else if (p[0] === 'S' && k === decision) out.set(slotReq.get(Number(p[1]))!, p[2]!);
  }
  return out;
}

/**
 * Plays `script` on the RTL and, while the simulator process runs, computes `work()` in Node (the
 * golden and float models): the two cores work at once. The RTL's failure wins over work()'s.
 */
export async function runBeside<T>(
  sim: SchedulerSim,
  script: SchedScript,
  options: { wave?: string; evStall?: number; limitCycles?: number },
  work: () => T,
): Promise<{ run: SchedRun & { gtkw?: string }; rtlSeconds: number; value: T }> {
  const started = performance.now();
  let rtlSeconds = 0;
  let sent!: () => void;
  const commandSent = new Promise<void>((resolve) => (sent = resolve));
  const rtlRun = sim.run(script, options.limitCycles ?? 1_000_000, { wave: options.wave, evStall: options.evStall, onSent: sent }).then((r) => {
    rtlSeconds = (performance.now() - started) / 1000;
    return r;
  });
  // Let the command reach the simulator's stdin before Node starts its own work.
  await Promise.race([commandSent, rtlRun.then(() => {}, () => {})]);
  await new Promise((resolve) => setImmediate(resolve));
  let value: T;
  try {
    value = work();
  } catch (err) {
    await rtlRun.catch(() => {});
    throw err;
  }
  const run = await rtlRun;
  return { run, rtlSeconds, value };
}

export async function runTraceCosim(o: TraceCosimOptions): Promise<TraceCosimReport> {
  const say = o.progress ?? (() => {});
  const started = performance.now();
  const ts = o.script ?? traceScript(o.cfg, o.workload, o.compiled);
  const clockHz = o.cfg.clockMHz * 1e6;
  const { policy, predictor, label } = floatModelFor(o.cfg);

  const cyclesBefore = BigInt((await o.sim.session.send('cycle')).trim());
  say(`RTL: ${o.compiled.count} requests in one transaction; golden and float models meanwhile...`);
  let goldenSeconds = 0;
  let floatSeconds = 0;
  const { run: rtl, rtlSeconds, value } = await runBeside(o.sim, ts.script, { wave: o.wave }, () => {
    const tGolden = performance.now();
    const golden = expectedLog(o.cfg, ts.script);
    goldenSeconds = (performance.now() - tGolden) / 1000;
    const tFloat = performance.now();
    const steps = followSteps(ts, golden, clockHz);
    const follow = followSchedule(o.compiled, policy, steps, { predictor, keepDisagreements: 5 });
    const floatMetrics = computeMetrics(simulate(o.compiled, policy, { predictor, tableSize: 2 ** o.cfg.log2Tasks }));
    floatSeconds = (performance.now() - tFloat) / 1000;
    say(`golden model ${goldenSeconds.toFixed(2)} s, float ${floatSeconds.toFixed(2)} s`);
    return { golden, steps, follow, floatMetrics };
  });
  const { golden, steps, follow, floatMetrics } = value;
  const cyclesAfter = BigInt((await o.sim.session.send('cycle')).trim());

  const cmp: LogComparison = compareLogs(rtl.lines, golden);
  const rtlRunInfo = readRun(rtl.lines, o.compiled.count);
  const goldenRunInfo = readRun(golden, o.compiled.count);
  const decisions = rtlRunInfo.decisions;
  const flips: FloatFlip[] = follow.disagreements.map((d) => {
    const fixed = fixedScoresAt(golden, d.index);
    const goldenReq = steps[d.index]!.chosen;
    const at = (r: number) => d.score[d.ready.indexOf(r)]!;
    return {
      decision: d.index,
      time: d.time,
      golden: { request: goldenReq, fixedScore: fixed.get(goldenReq), floatScore: at(goldenReq) },
      float: { request: d.chosen, fixedScore: fixed.get(d.chosen), floatScore: at(d.chosen) },
      ready: d.ready.length,
    };
  });
  return {
    workload: o.workload.name,
    requests: o.compiled.count,
    policy: label,
    log2Tasks: o.cfg.log2Tasks,
    clockMHz: o.cfg.clockMHz,
    decisions,
    agreement: { rtlVsGolden: cmp.sameDecisions / Math.max(1, Math.max(cmp.decisions, decisions)), goldenVsFloat: steps.length ? follow.agreed / steps.length : 1 },
    metrics: { rtl: hwMetrics(ts, rtlRunInfo.finish, clockHz), golden: hwMetrics(ts, goldenRunInfo.finish, clockHz), float: floatMetrics },
    simCycles: Number(rtlRunInfo.endCycle),
    evaluatedCycles: Number(cyclesAfter - cyclesBefore),
    wallSeconds: (performance.now() - started) / 1000,
    waveform: o.wave ?? null,
    gtkw: rtl.gtkw ?? null,
    log: rtl.logPath,
    commandLog: o.sim.session.logPath,
    replay: o.sim.session.replayCommand,
    logLines: { rtl: cmp.rtlLines, golden: cmp.goldenLines, identical: cmp.sameLines },
    heldAdmissions: { rtl: rtlRunInfo.held, golden: goldenRunInfo.held },
    firstDifference: cmp.identical ? null : describeDifference(cmp),
    floatFlips: flips,
    seconds: { rtl: rtlSeconds, golden: goldenSeconds, float: floatSeconds },
  };
}

/** The printed summary of one trace run. */
export function formatTraceReport(r: TraceCosimReport): string {
  const pct = (x: number) => `${(100 * x).toFixed(x === 1 ? 0 : 3)}%`;
  const m = (name: string, x: Metrics) => `  ${name.padEnd(14)} ${x.violationRate.toFixed(4).padStart(14)} ${x.antt.toFixed(4).padStart(10)} ${x.stp.toFixed(2).padStart(10)}`;
  const lines = [
    `  ${r.decisions} decisions; RTL vs golden ${pct(r.agreement.rtlVsGolden)} identical (${r.logLines.identical} / ${Math.max(r.logLines.rtl, r.logLines.golden)} log lines); golden vs float ${r.policy} ${pct(r.agreement.goldenVsFloat)} (lockstep)`,
    `  admissions held by the full ${2 ** r.log2Tasks}-entry table: ${r.heldAdmissions.rtl} (RTL), ${r.heldAdmissions.golden} (golden)`,
    `  ${'model'.padEnd(14)} ${'violation rate'.padStart(14)} ${'ANTT'.padStart(10)} ${'STP (inf/s)'.padStart(10)}`,
    m('RTL', r.metrics.rtl),
    m('golden', r.metrics.golden),
    m(`float ${r.policy}`, r.metrics.float),
    `  ${r.simCycles.toLocaleString('en-US')} scheduler cycles (${r.evaluatedCycles.toLocaleString('en-US')} evaluated, the rest skipped while waiting); golden ${r.seconds.golden.toFixed(2)} s and float ${r.seconds.float.toFixed(2)} s while the RTL ran (done after ${r.seconds.rtl.toFixed(2)} s)`,
  ];
  for (const f of r.floatFlips.slice(0, 3)) {
    lines.push(`  float differs at decision ${f.decision} (${f.ready} ready): golden ran request ${f.golden.request} (fixed ${f.golden.fixedScore ?? '?'}, float ${f.golden.floatScore.toExponential(6)}), float would run ${f.float.request} (fixed ${f.float.fixedScore ?? '?'}, float ${f.float.floatScore.toExponential(6)})`);
  }
  if (r.firstDifference) lines.push(r.firstDifference.replace(/^/gm, '  '));
  return lines.join('\n');
}
