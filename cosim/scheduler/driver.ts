// Host-side driver of the Dysta scheduler (dysta_scheduler) in Verilator. A whole run — table
// programming, admissions with backpressure, every decision, a trace NPU that replays each layer's
// cycle count and non-zero count, read-backs of scores, gammas and counters — is one transaction
// (`sched_run`, cosim/scheduler/scheduler_txn.cpp). This driver writes the script, sends one command
// and parses the log. It knows the block only through its manifest parameters and port names.
import { readFileSync, writeFileSync } from 'node:fs';
import { packageFile } from '../../input/package-files.ts';
import { buildSimulator, type BuildOptions, type Simulator } from '../build.ts';
import type { Session, StartOptions } from '../session.ts';
import { DesignError } from '../errors.ts';
import { waveScope, writeGtkw, type GtkwGroup } from '../gtkw.ts';

export const SCHEDULER_TRANSACTIONS = packageFile('cosim', 'scheduler', 'scheduler_txn.cpp');
/** The hostile host of the contract checks (`sched_hostile`). */
export const SCHEDULER_HOSTILE_HOST = packageFile('cosim', 'scheduler', 'hostile_txn.cpp');
/** The scheduler's host side in C++, shared with the integrated system's transactions. */
export const SCHEDULER_HOST_HEADER = packageFile('cosim', 'scheduler', 'scheduler_host.h');
export const SCHEDULER_TOP_NAME = 'dysta_scheduler';

/** Host command opcodes (mirror of the RTL's; the manifest documents cmd_op). */
export const SCHED_CMD = { WRITE_VARIANT: 1, WRITE_LAYER: 2, READ_TASK: 3, READ_COUNTER: 4, WRITE_COEFF: 5, WRITE_ISO: 6, WRITE_PARAM: 7 } as const;

export interface ScriptLayerEntry {
  /** ratio = (nnz * mant) >> shift */
  mant: bigint;
  shift: number;
  /** Sum of average latency (cycles) of the layers after this one. */
  suffixNext: bigint;
}

export interface ScriptVariant {
  variant: number;
  nlayers: number;
  /** Sum of average latency of all layers (cycles): the initial P. */
  suffix0: bigint;
  layers: ScriptLayerEntry[];
  /**
   * Regression builds: per coefficient bank, a[k] and b[k] (k = layers executed, cycles and cycles
   * per unit of gamma, signed), written with WRITE_COEFF.
   */
  coeffs?: { a: readonly bigint[]; b: readonly bigint[] }[];
  /** MHG builds: the isolated latency estimate (cycles) and its reciprocal word, written with WRITE_ISO. */
  iso?: bigint;
  invIso?: bigint;
}

export interface ScriptRequest {
  arrival: bigint;
  variant: number;
  deadline: bigint;
  /** Penalty scale (clock / isolated estimate, fixed point). */
  scale: bigint;
  /** Regression builds: the request's coefficient bank (default 0). */
  bank?: number;
  /**
   * What the NPU does for each layer the request runs, in layer order: `cycles` long, `nnz` non-zero
   * outputs. Without `rows` a trace NPU reports nnz directly (npu_count); with `rows` the harness
   * streams that many output rows through the sparsity monitor (first nnz lane values non-zero).
   */
  layers: { cycles: bigint; nnz: bigint; rows?: number }[];
}

/** A scenario for `sched_run`; arrivals must be non-decreasing and >= start. */
export interface SchedScript {
  start: bigint;
  /**
   * Internal registers written after reset and programming (`preset` lines; the simulator is built
   * with SCHEDULER_WRITABLE): a counter or sequence number started where no run of today's length
   * reaches. The path is from the top (`dysta_scheduler.u_table.seq_next`). The golden model must
   * start from the same state (`initial`); the driver only writes the registers.
   */
  presets?: readonly { path: string; value: bigint }[];
  /** The state the presets stand for, for the golden model (compare/scheduler-harness-model.ts). */
  initial?: SchedulerInitialState;
  variants: ScriptVariant[];
  requests: ScriptRequest[];
  /** MHG builds: sigma, lambda, tau register values written with WRITE_PARAM (absent: reset values). */
  mhgParams?: { sigma: bigint; lambda: bigint; tau: bigint };
}

/** Counter values and the next sequence number a run starts from (all 0 after reset). */
export interface SchedulerInitialState {
  /** Sequence number of the first admission. */
  seqNext?: bigint;
  decisions?: bigint;
  completions?: bigint;
  admissions?: bigint;
  admitStalls?: bigint;
}

/**
 * Registers the scheduler's harness may preset (by the names the generator gives them; see
 * `schedulerPresets` in hwgen/scheduler): the sequence counter and the split event counters. Only
 * these stay public in the Verilated model.
 */
export const SCHEDULER_WRITABLE: readonly string[] = ['seq_next', ...['decisions', 'completions', 'admissions', 'admit_stalls'].flatMap((c) => [`ctr_${c}_lo`, `ctr_${c}_hi`, `ctr_${c}_lo_ones`])];

/** Field widths the host needs to pack table words (from the manifest's parameters). */
export interface SchedulerShape {
  log2Tasks: number;
  variantWidth: number;
  layerWidth: number;
  layerCountWidth: number;
  latencyWidth: number;
  recipWidth: number;
  selectorUnits: number;
  /** The sparsity monitor's lanes and lane width (the NPU output row). */
  lanes: number;
  laneWidth: number;
  /** Regression builds (PREDICTOR = regression): coefficient width; 0 otherwise. */
  coeffWidth: number;
  /** MHG builds (POLICY = mhg): width of a 1/iso word; 0 otherwise. */
  invIsoWidth: number;
}

export function shapeFromParameters(params: Record<string, unknown>, monitor: Record<string, unknown> = {}): SchedulerShape {
  const p = (k: string): number => {
    const v = params[k];
    if (typeof v !== 'number') throw new DesignError(`${SCHEDULER_TOP_NAME} in the manifest lacks the numeric parameter ${k}; regenerate with \`npm run gen-rtl\``);
    return v;
  };
  return {
    log2Tasks: p('LOG2_TASKS'),
    variantWidth: p('LOG2_VARIANTS'),
    layerWidth: p('LOG2_MAX_LAYERS'),
    layerCountWidth: p('LOG2_MAX_LAYERS') + 1,
    latencyWidth: p('LATENCY_WIDTH'),
    recipWidth: p('RECIP_WIDTH'),
    selectorUnits: p('SELECTOR_UNITS'),
    lanes: typeof monitor.LANES === 'number' ? monitor.LANES : 0,
    laneWidth: typeof monitor.LANE_WIDTH === 'number' ? monitor.LANE_WIDTH : 0,
    coeffWidth: params.PREDICTOR === 'regression' ? p('COEFF_WIDTH') : 0,
    invIsoWidth: params.POLICY === 'mhg' ? p('MHG_INV_ISO_WIDTH') : 0,
  };
}

/** WRITE_PARAM commands of the MHG registers (index 0 sigma, 1 lambda, 2 tau). */
export function mhgParamCommands(q: { sigma: bigint; lambda: bigint; tau: bigint }): string[] {
  return [q.sigma, q.lambda, q.tau].map((v, i) => `cmd ${SCHED_CMD.WRITE_PARAM} ${i} ${v.toString(16)}`);
}

/** What packing a variant's table words needs to know about the design. */
export type TableShape = Pick<SchedulerShape, 'variantWidth' | 'layerWidth' | 'layerCountWidth' | 'recipWidth' | 'coeffWidth' | 'latencyWidth' | 'invIsoWidth'>;

/**
 * The host commands that program one variant: WRITE_VARIANT {suffix0, nlayers}, WRITE_LAYER per layer
 * {suffixNext, shift, mant}, and in regression builds WRITE_COEFF per bank and k.
 */
export function tableCommands(v: ScriptVariant, shape: TableShape): string[] {
  const out: string[] = [];
  const word = (v.suffix0 << BigInt(shape.layerCountWidth)) | BigInt(v.nlayers);
  out.push(`cmd ${SCHED_CMD.WRITE_VARIANT} ${v.variant} ${word.toString(16)}`);
  v.layers.forEach((l, i) => {
    const w = (l.suffixNext << BigInt(shape.recipWidth + 6)) | (BigInt(l.shift) << BigInt(shape.recipWidth)) | l.mant;
    out.push(`cmd ${SCHED_CMD.WRITE_LAYER} ${(v.variant << shape.layerWidth) | i} ${w.toString(16)}`);
  });
  out.push(...coefficientCommands(v, shape));
  if (v.iso !== undefined || v.invIso !== undefined) {
    if (!shape.invIsoWidth) throw new DesignError(`the script has MHG iso tables, but ${SCHEDULER_TOP_NAME} was built with the dysta policy`);
    out.push(`cmd ${SCHED_CMD.WRITE_ISO} ${v.variant} ${(((v.invIso ?? 0n) << BigInt(shape.latencyWidth)) | (v.iso ?? 0n)).toString(16)}`);
  }
  return out;
}

/** WRITE_COEFF commands of one variant: address {bank, variant, k}, data {b, a} in two's complement. */
function coefficientCommands(v: ScriptVariant, shape: TableShape): string[] {
  if (!v.coeffs) return [];
  if (!shape.coeffWidth) throw new DesignError(`the script has regression coefficients, but ${SCHEDULER_TOP_NAME} was built with the gamma predictor`);
  const cw = BigInt(shape.coeffWidth);
  const mask = (1n << cw) - 1n;
  const out: string[] = [];
  v.coeffs.forEach((bank, bi) => {
    bank.a.forEach((a, k) => {
      const addr = (BigInt(bi) << BigInt(shape.variantWidth + shape.layerWidth)) | (BigInt(v.variant) << BigInt(shape.layerWidth)) | BigInt(k);
      const word = ((bank.b[k]! & mask) << cw) | (a & mask);
      out.push(`cmd ${SCHED_CMD.WRITE_COEFF} ${addr} ${word.toString(16)}`);
    });
  });
  return out;
}

/** The script as the C++ transaction reads it (table words packed for cmd_data). */
export function scriptText(script: SchedScript, shape: SchedulerShape): string {
  const out: string[] = [`start ${script.start}`, `lanes ${shape.lanes} ${shape.laneWidth}`];
  for (const v of script.variants) out.push(...tableCommands(v, shape));
  if (script.mhgParams) out.push(...mhgParamCommands(script.mhgParams));
  for (const p of script.presets ?? []) out.push(`preset ${p.path} ${p.value.toString(16)}`);
  let last = script.start;
  for (const r of script.requests) {
    if (r.arrival < last) throw new RangeError(`request arrivals must be non-decreasing and >= start (got ${r.arrival} after ${last})`);
    last = r.arrival;
    out.push(`req ${r.arrival} ${r.variant} ${r.deadline} ${r.scale} ${r.layers.length}${r.bank ? ` ${r.bank}` : ''}`);
    for (const l of r.layers) out.push(l.rows ? `lay ${l.cycles} ${l.nnz} ${l.rows}` : `lay ${l.cycles} ${l.nnz}`);
  }
  return out.join('\n') + '\n';
}

export interface SchedRun {
  /** The log, one fact per line (format: cosim/scheduler/README.md). */
  readonly lines: string[];
  /** The same log as one text (each line ends with a newline). */
  text: string;
  decisions: number;
  /** Scheduler time at the end. */
  endTime: bigint;
  /** The script sent and the log written, kept next to the session's command log. */
  scriptPath: string;
  logPath: string;
}

/**
 * GTKWave groups: scheduler state, host traffic, events, scores and the selected task (score unit 0),
 * predictor, monitor, NPU. Paths follow the block hierarchy: u_table, u_predictor, u_monitor and
 * u_policy (its score units are u_score, or g_unit[u].u_score with several units).
 */
export function schedulerWaveGroups(shape: SchedulerShape): GtkwGroup[] {
  const unit = shape.selectorUnits > 1 ? 'u_policy.g_unit[0].u_score' : 'u_policy.u_score';
  const policy: GtkwGroup = shape.invIsoWidth
    ? {
        name: 'MHG policy',
        signals: [
          'u_policy.phase',
          { name: 'u_policy.list_count', format: 'dec' },
          { name: 'u_policy.pass_proc_pos', format: 'dec' },
          { name: 'u_policy.mark_sum', format: 'dec' },
          'u_policy.kept',
          'u_policy.allowed',
          { name: 'u_policy.victim_cand', format: 'dec' },
          { name: 'u_policy.best_pos', format: 'dec' },
          { name: 'u_policy.jstar_pos', format: 'dec' },
          'u_policy.choose_jstar',
          'decide',
          { name: 'win_slot', format: 'dec' },
          { name: 'run_slot', format: 'dec' },
        ],
      }
    : {
        name: `scores and selected task${shape.selectorUnits > 1 ? ' (unit 0)' : ''}`,
        signals: [`${unit}.scan_mask`, `${unit}.s1_valid`, `${unit}.s1_row`, { name: `${unit}.urgency`, format: 'dec' }, { name: `${unit}.penalty`, format: 'dec' }, { name: `${unit}.score_data`, format: 'dec' }, `${unit}.sc_valid`, { name: `${unit}.sc_score`, format: 'dec' }, { name: `${unit}.best_score`, format: 'dec' }, { name: `${unit}.best_row`, format: 'dec' }, 'decide', { name: 'win_slot', format: 'dec' }, { name: 'run_slot', format: 'dec' }, { name: 'run_layer', format: 'dec' }],
      };
  return [
    { name: 'scheduler state', signals: ['state', { name: 'now', format: 'dec' }, { name: 'num_valid', format: 'dec' }, 'u_table.valid', { name: 't_sel', format: 'dec' }, 'u_predictor.stage'] },
    { name: 'host', signals: ['cmd_valid', 'cmd_ready', 'cmd_op', 'cmd_addr', 'rsp_valid', 'rsp_data', 'adm_valid', 'adm_ready', { name: 'adm_slot', format: 'dec' }, 'table_full'] },
    { name: 'events', signals: ['ev_valid', 'ev_kind', { name: 'ev_task', format: 'dec' }, { name: 'ev_layer', format: 'dec' }, { name: 'ev_time', format: 'dec' }, { name: 'ev_score', format: 'dec' }] },
    policy,
    { name: 'predictor', signals: [{ name: 'u_predictor.nnz', format: 'dec' }, 'u_predictor.ratio_sum', 'u_predictor.gamma', { name: 'u_predictor.wb_pred', format: 'dec' }, 'u_predictor.wb_last'] },
    { name: 'sparsity monitor', signals: [{ name: 'u_monitor.nonzero_count', format: 'dec' }, { name: 'u_monitor.total_count', format: 'dec' }, 'u_monitor.counts_valid'] },
    { name: 'NPU side', signals: ['npu_start', { name: 'npu_task', format: 'dec' }, { name: 'npu_layer', format: 'dec' }, 'npu_layer_done', 'npu_count_ext', { name: 'npu_count', format: 'dec' }] },
  ];
}

export class SchedulerSim {
  private constructor(
    readonly simulator: Simulator,
    readonly session: Session,
    readonly shape: SchedulerShape,
  ) {}

  /** Builds (or reuses from the cache) the scheduler simulator for the design in `rtlDir` and starts it. */
  static async open(rtlDir: string, options: Omit<BuildOptions, 'rtlDir' | 'top' | 'extraSources' | 'writable'> & { start?: StartOptions } = {}): Promise<SchedulerSim> {
    const simulator = await buildSimulator({ ...options, rtlDir, top: SCHEDULER_TOP_NAME, extraSources: [SCHEDULER_TRANSACTIONS, SCHEDULER_HOSTILE_HOST, SCHEDULER_HOST_HEADER], writable: SCHEDULER_WRITABLE });
    const mod = simulator.design.manifest.modules.find((m) => m.name === SCHEDULER_TOP_NAME);
    if (!mod) throw new DesignError(`${rtlDir} has no ${SCHEDULER_TOP_NAME} module`);
    const session = await simulator.start({ timeoutMs: 600_000, ...options.start });
    const monitor = simulator.design.manifest.modules.find((m) => m.name === 'sparsity_monitor');
    return new SchedulerSim(simulator, session, shapeFromParameters(mod.parameters, monitor?.parameters));
  }

  /**
   * Plays a script (reset first) and returns the log. The script and the log are kept next to the
   * session's command log (`<session>.run-N.script` / `.log`), so `<binary> < <session>.cmds` replays it.
   */
  async run(script: SchedScript, limitCycles = 1_000_000, options: { wave?: string; evStall?: number; scoreReads?: boolean; onSent?: () => void } = {}): Promise<SchedRun & { gtkw?: string }> {
    const n = this.runs++;
    const scriptPath = `${this.session.logPath}.run-${n}.script`;
    const logPath = `${this.session.logPath}.run-${n}.log`;
    writeFileSync(scriptPath, scriptText(script, this.shape));
    if (options.wave) await this.session.waveOn(options.wave);
    const replied = this.session.send(`sched_run ${scriptPath} ${logPath} ${this.shape.layerCountWidth} ${this.shape.variantWidth} ${limitCycles} ${options.evStall ?? 0}${options.scoreReads === false ? ' 0' : ''}`);
    // The caller may now keep Node busy (golden models) while the simulator runs on its own.
    options.onSent?.();
    const reply = await replied;
    let gtkw: string | undefined;
    if (options.wave) {
      await this.session.waveOff();
      gtkw = await writeGtkw({ wave: options.wave, scope: waveScope(SCHEDULER_TOP_NAME), groups: schedulerWaveGroups(this.shape), zoom: -19 });
    }
    const [decisions, end] = reply.trim().split(/\s+/);
    const text = readFileSync(logPath, 'utf8');
    let lines: string[] | undefined;
    return {
      text,
      // Split on first use: a trace run's log has a million lines and may only be compared as text.
      get lines() {
        return (lines ??= text.split('\n').filter((l) => l.length > 0));
      },
      decisions: Number(decisions),
      endTime: BigInt(end ?? '0'),
      scriptPath,
      logPath,
      ...(gtkw ? { gtkw } : {}),
    };
  }
  private runs = 0;

  async close(): Promise<void> {
    await this.session.close();
  }
}
