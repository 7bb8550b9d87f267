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
import { thousands } from '../output/index.ts';
import { MHG_RESET, MHG_VIO, mhgParamsQ, schedulerFormats, type MhgParamsQ, type SchedulerConfig } from '../hwgen/index.ts';
import { computeMetrics, followSchedule, getPolicy, getPredictor, simulate, type CompiledTrace, type FollowStep, type Metrics, type PolicyDefinition, type PredictorDefinition, type Workload } from '../sw-scheduler/index.ts';
import { LogText, compareLogs, countLines, describeDifference, forEachLine, type LogComparison } from './log-diff.ts';
import { expectedLog, playHarness } from './scheduler-harness-model.ts';
import { traceScript, type TraceScript } from './trace-script.ts';

/**
 * The float policy (and predictor) that the configured hardware implements: dysta or, for an MHG
 * build, `mhg` or `mhg_vio` (the same build with other registers); gamma is the float `average`.
 */
export function floatModelFor(cfg: SchedulerConfig, mhgPolicy: MhgPolicyName = 'mhg'): { policy: PolicyDefinition; predictor?: PredictorDefinition; label: string } {
  const name = cfg.policy === 'mhg' ? mhgPolicy : 'dysta';
  const predictor = getPredictor(cfg.predictor === 'gamma' ? 'average' : cfg.predictor);
  return { policy: getPolicy(name), predictor, label: name === 'dysta' && cfg.predictor === 'gamma' ? name : `${name} (${cfg.predictor})` };
}

export type MhgPolicyName = 'mhg' | 'mhg_vio';

/** The MHG registers a float MHG policy's parameters come to (BEYOND.md section 2). */
export function mhgRegisters(cfg: SchedulerConfig, mhgPolicy: MhgPolicyName): MhgParamsQ {
  return mhgParamsQ(schedulerFormats(cfg), mhgPolicy === 'mhg_vio' ? MHG_VIO : MHG_RESET);
}

/** What a `sched_run` log says about the run, read line by line (A, B, C, D and K lines only). */
export class RunReader {
  /** Per request: finish cycle (undefined if it never completed). */
  readonly finish: (bigint | undefined)[];
  decisions = 0;
  /** Admissions refused by a full table (B lines). */
  held = 0;
  /** Scheduler time at the end (the K line's `now`). */
  endCycle = 0n;
  /** The decisions as a schedule for the float policy to follow (when `ts` is given). */
  readonly steps: FollowStep[] = [];
  private admitted = 0;

  constructor(
    requests: number,
    private readonly ts?: TraceScript,
    private readonly clockHz = 1,
  ) {
    this.finish = new Array<bigint | undefined>(requests).fill(undefined);
  }

  line(line: string): void {
    switch (line.charCodeAt(0)) {
      case 65 /* A */:
        this.admitted++;
        break;
      case 66 /* B */:
        this.held++;
        break;
      case 67 /* C */: {
        const p = line.split(' ');
        this.finish[Number(p[2])] = BigInt(p[3]!);
        break;
      }
      case 68 /* D */: {
        this.decisions++;
        if (!this.ts) break;
        const [, tSel, tEvent, , req, layer] = line.split(' ');
        const r = Number(req);
        const cycles = this.ts.script.requests[r]!.layers[Number(layer)]!.cycles;
        const start = this.ts.start;
        this.steps.push({ time: Number(BigInt(tSel!) - start) / this.clockHz, admitted: this.admitted, chosen: r, end: Number(BigInt(tEvent!) + cycles - start) / this.clockHz });
        break;
      }
      case 75 /* K */:
        this.endCycle = BigInt(line.slice(line.lastIndexOf(' ') + 1));
        break;
    }
  }
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
  /** Whether every score was read back and compared (else decisions, read-backs, admissions, completions, counters). */
  scoreReads: boolean;
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
  /**
   * Read back every valid slot's score after each decision (S lines) and compare them too. Off by
   * default: the reads double the RTL's clock cycles, and the scheduler suite checks every score.
   * A disagreement is rerun with the reads on, so the report shows both models' scores.
   */
  scoreReads?: boolean;
  /** MHG builds: the float policy to compare with and the registers the host writes (default mhg). */
  mhgPolicy?: MhgPolicyName;
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
  options: { wave?: string; evStall?: number; scoreReads?: boolean; limitCycles?: number },
  work: () => T,
): Promise<{ run: SchedRun & { gtkw?: string }; rtlSeconds: number; value: T }> {
  const started = performance.now();
  let rtlSeconds = 0;
  let sent!: () => void;
  const commandSent = new Promise<void>((resolve) => (sent = resolve));
  const rtlRun = sim.run(script, options.limitCycles ?? 1_000_000, { wave: options.wave, evStall: options.evStall, scoreReads: options.scoreReads, onSent: sent }).then((r) => {
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
  const mhgPolicy = o.mhgPolicy ?? 'mhg';
  const ts = o.script ?? traceScript(o.cfg, o.workload, o.compiled, o.cfg.policy === 'mhg' ? { mhgParams: mhgRegisters(o.cfg, mhgPolicy) } : {});
  const clockHz = o.cfg.clockMHz * 1e6;
  const { policy, predictor, label } = floatModelFor(o.cfg, mhgPolicy);
  const scoreReads = o.scoreReads ?? false;
  const n = o.compiled.count;

  const cyclesBefore = BigInt((await o.sim.session.send('cycle')).trim());
  say(`RTL: ${n} requests in one transaction; golden and float models meanwhile...`);
  let goldenSeconds = 0;
  let floatSeconds = 0;
  const { run: rtl, rtlSeconds, value } = await runBeside(o.sim, ts.script, { wave: o.wave, scoreReads }, () => {
    const tGolden = performance.now();
    // The golden log is compared as text; only its A/B/C/D/K facts are read.
    const text = new LogText();
    const facts = new RunReader(n, ts, clockHz);
    playHarness(o.cfg, ts.script, { scoreReads }, (line) => {
      text.add(line);
      facts.line(line);
    });
    goldenSeconds = (performance.now() - tGolden) / 1000;
    const tFloat = performance.now();
    const follow = followSchedule(o.compiled, policy, facts.steps, { predictor, keepDisagreements: 5 });
    const floatMetrics = computeMetrics(simulate(o.compiled, policy, { predictor, tableSize: 2 ** o.cfg.log2Tasks }));
    floatSeconds = (performance.now() - tFloat) / 1000;
    say(`golden model ${goldenSeconds.toFixed(2)} s, float ${floatSeconds.toFixed(2)} s`);
    return { text, facts, follow, floatMetrics };
  });
  const { text: golden, facts: goldenRun, follow, floatMetrics } = value;
  const cyclesAfter = BigInt((await o.sim.session.send('cycle')).trim());
  const rtlRun = new RunReader(n);
  forEachLine(rtl.text, 'BCK', (line) => rtlRun.line(line));
  rtlRun.decisions = countLines(rtl.text, 'D');

  let cmp: LogComparison;
  let firstDifference: string | null = null;
  if (golden.equals(rtl.text)) {
    cmp = { identical: true, rtlLines: golden.lines, goldenLines: golden.lines, sameLines: golden.lines, decisions: goldenRun.decisions, sameDecisions: goldenRun.decisions };
  } else {
    cmp = compareLogs(rtl.lines, golden.toLines());
    firstDifference = describeDifference(cmp);
    if (!scoreReads) {
      // Rerun with every score read back, so the report shows both models' scores where they part.
      say('the logs differ: rerunning the RTL with every score read back, for the report');
      const full = await o.sim.run(ts.script, 1_000_000, { scoreReads: true });
      const detail = compareLogs(full.lines, expectedLog(o.cfg, ts.script));
      if (!detail.identical) firstDifference = `${describeDifference(detail)}\n(from a rerun that read back every score: ${full.logPath})`;
    }
  }
  const steps = goldenRun.steps;
  const fixedScores = scoreReads ? golden.toLines() : undefined;
  const flips: FloatFlip[] = follow.disagreements.map((d) => {
    const fixed = fixedScores ? fixedScoresAt(fixedScores, d.index) : new Map<number, string>();
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
    requests: n,
    policy: label,
    log2Tasks: o.cfg.log2Tasks,
    clockMHz: o.cfg.clockMHz,
    decisions: rtlRun.decisions,
    agreement: { rtlVsGolden: cmp.sameDecisions / Math.max(1, cmp.decisions, rtlRun.decisions), goldenVsFloat: steps.length ? follow.agreed / steps.length : 1 },
    metrics: { rtl: hwMetrics(ts, rtlRun.finish, clockHz), golden: hwMetrics(ts, goldenRun.finish, clockHz), float: floatMetrics },
    simCycles: Number(rtlRun.endCycle),
    evaluatedCycles: Number(cyclesAfter - cyclesBefore),
    wallSeconds: (performance.now() - started) / 1000,
    waveform: o.wave ?? null,
    gtkw: rtl.gtkw ?? null,
    log: rtl.logPath,
    commandLog: o.sim.session.logPath,
    replay: o.sim.session.replayCommand,
    scoreReads,
    logLines: { rtl: cmp.rtlLines, golden: cmp.goldenLines, identical: cmp.sameLines },
    heldAdmissions: { rtl: rtlRun.held, golden: goldenRun.held },
    firstDifference,
    floatFlips: flips,
    seconds: { rtl: rtlSeconds, golden: goldenSeconds, float: floatSeconds },
  };
}

/** The printed summary of one trace run. */
export function formatTraceReport(r: TraceCosimReport): string {
  const pct = (x: number) => `${(100 * x).toFixed(x === 1 ? 0 : 3)}%`;
  const w = Math.max(14, `float ${r.policy}`.length); // the model column fits 'float mhg_vio (regression)'
  const m = (name: string, x: Metrics) => `  ${name.padEnd(w)} ${x.violationRate.toFixed(4).padStart(14)} ${x.antt.toFixed(4).padStart(10)} ${x.stp.toFixed(2).padStart(10)}`;
  const lines = [
    `  ${r.decisions} decisions; RTL vs golden ${pct(r.agreement.rtlVsGolden)} identical (${r.logLines.identical} / ${Math.max(r.logLines.rtl, r.logLines.golden)} log lines${r.scoreReads ? ', every score read back' : ''}); golden vs float ${r.policy} ${pct(r.agreement.goldenVsFloat)} (lockstep)`,
    `  admissions held by the full ${2 ** r.log2Tasks}-entry table: ${r.heldAdmissions.rtl} (RTL), ${r.heldAdmissions.golden} (golden)`,
    `  ${'model'.padEnd(w)} ${'violation rate'.padStart(14)} ${'ANTT'.padStart(10)} ${'STP (inf/s)'.padStart(10)}`,
    m('RTL', r.metrics.rtl),
    m('golden', r.metrics.golden),
    m(`float ${r.policy}`, r.metrics.float),
    `  ${thousands(r.simCycles)} scheduler cycles (${thousands(r.evaluatedCycles)} evaluated, the rest skipped while waiting); golden ${r.seconds.golden.toFixed(2)} s and float ${r.seconds.float.toFixed(2)} s while the RTL ran (done after ${r.seconds.rtl.toFixed(2)} s)`,
  ];
  for (const f of r.floatFlips.slice(0, 3)) {
    lines.push(`  float differs at decision ${f.decision} (${f.ready} ready): golden ran request ${f.golden.request} (fixed ${f.golden.fixedScore ?? '?'}, float ${f.golden.floatScore.toExponential(6)}), float would run ${f.float.request} (fixed ${f.float.fixedScore ?? '?'}, float ${f.float.floatScore.toExponential(6)})`);
  }
  if (r.firstDifference) lines.push(r.firstDifference.replace(/^/gm, '  '));
  return lines.join('\n');
}
