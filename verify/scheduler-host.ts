// A cycle-level host of the scheduler's interfaces (dysta_scheduler, or dysta_system where `busy` is
// called `sched_busy`), for the contract checks that must act in every cycle: table programming
// through the command port, admissions, the event stream, a trace NPU and time skips. Every rising
// edge comes back (inputs and outputs), so the checks judge handshakes on what the design sampled.
import { CycleHost, type DriveValue, type Edge, type EdgeList } from '../cosim/cycle.ts';
import type { Session } from '../cosim/session.ts';
import { SCHED_CMD, type ScriptVariant } from '../cosim/scheduler/driver.ts';
import { Mismatch, expectEqual } from './case-run.ts';

export const EV_DECISION = 1n;
export const EV_COMPLETION = 2n;

/** The request the host presents on the admission port. */
export interface Offer {
  variant: number;
  deadline: bigint;
  arrival: bigint;
  scale: bigint;
}

/** Field widths the host needs to pack table words and read status words. */
export interface TableShape {
  layerCountWidth: number;
  layerWidth: number;
  variantWidth: number;
  recipWidth: number;
}

export interface SchedHostOptions {
  /** Name of the busy output (`busy` on dysta_scheduler, `sched_busy` on dysta_system). */
  busy?: string;
  /** The NPU-side inputs set low at reset (default: the scheduler top's trace-NPU inputs). */
  npuInputs?: readonly string[];
  /** Extra ports to record at every edge. */
  extraWatch?: readonly string[];
  timeSkip: boolean;
}

export class SchedCycleHost {
  readonly host: CycleHost;
  readonly busyPort: string;
  /** Edges run so far through step() and drive() (the edges themselves are not kept). */
  edgeCount = 0;

  constructor(
    session: Session,
    readonly shape: TableShape,
    readonly opts: SchedHostOptions,
  ) {
    this.busyPort = opts.busy ?? 'busy';
    const watch = [
      'cmd_valid', 'cmd_ready', 'cmd_op', 'cmd_addr', 'rsp_valid', 'rsp_data',
      'adm_valid', 'adm_ready', 'adm_slot', 'adm_variant', 'adm_deadline', 'adm_arrival', 'adm_penalty_scale',
      'ev_valid', 'ev_ready', 'ev_kind', 'ev_task', 'ev_layer', 'ev_time', 'ev_score',
      'npu_start', 'npu_task', 'npu_layer', 'time_now', 'num_valid', 'table_full', this.busyPort,
      ...(opts.timeSkip ? ['time_skip_en', 'time_skip'] : []),
      ...(opts.extraWatch ?? []),
    ];
    this.host = new CycleHost(session, watch);
  }

  /** Idle inputs (every valid low, the host ready for events), then reset. */
  async reset(): Promise<void> {
    const npu = this.opts.npuInputs ?? ['npu_layer_done', 'npu_count_ext', 'npu_lane_valid'];
    for (const p of ['cmd_valid', 'adm_valid', ...npu, ...(this.opts.timeSkip ? ['time_skip_en'] : [])]) this.host.set(p, 0);
    this.host.set('ev_ready', 1);
    await this.host.reset(2);
  }

  async step(n = 1): Promise<Edge[]> {
    const es = await this.host.step(n);
    this.edgeCount += es.length;
    return es;
  }

  async edge(): Promise<Edge> {
    return (await this.step(1))[0]!;
  }

  /** Speculative cycles (CycleHost.drive): the edges run, up to and including the first stop edge. */
  async drive(inputs: readonly string[], vectors: readonly (readonly DriveValue[])[], stop: readonly (readonly string[])[]): Promise<Edge[]> {
    const es = await this.host.drive(inputs, vectors, stop);
    this.edgeCount += es.length;
    return es;
  }

  /** A transaction that replies edges (CycleHost.transaction), parsed as they are iterated; not counted in `edgeCount`. */
  transaction(command: (watch: string) => string): Promise<EdgeList> {
    return this.host.transaction(command);
  }

  /** One host command, accepted in the first cycle cmd_ready is high (within `limit` cycles). */
  async command(op: number, addr: number | bigint, data: bigint, limit = 10_000): Promise<Edge> {
    this.host.set('cmd_valid', 1);
    this.host.set('cmd_op', op);
    this.host.set('cmd_addr', addr);
    this.host.set('cmd_data', data);
    for (let i = 0; i < limit; i++) {
      const e = await this.edge();
      if (e.cmd_ready) {
        this.host.set('cmd_valid', 0);
        return e;
      }
    }
    throw new Mismatch(`command ${op} not accepted within ${limit} cycles`);
  }

  /** A read: the response one cycle after acceptance (checked), its data returned. */
  async read(op: number, addr: number | bigint, field = 0n): Promise<bigint> {
    await this.command(op, addr, field);
    const e = await this.edge();
    expectEqual(e.rsp_valid!, 1n, 'rsp_valid one cycle after a read was accepted');
    return e.rsp_data!;
  }

  /**
   * Writes a variant's tables (WRITE_VARIANT, then WRITE_LAYER per layer), one command per cycle, each
   * held until the first edge with cmd_ready high. Sent as one speculative batch (every command
   * accepted at once) that stops at an edge refusing one; the rest is sent again from there.
   */
  async program(v: ScriptVariant): Promise<void> {
    const s = this.shape;
    const commands: bigint[][] = [[BigInt(SCHED_CMD.WRITE_VARIANT), BigInt(v.variant), (v.suffix0 << BigInt(s.layerCountWidth)) | BigInt(v.nlayers), 1n]];
    for (const [i, l] of v.layers.entries()) {
      const word = (l.suffixNext << BigInt(s.recipWidth + 6)) | (BigInt(l.shift) << BigInt(s.recipWidth)) | l.mant;
      commands.push([BigInt(SCHED_CMD.WRITE_LAYER), BigInt((v.variant << s.layerWidth) | i), word, 1n]);
    }
    const ports = ['cmd_op', 'cmd_addr', 'cmd_data', 'cmd_valid'];
    let next = 0;
    for (let waited = 0; next < commands.length; ) {
      const edges = await this.drive(ports, commands.slice(next), [['!cmd_ready']]);
      const refused = edges.at(-1)!.cmd_ready === 0n;
      next += refused ? edges.length - 1 : edges.length;
      waited = refused ? waited + 1 : 0;
      if (waited > 10_000) throw new Mismatch(`table write ${next} not accepted within 10000 cycles`);
    }
    this.host.set('cmd_valid', 0);
  }

  /** Presents (or withdraws, with undefined) a request on the admission port from the next edge on. */
  offer(r: Offer | undefined): void {
    this.host.set('adm_valid', r !== undefined);
    if (!r) return;
    this.host.set('adm_variant', r.variant);
    this.host.set('adm_deadline', r.deadline);
    this.host.set('adm_arrival', r.arrival);
    this.host.set('adm_penalty_scale', r.scale);
  }

  /** Drives npu_layer_done for one cycle from the next edge on, with a trace-NPU count. */
  layerDone(nnz: bigint): void {
    this.host.set('npu_layer_done', 1);
    this.host.set('npu_count_ext', 1);
    this.host.set('npu_count', nnz);
  }
  clearLayerDone(): void {
    this.host.set('npu_layer_done', 0);
    this.host.set('npu_count_ext', 0);
  }

  set(port: string, value: bigint | number | boolean): void {
    this.host.set(port, value);
  }
}

/** True when the edge hands over an event (valid and ready). */
export const eventTaken = (e: Edge): boolean => e.ev_valid === 1n && e.ev_ready === 1n;
/** True when the edge accepts an admission. */
export const admitted = (e: Edge): boolean => e.adm_valid === 1n && e.adm_ready === 1n;
