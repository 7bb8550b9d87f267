// The scheduling engine (ALGORITHMS.md section 3), shared by every policy: admission, one decision
// per layer boundary, execution of one layer, completion. Policies only pick a task; predictors only
// turn measured sparsity into P. The loop allocates nothing unless a decision log is requested, and
// costs O(|ready set|) per executed layer.
// Beyond the paper (BEYOND.md section 3): an optional context-switch cost, and a count of dispatches
// (runs of consecutive layers of one task) for every policy.
import { getPredictor, type PredictorDefinition, type PredictorState } from './predictors.ts';
import { DEFAULT_POLICY_PARAMS, type PolicyDefinition, type PolicyParams, type Selector } from './policies/index.ts';
import { SchedulerInputError } from './errors.ts';
import type { CompiledTrace } from './requests.ts';
import { createTaskTable, type TaskTable } from './tasks.ts';
import type { Variant } from './workload.ts';

/** One decision, for comparing implementations decision by decision (e.g. the fixed-point model). */
export interface DecisionRecord {
  /** 0-based decision number. */
  readonly index: number;
  /** Time t of the decision (seconds). */
  readonly time: number;
  /** Ready set: request indices (trace positions) in admission order. */
  readonly ready: readonly number[];
  /** Request index of the chosen task. */
  readonly chosen: number;
  /** The layer the chosen task runs now. */
  readonly layer: number;
  /** Per ready task (same order): P, the remaining latency the policy believes. */
  readonly predicted: readonly number[];
  /** Per ready task: the policy's score (fcfs: arrival, sjf: P, prema: token, others: their score). */
  readonly score: readonly number[];
  /** Per ready task: gamma (1 without the monitor). */
  readonly gamma: readonly number[];
}

export interface SimulationOptions {
  readonly params?: Partial<PolicyParams>;
  /** Predictor used by the monitor policies (default: `average`, the paper's). */
  readonly predictor?: PredictorDefinition;
  /**
   * Seconds charged when a layer runs for a task other than the one that ran the previous layer
   * (BEYOND.md section 3). Default 0: the published semantics, bit for bit. The very first layer of a
   * run has no previous layer and is not charged; a task that starts after another finished is.
   */
  readonly switchCost?: number;
  /**
   * Requests the accelerator's task table holds (default: unlimited, the published semantics). A
   * request that arrives while the table is full waits outside it (its waiting counts towards its
   * turnaround and deadline); the requests that arrived during a layer are admitted at its end, in
   * arrival order, while the task that ran it still holds its slot: as the hardware host does.
   */
  readonly tableSize?: number;
  /** Called at every decision, before the chosen layer runs. Slows the run; leave unset for sweeps. */
  readonly onDecision?: (record: DecisionRecord) => void;
}

export interface SimulationResult {
  readonly policy: string;
  readonly compiled: CompiledTrace;
  /** Per request (trace order). */
  readonly finish: Float64Array;
  readonly deadline: Float64Array;
  readonly isoReal: Float64Array;
  /** Number of decisions (= executed layers). */
  readonly decisions: number;
  /** Runs of consecutive layers of one task (>= requests; switches = dispatches - 1). */
  readonly dispatches: number;
}

/** Deadlines D = t0 + Tarch(v) * sloMult, per request. */
export function computeDeadlines(compiled: CompiledTrace): Float64Array {
  const { count, arrival, variantIndex, sloMult, workload } = compiled;
  const deadline = new Float64Array(count);
  for (let i = 0; i < count; i++) deadline[i] = arrival[i] + workload.variants[variantIndex[i]].Tarch * sloMult;
  return deadline;
}

/**
 * The workload tables a run reads at every layer, laid out for the trace and shared by every run over
 * one compiled trace (all policies of a `dysta simulate`). Per request, copies of its sample's rows:
 * request i's entries start at `base[i]` and go to its layer count (inclusive for the suffix sums).
 * Per variant, its profiles one after another: request i's start at `profileBase[i]`. The layer loop
 * then reads typed arrays at fixed offsets instead of its variant's tables at sample-dependent ones,
 * and the monitor's density ratio is divided once per request and layer rather than once per
 * monitored policy.
 */
interface RequestTables {
  readonly base: Int32Array;
  readonly layers: Int32Array;
  /** The true latency of each layer. */
  readonly latency: Float64Array;
  /** Measured over average density of each layer: (1 - S[s][l]) / (1 - Savg[l]). */
  readonly densityRatio: Float64Array;
  /** Sum of the true latencies from each layer on (trueSuffix); [layers] = 0. */
  readonly trueSuffix: Float64Array;
  readonly profileBase: Int32Array;
  /** The estimate queue's sum from each layer on, and its first entry: pattern profile (per variant). */
  readonly patSuffix: Float64Array;
  readonly patNext: Float64Array;
  /** The same for the architecture profile. */
  readonly archSuffix: Float64Array;
  readonly archNext: Float64Array;
}

const requestTablesCache = new WeakMap<CompiledTrace, RequestTables>();

function requestTables(compiled: CompiledTrace): RequestTables {
  const cached = requestTablesCache.get(compiled);
  if (cached) return cached;
  const { count, variantIndex, sampleIndex, workload } = compiled;
  const { variants } = workload;
  const variantBase = new Int32Array(variants.length);
  let profileSize = 0;
  for (const v of variants) {
    variantBase[v.index] = profileSize;
    profileSize += v.layers + 1;
  }
  const base = new Int32Array(count);
  const layers = new Int32Array(count);
  const profileBase = new Int32Array(count);
  let size = 0;
  for (let i = 0; i < count; i++) {
    base[i] = size;
    layers[i] = variants[variantIndex[i]].layers;
    profileBase[i] = variantBase[variantIndex[i]];
    size += layers[i] + 1;
  }
  const tables: RequestTables = {
    base,
    layers,
    latency: new Float64Array(size),
    densityRatio: new Float64Array(size),
    trueSuffix: new Float64Array(size),
    profileBase,
    patSuffix: new Float64Array(profileSize),
    patNext: new Float64Array(profileSize),
    archSuffix: new Float64Array(profileSize),
    archNext: new Float64Array(profileSize),
  };
  for (const v of variants) {
    const at = variantBase[v.index];
    tables.patSuffix.set(v.patSuffix, at);
    tables.archSuffix.set(v.archSuffix, at);
    tables.patNext.set(v.Lpat, at);
    tables.archNext.set(v.Larch, at);
  }
  for (let i = 0; i < count; i++) copySampleRows(tables, base[i], variants[variantIndex[i]], sampleIndex[i]);
  requestTablesCache.set(compiled, tables);
  return tables;
}

function copySampleRows(t: RequestTables, b: number, v: Variant, sample: number): void {
  const n = v.layers;
  const cell = sample * n;
  t.latency.set(v.latency.subarray(cell, cell + n), b);
  t.trueSuffix.set(v.trueSuffix.subarray(sample * (n + 1), (sample + 1) * (n + 1)), b);
  for (let l = 0; l < n; l++) t.densityRatio[b + l] = (1 - v.sparsity[cell + l]) / v.avgDensity[l];
}

/**
 * The state of one run and the two transitions every run shares: admitting a request and finishing
 * a layer. `simulate` drives them by the engine's own clock; `followSchedule` along another
 * implementation's decisions. A class rather than closures per run: its methods are one set of
 * functions for every run, so the code V8 optimises during the first policy of a `dysta simulate`
 * serves all the others (closures made anew per run were optimised again for each policy).
 */
class Run {
  readonly tasks: TaskTable;
  readonly deadline: Float64Array;
  readonly select: Selector;
  private readonly arrival: Float64Array;
  private readonly base: Int32Array;
  private readonly layers: Int32Array;
  private readonly latency: Float64Array;
  private readonly densityRatio: Float64Array;
  private readonly trueSuffix: Float64Array;
  private readonly profileBase: Int32Array;
  /** The estimate queue this policy uses: pattern or architecture profile. */
  private readonly estSuffix: Float64Array;
  private readonly estNext: Float64Array;
  private readonly predictor: PredictorState | undefined;
  private readonly oracle: boolean;

  constructor(compiled: CompiledTrace, policy: PolicyDefinition, options: SimulationOptions) {
    const { count, arrival, priority } = compiled;
    const tables = requestTables(compiled);
    this.arrival = arrival;
    this.base = tables.base;
    this.layers = tables.layers;
    this.latency = tables.latency;
    this.densityRatio = tables.densityRatio;
    this.trueSuffix = tables.trueSuffix;
    this.profileBase = tables.profileBase;
    this.estSuffix = policy.patternAware ? tables.patSuffix : tables.archSuffix;
    this.estNext = policy.patternAware ? tables.patNext : tables.archNext;
    const params: PolicyParams = { ...DEFAULT_POLICY_PARAMS, ...options.params };
    const tasks: TaskTable = createTaskTable(count);
    this.tasks = tasks;
    this.deadline = computeDeadlines(compiled);
    tasks.deadline.set(this.deadline);
    tasks.arrival.set(arrival);
    tasks.priority.set(priority);
    this.select = policy.createSelector(tasks, params, count);
    const monitored = policy.prediction === 'monitor';
    this.oracle = policy.prediction === 'oracle';
    // A monitor policy without an explicit predictor uses its own default (the paper's `average` for
    // the eleven published policies, `regression` for mhg).
    this.predictor = monitored ? (options.predictor ?? getPredictor(policy.defaultPredictor ?? 'average')).create(tasks, count, compiled) : undefined;
  }

  admit(i: number): void {
    const { lastRun, nextLayer, estRemaining, isoEst, nextEst, isoReal, trueRemaining, gamma, predicted } = this.tasks;
    const p = this.profileBase[i];
    lastRun[i] = this.arrival[i];
    nextLayer[i] = 0;
    estRemaining[i] = this.estSuffix[p];
    isoEst[i] = this.estSuffix[p];
    nextEst[i] = this.estNext[p];
    const real = this.trueSuffix[this.base[i]];
    isoReal[i] = real;
    trueRemaining[i] = real;
    gamma[i] = 1;
    if (this.predictor) this.predictor.admit(i);
    else predicted[i] = this.oracle ? real : estRemaining[i];
  }

  /** The true latency of the task's next layer (seconds). */
  nextLatency(task: number): number {
    return this.latency[this.base[task] + this.tasks.nextLayer[task]];
  }

  /** The task's next layer ended at time `end`: update its state; true if that was its last layer. */
  finishLayer(task: number, end: number): boolean {
    const { lastRun, nextLayer, estRemaining, nextEst, trueRemaining, predicted } = this.tasks;
    const b = this.base[task];
    const layer = nextLayer[task];
    lastRun[task] = end;
    const executed = layer + 1;
    nextLayer[task] = executed;
    const p = this.profileBase[task];
    estRemaining[task] = this.estSuffix[p + executed];
    const last = executed === this.layers[task];
    if (!last) nextEst[task] = this.estNext[p + executed];
    trueRemaining[task] = this.trueSuffix[b + executed];
    if (this.predictor) this.predictor.observe(task, this.densityRatio[b + layer], executed);
    else predicted[task] = this.oracle ? trueRemaining[task] : estRemaining[task];
    return last;
  }

  /** The decision record of the current ready set (allocates: only when a log is asked for). */
  record(index: number, t: number, ready: Int32Array, readyCount: number, score: Float64Array, position: number): DecisionRecord {
    const { nextLayer, predicted, gamma } = this.tasks;
    const readyList = Array.from(ready.subarray(0, readyCount));
    return {
      index,
      time: t,
      ready: readyList,
      chosen: ready[position],
      layer: nextLayer[ready[position]],
      predicted: readyList.map((x) => predicted[x]),
      score: Array.from(score.subarray(0, readyCount)),
      gamma: readyList.map((x) => gamma[x]),
    };
  }
}

function checkTableSize(tableSize: number): void {
  if (!(tableSize === Infinity || (Number.isInteger(tableSize) && tableSize >= 1))) {
    throw new SchedulerInputError(`the task table size must be a whole number >= 1 (or unlimited), got ${tableSize}.`);
  }
}

/** One simulation of one policy, advanced a decision at a time by `step` (the engine's own clock). */
class Simulation extends Run {
  private readonly policyName: string;
  private readonly compiled: CompiledTrace;
  private readonly switchCost: number;
  private readonly tableSize: number;
  private readonly onDecision: ((record: DecisionRecord) => void) | undefined;
  private readonly ready: Int32Array;
  private readonly score: Float64Array;
  private readonly finish: Float64Array;
  private readyCount = 0;
  private nextToAdmit = 0;
  private finished = 0;
  private decisions = 0;
  private dispatches = 0;
  private previousTask = -1;
  // With a finite table: the task whose last layer just ended still held its slot while the
  // requests that arrived during that layer were admitted (the hardware host admits during a layer).
  private heldSlot = 0;
  private t = 0;

  constructor(compiled: CompiledTrace, policy: PolicyDefinition, options: SimulationOptions) {
    super(compiled, policy, options);
    const switchCost = options.switchCost ?? 0;
    if (!(Number.isFinite(switchCost) && switchCost >= 0)) throw new SchedulerInputError(`--switch-cost must be a non-negative number of seconds, got ${switchCost}.`);
    const tableSize = options.tableSize ?? Infinity;
    checkTableSize(tableSize);
    this.policyName = policy.name;
    this.compiled = compiled;
    this.switchCost = switchCost;
    this.tableSize = tableSize;
    this.onDecision = options.onDecision;
    this.ready = new Int32Array(compiled.count);
    this.score = new Float64Array(compiled.count);
    this.finish = new Float64Array(compiled.count);
  }

  get done(): boolean {
    return this.finished >= this.compiled.count;
  }

  /**
   * Up to `limit` decisions, each with the layer it runs (fewer when the last request completes).
   * The loop is here rather than around a call per decision: V8 optimises this one function, where
   * a method per decision was compiled once alone and again inlined into its caller's loop.
   */
  advance(limit: number): void {
    const { count, arrival } = this.compiled;
    const { ready, score, tableSize, switchCost, onDecision } = this;
    let { readyCount, t, nextToAdmit, heldSlot, previousTask, decisions, dispatches, finished } = this;
    for (let k = 0; k < limit && finished < count; k++) {
      // 1. Admission of the requests that arrived strictly before now (while the table has room). An
      // empty accelerator then waits for the next arrival; time never runs backwards.
      while (nextToAdmit < count && arrival[nextToAdmit] < t && readyCount + heldSlot < tableSize) {
        this.admit(nextToAdmit);
        ready[readyCount++] = nextToAdmit++;
      }
      heldSlot = 0;
      if (readyCount === 0) {
        const i = nextToAdmit++;
        this.admit(i);
        ready[readyCount++] = i;
        if (arrival[i] > t) t = arrival[i];
      }

      // 2. Decision.
      const position = this.select(ready, readyCount, t, score);
      const task = ready[position];
      if (onDecision) onDecision(this.record(decisions, t, ready, readyCount, score, position));
      decisions++;

      // 3. Execution of one layer, after the context switch if another task ran the previous layer.
      if (task !== previousTask) {
        if (previousTask >= 0 && switchCost > 0) t += switchCost;
        dispatches++;
        previousTask = task;
      }
      t += this.nextLatency(task);

      // 4. Completion.
      if (this.finishLayer(task, t)) {
        this.finish[task] = t;
        finished++;
        ready.copyWithin(position, position + 1, readyCount);
        readyCount--;
        heldSlot = 1;
      }
    }
    this.readyCount = readyCount;
    this.t = t;
    this.nextToAdmit = nextToAdmit;
    this.heldSlot = heldSlot;
    this.previousTask = previousTask;
    this.decisions = decisions;
    this.dispatches = dispatches;
    this.finished = finished;
  }

  result(): SimulationResult {
    const { policyName: policy, compiled, finish, deadline, decisions, dispatches } = this;
    return { policy, compiled, finish, deadline, isoReal: this.tasks.isoReal, decisions, dispatches };
  }
}

/** Run one policy over a compiled trace. */
export function simulate(compiled: CompiledTrace, policy: PolicyDefinition, options: SimulationOptions = {}): SimulationResult {
  return simulateAll(compiled, [{ policy, options }])[0];
}

/** Decisions a simulation makes in its turn of simulateAll before the next one's turn. */
const DECISIONS_PER_TURN = 64;

/**
 * Run several policies over one compiled trace; each result is what `simulate` gives for it. The
 * simulations advance in turn, DECISIONS_PER_TURN decisions each, so that from the first decisions on
 * the engine's code has seen every policy: V8 then optimises it once for all of them, where running
 * the policies one after another had it optimise the engine again for each new policy (the 11
 * published policies on a 300-request trace spent more time compiling than simulating). Decision
 * callbacks interleave accordingly; a caller that wants one policy's decisions after another's runs
 * them one by one.
 */
export function simulateAll(compiled: CompiledTrace, runs: readonly { policy: PolicyDefinition; options?: SimulationOptions }[]): SimulationResult[] {
  const simulations = runs.map(({ policy, options }) => new Simulation(compiled, policy, options ?? {}));
  let active = simulations.filter((s) => !s.done);
  while (active.length > 0) {
    let finished = false;
    for (let i = 0; i < active.length; i++) {
      const s = active[i];
      s.advance(DECISIONS_PER_TURN);
      finished ||= s.done;
    }
    if (finished) active = active.filter((s) => !s.done);
  }
  return simulations.map((s) => s.result());
}

/** One decision of another implementation of the scheduler (the hardware), for `followSchedule`. */
export interface FollowStep {
  /** Decision time (seconds). */
  readonly time: number;
  /** Requests admitted so far; admission is in trace order. */
  readonly admitted: number;
  /** The request that implementation ran. */
  readonly chosen: number;
  /** When that layer ended (seconds): the task's new last-run time. */
  readonly end: number;
}

export interface FollowResult {
  /** Per step: the request this policy would have chosen. */
  readonly choices: Int32Array;
  /** Steps where it chose the same request. */
  readonly agreed: number;
  /** The first steps where it did not (at most `keepDisagreements`), with its whole decision record. */
  readonly disagreements: DecisionRecord[];
}

/**
 * Lockstep comparison with another implementation: at each of its decisions, this policy sees the
 * same ready set (the requests admitted so far, minus those that completed, in admission order), the
 * same time and the same history (the other implementation's choices and layer end times; measured
 * sparsity from the trace), and its own choice is recorded. The ready set follows the other's
 * admissions, so a table that held requests back is mirrored exactly.
 */
export function followSchedule(
  compiled: CompiledTrace,
  policy: PolicyDefinition,
  steps: readonly FollowStep[],
  options: Omit<SimulationOptions, 'onDecision' | 'switchCost' | 'tableSize'> & { keepDisagreements?: number } = {},
): FollowResult {
  const { count } = compiled;
  const run = new Run(compiled, policy, options);
  const { select } = run;
  const ready = new Int32Array(count);
  const score = new Float64Array(count);
  const choices = new Int32Array(steps.length);
  const keep = options.keepDisagreements ?? 10;
  const disagreements: DecisionRecord[] = [];
  let readyCount = 0;
  let admitted = 0;
  let agreed = 0;
  steps.forEach((step, k) => {
    if (!(step.admitted >= admitted && step.admitted <= count)) throw new SchedulerInputError(`schedule step ${k}: ${step.admitted} requests admitted, after ${admitted} (of ${count}).`);
    while (admitted < step.admitted) {
      run.admit(admitted);
      ready[readyCount++] = admitted++;
    }
    const at = ready.subarray(0, readyCount).indexOf(step.chosen);
    if (at < 0) throw new SchedulerInputError(`schedule step ${k}: request ${step.chosen} is not waiting (not admitted yet, or already complete).`);
    const position = select(ready, readyCount, step.time, score);
    choices[k] = ready[position];
    if (ready[position] === step.chosen) agreed++;
    else if (disagreements.length < keep) disagreements.push(run.record(k, step.time, ready, readyCount, score, position));
    if (run.finishLayer(step.chosen, step.end)) {
      ready.copyWithin(at, at + 1, readyCount);
      readyCount--;
    }
  });
  return { choices, agreed, disagreements };
}

/** Run a policy and return every decision alongside the result. */
export function simulateWithDecisionLog(compiled: CompiledTrace, policy: PolicyDefinition, options: Omit<SimulationOptions, 'onDecision'> = {}): { result: SimulationResult; decisions: DecisionRecord[] } {
  const decisions: DecisionRecord[] = [];
  const result = simulate(compiled, policy, { ...options, onDecision: (d) => decisions.push(d) });
  return { result, decisions };
}
