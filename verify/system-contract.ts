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
import { buildWorkload } from '../hwgen/system/index.ts';
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
/**
 * A whole run with a time skip requested in every cycle and beats offered after each layer's last
 * row, checked at every edge: time advances by the skip only when neither the scheduler nor the PE
 * array is busy; act_ready is low from the last row's last beat until done; every layer's outputs
 * equal the golden PE array's.
 */
export async function skipsAndExtraBeats(sim: SystemSim, config: HwConfig, seed: number): Promise<{ checked: number; simCycles: number }> {
  const wl = buildWorkload(config, { requests: 2, seed, load: 2 });
  const timeSkip = config.scheduler.timeSkip === 1;
  const shape = sim.shape;
  const h = new SchedCycleHost(sim.session, shape, { busy: 'sched_busy', timeSkip, extraWatch: NPU_WATCH, npuInputs: ['npu_go', 'npu_final', 'w_wr_en', 'act_valid'] });
  const rng = new Rng(seed);
  await h.reset();
  for (const v of wl.variants) await h.program(v.script);

  const occupied = new Map<number, number>(); // slot -> request
  const outputs: number[][][][][] = wl.requests.map(() => []); // request -> layer -> pass -> row -> lane
  const layerOf = new Array<number>(wl.requests.length).fill(0);
  let next = 0;
  let completed = 0;
  let skipsHonoured = 0;
  let extraRefused = 0;
  let phase: 'wait' | 'load' | 'go' | 'stream' = 'wait';
  let job: { req: number; layer: number; tile: LayerTile; k: number; beat: number; rowsIn: number; rows: number[][] } | undefined;
  let prev: Record<string, bigint> | undefined;
  const limit = 400_000;
  for (let cycle = 0; completed < wl.requests.length; cycle++) {
    if (cycle > limit) throw new Mismatch(`run did not finish within ${limit} cycles`);
    // Inputs for this edge.
    const r = wl.requests[next];
    h.offer(r ? { variant: r.variant, deadline: r.deadline, arrival: r.arrival, scale: r.scale } : undefined);
    if (timeSkip) {
      h.set('time_skip_en', 1);
      h.set('time_skip', rng.int(1, 3000));
    }
    h.set('w_wr_en', phase === 'load');
    if (phase === 'load') {
      h.set('w_wr_addr', job!.k);
      h.set('w_wr_data', BigInt(`0x${packWeightRow(job!.tile.weights[job!.k]!, config.peArray.weightWidth)}`));
    }
    h.set('npu_go', phase === 'go');
    h.set('npu_final', phase === 'go');
    if (phase === 'go') {
      h.set('cfg_rows', job!.tile.rows);
      h.set('cfg_relu', job!.tile.relu);
      h.set('cfg_shift', job!.tile.shift);
    }
    if (phase === 'stream') {
      const b = job!.tile.beats[job!.beat];
      // After the last beat: keep offering a beat that must be refused.
      h.set('act_valid', 1);
      h.set('act_index', b?.index ?? 0);
      h.set('act_value', BigInt.asUintN(config.peArray.actWidth, BigInt(b?.value ?? 1)));
      h.set('act_last', b?.last ?? true);
    } else h.set('act_valid', 0);

    const e = await h.edge();
    // Time: a skip is honoured only while the scheduler waits and the PE array is idle.
    if (prev) {
      const honoured = timeSkip && prev.sched_busy === 0n && prev.npu_busy === 0n && prev.time_skip_en === 1n;
      expectEqual(e.time_now! - prev.time_now!, honoured ? prev.time_skip! : 1n, `time step at cycle ${cycle} (sched_busy ${prev.sched_busy}, npu_busy ${prev.npu_busy})`);
      if (honoured && prev.time_skip! > 1n) skipsHonoured++;
    }
    if (phase === 'stream') {
      const allIn = job!.rowsIn === job!.tile.rows;
      if (allIn) {
        expectEqual(e.act_ready!, 0n, `act_ready after all ${job!.tile.rows} rows arrived (cycle ${cycle})`);
        extraRefused++;
      }
      if (e.act_valid && e.act_ready) {
        if (e.act_last) job!.rowsIn++;
        job!.beat++;
      }
      if (e.npu_out_valid) job!.rows.push(unpackLanes(e.npu_out_data!.toString(16).padStart((config.peArray.lanes * config.peArray.actWidth + 3) >> 2, '0'), config.peArray.lanes, config.peArray.actWidth));
      if (e.npu_done) {
        const gold = runLayerGolden(config.peArray, job!.tile);
        expectEqual(JSON.stringify(job!.rows), JSON.stringify(gold.outputs), `request ${job!.req} layer ${job!.layer} outputs`);
        outputs[job!.req]![job!.layer] = [job!.rows];
        phase = 'wait';
        job = undefined;
      }
    } else if (phase === 'go') {
      expectEqual(e.npu_pending!, 1n, `npu_pending before the launch (cycle ${cycle})`);
      phase = 'stream';
    } else if (phase === 'load') {
      if (++job!.k === job!.tile.weights.length) phase = 'go';
    } else {
      expectEqual(e.act_ready!, 0n, `act_ready while the PE array is idle (cycle ${cycle})`);
    }
    // Events and admissions.
    const newEvent = e.ev_valid === 1n && (!prev || prev.ev_valid === 0n || prev.ev_ready === 1n);
    if (newEvent && e.ev_kind === EV_DECISION) {
      const slot = Number(e.ev_task);
      const req = occupied.get(slot);
      if (req === undefined) throw new Mismatch(`decision for empty slot ${slot} at cycle ${cycle}`);
      expectEqual(Number(e.ev_layer), layerOf[req]!, `layer decided for request ${req}`);
      check(phase === 'wait', `a decision while a layer is still running (cycle ${cycle})`);
      // One pass per layer (the tiny CNNs fit the lanes and the buffer); several passes are the workload suite's.
      const passes = wl.passes(req, layerOf[req]!, outputs[req]!);
      if (passes.length !== 1 || passes[0]!.ops.some((op) => op.kind === 'write')) throw new ScenarioError(`request ${req} layer ${layerOf[req]} runs as ${passes.length} passes; this case plays single-pass layers`);
      const tile = passes[0]!.tile;
      job = { req, layer: layerOf[req]!, tile, k: 0, beat: 0, rowsIn: 0, rows: [] };
      layerOf[req]!++;
      phase = tile.weights.length ? 'load' : 'go';
    } else if (newEvent && e.ev_kind === EV_COMPLETION) {
      const req = occupied.get(Number(e.ev_task));
      if (req === undefined || layerOf[req] !== wl.requests[req]!.nlayers) throw new Mismatch(`unexpected completion of slot ${e.ev_task} at cycle ${cycle}`);
      occupied.delete(Number(e.ev_task));
      completed++;
    }
    if (admitted(e)) occupied.set(Number(e.adm_slot), next++);
    prev = e;
  }
  if (timeSkip && skipsHonoured === 0) throw new ScenarioError('the case did not exercise what it is for: no skip was honoured');
  if (extraRefused === 0) throw new ScenarioError('the case did not exercise what it is for: no beat was offered after a last row');
  return { checked: wl.variants.length ? layerOf.reduce((a, b) => a + b, 0) : 0, simCycles: h.edges.length };
}
