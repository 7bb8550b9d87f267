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
import { sat } from '../hwgen/scheduler/formats.ts';
import { Rng } from './scheduler-scenarios.ts';
import { EV_COMPLETION, EV_DECISION, SchedCycleHost, admitted, eventTaken, type Offer } from './scheduler-host.ts';
import type { DriveValue } from '../cosim/cycle.ts';
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

/** An offer while speculating: its deadline and arrival may be relative to time_now (DriveValue). */
type SpecOffer = Omit<Offer, 'deadline' | 'arrival'> & { deadline: DriveValue; arrival: DriveValue };

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
 * programmed first (through the command port, one command per cycle). The host reacts only to an
 * accepted admission and to events, so the cycles up to the next edge showing one are sent as one
 * speculative batch (`drive`, stopping at that edge); each edge's inputs are then drawn again from
 * the real generator and must equal what was sent, so the stimulus is the cycle-by-cycle host's.
 */
export async function runHostile(h: SchedCycleHost, cfg: SchedulerConfig, variants: readonly ScriptVariant[], plan: HostilePlan): Promise<HostileResult> {
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

  // The inputs the host drives, in the order of each cycle's vector.
  const ins = [
    'adm_valid', 'adm_variant', 'adm_deadline', 'adm_arrival', 'adm_penalty_scale', 'ev_ready',
    ...(plan.maxSkip ? ['time_skip_en', 'time_skip'] : []),
    ...(plan.commands ? ['cmd_op', 'cmd_addr', 'cmd_data', 'cmd_valid'] : []),
    'npu_layer_done', 'npu_count_ext', 'npu_count',
  ];
  const column = new Map(ins.map((p, i) => [p, i]));
  // The host reacts to an accepted admission (the offer is taken) and to a new decision (a layer
  // starts, its length drawn): a batch stops at the edge showing either. A new decision is the edge
  // where npu_start pulses (R8, checked at that edge: an RTL that shows a decision without the
  // pulse, or a pulse without one, fails there); events held back or completions need no reaction.
  const stop = [['adm_valid', 'adm_ready'], ['npu_start']];

  /**
   * The inputs of the next edge, drawn from `g` in a fixed order: `cur` (the inputs as driven so far)
   * is updated in place. `prevTime` is the time_now of the previous edge, or null when it is not
   * known yet (a speculative cycle): then a new offer stamps its deadline and arrival relative to
   * time_now at the previous edge (the harness adds them: DriveValue), which needs time_now > 100
   * for sure (`late`: the time known at the batch's start was); otherwise the batch ends (null).
   */
  const nextInputs = (g: Rng, st: { offer: SpecOffer | undefined; layerLeft: number }, prevTime: bigint | undefined | null, cur: DriveValue[], late = false): { doneNnz: bigint | undefined } | null => {
    const put = (p: string, v: DriveValue | number | boolean) => (cur[column.get(p)!] = typeof v === 'boolean' ? (v ? 1n : 0n) : typeof v === 'number' ? BigInt(v) : v);
    if (!st.offer && g.chance(plan.offer)) {
      if (prevTime === null && !late) return null;
      const variant = g.int(0, variants.length - 1);
      if (prevTime === null) {
        const deadline = { from: 'time_now', add: BigInt(g.int(0, 40_000)) };
        st.offer = { variant, deadline, arrival: { from: 'time_now', add: -BigInt(g.int(0, 100)) }, scale: sat(BigInt(g.int(0, 1 << 20)), f.penaltyScaleWidth) };
      } else {
        const t = prevTime ?? 0n;
        st.offer = { variant, deadline: t + BigInt(g.int(0, 40_000)), arrival: t > 100n ? t - BigInt(g.int(0, 100)) : t, scale: sat(BigInt(g.int(0, 1 << 20)), f.penaltyScaleWidth) };
      }
    } else if (st.offer && plan.offer < 1 && g.chance(0.2)) st.offer = undefined; // the host may withdraw and retry later
    put('adm_valid', st.offer !== undefined);
    if (st.offer) {
      put('adm_variant', st.offer.variant);
      put('adm_deadline', st.offer.deadline);
      put('adm_arrival', st.offer.arrival);
      put('adm_penalty_scale', st.offer.scale);
    }
    put('ev_ready', g.chance(plan.evReady));
    if (plan.maxSkip) {
      put('time_skip_en', 1);
      put('time_skip', g.int(1, plan.maxSkip));
    }
    if (plan.commands) {
      const kind = g.int(0, 2);
      if (kind === 0) {
        put('cmd_op', 4);
        put('cmd_addr', 6); // READ_COUNTER valid tasks
        put('cmd_data', 0);
      } else if (kind === 1) {
        put('cmd_op', 3);
        put('cmd_addr', g.int(0, f.tasks - 1)); // READ_TASK status
        put('cmd_data', 0);
      } else {
        const v = variants[0]!; // rewrite variant 0 with the same words: harmless, but only when ready
        put('cmd_op', 1);
        put('cmd_addr', v.variant);
        put('cmd_data', (v.suffix0 << BigInt(h.shape.layerCountWidth)) | BigInt(v.nlayers));
      }
      put('cmd_valid', 1);
    }
    const doneNnz = st.layerLeft === 0 ? sat(BigInt(g.int(0, 3000)), f.nnzWidth) : undefined;
    put('npu_layer_done', doneNnz !== undefined);
    put('npu_count_ext', doneNnz !== undefined);
    if (doneNnz !== undefined) put('npu_count', doneNnz);
    return { doneNnz };
  };

  const driven: DriveValue[] = ins.map((p) => h.host.input(p));
  let cycle = 0;
  let batch = 8; // cycles speculated: twice the last run between reactions (most are a few cycles)
  while (res.decisions < plan.decisions || layerLeft >= 0) {
    // ---- speculate: the inputs of the next cycles as long as nothing the host reacts to happens
    const g = rng.clone();
    const st: { offer: SpecOffer | undefined; layerLeft: number } = { offer, layerLeft };
    const cur = [...driven];
    const vectors: DriveValue[][] = [];
    const late = prev !== undefined && prev.time_now! > 100n;
    while (vectors.length < batch && cycle + vectors.length <= limit && (res.decisions < plan.decisions || st.layerLeft >= 0)) {
      // time_now at the previous edge: known for the first cycle; without skips it advances by one
      // per edge (R6, checked at that edge before this cycle's inputs are compared), with skips
      // it depends on busy, so a new offer ends the batch.
      const known = vectors.length === 0 ? prev?.time_now : !plan.maxSkip && prev ? prev.time_now + BigInt(vectors.length) : null;
      const next = nextInputs(g, st, known, cur, late);
      if (!next) break;
      vectors.push([...cur]);
      if (next.doneNnz !== undefined) st.layerLeft = -1;
      else if (st.layerLeft > 0) st.layerLeft--;
    }
    if (vectors.length === 0) throw new Mismatch(`only ${res.decisions} of ${plan.decisions} decisions within ${limit} cycles`);
    const edges = await h.drive(ins, vectors, stop);
    batch = Math.min(256, Math.max(4, 2 * edges.length));

    // A relative value's number: time_now at the edge before the first vector holding it.
    const resolved = new Map<DriveValue, bigint>();
    for (const [i, e] of edges.entries()) {
      if (cycle > limit) throw new Mismatch(`only ${res.decisions} of ${plan.decisions} decisions within ${limit} cycles`);
      // ---- the inputs of this edge again, from the real generator: the speculation must have sent
      // them (a relative value: as the harness resolved it, which this edge shows)
      const st: { offer: SpecOffer | undefined; layerLeft: number } = { offer, layerLeft };
      const doneNnz = nextInputs(rng, st, prev?.time_now, driven)!.doneNnz;
      offer = st.offer as Offer | undefined; // drawn with a known time_now: numbers
      const sent = vectors[i]!.map((v, j) => {
        if (typeof v === 'bigint') return v;
        if (!resolved.has(v)) resolved.set(v, prev![v.from]! + v.add);
        if (e[ins[j]!] !== resolved.get(v)) throw new Error(`hostile host: the harness applied ${ins[j]} = ${e[ins[j]!]} at cycle ${cycle}, not ${resolved.get(v)}`);
        return resolved.get(v)!;
      });
      if (driven.some((v, j) => v !== sent[j])) throw new Error(`hostile host: the speculative inputs of cycle ${cycle} differ from the real ones (a reaction the batch did not stop for)`);
      res.cycles++;
      const busy = e[h.busyPort]!;

      // ---- R1-R3
      expectEqual(e.adm_ready!, busy === 0n && e.table_full === 0n ? 1n : 0n, `R1 adm_ready at cycle ${cycle} (busy ${busy}, table_full ${e.table_full})`);
      expectEqual(e.cmd_ready!, busy === 0n ? 1n : 0n, `R2 cmd_ready at cycle ${cycle} (busy ${busy})`);
      expectEqual(e.table_full!, e.num_valid === BigInt(f.tasks) ? 1n : 0n, `R3 table_full at cycle ${cycle} (num_valid ${e.num_valid})`);
      if (e.adm_valid && busy) res.offeredBusy++;
      if (e.adm_valid && e.table_full) res.offeredFull++;

      // ---- R4: the read accepted in the previous cycle answers now
      expectEqual(e.rsp_valid!, pendingRead ? 1n : 0n, `R4 rsp_valid at cycle ${cycle}`);
      if (pendingRead?.op === 4) expectEqual(e.rsp_data!, pendingRead.numValid, `R4 READ_COUNTER 6 answer at cycle ${cycle}`);
      if (pendingRead?.op === 3) {
        const slotValid = (e.rsp_data! >> BigInt(h.shape.layerCountWidth + h.shape.variantWidth)) & 1n;
        expectEqual(slotValid, pendingRead.slotValid ? 1n : 0n, `R4 READ_TASK status valid bit of slot ${pendingRead.addr} at cycle ${cycle}`);
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
          expectEqual(e.ev_valid!, 1n, `R5 ev_valid held at cycle ${cycle}`);
          for (const k of EV_FIELDS) expectEqual(e[k]!, prev[k]!, `R5 ${k} held at cycle ${cycle}`);
        }
        const skipped = plan.maxSkip && prev[h.busyPort] === 0n && prev.time_skip_en === 1n ? prev.time_skip! : 1n;
        if (plan.maxSkip && prev[h.busyPort] === 1n && prev.time_skip! > 1n) res.skipsRefused++;
        expectEqual(e.time_now! - prev.time_now!, skipped, `R6 time step at cycle ${cycle} (busy ${prev[h.busyPort]}, skip requested ${plan.maxSkip ? prev.time_skip : 'no'})`);
        const completionLoaded = newEvent && e.ev_kind === EV_COMPLETION ? 1n : 0n;
        expectEqual(e.num_valid! - prev.num_valid!, (admitted(prev) ? 1n : 0n) - completionLoaded, `R7 num_valid change at cycle ${cycle}`);
      }
      expectEqual(e.npu_start!, newEvent && e.ev_kind === EV_DECISION ? 1n : 0n, `R8 npu_start at cycle ${cycle}`);

      // ---- events (R9, R10), before this edge's admission: a selection never includes a request
      // admitted in the cycle its event shows, and a completion frees its slot for that admission.
      if (newEvent && e.ev_kind === EV_DECISION) {
        const slot = Number(e.ev_task);
        const task = occupied.get(slot);
        if (!task) throw new Mismatch(`R9 decision for empty slot ${slot} at cycle ${cycle}`);
        expectEqual(Number(e.ev_layer), task.next, `R9 layer decided for slot ${slot} at cycle ${cycle} (a layer decided twice or skipped)`);
        const d = golden.select(e.ev_time!);
        expectEqual(slot, d.slot, `R10 decided slot at cycle ${cycle} (t_sel ${e.ev_time})`);
        expectEqual(e.ev_score!, d.score, `R10 winning score at cycle ${cycle}`);
        expectEqual(Number(e.npu_task), slot, `npu_task with the decision at cycle ${cycle}`);
        expectEqual(Number(e.npu_layer), task.next, `npu_layer with the decision at cycle ${cycle}`);
        task.next++;
        res.decisions++;
        layerLeft = rng.int(plan.layerCycles[0], plan.layerCycles[1]);
      } else if (newEvent && e.ev_kind === EV_COMPLETION) {
        const slot = Number(e.ev_task);
        const task = occupied.get(slot);
        if (!task || !lastLayerDone?.completed || lastLayerDone.slot !== slot) throw new Mismatch(`R10 unexpected completion of slot ${slot} at cycle ${cycle}`);
        expectEqual(task.next, runsOf[task.variant]!, `R9 layers run before the completion of slot ${slot} (variant ${task.variant})`);
        expectEqual(Number(e.ev_layer), lastLayerDone.layer, `R10 completion layer of slot ${slot}`);
        expectEqual(e.ev_time!, lastLayerDone.t, `R10 completion finish time of slot ${slot}`);
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
        expectEqual(Number(e.adm_slot), lowest, `R7 adm_slot at cycle ${cycle}`);
        const slot = golden.admit({ variant: Number(e.adm_variant), deadline: e.adm_deadline!, arrival: e.adm_arrival!, scale: e.adm_penalty_scale! });
        expectEqual(slot ?? -1, lowest, `golden admission slot at cycle ${cycle}`);
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
        check(out.completed === (task.next === runsOf[task.variant]), `R9 golden completion of slot ${out.slot} at cycle ${cycle}`);
        layerLeft = -1;
      } else if (layerLeft > 0) layerLeft--;
      prev = e;
      cycle++;
    }
  }
  return res;
}

/**
 * The hostile-host cases: admissions and commands offered in every state, time skips requested in
 * every state (with time-skip ports), events held back at random points. Each checks R1-R10 at every
 * edge and that the stimulus did what the case is named after.
 */
export function hostileCases(cfg: SchedulerConfig, seed: number): SchedulerCase[] {
  // A decision costs about N + 37 cycles (a few round trips: see runHostile): fewer of them for a large table.
  const decisions = Math.max(40, Math.min(120, Math.floor(20_000 / (2 ** cfg.log2Tasks + 40))));
  const variants = contractVariants(cfg);
  const probe = (name: string, about: string, plan: Omit<HostilePlan, 'seed' | 'decisions'>, exercised: (r: HostileResult) => void, offset: number): SchedulerCase => ({
    name,
    about,
    run: async (sim) => {
      const h = new SchedCycleHost(sim.session, sim.shape, { timeSkip: cfg.timeSkip === 1 });
      const r = await runHostile(h, cfg, variants, { ...plan, decisions, seed: seed * 31 + offset });
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
