// The integrated Sparse-DySta system (dysta_system): the Dysta scheduler's decisions drive the real
// sparse PE array, and the PE array's output lanes feed the scheduler's own sparsity monitor and
// latency predictor, closing the paper's loop on real compute.
//
//   host ── cmd/adm ──► dysta_scheduler ── ev ──► host (decision: task, layer)
//                        │ npu_start                 │ the host (a DMA in a real system) loads the
//                        ▼                            ▼ chosen layer's weights and cfg, then npu_go
//          npu_pending | layer_open ── & npu_go ──► npu_tile.start
//   host ── w_wr / act stream ─────────────────► npu_tile ── out_valid/out_data ──► scheduler monitor
//                                                        └── done & final_pass ──► npu_layer_done
//
// Timing contract (checked by the system cosim, see README.md):
//  - npu_start (with the decision event) clears the scheduler's monitor and sets npu_pending;
//    the array starts on the first npu_go while a layer is pending (a go without a decision is
//    ignored), so the PE array only ever runs what the scheduler chose. A layer with more output
//    channels than lanes runs as several passes: layer_open lets the host start the further passes,
//    npu_final (with npu_go) marks the last one, and only that pass's done is npu_layer_done. The
//    scheduler's monitor, cleared by npu_start only, counts the outputs of every pass of the layer.
//  - the array raises `done` in the same cycle as its last output row; the scheduler's monitor
//    folds that row in at the same edge at which the scheduler samples npu_layer_done, and the
//    predictor reads the count one cycle later (update stage 0). So every output row of the layer
//    is counted before the prediction uses it: the blocks connect directly, no glue register.
//  - the trace-NPU count input is tied off (npu_count_ext = 0): the monitor's count is always used.
//  - time_skip_en is honoured only while the array is idle (the skip would desynchronise the
//    scheduler's clock from real compute otherwise).
import { lit, ModuleBuilder, type Expr, type ModuleDef, type Signal } from '../hdl/index.ts';
import type { HwConfig } from '../config/index.ts';
import { buildNpuTile, peArrayParams } from '../pe-array/rtl.ts';
import { buildScheduler, schedulerParams } from '../scheduler/rtl.ts';
import { schedulerFormats } from '../scheduler/formats.ts';

export const SYSTEM_TOP = 'dysta_system';

/** Scheduler ports renamed at the system boundary (everything else keeps its name). */
const SCHED_RENAME: Record<string, string> = { busy: 'sched_busy' };
/** NPU tile outputs renamed at the system boundary. */
const NPU_RENAME: Record<string, string> = {
  busy: 'npu_busy',
  done: 'npu_done',
  out_valid: 'npu_out_valid',
  out_data: 'npu_out_data',
  cycles: 'npu_cycles',
  mon_nonzero: 'npu_mon_nonzero',
  mon_total: 'npu_mon_total',
  mon_valid: 'npu_mon_valid',
};

export interface SystemModules {
  top: ModuleDef;
  npu: ModuleDef;
  scheduler: ModuleDef;
}

/**
 * Builds dysta_system from `npu` and `scheduler` (pass the same module objects as the rest of the
 * design so the design holds one definition of each); builds them from the config when omitted.
 */
export function buildSystem(config: HwConfig, blocks?: { npu: ModuleDef; scheduler: ModuleDef }): SystemModules {
  const npuTile = blocks?.npu ?? buildNpuTile(config.peArray).top;
  const sched = blocks?.scheduler ?? buildScheduler(config.scheduler, config.peArray, buildNpuTile(config.peArray).monitor).top;
  const f = schedulerFormats(config.scheduler);
  const m = new ModuleBuilder(
    SYSTEM_TOP,
    'Sparse-DySta system: dysta_scheduler decisions drive npu_tile (the sparse PE array); the array\'s output\n' +
      'lanes feed the scheduler\'s sparsity monitor and npu_tile.done is its npu_layer_done. The host loads each\n' +
      'decided layer\'s weights, cfg and compressed activations and pulses npu_go. Timing: hwgen/system/README.md.',
    { ...peArrayParams(config.peArray), ...schedulerParams(f) },
  );
  const clk = m.input('clk', 1, { role: 'clock' });
  const rst = m.input('rst', 1, { role: 'reset', doc: 'synchronous, active high' });

  // Scheduler host side: command port, admission port, event stream, time and status.
  const schedConn: Record<string, Expr> = { clk, rst };
  const npuSide = new Set(['npu_lane_valid', 'npu_lane_data', 'npu_layer_done', 'npu_count_ext', 'npu_count']);
  const schedPorts = new Map<string, Signal>();
  let skipEn: Signal | undefined;
  for (const p of sched.ports) {
    if (p.role !== 'data' || npuSide.has(p.name)) continue;
    if (p.name === 'time_skip_en') {
      skipEn = m.input('time_skip_en', 1, { doc: 'simulation only: advance time by time_skip this cycle (scheduler waiting, PE array idle)' });
      continue;
    }
    const name = SCHED_RENAME[p.name] ?? p.name;
    const s = p.kind === 'input' ? m.input(name, p.width, { signed: p.signed, doc: p.doc }) : m.output(name, p.width, { signed: p.signed, doc: p.doc });
    schedPorts.set(p.name, s);
    schedConn[p.name] = s;
  }

  // NPU tile data side: weights, cfg, activation stream; outputs and its own monitor.
  const npuConn: Record<string, Expr> = { clk, rst };
  const npuPorts = new Map<string, Signal>();
  for (const p of npuTile.ports) {
    if (p.role !== 'data' || p.name === 'start') continue;
    const name = NPU_RENAME[p.name] ?? p.name;
    const s = p.kind === 'input' ? m.input(name, p.width, { signed: p.signed, doc: p.doc }) : m.output(name, p.width, { signed: p.signed, doc: p.doc });
    npuPorts.set(p.name, s);
    npuConn[p.name] = s;
  }
  const go = m.input('npu_go', 1, { doc: 'the pass\'s weights and cfg are loaded: start the PE array (ignored unless a decided layer is pending or open)' });
  const final = m.input('npu_final', 1, { doc: 'with npu_go: this pass completes the decided layer (a layer wider than the lanes runs as several passes)' });
  const pending = m.output('npu_pending', 1, { reset: 0, doc: 'a decision is waiting for its layer to start' });
  const open = m.reg('layer_open', 1, { reset: 0, doc: 'the decided layer has started and its final pass has not finished' });
  const finalPass = m.reg('final_pass', 1, { reset: 0, doc: 'the running pass is the decided layer\'s last' });

  // Glue: the layer the scheduler decided starts when the host has loaded its first pass; its
  // further passes may start until the final pass is done, and only that pass's done ends the layer.
  const npuBusy = npuPorts.get('busy')!;
  const done = npuPorts.get('done')!;
  const launch = m.wire('npu_launch', 1, { doc: 'start the PE array on a pass of the decided layer' });
  m.assign(launch, go.land(pending.lor(open)).land(npuBusy.lnot()));
  const layerDone = m.wire('npu_layer_done', 1, { doc: 'the decided layer\'s final pass finished' });
  m.assign(layerDone, done.land(finalPass));
  const npuStart = schedPorts.get('npu_start')!;
  m.seq((b) => {
    b.if(npuStart, () => b.set(pending, lit(1, 1)), () => b.if(launch, () => b.set(pending, lit(0, 1))));
    b.if(launch, () => {
      b.set(open, lit(1, 1));
      b.set(finalPass, final);
    }, () => b.if(layerDone, () => b.set(open, lit(0, 1))));
  }, 'A decision (npu_start) is pending until the host launches its first pass with npu_go; the layer is open until its final pass is done.');
  npuConn.start = launch;

  schedConn.npu_lane_valid = npuPorts.get('out_valid')!;
  schedConn.npu_lane_data = npuPorts.get('out_data')!;
  schedConn.npu_layer_done = layerDone;
  schedConn.npu_count_ext = lit(0, 1);
  const countPort = sched.ports.find((p) => p.name === 'npu_count')!;
  schedConn.npu_count = lit(0, countPort.width);
  if (skipEn) {
    const gated = m.wire('time_skip_gated', 1, { doc: 'time skips only while the PE array is idle' });
    m.assign(gated, skipEn.land(npuBusy.lnot()));
    schedConn.time_skip_en = gated;
  }

  m.instance(sched, 'u_sched', schedConn);
  m.instance(npuTile, 'u_npu', npuConn);
  return { top: m.build(), npu: npuTile, scheduler: sched };
}
