// Suite `npu`: the NPU tile (sparse PE array + sparsity monitor) against its golden model, and its
// contract outside the happy path.
//
//   layers    random layers at every density 0, 0.1, ..., 1 (`--seeds` each); saturation at both ends
//             and with the largest shift, negative sums under ReLU, a weight per lane, every shift
//             (also over the largest sums), the full weight depth, a 3x3 conv, one-hot outputs (every
//             lane, every bit alone), long layers (3,600 and 37,000 rows, seeded counts and their
//             complements, maxRows), back to back: outputs, cycles (B + 8),
//             monitor counts equal the golden model's
//   contract  every layer is offered one beat more than it has: refused, so exactly the eight cycles
//             after the last real beat see it wait; the monitor's counts hold for three cycles after
//             the layer; beats offered while idle are refused; a start while busy is ignored; a reset
//             in the middle of a layer gives every documented reset value, then an exact layer
import { resolve } from 'node:path';
import { CycleHost, type Edge } from '../cosim/cycle.ts';
import { writeGtkw, waveScope } from '../cosim/gtkw.ts';
import { NpuTileSim, npuWaveGroups, packRowsText, unpackLanes, type NpuBeat, type NpuLayerReply } from '../cosim/npu/driver.ts';
import { compressRows, randomConvTile, randomTile, runLayerGolden, runLayerGoldenFlat, type LayerResult, type LayerTile, type PeArrayConfig } from '../hwgen/index.ts';
import { Mismatch, ScenarioError, expectEqual, runOnSimulator } from './case-run.ts';
import { Rng } from './scheduler-scenarios.ts';
import { instrumented, traceFlavour, type PlannedSuite } from './types.ts';

export interface NpuSuiteOptions {
  /** Random layers per density. */
  seeds: number;
  rows: number;
  /** Reduction length K (default min(128, weightDepth)). */
  k?: number;
  seed: number;
}

export interface NpuCase {
  name: string;
  about: string;
  /** A layer compared with the golden model (offered one extra beat, which must be refused). */
  tile?: LayerTile;
  /** Beats offered after the tile's last row (default: one). */
  extra?: NpuBeat[];
  /** A case of its own (several layers, or cycle-level stimulus); returns the layers it checked. */
  run?: (sim: NpuTileSim) => Promise<number>;
}

const ONE_EXTRA: NpuBeat[] = [{ index: 0, value: 1, last: true }];

/**
 * Runs a tile and compares it with the golden model: outputs, cycles (the array's counter and the
 * harness's count), monitor counts; the extra beats were refused (exactly eight waiting cycles: the pipeline); the
 * monitor's counts stay valid and unchanged for three cycles. Throws Mismatch naming the first difference.
 */
/**
 * What a tile's check needs besides the simulator, computed once per tile (the X-pessimism passes
 * run the same tiles): the golden layer, its output rows as the harness prints them (hex: the
 * RTL's rows are compared as text and unpacked only where they differ), and the weights and layer
 * commands (a 65,535-row layer is megabytes of text).
 */
interface PreparedTile {
  /** The golden layer without its rows (kept as goldText only: a 65,535-row layer's arrays would be kept for every pass). */
  gold: Omit<LayerResult, 'outputs'>;
  /** The golden rows as the harness prints them (packRowsText). */
  goldText: string;
}
const prepareCache = new WeakMap<PeArrayConfig, WeakMap<LayerTile, PreparedTile>>();
function preparedOf(cfg: PeArrayConfig, tile: LayerTile): PreparedTile {
  let byTile = prepareCache.get(cfg);
  if (!byTile) prepareCache.set(cfg, (byTile = new WeakMap()));
  let p = byTile.get(tile);
  if (!p) {
    const { flat, sameAs, ...figures } = runLayerGoldenFlat(cfg, tile);
    byTile.set(tile, (p = { gold: figures, goldText: packRowsText(flat, cfg.lanes, cfg.actWidth, sameAs) }));
  }
  return p;
}

export async function checkLayer(sim: NpuTileSim, cfg: PeArrayConfig, tile: LayerTile, extra: readonly NpuBeat[] = ONE_EXTRA): Promise<{ cycles: number; nonzero: number }> {
  return (await checkLayers(sim, cfg, [tile], extra))[0]!;
}

/**
 * checkLayer for several layers run back to back: every layer's weights, the layer and the 3
 * cycles after it go out at once (each batch written as soon as its text is built); the golden
 * models run while the simulator works through them; then each layer is checked in order (the
 * first that differs throws, as checkLayer would).
 */
export async function checkLayers(sim: NpuTileSim, cfg: PeArrayConfig, tiles: readonly LayerTile[], extra: readonly NpuBeat[] = ONE_EXTRA): Promise<{ cycles: number; nonzero: number }[]> {
  const runs: Promise<[unknown, NpuLayerReply, string]>[] = [];
  for (const tile of tiles) {
    let commands = extra === ONE_EXTRA ? commandCache.get(tile) : undefined;
    if (!commands) {
      commands = { weights: weightsCommandOf(sim, tile.weights), layer: sim.layerCommand(tile, extra) };
      if (extra === ONE_EXTRA) commandCache.set(tile, commands);
    }
    const ran = Promise.all([sim.session.send(commands.weights), sim.runLayerCommand(commands.layer), sim.session.send('sample 3 mon_valid mon_nonzero mon_total busy')]);
    ran.catch(() => {}); // awaited below
    runs.push(ran);
    // Written now (the flush is a microtask), so the simulator starts while the next text is built.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const results: { cycles: number; nonzero: number }[] = [];
  for (const [i, tile] of tiles.entries()) {
    const prepared = preparedOf(cfg, tile);
    const [, hw, sampled] = await runs[i]!;
    results.push(judgeLayer(cfg, prepared, hw, sampled, extra));
  }
  return results;
}

/** The weights command of a weight array (several tiles share one: every-shift's 4,096-row buffer). */
const weightsCache = new WeakMap<readonly (readonly number[])[], string>();
function weightsCommandOf(sim: NpuTileSim, weights: readonly (readonly number[])[]): string {
  let text = weightsCache.get(weights);
  if (text === undefined) weightsCache.set(weights, (text = sim.weightsCommand(weights)));
  return text;
}

/** A tile's weights and layer commands (with the one extra beat), kept for the passes that run it again. */
const commandCache = new WeakMap<LayerTile, { weights: string; layer: string }>();

function judgeLayer(cfg: PeArrayConfig, prepared: PreparedTile, hw: NpuLayerReply, sampled: string, extra: readonly NpuBeat[]): { cycles: number; nonzero: number } {
  const { gold, goldText } = prepared;
  const problems: string[] = [];
  if (hw.cycles !== gold.cycles || hw.measuredCycles !== gold.cycles) problems.push(`cycles: RTL ${hw.cycles} (counted ${hw.measuredCycles}), golden ${gold.cycles}`);
  if (hw.nonzero !== gold.nonzero || hw.total !== gold.total) problems.push(`monitor: RTL ${hw.nonzero}/${hw.total}, golden ${gold.nonzero}/${gold.total} non-zero/total`);
  if (hw.rowsText !== goldText) {
    // Only a differing layer is split into rows, to name the first one.
    const rtlHex = hw.rowsText ? hw.rowsText.split(' ') : [];
    const goldHex = goldText ? goldText.split(' ') : [];
    const row = goldHex.findIndex((h, i) => h !== rtlHex[i]);
    const at = row >= 0 ? row : Math.min(rtlHex.length, goldHex.length);
    const rtlRow = rtlHex[at] === undefined ? undefined : unpackLanes(rtlHex[at]!, cfg.lanes, cfg.actWidth);
    const goldRow = goldHex[at] === undefined ? undefined : unpackLanes(goldHex[at]!, cfg.lanes, cfg.actWidth);
    const lane = (goldRow ?? []).findIndex((v, j) => v !== rtlRow?.[j]);
    problems.push(`outputs: row ${at}${lane >= 0 ? ` lane ${lane}` : ''}: RTL ${JSON.stringify(rtlRow ?? null)}, golden ${JSON.stringify(goldRow ?? null)}`);
  }
  if (extra.length && hw.stalls !== 8) problems.push(`a beat offered after the last row waited ${hw.stalls} cycles, expected 8 (it must be refused until done)`);
  if (problems.length) throw new Mismatch(problems[0]!, problems.length > 1 ? problems.join('\n') : undefined);
  const after = sampled.split(',');
  for (const [i, e] of after.entries()) {
    const [valid, nonzero, total, busy] = e.split(' ').map((h) => BigInt(`0x${h}`));
    expectEqual(valid!, 1n, `mon_valid ${i + 1} cycle(s) after the layer`);
    expectEqual(nonzero!, BigInt(gold.nonzero), `mon_nonzero ${i + 1} cycle(s) after the layer (must hold)`);
    expectEqual(total!, BigInt(gold.total), `mon_total ${i + 1} cycle(s) after the layer (must hold)`);
    expectEqual(busy!, 0n, `busy ${i + 1} cycle(s) after the layer`);
  }
  return { cycles: hw.cycles, nonzero: hw.nonzero };
}

export function npuCases(cfg: PeArrayConfig, o: NpuSuiteOptions): NpuCase[] {
  const k = o.k ?? Math.min(128, cfg.weightDepth);
  const rows = Math.min(o.rows, cfg.maxRows);
  const out: NpuCase[] = [];
  for (let d = 0; d <= 10; d++) {
    for (let s = 0; s < o.seeds; s++) {
      const density = d / 10;
      out.push({
        name: `density-${density.toFixed(1)}-${s}`,
        about: `random ${rows} x ${k} layer at activation density ${density.toFixed(1)}`,
        tile: randomTile(cfg, { rows, k, density, seed: 100 * d + s + 10_000 * (o.seed - 1), relu: s % 2 === 0, shift: (3 + 5 * s) % cfg.accWidth }),
      });
    }
  }
  const aMax = 2 ** (cfg.actWidth - 1) - 1;
  const aMin = -(2 ** (cfg.actWidth - 1));
  const wMax = 2 ** (cfg.weightWidth - 1) - 1;
  const wMin = -(2 ** (cfg.weightWidth - 1));
  const fill = (v: number) => Array.from({ length: k }, () => Array<number>(cfg.lanes).fill(v));
  // Each lane its own weights, so a lane wired to its neighbour differs.
  const ramp = Array.from({ length: k }, (_, kk) => Array.from({ length: cfg.lanes }, (_, j) => ((kk * 3 + j * 5) % (wMax - wMin + 1)) + wMin));
  const maxShift = cfg.accWidth - 1;
  out.push({ name: 'all-max', about: 'every value at its maximum: the requantised outputs saturate high', tile: { weights: fill(wMax), beats: compressRows([Array(k).fill(aMax)]), rows: 1, relu: false, shift: 0 } });
  out.push({ name: 'all-min', about: 'every activation at its minimum: the outputs saturate low', tile: { weights: fill(wMax), beats: compressRows([Array(k).fill(aMin)]), rows: 1, relu: false, shift: 0 } });
  out.push({ name: 'min-times-min', about: 'the largest product, summed over K, through the largest shift', tile: { weights: fill(wMin), beats: compressRows([Array(k).fill(aMin)]), rows: 1, relu: false, shift: maxShift } });
  out.push({ name: 'relu-negative', about: 'a negative sum under ReLU (0) and a small positive one', tile: { weights: fill(wMax), beats: compressRows([Array(k).fill(aMin), Array(k).fill(1)].slice(0, cfg.maxRows)), rows: Math.min(2, cfg.maxRows), relu: true, shift: 0 } });
  out.push({
    name: 'lane-weights',
    about: 'every lane its own weights, values across the whole range',
    tile: (() => {
      const r = Array.from({ length: Math.min(24, cfg.maxRows) }, (_, p) => Array.from({ length: k }, (_, kk) => ((p * 7 + kk * 13) % (aMax - aMin + 1)) + aMin));
      return { weights: ramp, beats: compressRows(r), rows: r.length, relu: false, shift: Math.min(6, maxShift) };
    })(),
  });
  let shiftTiles: LayerTile[] | undefined;
  out.push({
    name: 'every-shift',
    about: `shifts 0..${maxShift} (every bit of cfg_shift and of the shifter), ReLU on and off; and the largest sums of either sign through every shift`,
    run: async (sim) => {
      // The same tiles in every pass (their golden layers and commands are computed once).
      shiftTiles ??= (() => {
        const r = [Array.from({ length: k }, (_, kk) => (kk % 3 === 0 ? aMax : kk % 3 === 1 ? aMin + 1 : 1)), Array.from({ length: k }, (_, kk) => (kk % 2 ? aMin : -1))].slice(0, cfg.maxRows);
        const small: LayerTile[] = [];
        for (let shift = 0; shift <= maxShift; shift++) small.push({ weights: ramp, beats: compressRows(r), rows: r.length, relu: shift % 2 === 1, shift });
        // The sums above stay small, so every large shift gives 0 or -1 whatever its bits say: the
        // largest product summed over the whole weight depth (+-aMin x wMin x depth, lanes of either
        // sign) tells every shift up to log2 of it apart, e.g. 16 from 24; once over K and once over
        // K - 1 beats, so the row leaves on an even and on an odd cycle (a shift that changes while
        // the layer runs shows in one of them). At most 4,096 beats (2^12 more range in the sum),
        // so the widest configuration (K 65,536, 64 shifts) stays a second, not a minute.
        const depth = Math.min(cfg.weightDepth, 4096);
        const extremes = Array.from({ length: depth }, () => Array.from({ length: cfg.lanes }, (_, j) => (j % 2 ? wMax : wMin)));
        const rows = [compressRows([Array<number>(depth).fill(aMin)]), compressRows([Array<number>(Math.max(1, depth - 1)).fill(aMin)])];
        const large: LayerTile[] = [];
        for (let shift = 0; shift <= maxShift; shift++) for (const row of rows) large.push({ weights: extremes, beats: row, rows: 1, relu: false, shift });
        return [...small, ...large];
      })();
      await checkLayers(sim, cfg, shiftTiles);
      return 3 * (maxShift + 1);
    },
  });
  out.push({
    name: 'full-depth',
    about: `the whole weight buffer: K = weightDepth = ${cfg.weightDepth}`,
    tile: randomTile(cfg, { rows: Math.min(2, cfg.maxRows), k: cfg.weightDepth, density: 0.5, seed: 9 + 10_000 * (o.seed - 1), shift: Math.min(10, maxShift) }),
  });
  if (cfg.weightDepth >= 9 && cfg.maxRows >= 25) {
    const t = randomConvTile(cfg, { inChannels: Math.min(8, Math.floor(cfg.weightDepth / 9)), height: 5, width: 5, kernel: 3, stride: 1, pad: 1 }, 0.45, o.seed + 5);
    out.push({ name: 'conv-3x3', about: 'an im2col-lowered 3x3 convolution on a 5x5 map', tile: { ...t, shift: Math.min(t.shift, maxShift) } });
  }
  {
    // Weight row 0 all ones; each row one beat of a power of two (and the most negative value): every
    // lane's output has each bit alone, the monitor's non-zero test per lane and bit.
    const values = [...Array.from({ length: cfg.actWidth - 1 }, (_, b) => 2 ** b), aMin, 0].slice(0, cfg.maxRows);
    out.push({ name: 'one-hot-outputs', about: 'every lane, every bit alone as the only non-zero bit of an output', tile: { weights: [Array<number>(cfg.lanes).fill(1)], beats: values.map((v) => ({ index: 0, value: v, last: true })), rows: values.length, relu: false, shift: 0 } });
  }
  out.push({
    name: 'back-to-back',
    about: 'six layers without a reset between them',
    run: async (sim) => {
      await checkLayers(sim, cfg, Array.from({ length: 6 }, (_, i) => randomTile(cfg, { rows: Math.min(1 + (i % 4), cfg.maxRows), k: Math.min(17, cfg.weightDepth), density: 0.3, seed: o.seed * 31 + 20 + i, shift: Math.min(4, maxShift) })));
      return 6;
    },
  });
  {
    // The row counters run through many carries; 3,600 and 37,000 are counts at which a counter that
    // skips values would end on the wrong row, and two counts drawn from the seed with their 16-bit
    // complements (every bit set in one of each pair) catch a counter that runs through its values
    // in another order, ending early or late (more than 65,535 rows would take seconds per run).
    const rng = new Rng(o.seed * 7 + 3);
    const drawn = Array.from({ length: 2 }, () => rng.int(257, 65_278)).flatMap((n) => [n, n ^ 0xffff]);
    const counts = [...new Set([3600, 37000, ...drawn, Math.min(cfg.maxRows, 65535)].filter((n) => n <= cfg.maxRows))];
    const kk = Math.min(4, cfg.weightDepth);
    let tiles: LayerTile[] | undefined; // built on first use, kept for the X-pessimism passes
    out.push({
      name: 'long-layers',
      about: `layers of ${counts.join(', ')} rows, one beat each, values across the whole range: cycles = rows + 8`,
      run: async (sim) => {
        tiles ??= counts.map((n) => ({ weights: ramp.slice(0, kk), beats: Array.from({ length: n }, (_, r) => ({ index: r % kk, value: ((r * 37) % (aMax - aMin + 1)) + aMin, last: true })), rows: n, relu: false, shift: 0 }));
        const results = await checkLayers(sim, cfg, tiles);
        for (const [i, tile] of tiles.entries()) expectEqual(results[i]!.cycles, tile.rows + 8, `cycles of ${tile.rows} rows (rows + 8)`);
        return counts.length;
      },
    });
  }
  const small = (s: number, n = 5) => randomTile(cfg, { rows: Math.min(n, cfg.maxRows), k: Math.min(24, cfg.weightDepth), density: 0.5, seed: s, relu: false, shift: Math.min(3, maxShift) });
  out.push({
    name: 'extra-beats',
    about: 'five beats offered after the last row: all refused, the layer unchanged',
    tile: small(o.seed * 31 + 31),
    extra: Array.from({ length: 5 }, (_, i) => ({ index: 0, value: 1, last: i % 2 === 1 })),
  });
  out.push({ name: 'idle-and-busy', about: 'beats offered while idle are refused; a start (other row count) while busy is ignored', run: (sim) => idleAndBusy(sim, cfg, small(o.seed * 31 + 41, 6)) });
  // Shifted by weightWidth, the rows' sums mostly stay below saturation, so a product lost or
  // counted twice around a gap shows in the outputs (e.g. a LUT multiplier's running sum cleared
  // during a gap after a row's first beat).
  out.push({
    name: 'beat-gaps',
    about: 'act_valid low in every third cycle of the stream: the same rows and monitor counts as without gaps',
    run: (sim) => beatGaps(sim, cfg, { ...small(o.seed * 31 + 61, 7), shift: Math.min(cfg.weightWidth, maxShift) }),
  });
  out.push({ name: 'reset-mid-layer', about: 'reset in the middle of a layer: every documented reset value, no stray row, then an exact layer', run: (sim) => resetMidLayer(sim, cfg, small(o.seed * 31 + 51, 8), small(o.seed * 31 + 52, 3)) });
  return out;
}

// ---------------------------------------------------------------- cycle-level contract checks

const WATCH = ['act_ready', 'busy', 'done', 'out_valid', 'out_data', 'cycles', 'mon_valid', 'mon_nonzero', 'mon_total'] as const;
const RESET_VALUES = { act_ready: 0n, busy: 0n, done: 0n, out_valid: 0n, cycles: 0n, mon_valid: 0n, mon_nonzero: 0n, mon_total: 0n } as const;

function expectResetValues(e: Edge, when: string): void {
  for (const [port, v] of Object.entries(RESET_VALUES)) expectEqual(e[port]!, v, `${port} ${when}`);
}

function rowOf(word: bigint, cfg: PeArrayConfig): number[] {
  return unpackLanes(word.toString(16).padStart(Math.ceil((cfg.lanes * cfg.actWidth) / 4), '0'), cfg.lanes, cfg.actWidth);
}

class StopStream extends Error {}

/**
 * Feeds beats cycle by cycle (start already given), collecting output rows until `done`; `during`
 * may set inputs for the next cycle (or throw StopStream). Returns the rows and every edge.
 */
async function streamByCycles(
  host: CycleHost,
  cfg: PeArrayConfig,
  beats: readonly NpuBeat[],
  during?: (e: Edge, cycle: number) => void,
  gap?: (cycle: number) => boolean,
): Promise<{ rows: number[][]; edges: Edge[] }> {
  const rows: number[][] = [];
  const edges: Edge[] = [];
  let next = 0;
  let cycle = -1;
  let offered = false;
  const present = () => {
    const b = gap?.(cycle + 1) ? undefined : beats[next];
    offered = b !== undefined;
    host.set('act_valid', b !== undefined);
    if (b) {
      host.set('act_index', b.index);
      host.set('act_value', BigInt.asUintN(cfg.actWidth, BigInt(b.value)));
      host.set('act_last', b.last);
    }
  };
  present();
  for (let c = 0; c < 4 * beats.length + 64; c++) {
    const e = await host.edge();
    cycle = c;
    edges.push(e);
    if (e.act_ready && offered) next++;
    if (e.out_valid) rows.push(rowOf(e.out_data!, cfg));
    if (e.done) {
      host.set('act_valid', false);
      return { rows, edges };
    }
    present();
    during?.(e, c);
  }
  throw new Mismatch(`the layer did not finish within ${4 * beats.length + 64} cycles`);
}

function startLayer(host: CycleHost, tile: LayerTile): void {
  host.set('start', true);
  host.set('cfg_rows', tile.rows);
  host.set('cfg_relu', tile.relu);
  host.set('cfg_shift', tile.shift);
}

async function idleAndBusy(sim: NpuTileSim, cfg: PeArrayConfig, tile: LayerTile): Promise<number> {
  const host = new CycleHost(sim.session, WATCH);
  await sim.loadWeights(tile.weights);
  host.set('act_valid', true);
  host.set('act_last', true);
  host.set('act_value', 1);
  for (const e of await host.step(8)) {
    expectEqual(e.act_ready!, 0n, 'act_ready while idle');
    expectEqual(e.busy!, 0n, 'busy while idle');
    expectEqual(e.out_valid!, 0n, 'out_valid while idle');
  }
  startLayer(host, tile);
  host.set('act_valid', false);
  await host.edge();
  host.set('start', false);
  // The ignored start at the layer's second edge (before any output row reaches the monitor through
  // the array's pipeline) and again in the cycle after the second output row (the monitor counting):
  // neither may restart the layer or the monitor.
  let outputs = 0;
  let pulses = 0;
  const { rows, edges } = await streamByCycles(host, cfg, tile.beats, (e, c) => {
    if (e.out_valid) outputs++;
    const late = outputs >= 2 && pulses === 1;
    const pulse = c === 0 || late;
    if (pulse) pulses++;
    host.set('start', pulse); // applied at the next edge: always while busy
    host.set('cfg_rows', tile.rows === cfg.maxRows ? 1 : cfg.maxRows);
  });
  if (pulses < 2 && tile.rows >= 2) throw new ScenarioError('the layer gave fewer than two output rows: no start was offered while the monitor counted');
  host.set('start', false);
  const gold = runLayerGolden(cfg, tile);
  if (JSON.stringify(rows) !== JSON.stringify(gold.outputs)) throw new Mismatch('outputs of a layer given a second start while busy differ from the golden model');
  expectEqual(edges.at(-1)!.cycles!, BigInt(gold.cycles), 'cycles counter when done is visible');
  const after = await host.step(3);
  for (const e of after) expectEqual(e.busy!, 0n, 'busy after done (the ignored start must not start a layer)');
  expectEqual(after[0]!.mon_valid!, 1n, 'mon_valid after done');
  expectEqual(after[0]!.mon_nonzero!, BigInt(gold.nonzero), 'monitor non-zero count');
  expectEqual(after[0]!.mon_total!, BigInt(gold.total), 'monitor total count');
  return 1;
}

async function beatGaps(sim: NpuTileSim, cfg: PeArrayConfig, tile: LayerTile): Promise<number> {
  const host = new CycleHost(sim.session, WATCH);
  await sim.loadWeights(tile.weights);
  startLayer(host, tile);
  await host.edge();
  host.set('start', false);
  const { rows } = await streamByCycles(host, cfg, tile.beats, undefined, (c) => c % 3 === 1);
  const gold = runLayerGolden(cfg, tile);
  if (JSON.stringify(rows) !== JSON.stringify(gold.outputs)) throw new Mismatch('outputs of a layer streamed with gaps between beats differ from the golden model');
  const after = await host.step(2);
  expectEqual(after[0]!.mon_valid!, 1n, 'mon_valid after done');
  expectEqual(after[0]!.mon_nonzero!, BigInt(gold.nonzero), 'monitor non-zero count of a layer streamed with gaps');
  expectEqual(after[0]!.mon_total!, BigInt(gold.total), 'monitor total count of a layer streamed with gaps');
  return 1;
}

async function resetMidLayer(sim: NpuTileSim, cfg: PeArrayConfig, tile: LayerTile, next: LayerTile): Promise<number> {
  const host = new CycleHost(sim.session, WATCH);
  await sim.loadWeights(tile.weights);
  startLayer(host, tile);
  await host.edge();
  host.set('start', false);
  // Stream until two rows have come out, then reset with the stream still offered.
  let seen = 0;
  await streamByCycles(host, cfg, tile.beats, (e) => {
    if (e.out_valid) seen++;
    if (seen >= 2) throw new StopStream();
  }).catch((err: unknown) => {
    if (!(err instanceof StopStream)) throw err;
  });
  await host.reset(1);
  host.set('act_valid', false);
  expectResetValues(await host.now(), 'right after reset');
  host.set('act_valid', true);
  for (const e of await host.step(6)) expectResetValues(e, 'after reset, idle with a beat offered');
  host.set('act_valid', false);
  await host.step(1);
  await checkLayer(sim, cfg, next);
  return 2;
}

export function planNpu(cfg: PeArrayConfig, o: NpuSuiteOptions): PlannedSuite {
  const cases = npuCases(cfg, o);
  return {
    suite: 'npu',
    cases: cases.map(({ name, about }) => ({ name, about })),
    async run(ctx, selected) {
      const chosen = cases.filter((c) => selected.has(c.name));
      if (!chosen.length) return [];
      const trace = traceFlavour(chosen.map((c) => ctx.waveFor('npu', c.name)));
      const { build, start } = instrumented(ctx, 'npu');
      ctx.progress('npu: opening the npu_tile simulator (built once per design, then cached)');
      return runOnSimulator('npu', 'layers', chosen, {
        open: () => NpuTileSim.open(ctx.rtlDir, { trace, log: ctx.progress, ...build, start }),
        onCase: ctx.onCase,
        stopAfterFailure: ctx.stopAfterFailure,
        // The layer may have stopped half way: start the next case from reset.
        afterFailure: (sim) => sim.session.reset(2).then(() => {}),
        run: async (sim, c) => {
          const wave = ctx.waveFor('npu', c.name);
          const before = BigInt((await sim.session.send('cycle')).trim());
          if (wave) await sim.session.waveOn(resolve(wave));
          let checked: number;
          try {
            checked = c.run ? await c.run(sim) : (await checkLayer(sim, cfg, c.tile!, c.extra), 1);
          } finally {
            if (wave) await sim.session.waveOff();
          }
          const after = BigInt((await sim.session.send('cycle')).trim());
          const gtkw = wave ? await writeGtkw({ wave: resolve(wave), scope: waveScope('npu_tile'), zoom: -19, groups: npuWaveGroups() }) : undefined;
          return { checked, simCycles: Number(after - before), ...(wave ? { waveform: wave } : {}), ...(gtkw ? { gtkw } : {}) };
        },
      });
    },
  };
}
