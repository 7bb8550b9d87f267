// The scheduler's interface contract under hostile stimulus, checked at every rising edge. The host
// offers admissions and commands in every state (selection and predictor write-back included),
// requests time skips in every state, holds the event stream back at random points, and plays a
// trace NPU with layers as short as one cycle. The required response (hwgen/scheduler/README.md,
// "Interfaces"), edge by edge:
//
//   R1  adm_ready  = !busy && !table_full        (nothing is admitted while selecting or updating)
//   R2  cmd_ready  = !busy
//   R3  table_full = (num_valid == 2^D)
//   R4  rsp_valid one cycle after a read was accepted, and only then; READ_COUNTER 6 answers the
//       num_valid of the accepting cycle
//   R5  an event not taken (ev_valid && !ev_ready) is held unchanged in the next cycle
//   R6  time_now advances by time_skip in a waiting cycle with time_skip_en, else by 1
//   R7  num_valid rises with each accepted admission and falls exactly when a completion event is
//       loaded; adm_slot is the lowest free slot
//   R8  npu_start pulses exactly with each new decision event
//   R9  each slot's decisions run layers 0, 1, 2, ... (never one twice), and it completes after
//       exactly its variant's layer count (2^log2MaxLayers when 0 or more than that)
//   R10 every decision (slot, layer, score) and completion (slot, layer, finish time) equals the golden
//       model's, given the admissions, layer-done cycles and non-zero counts the host produced
import type { Edge } from '../cosim/cycle.ts';
import type { ScriptVariant } from '../cosim/scheduler/driver.ts';
import type { SchedulerConfig } from '../hwgen/config/index.ts';
import { GoldenScheduler, layersRun, schedulerFormats } from '../hwgen/scheduler/golden.ts';
import { maxOf, sat } from '../hwgen/scheduler/formats.ts';
import { Rng } from './scheduler-scenarios.ts';
import { EV_COMPLETION, EV_DECISION, SchedCycleHost, admitted, eventTaken, type Offer } from './scheduler-host.ts';
import { Mismatch, ScenarioError, check, expectEqual } from './case-run.ts';
import type { SchedulerCase } from './scheduler-cases.ts';

/** How the hostile host behaves in each cycle. */
export interface HostilePlan {
  /** Decisions to observe before stopping. */
  decisions: number;
  /** Probability that a request is offered in a cycle (1: held in every cycle). */
  offer: number;
  /** Probability that ev_ready is high in a cycle. */
  evReady: number;
  /** A host command in every cycle (reads of counters and task fields, rewrites of a variant). */
  commands: boolean;
  /** Time skips requested in every cycle (amount random 1..maxSkip). */
  maxSkip?: number;
  /** Layer length range in cycles (from npu_start to npu_layer_done). */
  layerCycles: [number, number];
  seed: number;
}

export interface HostileResult {
  cycles: number;
  decisions: number;
  completions: number;
  admissions: number;
  /** Edges where an admission was offered while busy / while the table was full. */
  offeredBusy: number;
  offeredFull: number;
  /** Edges where ev_valid was held back by ev_ready low. */
  heldEvents: number;
  /** Edges where a skip was requested while busy (and so not honoured). */
  skipsRefused: number;
}

const EV_FIELDS = ['ev_kind', 'ev_task', 'ev_layer', 'ev_time', 'ev_score'] as const;

/** Variants for the hostile runs: short and long, and every layer-count edge case of the README. */
export function contractVariants(cfg: SchedulerConfig): ScriptVariant[] {
  const f = schedulerFormats(cfg);
  const L = f.maxLayers;
  const counts = [1, 2, 3, L, Math.max(1, L - 1), 0, 2 * L - 1].slice(0, f.variants);
  return counts.map((nlayers, variant) => {
    const runs = layersRun(f, nlayers);
    return {
      variant,
      nlayers,
      suffix0: sat(BigInt(900 * runs), f.latencyWidth),
      layers: Array.from({ length: runs }, (_, l) => ({ mant: 1n << BigInt(Math.min(f.recipWidth - 1, 20)), shift: Math.min(63, 20 + (l % 3)), suffixNext: sat(BigInt(900 * (runs - l - 1)), f.latencyWidth) })),
    };
  });
}

/**
 * Runs the scheduler under the plan from reset, checking R1-R10 at every edge. The tables are
 * programmed first (through the command port, one command per cycle). The run itself is one
 * transaction (`sched_hostile`, cosim/scheduler/hostile_txn.cpp): the host's rule — the inputs
 * drawn each cycle, its reactions to an accepted admission and to a new decision — runs in C++ and
 * every edge comes back; here each edge's inputs are drawn again from the same generator and must
 * equal what was driven, so the stimulus is this cycle-by-cycle host's, and the rules are checked.
 */
/**
 * A run that passed every check, by what decides the checks' outcome: the inputs before the run and
 * every edge of it (the checks are a function of these and the plan). A later run of the same plan
 * (an X-pessimism pass) that drives and sees exactly the same is judged as that one was, without
 * parsing and checking its edges again; any difference is checked edge by edge.
 */
export interface HostileMemo {
  key?: string;
  result?: HostileResult;
}

export async function runHostile(h: SchedCycleHost, cfg: SchedulerConfig, variants: readonly ScriptVariant[], plan: HostilePlan, memo?: HostileMemo): Promise<HostileResult> {
  const f = schedulerFormats(cfg);
  const rng = new Rng(plan.seed);
  const golden = new GoldenScheduler(cfg);
  await h.reset();
  for (const v of variants) {
    await h.program(v);
    golden.program(v.variant, { nlayers: v.nlayers, suffix0: v.suffix0, layers: v.layers.map((l) => ({ recip: { mant: l.mant, shift: l.shift }, suffixNext: l.suffixNext })) });
  }
  const runsOf = variants.map((v) => layersRun(f, v.nlayers));
  const res: HostileResult = { cycles: 0, decisions: 0, completions: 0, admissions: 0, offeredBusy: 0, offeredFull: 0, heldEvents: 0, skipsRefused: 0 };

  const occupied = new Map<number, { variant: number; next: number }>();
  let offer: Offer | undefined;
  let layerLeft = -1; // cycles until the running layer ends (-1: no layer running)
  let lastLayerDone: { t: bigint; slot: number; layer: number; completed: boolean } | undefined;
  let pendingRead: { op: number; addr: number; numValid: bigint; slotValid: boolean } | undefined;
  let prev: Edge | undefined;
  const limit = plan.decisions * (2 * f.tasks + 64 + plan.layerCycles[1]) + 4 * f.tasks + 1000;

  // The inputs the host drives, each recorded at every edge (SchedCycleHost watches them).
  const ins = [
    'adm_valid', 'adm_variant', 'adm_deadline', 'adm_arrival', 'adm_penalty_scale', 'ev_ready',
    ...(plan.maxSkip ? ['time_skip_en', 'time_skip'] : []),
    ...(plan.commands ? ['cmd_op', 'cmd_addr', 'cmd_data', 'cmd_valid'] : []),
    'npu_layer_done', 'npu_count_ext', 'npu_count',
  ];
  const column = new Map(ins.map((p, i) => [p, i]));
  /** Integer threshold t with `rng.chance(p)` <=> a draw from 0..999999 below t (as the C++ host compares). */
  const threshold = (p: number) => Math.ceil(p * 1_000_000);

  /**
   * The inputs of the next edge, drawn from `rng` in a fixed order: `cur` (the inputs as driven so
   * far) is updated in place. `prevTime` is the time_now of the previous edge (undefined before the
   * first). The C++ host (cosim/scheduler/hostile_txn.cpp) draws the same.
   */
  const nextInputs = (st: { offer: Offer | undefined; layerLeft: number }, prevTime: bigint | undefined, cur: bigint[]): { doneNnz: bigint | undefined } => {
    const put = (p: string, v: bigint | number | boolean) => (cur[column.get(p)!] = typeof v === 'boolean' ? (v ? 1n : 0n) : BigInt(v));
    if (!st.offer && rng.chance(plan.offer)) {
      const variant = rng.int(0, variants.length - 1);
      const t = prevTime ?? 0n;
      const deadline = t + BigInt(rng.int(0, 40_000));
      const arrival = t > 100n ? t - BigInt(rng.int(0, 100)) : t;
      st.offer = { variant, deadline, arrival, scale: sat(BigInt(rng.int(0, 1 << 20)), f.penaltyScaleWidth) };
    } else if (st.offer && plan.offer < 1 && rng.chance(0.2)) st.offer = undefined; // the host may withdraw and retry later
    put('adm_valid', st.offer !== undefined);
    if (st.offer) {
      put('adm_variant', st.offer.variant);
      put('adm_deadline', st.offer.deadline);
      put('adm_arrival', st.offer.arrival);
      put('adm_penalty_scale', st.offer.scale);
    }
    put('ev_ready', rng.chance(plan.evReady));
    if (plan.maxSkip) {
      put('time_skip_en', 1);
      put('time_skip', rng.int(1, plan.maxSkip));
    }
    if (plan.commands) {
      const kind = rng.int(0, 2);
      if (kind === 0) {
        put('cmd_op', 4);
        put('cmd_addr', 6); // READ_COUNTER valid tasks
        put('cmd_data', 0);
      } else if (kind === 1) {
        put('cmd_op', 3);
        put('cmd_addr', rng.int(0, f.tasks - 1)); // READ_TASK status
        put('cmd_data', 0);
      } else {
        put('cmd_op', 1); // rewrite variant 0 with the same words: harmless, but only when ready
        put('cmd_addr', variant0.variant);
        put('cmd_data', variant0Word);
      }
      put('cmd_valid', 1);
    }
    const doneNnz = st.layerLeft === 0 ? sat(BigInt(rng.int(0, 3000)), f.nnzWidth) : undefined;
    put('npu_layer_done', doneNnz !== undefined);
    put('npu_count_ext', doneNnz !== undefined);
    if (doneNnz !== undefined) put('npu_count', doneNnz);
    return { doneNnz };
  };
  const variant0 = variants[0]!;
  const variant0Word = (variant0.suffix0 << BigInt(h.shape.layerCountWidth)) | BigInt(variant0.nlayers);

  // The whole run is one transaction: the C++ host draws each cycle's inputs and reacts to the
  // design (an accepted offer is taken; a new decision, npu_start, starts a layer of random length)
  // until the decisions are made and the last layer has ended, or limit + 1 cycles.
  const args = [
    plan.seed, plan.decisions, limit, threshold(plan.offer), plan.offer < 1 ? threshold(0.2) : 0, threshold(plan.evReady), plan.maxSkip ?? 0,
    plan.commands ? 1 : 0, f.tasks, variants.length, variant0.variant, variant0Word.toString(16), plan.layerCycles[0], plan.layerCycles[1], maxOf(f.penaltyScaleWidth), maxOf(f.nnzWidth),
  ];
  // The inputs as they are now (a previous case may have left any values on those not set here).
  const before = await h.host.now();
  const driven = ins.map((p) => before[p]!);
  const edges = await h.transaction((watch) => `sched_hostile ${watch} ${args.join(' ')}`);
  const key = `${driven.join(',')}|${edges.text}`;
  if (memo?.key === key) return { ...memo.result! };

  let cycle = 0;
  for (const e of edges) {
    // ---- the inputs of this edge again, from the generator here: the C++ host must have driven them
    const st: { offer: Offer | undefined; layerLeft: number } = { offer, layerLeft };
    const doneNnz = nextInputs(st, prev?.time_now, driven).doneNnz;
    offer = st.offer;
    const wrong = ins.findIndex((p, j) => e[p] !== driven[j]);
    if (wrong >= 0) throw new Error(`hostile host: the harness drove ${ins[wrong]} = ${e[ins[wrong]!]} at cycle ${cycle}, the host's rule ${driven[wrong]}`);
    res.cycles++;
    const busy = e[h.busyPort]!;

    // ---- R1-R3
    expectEqual(e.adm_ready!, busy === 0n && e.table_full === 0n ? 1n : 0n, () => `R1 adm_ready at cycle ${cycle} (busy ${busy}, table_full ${e.table_full})`);
    expectEqual(e.cmd_ready!, busy === 0n ? 1n : 0n, () => `R2 cmd_ready at cycle ${cycle} (busy ${busy})`);
    expectEqual(e.table_full!, e.num_valid === BigInt(f.tasks) ? 1n : 0n, () => `R3 table_full at cycle ${cycle} (num_valid ${e.num_valid})`);
    if (e.adm_valid && busy) res.offeredBusy++;
    if (e.adm_valid && e.table_full) res.offeredFull++;

    // ---- R4: the read accepted in the previous cycle answers now
    expectEqual(e.rsp_valid!, pendingRead ? 1n : 0n, () => `R4 rsp_valid at cycle ${cycle}`);
    if (pendingRead?.op === 4) expectEqual(e.rsp_data!, pendingRead.numValid, () => `R4 READ_COUNTER 6 answer at cycle ${cycle}`);
    if (pendingRead?.op === 3) {
      const slotValid = (e.rsp_data! >> BigInt(h.shape.layerCountWidth + h.shape.variantWidth)) & 1n;
      expectEqual(slotValid, pendingRead.slotValid ? 1n : 0n, () => `R4 READ_TASK status valid bit of slot ${pendingRead!.addr} at cycle ${cycle}`);
    }
    // The valid bits a read sees are those before this edge's admission (taken below).
    pendingRead =
      e.cmd_valid && e.cmd_ready && (e.cmd_op === 3n || e.cmd_op === 4n)
        ? { op: Number(e.cmd_op), addr: Number(e.cmd_addr), numValid: e.num_valid!, slotValid: occupied.has(Number(e.cmd_addr)) }
        : undefined;

    // ---- R5, R6, R7, R8 (against the previous edge)
    const newEvent = e.ev_valid === 1n && (!prev || prev.ev_valid === 0n || prev.ev_ready === 1n);
    if (prev) {
      if (prev.ev_valid && !prev.ev_ready) {
        res.heldEvents++;
        expectEqual(e.ev_valid!, 1n, () => `R5 ev_valid held at cycle ${cycle}`);
        for (const k of EV_FIELDS) expectEqual(e[k]!, prev[k]!, () => `R5 ${k} held at cycle ${cycle}`);
      }
      const skipped = plan.maxSkip && prev[h.busyPort] === 0n && prev.time_skip_en === 1n ? prev.time_skip! : 1n;
      if (plan.maxSkip && prev[h.busyPort] === 1n && prev.time_skip! > 1n) res.skipsRefused++;
      expectEqual(e.time_now! - prev.time_now!, skipped, () => `R6 time step at cycle ${cycle} (busy ${prev![h.busyPort]}, skip requested ${plan.maxSkip ? prev!.time_skip : 'no'})`);
      const completionLoaded = newEvent && e.ev_kind === EV_COMPLETION ? 1n : 0n;
      expectEqual(e.num_valid! - prev.num_valid!, (admitted(prev) ? 1n : 0n) - completionLoaded, () => `R7 num_valid change at cycle ${cycle}`);
    }
    expectEqual(e.npu_start!, newEvent && e.ev_kind === EV_DECISION ? 1n : 0n, () => `R8 npu_start at cycle ${cycle}`);

    // ---- events (R9, R10), before this edge's admission: a selection never includes a request
    // admitted in the cycle its event shows, and a completion frees its slot for that admission.
    if (newEvent && e.ev_kind === EV_DECISION) {
      const slot = Number(e.ev_task);
      const task = occupied.get(slot);
      if (!task) throw new Mismatch(`R9 decision for empty slot ${slot} at cycle ${cycle}`);
      expectEqual(Number(e.ev_layer), task.next, () => `R9 layer decided for slot ${slot} at cycle ${cycle} (a layer decided twice or skipped)`);
      const d = golden.select(e.ev_time!);
      expectEqual(slot, d.slot, () => `R10 decided slot at cycle ${cycle} (t_sel ${e.ev_time})`);
      expectEqual(e.ev_score!, d.score, () => `R10 winning score at cycle ${cycle}`);
      expectEqual(Number(e.npu_task), slot, () => `npu_task with the decision at cycle ${cycle}`);
      expectEqual(Number(e.npu_layer), task.next, () => `npu_layer with the decision at cycle ${cycle}`);
      task.next++;
      res.decisions++;
      layerLeft = rng.int(plan.layerCycles[0], plan.layerCycles[1]);
    } else if (newEvent && e.ev_kind === EV_COMPLETION) {
      const slot = Number(e.ev_task);
      const task = occupied.get(slot);
      if (!task || !lastLayerDone?.completed || lastLayerDone.slot !== slot) throw new Mismatch(`R10 unexpected completion of slot ${slot} at cycle ${cycle}`);
      expectEqual(task.next, runsOf[task.variant]!, () => `R9 layers run before the completion of slot ${slot} (variant ${task.variant})`);
      expectEqual(Number(e.ev_layer), lastLayerDone.layer, () => `R10 completion layer of slot ${slot}`);
      expectEqual(e.ev_time!, lastLayerDone.t, () => `R10 completion finish time of slot ${slot}`);
      occupied.delete(slot);
      lastLayerDone.completed = false;
      res.completions++;
    } else if (newEvent) {
      throw new Mismatch(`unknown event kind ${e.ev_kind} at cycle ${cycle}`);
    }

    // ---- admissions (R7 slot choice, golden)
    if (admitted(e)) {
      let lowest = 0;
      while (occupied.has(lowest)) lowest++;
      expectEqual(Number(e.adm_slot), lowest, () => `R7 adm_slot at cycle ${cycle}`);
      const slot = golden.admit({ variant: Number(e.adm_variant), deadline: e.adm_deadline!, arrival: e.adm_arrival!, scale: e.adm_penalty_scale! });
      expectEqual(slot ?? -1, lowest, () => `golden admission slot at cycle ${cycle}`);
      occupied.set(lowest, { variant: Number(e.adm_variant), next: 0 });
      res.admissions++;
      offer = undefined;
    }

    // ---- the trace NPU
    if (doneNnz !== undefined) {
      const out = golden.layerDone(e.time_now!, doneNnz);
      const task = occupied.get(out.slot)!;
      if (lastLayerDone?.completed) throw new Mismatch(`R10 a completion event went missing before cycle ${cycle}`);
      lastLayerDone = { t: e.time_now!, slot: out.slot, layer: task.next - 1, completed: out.completed };
      check(out.completed === (task.next === runsOf[task.variant]), () => `R9 golden completion of slot ${out.slot} at cycle ${cycle}`);
      layerLeft = -1;
    } else if (layerLeft > 0) layerLeft--;
    prev = e;
    cycle++;
  }
  if (res.decisions < plan.decisions || layerLeft >= 0) throw new Mismatch(`only ${res.decisions} of ${plan.decisions} decisions within ${limit} cycles`);
  if (memo) Object.assign(memo, { key, result: { ...res } });
  return res;
}

/**
 * The hostile-host cases: admissions and commands offered in every state, time skips requested in
 * every state (with time-skip ports), events held back at random points. Each checks R1-R10 at every
 * edge and that the stimulus did what the case is named after.
 */
export function hostileCases(cfg: SchedulerConfig, seed: number): SchedulerCase[] {
  // A decision costs about N + 37 cycles: fewer of them for a large table.
  const decisions = Math.max(40, Math.min(120, Math.floor(20_000 / (2 ** cfg.log2Tasks + 40))));
  const variants = contractVariants(cfg);
  // Each case's passing run, for the X-pessimism passes (HostileMemo).
  const probe = (name: string, about: string, plan: Omit<HostilePlan, 'seed' | 'decisions'>, exercised: (r: HostileResult) => void, offset: number, memo: HostileMemo = {}): SchedulerCase => ({
    name,
    about,
    run: async (sim) => {
      // Every input the host drives is recorded at each edge, so its stimulus can be checked.
      const h = new SchedCycleHost(sim.session, sim.shape, { timeSkip: cfg.timeSkip === 1, extraWatch: ['cmd_data', 'npu_layer_done', 'npu_count_ext', 'npu_count'] });
      const r = await runHostile(h, cfg, variants, { ...plan, decisions, seed: seed * 31 + offset }, memo);
      exercised(r);
      return { checked: r.decisions, simCycles: r.cycles };
    },
  });
  const cases = [
    probe(
      'hostile-admissions',
      'admissions and host commands offered in every cycle, the predictor write-back included: adm_ready = !busy && !table_full, nothing decided twice (R1-R10 at every edge)',
      { offer: 1, evReady: 1, commands: true, layerCycles: [1, 40] },
      (r) => {
        scenario(r.offeredBusy > 0, 'no admission was offered while busy');
        scenario(r.offeredFull > 0 || cfg.log2Tasks > 8, 'no admission was offered into a full table');
      },
      1,
    ),
  ];
  if (cfg.timeSkip === 1) {
    cases.push(
      probe(
        'hostile-time-skips',
        'a time skip requested in every cycle: honoured only while waiting (R6), everything else unchanged',
        { offer: 0.3, evReady: 1, commands: false, maxSkip: 5000, layerCycles: [1, 40] },
        (r) => scenario(r.skipsRefused > 0, 'no skip was requested while busy'),
        2,
      ),
    );
  } else {
    // Without the ports no skip can be requested; what R6 requires of such a design, time advancing
    // by exactly 1 at every edge in every state, hostile-admissions and hostile-events check.
    cases.push({
      name: 'hostile-time-skips',
      about: 'a time skip requested in every cycle',
      skip: 'scheduler.timeSkip = 0: the design has no time-skip ports, so no skip can be requested; hostile-admissions and hostile-events check that time advances by exactly 1 at every edge (R6)',
    });
  }
  cases.push(
    probe(
      'hostile-events',
      'ev_ready dropped at random points: every event held unchanged until taken (R5), none lost (R10)',
      { offer: 0.3, evReady: 0.4, commands: true, layerCycles: [1, 12] },
      (r) => scenario(r.heldEvents > 0, 'no event was held back'),
      3,
    ),
  );
  return cases;
}

function scenario(cond: boolean, what: string): void {
  if (!cond) throw new ScenarioError(`the case did not exercise what it is for: ${what}`);
}
