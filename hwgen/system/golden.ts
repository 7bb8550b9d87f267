// Golden model of the integrated system: GoldenScheduler (decisions, predictor, scores, timing) and
// runLayerGolden (the PE array's outputs, cycles and monitor counts) composed, with the host loop of
// cosim/system/system_txn.cpp mirrored cycle for cycle. It produces the log the RTL run must equal
// line for line (format: cosim/system/README.md) and every layer's outputs.
//
// The loop, in scheduler time (cycles):
//  - table empty: read back the slot that ran last (6 cycles), tick to the next arrival a, admit
//    (A at a); the selection starts at a + 2 (TIMING.ADMIT_TO_SELECT);
//  - otherwise the selection starts 8 cycles after the last layer's done cycle (UPDATE_TO_SELECT);
//  - decision event at t_ev (GoldenScheduler.select); the host takes it (1 cycle), reads back the
//    previous slot (G, 6 cycles) and every valid slot's score (S, 1 cycle each);
//  - each pass of the layer: K weight rows (1 cycle each), the start cycle g, B stream ops (beats
//    and mid-stream weight reloads): npu_done is visible at t_done = g + B + 9; the next pass starts
//    at t_done + 1; the final pass's t_done is when the scheduler samples npu_layer_done. Admissions
//    happen in arrival order, one per cycle, in every cycle of the passes except their done cycles
//    (a refusal, B, ends them for the layer);
//  - the predictor uses the output non-zeros of all the layer's passes; a request's last layer shows
//    its completion event at t_done + 8, taken in that cycle.
import type { HwConfig } from '../config/index.ts';
import { runPassGolden, type PassResult } from '../pe-array/passes.ts';
import { GoldenScheduler } from '../scheduler/golden.ts';
import { TIMING } from '../scheduler/formats.ts';
import type { SystemWorkload } from './workload.ts';

/** Cycles the host spends reading back one slot (STATUS, GAMMA, PRED, RATIO_SUM, LAST_RUN, SEQ). */
export const READ_BACK_CYCLES = 6n;
/** From the cycle of the start (npu_go) to the cycle npu_done is visible: B beats + 9 (the array's 8 pipeline cycles + 1). */
export const GO_TO_DONE = 9n;

export interface LayerRecord {
  req: number;
  layer: number;
  slot: number;
  tSel: bigint;
  tEvent: bigint;
  /** Start of the first pass and done of the last. */
  tGo: bigint;
  tDone: bigint;
  /** One result per pass. */
  results: PassResult[];
  /** Output non-zeros over the passes (the scheduler monitor's count). */
  nonzero: number;
  /** Predictor state after the layer (what the host reads back). */
  gamma: bigint;
  pred: bigint;
}

export interface RequestRecord {
  req: number;
  variant: number;
  arrival: bigint;
  deadline: bigint;
  admitted?: bigint;
  finish?: bigint;
}

export interface SystemGoldenRun {
  lines: string[];
  /** outputs[req][layer][pass] = [row][lane]. */
  outputs: number[][][][][];
  layers: LayerRecord[];
  requests: RequestRecord[];
}

export function runSystemGolden(wl: SystemWorkload): SystemGoldenRun {
  const cfg: HwConfig = wl.config;
  const g = new GoldenScheduler(cfg.scheduler);
  for (const v of wl.variants) g.program(v.variant, v.tables);
  const reqs = wl.requests;
  const n = reqs.length;
  const lines: string[] = [];
  const outputs: number[][][][][] = reqs.map(() => []);
  const layers: LayerRecord[] = [];
  const records: RequestRecord[] = reqs.map((r, i) => ({ req: i, variant: r.variant, arrival: r.arrival, deadline: r.deadline }));
  const occ = new Map<number, number>();
  const layerOf = new Array<number>(n).fill(0);
  let now = wl.start;
  let next = 0;
  let completed = 0;
  let prevG = -1;
  let decisions = 0;
  let stalls = 0;
  let lastDone = 0n;
  let lastTSel = 0n;
  let lastTEvent = 0n;
  const readBack = (slot: number) => {
    const t = g.task(slot)!;
    lines.push(`G ${slot} ${g.isValid(slot) ? 1 : 0} ${t.nextLayer} ${t.gamma} ${t.pred} ${t.ratioSum} ${t.lastRun} ${t.seq}`);
    now += READ_BACK_CYCLES;
  };
  const admit = (i: number, t: bigint): number | undefined => {
    const r = reqs[i]!;
    const slot = g.admit({ variant: r.variant, deadline: r.deadline, arrival: r.arrival, scale: r.scale });
    if (slot === undefined) return undefined;
    occ.set(slot, i);
    records[i]!.admitted = t;
    lines.push(`A ${i} ${slot} ${t}`);
    return slot;
  };

  while (completed < n) {
    let tSel: bigint;
    if (occ.size === 0) {
      if (prevG >= 0) {
        readBack(prevG);
        prevG = -1;
      }
      if (now < reqs[next]!.arrival) now = reqs[next]!.arrival;
      if (admit(next, now) === undefined) throw new Error('internal: admission refused by an empty table');
      next++;
      tSel = now + BigInt(TIMING.ADMIT_TO_SELECT);
    } else {
      tSel = lastDone + BigInt(TIMING.UPDATE_TO_SELECT);
    }
    const d = g.select(tSel);
    const req = occ.get(d.slot)!;
    if (d.layer !== layerOf[req]) throw new Error(`internal: request ${req} chose layer ${d.layer}, expected ${layerOf[req]}`);
    decisions++;
    lastTSel = d.tSel;
    lastTEvent = d.tEvent;
    lines.push(`D ${d.tSel} ${d.tEvent} ${d.slot} ${req} ${d.layer} ${d.score}`);
    now = d.tEvent + 1n;
    if (prevG >= 0) {
      readBack(prevG);
      prevG = -1;
    }
    for (const slot of [...d.scores.keys()].sort((a, b) => a - b)) {
      lines.push(`S ${slot} ${g.lastScore(slot)}`);
      now += 1n;
    }
    // The layer's passes: weights, start, stream; admissions in each pass's cycles but its done cycle.
    const passes = wl.passes(req, d.layer, outputs[req]!);
    const results: PassResult[] = [];
    let tGo0 = 0n;
    let tDone = 0n;
    let admitting = true;
    passes.forEach((pass, p) => {
      const result = runPassGolden(cfg.peArray, pass);
      const tGo = now + BigInt(pass.initial.length);
      tDone = tGo + BigInt(pass.ops.length) + GO_TO_DONE;
      if (p === 0) tGo0 = tGo;
      let cursor = now;
      while (admitting && next < n) {
        const t = reqs[next]!.arrival > cursor ? reqs[next]!.arrival : cursor;
        if (t > tDone - 1n) break;
        if (g.full) {
          lines.push(`B ${next} ${t}`);
          stalls++;
          admitting = false;
          break;
        }
        admit(next, t);
        next++;
        cursor = t + 1n;
      }
      lines.push(`L ${req} ${d.layer} ${p} ${tGo} ${tDone} ${result.cycles} ${result.nonzero} ${result.total}`);
      results.push(result);
      now = tDone + 1n;
    });
    outputs[req]![d.layer] = results.map((r) => r.outputs);
    const nonzero = results.reduce((a, r) => a + r.nonzero, 0);
    const outcome = g.layerDone(tDone, BigInt(nonzero));
    layers.push({ req, layer: d.layer, slot: d.slot, tSel: d.tSel, tEvent: d.tEvent, tGo: tGo0, tDone, results, nonzero, gamma: outcome.step.gamma, pred: outcome.step.pred });
    lastDone = tDone;
    prevG = d.slot;
    layerOf[req]!++;
    now = tDone + 1n;
    if (outcome.completed) {
      if (layerOf[req] !== reqs[req]!.nlayers) throw new Error(`internal: request ${req} completed after ${layerOf[req]} of ${reqs[req]!.nlayers} layers`);
      lines.push(`C ${d.slot} ${req} ${tDone}`);
      records[req]!.finish = tDone;
      now = tDone + BigInt(TIMING.UPDATE_TO_SELECT) + 1n;
      occ.delete(d.slot);
      completed++;
    }
  }
  if (prevG >= 0) readBack(prevG);
  // Counters: decisions, completions, admissions, stall cycles, last latency (t_sel -> event), valid
  // tasks, last t_sel, and the cycle of the eighth read (NOW).
  lines.push(`K ${decisions} ${n} ${n} ${stalls} ${lastTEvent - lastTSel} 0 ${lastTSel} ${now + 7n}`);
  return { lines, outputs, layers, requests: records };
}
