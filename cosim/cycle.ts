// A cycle-by-cycle host on top of a session, for short stimulus that must react to the design in
// every cycle (contract checks: an input held through every state, a handshake checked at every
// edge). Inputs are set in TypeScript and sent only when they change; `step()` runs cycles with the
// built-in `sample` command and returns the watched ports as each rising edge saw them, so a
// handshake (valid && ready) is judged on exactly the values the design sampled.
//
// Cost: one pipe round trip per `step()` (about 20-50 k per second); put long waits in `tick`
// (`idle(n)`) or in a C++ transaction.
import type { Session } from './session.ts';

/** The watched ports at one rising edge (outputs settled for the inputs then applied). */
export type Edge = Readonly<Record<string, bigint>>;

/** Edges parsed one by one as they are iterated (CycleHost.transaction). */
export interface EdgeList extends Iterable<Edge> {
  readonly length: number;
  /** The reply as the harness sent it (every edge's values): equal texts are equal edges. */
  readonly text: string;
}

/**
 * A value of a drive() vector: a number, or a watched output's value at the previous edge plus
 * `add` (a host that stamps an input from an output it cannot predict, e.g. time_now). The same
 * object in consecutive vectors is one value held, not computed again.
 */
export type DriveValue = bigint | { readonly from: string; readonly add: bigint };

function driveToken(v: DriveValue, before: DriveValue | undefined): string {
  if (typeof v === 'bigint') return v.toString(16);
  if (v === before) return '.';
  return `@${v.from}${v.add < 0n ? '-' : '+'}${(v.add < 0n ? -v.add : v.add).toString(16)}`;
}

/**
 * A port value as the harness prints it (hex). Single bits (most watched ports) are the constants 0n
 * and 1n; up to 13 digits fit a double exactly, and BigInt of a number is cheaper than of a string.
 */
function hexValue(text: string | undefined): bigint {
  if (text === '0') return 0n;
  if (text === '1') return 1n;
  if (text === undefined || text === '') throw new Error('cycle host: the harness replied fewer values than ports watched');
  return text.length <= 13 ? BigInt(parseInt(text, 16)) : BigInt(`0x${text}`);
}

export class CycleHost {
  private readonly inputs = new Map<string, bigint>();
  private readonly changed = new Map<string, bigint>();
  /** Edges seen so far (every cycle run through step()). */
  cycles = 0;

  constructor(
    readonly session: Session,
    /** Ports recorded at every edge (inputs and outputs). */
    readonly watch: readonly string[],
  ) {
    if (watch.length === 0) throw new RangeError('CycleHost: watch at least one port');
    this.makeEdge = new Function('v', 'hex', `return { ${watch.map((p, i) => `${JSON.stringify(p)}: hex(v[${i}])`).join(', ')} };`) as typeof this.makeEdge;
  }

  /** Drives an input from the next edge on (sent with the next step). */
  set(port: string, value: bigint | number | boolean): void {
    const v = typeof value === 'boolean' ? (value ? 1n : 0n) : BigInt(value);
    if (this.inputs.get(port) === v && !this.changed.has(port)) return;
    this.inputs.set(port, v);
    this.changed.set(port, v);
  }

  /** The value last set on an input (0 if never set: every input starts at 0). */
  input(port: string): bigint {
    return this.inputs.get(port) ?? 0n;
  }

  /** Sends the changed inputs (pipelined with whatever follows); the promise fails if a poke does. */
  private flush(): Promise<unknown> {
    const pokes = [...this.changed].map(([port, v]) => this.session.poke(port, v));
    this.changed.clear();
    return Promise.all(pokes);
  }

  /** Runs n cycles; returns the watched ports as each of the n rising edges saw them. */
  async step(n = 1): Promise<Edge[]> {
    const [, reply] = await Promise.all([this.flush(), this.session.send(`sample ${n} ${this.watch.join(' ')}`)]);
    this.cycles += n;
    return this.parseEdges(reply);
  }

  /**
   * Speculative stimulus (the harness's `drive`): runs up to `vectors.length` cycles, cycle i with
   * `inputs` set to `vectors[i]`, and stops right after the first edge at which one of the `stop`
   * terms holds (every `PORT` of it non-zero and every `!PORT` zero), so the vectors after it are
   * never applied. Returns the edges
   * run. A reactive host computes the next cycles assuming nothing it reacts to happens and stops
   * where something does: one round trip per reaction instead of one per cycle.
   */
  async drive(inputs: readonly string[], vectors: readonly (readonly DriveValue[])[], stop: readonly (readonly string[])[]): Promise<Edge[]> {
    if (vectors.length === 0) return [];
    const text = vectors.map((v, c) => v.map((x, i) => driveToken(x, vectors[c - 1]?.[i])).join(',')).join(' ');
    const stopText = stop.length ? stop.map((t) => t.join('&')).join('|') : '-';
    const [, reply] = await Promise.all([this.flush(), this.session.send(`drive ${inputs.join(',')} ${this.watch.join(',')} ${stopText} ${text}`)]);
    const edges = this.parseEdges(reply);
    this.cycles += edges.length;
    // The inputs now hold the last vector applied (a relative value: as the last edge saw it, if watched).
    const last = vectors[edges.length - 1]!;
    inputs.forEach((p, i) => {
      const v = last[i]!;
      if (typeof v === 'bigint') this.inputs.set(p, v);
      else if (edges.at(-1)![p] !== undefined) this.inputs.set(p, edges.at(-1)![p]!);
      else this.inputs.delete(p);
    });
    return edges;
  }

  /**
   * A caller's transaction command that runs cycles and replies the watched ports at each rising
   * edge in `sample`'s format: `command(watch)` builds it from the watch list (comma-separated).
   * Pending inputs are sent first; afterwards each watched input holds its value at the last edge.
   * The edges are parsed as they are iterated, so a long run's edges need not all be alive at once.
   */
  async transaction(command: (watch: string) => string): Promise<EdgeList> {
    const [, reply] = await Promise.all([this.flush(), this.session.send(command(this.watch.join(',')))]);
    const cycles = reply === '' ? [] : reply.split(',');
    this.cycles += cycles.length;
    const parse = (text: string) => this.parseEdges(text)[0]!;
    const last = cycles.length ? parse(cycles.at(-1)!) : undefined;
    if (last) for (const p of this.session.simulator.ports) if (p.dir === 'input' && last[p.name] !== undefined) this.inputs.set(p.name, last[p.name]!);
    return {
      length: cycles.length,
      text: reply,
      *[Symbol.iterator]() {
        for (const text of cycles) yield parse(text);
      },
    };
  }

  private parseEdges(reply: string): Edge[] {
    return reply.split(',').map((cycle) => this.makeEdge(cycle.split(' '), hexValue));
  }

  /**
   * An edge object from the watched ports' hex values: an object literal of the watch list's keys,
   * built once per host, so every edge has one fixed shape (an object given 30-odd keys one by one
   * becomes a slow dictionary, and the checks read them at every edge).
   */
  private readonly makeEdge: (values: readonly string[], hex: (text: string | undefined) => bigint) => Edge;

  /** Runs one cycle; returns the edge. */
  async edge(): Promise<Edge> {
    return (await this.step(1))[0]!;
  }

  /** What the next edge will see with the inputs as set now, without running a cycle. */
  async now(): Promise<Edge> {
    const [, values] = await Promise.all([this.flush(), Promise.all(this.watch.map((p) => this.session.send(`peek ${p}`)))]);
    const edge: Record<string, bigint> = {};
    this.watch.forEach((p, i) => (edge[p] = BigInt(`0x${values[i]}`)));
    return edge;
  }

  /** Runs n cycles without recording them (inside C++). */
  async idle(n: number | bigint): Promise<void> {
    if (BigInt(n) <= 0n) return;
    await Promise.all([this.flush(), this.session.send(`tick ${n}`)]);
    this.cycles += Number(n);
  }

  /** Holds reset for n cycles (the inputs keep the values set). */
  async reset(n = 2): Promise<void> {
    await Promise.all([this.flush(), this.session.send(`reset ${n}`)]);
    this.cycles += n;
  }

  /**
   * Steps until `until(edge)` holds, at most `limit` cycles; returns every edge seen (the last one
   * satisfies `until`). `onEdge` may set inputs for the next cycle.
   */
  async runUntil(until: (e: Edge) => boolean, limit: number, onEdge?: (e: Edge) => void): Promise<Edge[]> {
    const seen: Edge[] = [];
    for (let i = 0; i < limit; i++) {
      const e = await this.edge();
      seen.push(e);
      onEdge?.(e);
      if (until(e)) return seen;
    }
    throw new Error(`condition not reached within ${limit} cycles`);
  }
}
