// Host-side driver of the integrated system (dysta_system) in Verilator: the scheduler decides, the
// host loads the decided layer's weights and compressed activations into the PE array, the array's
// outputs flow into the scheduler's monitor, and the loop goes on until every request completed.
// Each step of the loop is one C++ transaction (cosim/system/system_txn.cpp): `sys_next` (to the
// next decision, with completions, admissions and read-backs) and `sys_pass` (one whole pass of the
// decided layer on the PE array; a layer wider than the lanes is several passes).
// Plain numbers in and out; it knows the design only through its manifest and port names.
import { writeFileSync } from 'node:fs';
import { packageFile } from '../../input/package-files.ts';
import { buildSimulator, type BuildOptions, type Simulator } from '../build.ts';
import type { Session, StartOptions } from '../session.ts';
import { DesignError } from '../errors.ts';
import { waveScope, writeGtkw, type GtkwGroup } from '../gtkw.ts';
import { packRow, unpackLanes } from '../npu/driver.ts';
import { SCHEDULER_HOST_HEADER, tableCommands, type ScriptVariant } from '../scheduler/driver.ts';

export const SYSTEM_TRANSACTIONS = packageFile('cosim', 'system', 'system_txn.cpp');
export const SYSTEM_TOP_NAME = 'dysta_system';

export interface SystemRequest {
  /** Arrival time (cycles); non-decreasing over the list, >= start. */
  arrival: bigint;
  variant: number;
  deadline: bigint;
  /** Penalty scale (clock / isolated estimate, fixed point). */
  scale: bigint;
  /** Layers the request runs (its variant's layer count). */
  nlayers: number;
}

export interface SystemSetup {
  /** Scheduler time at which the run begins (after table programming). */
  start: bigint;
  variants: ScriptVariant[];
  requests: SystemRequest[];
}

export interface SystemBeat {
  index: number;
  value: number;
  last: boolean;
}

/** A weight-buffer write in the stream (the stream pauses for that cycle). */
export interface SystemWrite {
  kind: 'write';
  addr: number;
  row: readonly number[];
}

/**
 * One pass of a layer on the PE array: weight rows W[k][lane] loaded before it starts, then one op
 * per cycle (a compressed activation beat, or a weight write when a long reduction is split), cfg.
 */
export interface SystemPass {
  initial: readonly (readonly number[])[];
  ops: readonly (SystemBeat | SystemWrite)[];
  rows: number;
  relu: boolean;
  shift: number;
}

export interface SystemShape {
  lanes: number;
  actWidth: number;
  weightWidth: number;
  weightDepth: number;
  variantWidth: number;
  layerWidth: number;
  layerCountWidth: number;
  recipWidth: number;
  log2Tasks: number;
  /** Regression builds: coefficient width (0 with the gamma predictor). */
  coeffWidth: number;
  latencyWidth: number;
  /** MHG builds: 1/iso word width (0 with the dysta policy). */
  invIsoWidth: number;
}

export interface SystemDecision {
  slot: number;
  req: number;
  layer: number;
}

export interface SystemRun {
  /** The whole log, one fact per line (format: cosim/system/README.md). */
  lines: string[];
  /** outputs[req][layer][pass] = the PE array's requantised outputs [row][lane]. */
  outputs: number[][][][][];
  decisions: number;
  gtkw?: string;
}

/**
 * Supplies the passes of `layer` of request `req`; `previous[l][pass]` holds the request's earlier
 * layers' outputs as the RTL produced them, so the next layer's input is computed from real RTL outputs.
 */
export type PassProvider = (req: number, layer: number, previous: readonly number[][][][]) => readonly SystemPass[];

/** sys_pass commands by pass object and (final, weight width). */
const passCommands = new WeakMap<SystemPass, Map<string, string>>();

/** A weight row as cmd words carry it: packRow of the NPU driver (lane 0 in the low bits, hex). */
export const packWeightRow = packRow;

/** The setup script as sys_setup reads it (table words packed for cmd_data). */
export function setupText(setup: SystemSetup, shape: SystemShape): string {
  const out: string[] = [`start ${setup.start}`];
  for (const v of setup.variants) out.push(...tableCommands(v, shape));
  let last = setup.start;
  for (const r of setup.requests) {
    if (r.arrival < last) throw new RangeError(`request arrivals must be non-decreasing and >= start (got ${r.arrival} after ${last})`);
    last = r.arrival;
    out.push(`req ${r.arrival} ${r.variant} ${r.deadline} ${r.scale} ${r.nlayers}`);
  }
  return out.join('\n') + '\n';
}

/** GTKWave groups: scheduler state, selected task, predictor, monitor counts, PE activity. */
export function systemWaveGroups(): GtkwGroup[] {
  return [
    { name: 'scheduler state', signals: ['u_sched.state', { name: 'time_now', format: 'dec' }, { name: 'num_valid', format: 'dec' }, 'u_sched.u_table.valid', { name: 'u_sched.t_sel', format: 'dec' }, 'sched_busy', 'adm_valid', 'adm_ready', { name: 'adm_slot', format: 'dec' }] },
    { name: 'selected task', signals: ['ev_valid', 'ev_kind', { name: 'ev_task', format: 'dec' }, { name: 'ev_layer', format: 'dec' }, { name: 'ev_score', format: 'dec' }, 'npu_start', { name: 'npu_task', format: 'dec' }, { name: 'npu_variant', format: 'dec' }, { name: 'npu_layer', format: 'dec' }] },
    { name: 'predictor', signals: [{ name: 'u_sched.u_predictor.nnz', format: 'dec' }, 'u_sched.u_predictor.gamma', { name: 'u_sched.u_predictor.wb_pred', format: 'dec' }, 'u_sched.u_predictor.wb_last'] },
    {
      name: 'monitor counts',
      signals: [{ name: 'u_sched.u_monitor.nonzero_count', format: 'dec' }, { name: 'u_sched.u_monitor.total_count', format: 'dec' }, { name: 'npu_mon_nonzero', format: 'dec' }, { name: 'npu_mon_total', format: 'dec' }, 'npu_mon_valid'],
    },
    {
      name: 'PE activity',
      signals: ['npu_pending', 'npu_go', 'npu_busy', 'w_wr_en', 'act_valid', 'act_ready', { name: 'act_index', format: 'dec' }, { name: 'act_value', format: 'signed' }, 'act_last', 'npu_out_valid', 'npu_out_data', 'npu_done', { name: 'npu_cycles', format: 'dec' }],
    },
  ];
}

export class SystemSim {
  private runs = 0;
  private constructor(
    readonly simulator: Simulator,
    readonly session: Session,
    readonly shape: SystemShape,
  ) {}

  /** Builds (or reuses from the cache) the dysta_system simulator for the design in `rtlDir` and starts it. */
  static async open(rtlDir: string, options: Omit<BuildOptions, 'rtlDir' | 'top' | 'extraSources'> & { start?: StartOptions } = {}): Promise<SystemSim> {
    const simulator = await buildSimulator({ ...options, rtlDir, top: SYSTEM_TOP_NAME, extraSources: [SYSTEM_TRANSACTIONS, SCHEDULER_HOST_HEADER] });
    const mod = simulator.design.manifest.modules.find((m) => m.name === SYSTEM_TOP_NAME);
    if (!mod) throw new DesignError(`${rtlDir} has no ${SYSTEM_TOP_NAME} module`);
    const p = (k: string): number => {
      const v = mod.parameters[k];
      if (typeof v !== 'number') throw new DesignError(`${SYSTEM_TOP_NAME} in the manifest lacks the numeric parameter ${k}; regenerate with \`npm run gen-rtl\``);
      return v;
    };
    const shape: SystemShape = {
      lanes: p('LANES'),
      actWidth: p('ACT_WIDTH'),
      weightWidth: p('WEIGHT_WIDTH'),
      weightDepth: p('WEIGHT_DEPTH'),
      variantWidth: p('LOG2_VARIANTS'),
      layerWidth: p('LOG2_MAX_LAYERS'),
      layerCountWidth: p('LOG2_MAX_LAYERS') + 1,
      recipWidth: p('RECIP_WIDTH'),
      log2Tasks: p('LOG2_TASKS'),
      coeffWidth: mod.parameters.PREDICTOR === 'regression' ? p('COEFF_WIDTH') : 0,
      latencyWidth: p('LATENCY_WIDTH'),
      invIsoWidth: mod.parameters.POLICY === 'mhg' ? p('MHG_INV_ISO_WIDTH') : 0,
    };
    const session = await simulator.start({ timeoutMs: 600_000, ...options.start });
    return new SystemSim(simulator, session, shape);
  }

  /** Reset, table programming, request list; returns the scheduler time after it. */
  async setup(setup: SystemSetup, limitCycles = 1_000_000): Promise<bigint> {
    const path = `${this.session.logPath}.setup-${this.runs++}.script`;
    writeFileSync(path, setupText(setup, this.shape));
    const reply = await this.session.send(`sys_setup ${path} ${this.shape.layerCountWidth} ${this.shape.variantWidth} ${limitCycles}`);
    return BigInt(reply.trim());
  }

  /** Runs to the next decision (or to the end): the log lines and the decision. */
  async next(): Promise<{ lines: string[]; decision?: SystemDecision }> {
    const reply = (await this.session.send('sys_next')).trim();
    const space = reply.indexOf(' ');
    const kind = reply.slice(0, space);
    const lines = reply.slice(space + 1).split(',');
    if (kind === 'end') return { lines };
    const d = lines.find((l) => l.startsWith('D '))!.split(' ');
    return { lines, decision: { slot: Number(d[3]), req: Number(d[4]), layer: Number(d[5]) } };
  }

  /** Runs one pass of the decided layer on the PE array (`final`: its last): log lines and the output rows. */
  async pass(pass: SystemPass, final: boolean): Promise<{ lines: string[]; outputs: number[][] }> {
    const { lanes, actWidth } = this.shape;
    const reply = (await this.session.send(this.passCommand(pass, final))).trim();
    const [logPart, rowPart] = reply.split(' |');
    const outputs = (rowPart ?? '')
      .trim()
      .split(' ')
      .filter((h) => h.length > 0)
      .map((h) => unpackLanes(h, lanes, actWidth));
    return { lines: logPart!.split(','), outputs };
  }

  /** The `sys_pass` command of a pass, kept per pass object (the regression runs the same passes in three passes). */
  private passCommand(pass: SystemPass, final: boolean): string {
    const key = `${final ? 1 : 0}:${this.shape.weightWidth}`;
    let byKey = passCommands.get(pass);
    if (!byKey) passCommands.set(pass, (byKey = new Map()));
    let cmd = byKey.get(key);
    if (cmd === undefined) {
      const { weightWidth } = this.shape;
      const words = pass.initial.map((r) => packWeightRow(r, weightWidth));
      const ops = pass.ops.map((o) => ('kind' in o && o.kind === 'write' ? `w ${o.addr} ${packWeightRow(o.row, weightWidth)}` : `${(o as SystemBeat).index} ${(o as SystemBeat).value} ${(o as SystemBeat).last ? 1 : 0}`)).join(' ');
      cmd = `sys_pass ${final ? 1 : 0} ${words.length}${words.length ? ' ' + words.join(' ') : ''} ${pass.rows} ${pass.relu ? 1 : 0} ${pass.shift} ${pass.ops.length}${ops ? ' ' + ops : ''}`;
      byKey.set(key, cmd);
    }
    return cmd;
  }

  /** The whole loop: setup, then decision -> layer until every request completed. */
  async run(
    setup: SystemSetup,
    provider: PassProvider,
    options: { wave?: string; waveFile?: string; zoom?: number; limitCycles?: number } = {},
  ): Promise<SystemRun> {
    // waveFile: where the simulator writes the wave (a symlink's target); default `wave`.
    if (options.wave) await this.session.waveOn(options.waveFile ?? options.wave);
    const lines: string[] = [];
    const outputs: number[][][][][] = setup.requests.map(() => []);
    let decisions = 0;
    await this.setup(setup, options.limitCycles);
    let step = await this.next();
    for (;;) {
      lines.push(...step.lines);
      if (!step.decision) break;
      decisions++;
      const { req, layer } = step.decision;
      const passes = provider(req, layer, outputs[req]!);
      if (passes.length === 0) throw new RangeError(`request ${req} layer ${layer}: no passes to run`);
      // The layer's passes and the run to the next decision go out as one pipelined batch: one
      // round trip per decision (the simulator runs them in order; a failing pass rejects first).
      const sent = passes.map((p, i) => this.pass(p, i === passes.length - 1));
      const following = this.next();
      following.catch(() => {}); // seen through `await following` unless a pass failed first
      const results: number[][][] = [];
      for (const res of await Promise.all(sent)) {
        lines.push(...res.lines);
        results.push(res.outputs);
      }
      outputs[req]![layer] = results;
      step = await following;
    }
    let gtkw: string | undefined;
    if (options.wave) {
      await this.session.waveOff();
      gtkw = await writeGtkw({ wave: options.wave, scope: waveScope(SYSTEM_TOP_NAME), groups: systemWaveGroups(), zoom: options.zoom ?? -19 });
    }
    return { lines, outputs, decisions, ...(gtkw ? { gtkw } : {}) };
  }

  async close(): Promise<void> {
    await this.session.close();
  }
}
