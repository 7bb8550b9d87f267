// The system suite's contract cases (verify/system.ts), driven cycle by cycle on dysta_system:
//
//   go-without-decision   npu_go with nothing pending starts nothing
//   skips-and-extra-beats a skip is requested in every cycle of a whole run: time advances by it only
//                         while the scheduler waits and the PE array is idle (npu_busy gates it);
//                         beats are offered after a layer's last row until done and are refused
import { CycleHost } from '../cosim/cycle.ts';
import { unpackLanes } from '../cosim/npu/driver.ts';
import { packWeightRow, type SystemSim } from '../cosim/system/driver.ts';
import type { HwConfig } from '../hwgen/config/index.ts';
import { runLayerGolden } from '../hwgen/pe-array/golden.ts';
import { buildWorkload, type SystemWorkload } from '../hwgen/system/index.ts';
import type { LayerTile } from '../hwgen/pe-array/golden.ts';
import { Mismatch, ScenarioError, check, expectEqual } from './case-run.ts';
import { Rng } from './scheduler-scenarios.ts';
import { EV_COMPLETION, EV_DECISION, SchedCycleHost, admitted } from './scheduler-host.ts';

export async function goWithoutDecision(sim: SystemSim): Promise<{ checked: number; simCycles: number }> {
  const host = new CycleHost(sim.session, ['npu_busy', 'npu_pending', 'npu_cycles', 'act_ready']);
  for (const p of ['adm_valid', 'cmd_valid', 'act_valid', 'w_wr_en']) host.set(p, 0);
  host.set('ev_ready', 1);
  await host.reset(2);
  host.set('cfg_rows', 1);
  host.set('npu_go', 1);
  await host.step(1);
  host.set('npu_go', 0);
  for (const e of await host.step(4)) {
    expectEqual(e.npu_busy!, 0n, 'npu_busy after npu_go without a decision');
    expectEqual(e.npu_pending!, 0n, 'npu_pending after npu_go without a decision');
    expectEqual(e.npu_cycles!, 0n, 'npu_cycles after npu_go without a decision');
    expectEqual(e.act_ready!, 0n, 'act_ready after npu_go without a decision');
  }
  return { checked: 1, simCycles: 7 };
}

const NPU_WATCH = ['npu_busy', 'npu_pending', 'npu_done', 'npu_out_valid', 'npu_out_data', 'act_valid', 'act_ready', 'act_last'] as const;
/** Cycles of a speculative batch (drive): the first after a reaction, and the most (doubling while none comes). */
const SKIPS_BATCH = 128;
const SKIPS_BATCH_MAX = 4096;

type SkipsPhase = 'wait' | 'load' | 'go' | 'stream';
interface SkipsJob {
  req: number;
  layer: number;
  tile: LayerTile;
  k: number;
  beat: number;
  rowsIn: number;
  rows: number[][];
}
/** What the stimulus of the next cycle depends on: copied to compute cycles ahead. */
interface SkipsState {
  phase: SkipsPhase;
  job: SkipsJob | undefined;
  next: number;
  rng: Rng;
  /** Every driven input's value (an input keeps its value until set again). */
  held: bigint[];
}

/** The workload of skips-and-extra-beats and each layer's tile and golden outputs, computed once (the X-pessimism passes reuse them). */
export interface SkipsWorkload {
  wl: SystemWorkload;
  seed: number;
  /** `req/layer` -> the layer's tile and its golden outputs as JSON. */
  layers: Map<string, { tile: LayerTile; gold: string }>;
}

export function prepareSkips(config: HwConfig, seed: number): SkipsWorkload {
  return { wl: buildWorkload(config, { requests: 2, seed, load: 2 }), seed, layers: new Map() };
}

/**
 * A whole run with a time skip requested in every cycle and beats offered after each layer's last
 * row, checked at every edge: time advances by the skip only when neither the scheduler nor the PE
 * array is busy; act_ready is low from the last row's last beat until done; every layer's outputs
 * equal the golden PE array's.
 *
 * The host reacts to decisions, completions, admissions, refused beats and npu_done; between them
 * its inputs follow from its own state. So it computes the next cycles' inputs as if none of those
 * happens and sends them as one `drive` batch that stops at the first edge where one does; every
 * edge is then checked as before and its inputs are computed again from the real state and must
 * equal what was sent (the stimulus is the one of a cycle-by-cycle host).
 */
export async function skipsAndExtraBeats(sim: SystemSim, config: HwConfig, prepared: SkipsWorkload): Promise<{ checked: number; simCycles: number }> {
  const { wl, seed } = prepared;
  const timeSkip = config.scheduler.timeSkip === 1;
  const shape = sim.shape;
  const h = new SchedCycleHost(sim.session, shape, { busy: 'sched_busy', timeSkip, extraWatch: NPU_WATCH, npuInputs: ['npu_go', 'npu_final', 'w_wr_en', 'act_valid'] });
  await h.reset();
  for (const v of wl.variants) await h.program(v.script);

  const ports = [
    'adm_valid', 'adm_variant', 'adm_deadline', 'adm_arrival', 'adm_penalty_scale',
    ...(timeSkip ? ['time_skip_en', 'time_skip'] : []),
    'w_wr_en', 'w_wr_addr', 'w_wr_data', 'npu_go', 'npu_final', 'cfg_rows', 'cfg_relu', 'cfg_shift',
    'act_valid', 'act_index', 'act_value', 'act_last',
  ];
  const at = new Map(ports.map((p, i) => [p, i]));
  const st: SkipsState = { phase: 'wait', job: undefined, next: 0, rng: new Rng(seed), held: ports.map((p) => h.host.input(p)) };
  /** The inputs of the next edge in state `s` (draws that cycle's skip from s.rng). */
  const inputsOf = (s: SkipsState): bigint[] => {
    const set = (port: string, v: bigint | number | boolean) => (s.held[at.get(port)!] = typeof v === 'boolean' ? (v ? 1n : 0n) : BigInt(v));
    const r = wl.requests[s.next];
    set('adm_valid', r !== undefined);
    if (r) {
      set('adm_variant', r.variant);
      set('adm_deadline', r.deadline);
      set('adm_arrival', r.arrival);
      set('adm_penalty_scale', r.scale);
    }
    if (timeSkip) {
      set('time_skip_en', 1);
      set('time_skip', s.rng.int(1, 3000));
    }
    const job = s.job;
    set('w_wr_en', s.phase === 'load');
    if (s.phase === 'load') {
      set('w_wr_addr', job!.k);
      set('w_wr_data', BigInt(`0x${packWeightRow(job!.tile.weights[job!.k]!, config.peArray.weightWidth)}`));
    }
    set('npu_go', s.phase === 'go');
    set('npu_final', s.phase === 'go');
    if (s.phase === 'go') {
      set('cfg_rows', job!.tile.rows);
      set('cfg_relu', job!.tile.relu);
      set('cfg_shift', job!.tile.shift);
    }
    if (s.phase === 'stream') {
      const b = job!.tile.beats[job!.beat];
      // After the last beat: keep offering a beat that must be refused.
      set('act_valid', 1);
      set('act_index', b?.index ?? 0);
      set('act_value', BigInt.asUintN(config.peArray.actWidth, BigInt(b?.value ?? 1)));
      set('act_last', b?.last ?? true);
    } else set('act_valid', 0);
    return [...s.held];
  };
  const allIn = (s: SkipsState) => s.phase === 'stream' && s.job!.rowsIn === s.job!.tile.rows;

  const occupied = new Map<number, number>(); // slot -> request
  const outputs: number[][][][][] = wl.requests.map(() => []); // request -> layer -> pass -> row -> lane
  const layerOf = new Array<number>(wl.requests.length).fill(0);
  let completed = 0;
  let skipsHonoured = 0;
  let extraRefused = 0;
  let prev: Record<string, bigint> | undefined;
  let cycle = 0;
  const limit = 400_000;
  let batch = SKIPS_BATCH;
  while (completed < wl.requests.length) {
    // The next cycles' inputs, assuming every beat offered is taken and nothing else happens; the
    // batch ends where all rows are in (from there on a refused beat is what is expected).
    const ahead: SkipsState = { ...st, job: st.job && { ...st.job }, rng: st.rng.clone(), held: [...st.held] };
    const streaming = st.phase === 'stream' && !allIn(st);
    const vectors: bigint[][] = [];
    while (vectors.length < batch) {
      vectors.push(inputsOf(ahead));
      const job = ahead.job;
      if (ahead.phase === 'load') {
        if (++job!.k === job!.tile.weights.length) ahead.phase = 'go';
      } else if (ahead.phase === 'go') ahead.phase = 'stream';
      else if (ahead.phase === 'stream' && !allIn(ahead)) {
        if (job!.tile.beats[job!.beat]!.last) job!.rowsIn++;
        job!.beat++;
        if (allIn(ahead)) break;
      }
    }
    const stop = [['ev_valid'], ['adm_valid', 'adm_ready'], ['npu_done'], ...(streaming ? [['act_valid', '!act_ready']] : [])];
    const edges = await h.drive(ports, vectors, stop);
    batch = edges.length === vectors.length ? Math.min(2 * batch, SKIPS_BATCH_MAX) : SKIPS_BATCH;
    for (const [j, e] of edges.entries()) {
      if (cycle > limit) throw new Mismatch(`run did not finish within ${limit} cycles`);
      const inputs = inputsOf(st);
      if (inputs.some((v, i) => v !== vectors[j]![i])) throw new Error(`skips-and-extra-beats: the inputs sent for cycle ${cycle} differ from the host's (a speculation error of the test host)`);
      // Time: a skip is honoured only while the scheduler waits and the PE array is idle.
      if (prev) {
        const honoured = timeSkip && prev.sched_busy === 0n && prev.npu_busy === 0n && prev.time_skip_en === 1n;
        expectEqual(e.time_now! - prev.time_now!, honoured ? prev.time_skip! : 1n, () => `time step at cycle ${cycle} (sched_busy ${prev!.sched_busy}, npu_busy ${prev!.npu_busy})`);
        if (honoured && prev.time_skip! > 1n) skipsHonoured++;
      }
      const job = st.job;
      if (st.phase === 'stream') {
        if (job!.rowsIn === job!.tile.rows) {
          expectEqual(e.act_ready!, 0n, () => `act_ready after all ${job!.tile.rows} rows arrived (cycle ${cycle})`);
          extraRefused++;
        }
        if (e.act_valid && e.act_ready) {
          if (e.act_last) job!.rowsIn++;
          job!.beat++;
        }
        if (e.npu_out_valid) job!.rows.push(unpackLanes(e.npu_out_data!.toString(16).padStart((config.peArray.lanes * config.peArray.actWidth + 3) >> 2, '0'), config.peArray.lanes, config.peArray.actWidth));
        if (e.npu_done) {
          expectEqual(JSON.stringify(job!.rows), prepared.layers.get(`${job!.req}/${job!.layer}`)!.gold, `request ${job!.req} layer ${job!.layer} outputs`);
          outputs[job!.req]![job!.layer] = [job!.rows];
          st.phase = 'wait';
          st.job = undefined;
        }
      } else if (st.phase === 'go') {
        expectEqual(e.npu_pending!, 1n, () => `npu_pending before the launch (cycle ${cycle})`);
        st.phase = 'stream';
      } else if (st.phase === 'load') {
        if (++job!.k === job!.tile.weights.length) st.phase = 'go';
      } else {
        expectEqual(e.act_ready!, 0n, () => `act_ready while the PE array is idle (cycle ${cycle})`);
      }
      // Events and admissions.
      const newEvent = e.ev_valid === 1n && (!prev || prev.ev_valid === 0n || prev.ev_ready === 1n);
      if (newEvent && e.ev_kind === EV_DECISION) {
        const slot = Number(e.ev_task);
        const req = occupied.get(slot);
        if (req === undefined) throw new Mismatch(`decision for empty slot ${slot} at cycle ${cycle}`);
        expectEqual(Number(e.ev_layer), layerOf[req]!, () => `layer decided for request ${req}`);
        check(st.phase === 'wait', () => `a decision while a layer is still running (cycle ${cycle})`);
        // One pass per layer (the tiny CNNs fit the lanes and the buffer); several passes are the
        // workload suite's. A layer's input is the previous layers' outputs, which equalled the
        // golden model's (checked at their npu_done), so its tile and golden outputs are the same
        // in every pass: computed once.
        const key = `${req}/${layerOf[req]}`;
        if (!prepared.layers.has(key)) {
          const passes = wl.passes(req, layerOf[req]!, outputs[req]!);
          if (passes.length !== 1 || passes[0]!.ops.some((op) => op.kind === 'write')) throw new ScenarioError(`request ${req} layer ${layerOf[req]} runs as ${passes.length} passes; this case plays single-pass layers`);
          prepared.layers.set(key, { tile: passes[0]!.tile, gold: JSON.stringify(runLayerGolden(config.peArray, passes[0]!.tile).outputs) });
        }
        const tile = prepared.layers.get(key)!.tile;
        st.job = { req, layer: layerOf[req]!, tile, k: 0, beat: 0, rowsIn: 0, rows: [] };
        layerOf[req]!++;
        st.phase = tile.weights.length ? 'load' : 'go';
      } else if (newEvent && e.ev_kind === EV_COMPLETION) {
        const req = occupied.get(Number(e.ev_task));
        if (req === undefined || layerOf[req] !== wl.requests[req]!.nlayers) throw new Mismatch(`unexpected completion of slot ${e.ev_task} at cycle ${cycle}`);
        occupied.delete(Number(e.ev_task));
        completed++;
      }
      if (admitted(e)) occupied.set(Number(e.adm_slot), st.next++);
      prev = e;
      cycle++;
    }
  }
  if (timeSkip && skipsHonoured === 0) throw new ScenarioError('the case did not exercise what it is for: no skip was honoured');
  if (extraRefused === 0) throw new ScenarioError('the case did not exercise what it is for: no beat was offered after a last row');
  return { checked: wl.variants.length ? layerOf.reduce((a, b) => a + b, 0) : 0, simCycles: h.edgeCount };
}
