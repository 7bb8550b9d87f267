// The expected log of a `sched_run` transaction: the golden scheduler driven exactly as the C++
// harness drives the RTL (cosim/scheduler/scheduler_txn.cpp), with the block's cycle timing from
// TIMING. Comparing this with the RTL's log checks every decision, score, gamma, P, time and
// counter bit for bit.
import type { SchedScript } from '../cosim/scheduler/driver.ts';
import type { SchedulerConfig } from '../hwgen/config/index.ts';
import { GoldenScheduler, layersRun, type Decision } from '../hwgen/scheduler/golden.ts';
import { TIMING } from '../hwgen/scheduler/formats.ts';

/** Cycles the harness spends reading back one slot (STATUS, GAMMA, PRED, RATIO_SUM, LAST_RUN, SEQ). */
const READ_BACK_CYCLES = 6n;

/**
 * Layers with `rows` stream their non-zeros through the sparsity monitor (one row per cycle); its
 * count equals nnz as long as nnz fits the monitor's counter, which the scenarios keep small.
 */
/**
 * A decision as its log lines state it (`D t_sel t_event slot req layer score`, then the S lines
 * read back), with the request holding each slot then: what a reader of the log gets by parsing
 * it (verify/scheduler-cases.ts parseDecisions), handed over by the model that wrote the lines.
 */
export interface LoggedDecision {
  tSel: bigint;
  tEvent: bigint;
  slot: number;
  req: number;
  layer: number;
  score: bigint;
  /** slot -> score of the S lines (empty without score reads). */
  scores: ReadonlyMap<number, bigint>;
  /** slot -> request holding it (one map shared by decisions between which nothing was admitted or completed). */
  occupants: ReadonlyMap<number, number>;
}

export interface HarnessOptions {
  evStall?: number;
  scoreReads?: boolean;
  onDecision?: (d: Decision) => void;
  /** Each decision as the log states it, when its D and S lines are emitted (no parsing of the text needed). */
  onLogged?: (d: LoggedDecision) => void;
  /** Takes the S lines (`S slot score`) as numbers instead of emit taking their text (CompactLog.score). */
  onScore?: (slot: number, score: bigint) => void;
}

export function expectedLog(cfg: SchedulerConfig, script: SchedScript, evStall = 0, options: Omit<HarnessOptions, 'evStall'> = {}): string[] {
  const log: string[] = [];
  playHarness(cfg, script, { ...options, evStall }, (line) => log.push(line));
  return log;
}

/**
 * The same, line by line into `emit` (nothing is kept: a 10^6-line log costs no memory). With
 * `scoreReads: false` the host reads no S lines (sched_run's SCORES argument 0); `onDecision` sees
 * each golden decision (the MHG tests count its paths).
 */
export function playHarness(cfg: SchedulerConfig, script: SchedScript, options: HarnessOptions, emit: (line: string) => void): void {
  const evStall = options.evStall ?? 0;
  const scoreReads = options.scoreReads ?? true;
  const g = new GoldenScheduler(cfg);
  const f = g.f;
  for (const v of script.variants) {
    g.program(v.variant, {
      nlayers: v.nlayers,
      suffix0: v.suffix0,
      layers: v.layers.map((l) => ({ recip: { mant: l.mant, shift: l.shift }, suffixNext: l.suffixNext })),
      coeffs: v.coeffs?.map((c) => ({ a: [...c.a], b: [...c.b] })),
      iso: v.iso,
      invIso: v.invIso,
    });
  }
  if (script.mhgParams) g.setMhgParams(script.mhgParams);
  // A preset start (script.presets write the RTL's registers): the counters count on from these.
  const initial = script.initial ?? {};
  if (initial.seqNext !== undefined) g.presetSequence(initial.seqNext);
  const nl = new Map(script.variants.map((v) => [v.variant, v.nlayers]));
  script.requests.forEach((r, i) => {
    const want = layersRun(f, nl.get(r.variant) ?? 0);
    if (r.layers.length !== want) throw new Error(`request ${i}: ${r.layers.length} layer records, but its variant runs ${want} layers`);
  });

  const reqs = script.requests;
  const n = reqs.length;
  const occ = new Map<number, number>();
  // The occupants handed to onLogged: copied only when an admission or completion changed them.
  const { onLogged, onScore } = options;
  let occupants: ReadonlyMap<number, number> = new Map();
  let occChanged = true;
  const layerOf = new Array<number>(n).fill(0);
  let now = script.start;
  let pending = 0;
  let completed = 0;
  let prevG = -1;
  let decisions = 0;
  let stalls = 0;
  let lastDone = 0n;
  // An event is taken evStall + 1 cycles after it appears; the next one cannot appear earlier.
  const stall = BigInt(evStall);
  let lastVisible = -(1n << 60n);
  let lastTEvent = 0n;
  let lastTSel = 0n;
  const max = (a: bigint, b: bigint) => (a > b ? a : b);
  const readBack = (slot: number) => {
    const t = g.task(slot)!;
    emit(`G ${slot} ${g.isValid(slot) ? 1 : 0} ${t.nextLayer} ${t.gamma} ${t.pred} ${t.ratioSum} ${t.lastRun} ${t.seq}`);
    now += READ_BACK_CYCLES;
  };
  const admit = (i: number): number | undefined => {
    const r = reqs[i]!;
    return g.admit({ variant: r.variant, deadline: r.deadline, arrival: r.arrival, scale: r.scale, bank: r.bank });
  };

  while (completed < n) {
    let tSel: bigint;
    if (occ.size === 0) {
      if (prevG >= 0) {
        readBack(prevG);
        prevG = -1;
      }
      now = max(now, reqs[pending]!.arrival);
      const slot = admit(pending);
      if (slot === undefined) throw new Error('internal: admission refused by an empty table');
      occ.set(slot, pending);
      occChanged = true;
      emit(`A ${pending} ${slot}`);
      pending++;
      tSel = now + BigInt(TIMING.ADMIT_TO_SELECT);
      now += 1n;
    } else {
      tSel = lastDone + BigInt(TIMING.UPDATE_TO_SELECT);
    }
    const d = g.select(tSel);
    options.onDecision?.(d);
    const req = occ.get(d.slot)!;
    decisions++;
    const tEvent = max(d.tEvent, lastVisible + stall + 1n);
    lastVisible = tEvent;
    lastTEvent = tEvent;
    lastTSel = d.tSel;
    emit(`D ${d.tSel} ${tEvent} ${d.slot} ${req} ${d.layer} ${d.score}`);
    now = tEvent + stall + 1n;
    if (prevG >= 0) {
      readBack(prevG);
      prevG = -1;
    }
    // The host reads the occupied slots' scores in slot order: the slots the selection scored, in
    // increasing order (MHG builds score them in deadline order).
    const read = !scoreReads ? undefined : f.mhg ? new Map([...d.scores].sort((a, b) => a[0] - b[0])) : d.scores;
    if (read) {
      // forEach, not for-of: no [slot, score] pair per score line.
      if (onScore) read.forEach((score, slot) => onScore(slot, score));
      else read.forEach((score, slot) => emit(`S ${slot} ${score}`));
      now += BigInt(d.scores.size);
    }
    if (onLogged) {
      if (occChanged) occupants = new Map(occ);
      occChanged = false;
      onLogged({ tSel: d.tSel, tEvent, slot: d.slot, req, layer: d.layer, score: d.score, scores: read ?? new Map(), occupants });
    }
    const run = reqs[req]!.layers[d.layer]!;
    const tEnd = tEvent + run.cycles;
    while (pending < n && reqs[pending]!.arrival < tEnd) {
      const slot = admit(pending);
      now += 1n;
      if (slot === undefined) {
        emit(`B ${pending}`);
        stalls++;
        break;
      }
      occ.set(slot, pending);
      occChanged = true;
      emit(`A ${pending} ${slot}`);
      pending++;
    }
    if (run.rows) now += BigInt(run.rows);
    if (now > tEnd) throw new Error(`request ${req} layer ${d.layer}: ${run.cycles} cycles is too short for the harness's reads and admissions`);
    g.layerDone(tEnd, run.nnz);
    lastDone = tEnd;
    prevG = d.slot;
    layerOf[req]!++;
    now = tEnd + 1n;
    if (layerOf[req] === reqs[req]!.layers.length) {
      emit(`C ${d.slot} ${req} ${tEnd}`);
      lastVisible = tEnd + BigInt(TIMING.UPDATE_TO_SELECT);
      if (lastVisible <= tEvent + stall) throw new Error('layer shorter than the event stall: the model does not cover that');
      now = lastVisible + stall + 1n;
      occ.delete(d.slot);
      occChanged = true;
      completed++;
    }
  }
  if (prevG >= 0) readBack(prevG);
  // Counters: decisions, completions, admissions, stall cycles, last latency (t_sel -> event),
  // valid tasks, last t_sel, and `now` as seen by the eighth read.
  const wrap = (base: bigint | undefined, count: number | bigint) => ((base ?? 0n) + BigInt(count)) & ((1n << BigInt(f.timeWidth)) - 1n);
  emit(`K ${wrap(initial.decisions, decisions)} ${wrap(initial.completions, n)} ${wrap(initial.admissions, n)} ${wrap(initial.admitStalls, stalls)} ${lastTEvent - lastTSel} 0 ${lastTSel} ${now + 7n}`);
}
