// Worst register-to-register path of a mapped Yosys netlist (write_json), with the per-cell delay
// model of delay-model.ts: a longest-path search over the combinational arcs between launch points
// (flip-flop, RAM and registered DSP outputs; top-level inputs, taken as launched by an outside
// flip-flop) and capture points (their data inputs; top-level outputs). Linear in the netlist size.
import { MODELS, isDedicated, type CellLike, type CellTiming, type DelayModel } from './delay-model.ts';

type Bit = number | string;

export interface YosysCell extends CellLike {
  port_directions?: Record<string, 'input' | 'output' | 'inout'>;
  connections: Record<string, Bit[]>;
}

export interface YosysModule {
  ports: Record<string, { direction: 'input' | 'output' | 'inout'; bits: Bit[] }>;
  cells: Record<string, YosysCell>;
  netnames: Record<string, { bits: Bit[]; hide_name?: number }>;
}

export interface PathCell {
  /** Cell name in the netlist, or a register / port name where one is known. */
  name: string;
  type: string;
  kind: CellTiming['kind'] | 'port';
  /** Arrival time after this cell (ns). */
  at: number;
}

export interface WorstPath {
  /** Estimated delay, clock-to-out + cells + nets + setup (ns). */
  delayNs: number;
  /** 1000 / delayNs. */
  estimatedMHz: number;
  from: string;
  to: string;
  cells: PathCell[];
  lutLevels: number;
  carryCells: number;
  /** Carry bits traversed (a CARRY4 entered at bit 0 and left at CO[3] is 4). */
  carryBits: number;
  muxes: number;
  dsps: number;
  brams: number;
  lutrams: number;
  model: string;
  /** Cell types the model does not know (treated as zero-delay wires); empty normally. */
  unknownCells: string[];
  /**
   * The most DSPs and RAMs (block and distributed; a LUT shift register is no RAM) on any one register-to-register path of the
   * netlist, not only on the worst one (a RAM or DSP that starts or ends the path counts).
   */
  mostHardBlocks: number;
  /** One path with that many, as "cell > cell > ...": the DSPs and RAMs on it and its two ends. */
  mostHardBlocksPath: string;
}

interface Edge {
  from: number;
  to: number;
  cell: string;
  inPort: string;
  outPort: string;
  delay: number;
  /** Carry bits this arc spans. */
  carryBits: number;
  /** 1 when the arc runs through a DSP or RAM. */
  hard: number;
}

type Prev = { kind: 'launch'; cell: string; port: string } | { kind: 'input'; port: string } | { kind: 'edge'; edge: Edge };

const isConst = (b: Bit): b is string => typeof b === 'string';

export function worstPath(mod: YosysModule, modelName: keyof typeof MODELS): WorstPath | undefined {
  const model: DelayModel = MODELS[modelName];
  const unknown = new Set<string>();
  const timingOf = (type: string): CellTiming | undefined => {
    const t = model.cells[type];
    if (!t) unknown.add(type);
    return t;
  };
  const ioFF = model.cells.FDRE ?? model.cells.SB_DFF!;
  const ffLaunch = ioFF.launch({ type: 'FF', parameters: {} }, 'Q')!;
  const ffSetup = ioFF.capture({ type: 'FF', parameters: {} }, 'D')!;

  // Drivers and fanout of every bit.
  const driverPort = new Map<number, string>();
  const fanout = new Map<number, number>();
  const arrival = new Map<number, number>();
  const prev = new Map<number, Prev>();
  // Hard blocks (DSP, RAM) on the path arriving at a bit: the most over all paths, kept beside the delay.
  const blocks = new Map<number, number>();
  const blocksPrev = new Map<number, Prev>();
  // A shift register in a LUT (SRL16E/SRLC32E) is timed like a LUT RAM but is no RAM: not counted.
  const hard = (t: CellTiming | undefined, type: string) => (t && (t.kind === 'dsp' || t.kind === 'bram' || (t.kind === 'lutram' && !type.startsWith('SRL'))) ? 1 : 0);
  const moreBlocks = (b: number, n: number, p: Prev) => {
    if (n > (blocks.get(b) ?? -1)) {
      blocks.set(b, n);
      blocksPrev.set(b, p);
    }
  };
  const bump = (b: number) => fanout.set(b, (fanout.get(b) ?? 0) + 1);
  const offer = (b: number, t: number, p: Prev) => {
    if (t > (arrival.get(b) ?? -Infinity)) {
      arrival.set(b, t);
      prev.set(b, p);
    }
  };

  for (const [name, p] of Object.entries(mod.ports)) {
    for (const b of p.bits) {
      if (isConst(b)) continue;
      if (p.direction === 'input') {
        driverPort.set(b, name);
        offer(b, ffLaunch, { kind: 'input', port: name });
        moreBlocks(b, 0, { kind: 'input', port: name });
      } else bump(b);
    }
  }

  const edges: Edge[] = [];
  const captures: { bit: number; cell: string; port: string; setup: number; hard: number }[] = [];
  for (const [name, cell] of Object.entries(mod.cells)) {
    const t = timingOf(cell.type);
    const dirs = cell.port_directions ?? {};
    const ins: { port: string; idx: number; bit: number }[] = [];
    const outs: { port: string; idx: number; bit: number }[] = [];
    for (const [port, bits] of Object.entries(cell.connections)) {
      const dir = dirs[port] ?? 'input';
      bits.forEach((b, idx) => {
        if (isConst(b)) return;
        if (dir === 'output') {
          outs.push({ port, idx, bit: b });
          driverPort.set(b, port);
        } else if (!(t?.isClock(port) ?? false)) {
          ins.push({ port, idx, bit: b });
          bump(b);
        }
      });
    }
    if (!t) {
      // Unknown: a zero-delay connection from every input to every output (keeps paths connected).
      for (const o of outs) for (const i of ins) edges.push({ from: i.bit, to: o.bit, cell: name, inPort: i.port, outPort: o.port, delay: 0, carryBits: 0, hard: 0 });
      continue;
    }
    for (const o of outs) {
      const l = t.launch(cell, o.port);
      if (l !== undefined) {
        offer(o.bit, l, { kind: 'launch', cell: name, port: o.port });
        moreBlocks(o.bit, hard(t, cell.type), { kind: 'launch', cell: name, port: o.port });
      }
    }
    for (const i of ins) {
      const s = t.capture(cell, i.port);
      if (s !== undefined) captures.push({ bit: i.bit, cell: name, port: i.port, setup: s, hard: hard(t, cell.type) });
    }
    if (t.kind === 'ff' || t.kind === 'bram') continue;
    // Group inputs by port once; arcs are evaluated per (input bit, output bit).
    for (const o of outs) {
      for (const i of ins) {
        const d = t.arc(cell, i.port, i.idx, o.port, o.idx);
        if (d === undefined) continue;
        const bits = t.kind === 'carry' ? (i.port === 'S' || i.port === 'DI' ? o.idx - i.idx + 1 : o.idx + 1) : 0;
        edges.push({ from: i.bit, to: o.bit, cell: name, inPort: i.port, outPort: o.port, delay: d, carryBits: bits, hard: hard(t, cell.type) });
      }
    }
  }

  const netDelay = (bit: number, sinkPort: string) => {
    const dp = driverPort.get(bit);
    return dp !== undefined && isDedicated(dp, sinkPort) ? model.dedicated : model.net(fanout.get(bit) ?? 1);
  };

  // Longest path in topological order of the combinational arcs (Kahn).
  const outEdges = new Map<number, Edge[]>();
  const indeg = new Map<number, number>();
  for (const e of edges) {
    let list = outEdges.get(e.from);
    if (!list) outEdges.set(e.from, (list = []));
    list.push(e);
    indeg.set(e.to, (indeg.get(e.to) ?? 0) + 1);
  }
  const queue: number[] = [];
  for (const b of outEdges.keys()) if (!indeg.get(b)) queue.push(b);
  for (let qi = 0; qi < queue.length; qi++) {
    const b = queue[qi]!;
    const tb = arrival.get(b);
    for (const e of outEdges.get(b) ?? []) {
      if (tb !== undefined) offer(e.to, tb + netDelay(b, e.inPort) + e.delay, { kind: 'edge', edge: e });
      const nb = blocks.get(b);
      if (nb !== undefined) moreBlocks(e.to, nb + e.hard, { kind: 'edge', edge: e });
      const left = indeg.get(e.to)! - 1;
      indeg.set(e.to, left);
      if (left === 0) queue.push(e.to);
    }
  }

  // Endpoints.
  let mostHardBlocks = 0;
  let mostAt: { bit: number; cell?: string } | undefined;
  for (const c of captures) {
    const nb = blocks.get(c.bit);
    if (nb !== undefined && nb + c.hard > mostHardBlocks) {
      mostHardBlocks = nb + c.hard;
      mostAt = { bit: c.bit, cell: c.cell };
    }
  }
  for (const [b, n] of blocks) {
    if (n > mostHardBlocks) {
      mostHardBlocks = n; // a path ending at an output port
      mostAt = { bit: b };
    }
  }
  let best: { total: number; bit: number; cell: string; port: string } | undefined;
  for (const c of captures) {
    const t = arrival.get(c.bit);
    if (t === undefined) continue;
    const total = t + netDelay(c.bit, c.port) + c.setup;
    if (!best || total > best.total) best = { total, bit: c.bit, cell: c.cell, port: c.port };
  }
  for (const [name, p] of Object.entries(mod.ports)) {
    if (p.direction !== 'output') continue;
    for (const b of p.bits) {
      if (isConst(b)) continue;
      const t = arrival.get(b);
      if (t === undefined) continue;
      const total = t + model.net(fanout.get(b) ?? 1) + ffSetup;
      if (!best || total > best.total) best = { total, bit: b, cell: `output ${name}`, port: name };
    }
  }
  if (!best) return undefined;

  // Names: a register is known by the net its output drives.
  const netName = new Map<number, string>();
  for (const [n, info] of Object.entries(mod.netnames)) {
    info.bits.forEach((b, i) => {
      if (isConst(b)) return;
      const label = info.bits.length > 1 ? `${n}[${i}]` : n;
      const old = netName.get(b);
      const hidden = info.hide_name === 1 || n.startsWith('$');
      if (!hidden && (old === undefined || nameRank(label) < nameRank(old))) netName.set(b, label);
    });
  }
  const pretty = (s: string) => s.replace(/^\\/, '');

  // Walk back from the endpoint.
  const steps: PathCell[] = [];
  let carryBits = 0;
  let bit = best.bit;
  let startName = '';
  for (let guard = 0; guard < 1_000_000; guard++) {
    const p = prev.get(bit);
    if (!p) break;
    if (p.kind === 'edge') {
      const cell = mod.cells[p.edge.cell]!;
      steps.push({ name: pretty(p.edge.cell), type: cell.type, kind: model.cells[cell.type]?.kind ?? 'buffer', at: arrival.get(bit)! });
      carryBits += p.edge.carryBits;
      bit = p.edge.from;
      continue;
    }
    if (p.kind === 'launch') {
      const cell = mod.cells[p.cell]!;
      startName = pretty(netName.get(bit) ?? p.cell);
      steps.push({ name: pretty(cell.type.startsWith('FD') || cell.type.startsWith('SB_DFF') ? startName : p.cell), type: cell.type, kind: model.cells[cell.type]!.kind, at: arrival.get(bit)! });
    } else {
      startName = `input ${pretty(p.port)}`;
      steps.push({ name: startName, type: 'port', kind: 'port', at: arrival.get(bit)! });
    }
    break;
  }
  steps.reverse();
  const endCell = mod.cells[best.cell];
  let endName = pretty(best.cell);
  if (endCell) {
    const kind = model.cells[endCell.type]?.kind ?? 'buffer';
    if (kind === 'ff') {
      const q = endCell.connections.Q?.[0];
      endName = pretty((q !== undefined && !isConst(q) && netName.get(q)) || best.cell);
    }
    steps.push({ name: endName, type: endCell.type, kind, at: best.total });
  } else {
    steps.push({ name: endName, type: 'port', kind: 'port', at: best.total });
  }
  const count = (k: string) => steps.filter((s) => s.kind === k).length;
  // The path with the most DSPs and RAMs: its ends and the blocks on it.
  const blockPath: string[] = [];
  if (mostAt) {
    if (mostAt.cell) blockPath.push(`${mod.cells[mostAt.cell]!.type} ${pretty(mostAt.cell)}`);
    let b = mostAt.bit;
    for (let guard = 0; guard < 1_000_000; guard++) {
      const p = blocksPrev.get(b);
      if (!p) break;
      if (p.kind === 'edge') {
        if (p.edge.hard) blockPath.push(`${mod.cells[p.edge.cell]!.type} ${pretty(p.edge.cell)}`);
        b = p.edge.from;
        continue;
      }
      blockPath.push(p.kind === 'launch' ? `${mod.cells[p.cell]!.type} ${pretty(netName.get(b) ?? p.cell)}` : `input ${pretty(p.port)}`);
      break;
    }
    blockPath.reverse();
  }
  return {
    delayNs: round3(best.total),
    estimatedMHz: round1(1000 / best.total),
    from: startName,
    to: endName,
    cells: steps.map((s) => ({ ...s, at: round3(s.at) })),
    lutLevels: count('lut'),
    carryCells: count('carry'),
    carryBits,
    muxes: count('mux'),
    dsps: count('dsp'),
    brams: count('bram'),
    lutrams: count('lutram'),
    model: model.name,
    unknownCells: [...unknown].sort(),
    mostHardBlocks,
    mostHardBlocksPath: blockPath.join(' > '),
  };
}

/** Prefer a design name over a generator temporary (`_t3`), then the shorter one. */
function nameRank(label: string): number {
  const leaf = label.replace(/^\\/, '').split('.').pop()!;
  return (leaf.startsWith('_') ? 1e6 : 0) + label.length;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const round1 = (x: number) => Math.round(x * 10) / 10;

/** The cell types along the path, runs collapsed: "FDRE > 2 LUT6 > 8 CARRY4 > FDRE". */
export function pathCells(p: WorstPath): string {
  const runs: [string, number][] = [];
  for (const c of p.cells) {
    const last = runs[runs.length - 1];
    if (last && last[0] === c.type) last[1]++;
    else runs.push([c.type, 1]);
  }
  return runs.map(([t, n]) => (n > 1 ? `${n} ${t}` : t)).join(' > ');
}

/** One line: "12.3 ns (81 MHz est.): e2_idle_scaled <- 6 LUT, 48 carry bits in 12 CARRY4, 1 DSP <- rd_last_run". */
export function describePath(p: WorstPath): string {
  const parts = [`${p.lutLevels} LUT`];
  if (p.carryCells) parts.push(`${p.carryBits} carry bits in ${p.carryCells} carry cells`);
  if (p.muxes) parts.push(`${p.muxes} MUXF`);
  if (p.dsps) parts.push(`${p.dsps} DSP`);
  if (p.brams) parts.push(`${p.brams} BRAM`);
  if (p.lutrams) parts.push(`${p.lutrams} LUTRAM`);
  return `${p.delayNs.toFixed(2)} ns (${p.estimatedMHz} MHz est.): ${p.from} -> ${parts.join(', ')} -> ${p.to}`;
}
