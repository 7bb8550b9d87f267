// find_first_set_<N>: the index of the lowest set bit of an N-bit vector, and whether any bit is set.
// The scheduler's one priority encoder: the lowest free slot at admission, and the next valid slot
// each score unit issues during a selection. Up to 64 bits, a binary tree: each node takes the lower
// half's index unless only the upper half has a set bit (then 1 followed by the upper half's index),
// so a level adds one index bit; log2(N) levels of 2:1 muxes, about N nodes. Wider vectors are split
// into 32-bit chunks, each encoded on its own (its lowest set bit isolated by a 32-bit carry chain,
// then OR-ed into a 5-bit position), while a tree over the chunks finds the lowest chunk with a set
// bit, whose position it selects. Why not the tree at every width: Verilator evaluates every node of
// a tree on every clock edge, bit by bit, and the two 1024-node trees of a D = 10 scheduler were more
// than half of its simulation time; a chunk is a few operations on one 32-bit word. The cost in
// hardware, measured on the 1024-bit encoder alone (Yosys synth_xilinx xcup, the per-cell delay
// model of fpga/): 1,603 LUT + 810 MUXF and 6.0 ns (6 LUT levels) against the tree's 1,283 LUT + 989
// MUXF and 5.1 ns (5 levels). A width that is not a power of two is padded with zeros.
import { cat, lit, litHex, mux, ModuleBuilder, type Expr, type ModuleDef, type Signal } from '../hdl/index.ts';

/** Index width of an N-bit vector (at least 1). */
export function indexWidth(n: number): number {
  let w = 1;
  while (2 ** w < n) w++;
  return w;
}

export function findFirstSetName(n: number): string {
  return `find_first_set_${n}`;
}

const built = new Map<number, ModuleDef>();

/** find_first_set_<n> (n >= 2); one definition per width, shared by every user in a design. */
export function buildFindFirstSet(n: number): ModuleDef {
  let def = built.get(n);
  if (!def) built.set(n, (def = buildEncoder(n)));
  return def;
}

/** Widest vector encoded by one tree; wider ones are split into chunks of this many bits. */
export const TREE_MAX_WIDTH = 64;
/** Bits per chunk of a wide vector: a 32-bit word, one operation for Verilator and a short carry chain. */
export const CHUNK_BITS = 32;

function buildEncoder(n: number): ModuleDef {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`find_first_set needs at least 2 bits, got ${n}`);
  const w = indexWidth(n);
  const padded = 2 ** w;
  const m = new ModuleBuilder(findFirstSetName(n), `Index of the lowest set bit of a ${n}-bit vector (0 when none is set) and whether any is set.`, { WIDTH: n });
  const bits = m.input('bits', n, { doc: 'bit 0 has the highest priority' });
  const index = m.output('index', w, { doc: 'position of the lowest set bit (0 when found is low)' });
  const found = m.output('found', 1, { doc: 'some bit is set' });
  const leaves = padded === n ? bits : m.named('bits_padded', bits.resize(padded), `padded to ${padded} bits`);
  if (padded > TREE_MAX_WIDTH) buildChunked(m, leaves as Signal, w, index, found);
  else buildTree(m, leaves as Signal, w, index, found);
  return m.build();
}

/**
 * 32-bit chunks, all encoded at once: each chunk's lowest set bit isolated (x & (~x + 1), a 32-bit
 * carry chain) and encoded (bit j of its position = OR of the positions with bit j set), and in
 * parallel a tree over the chunks' OR finds the lowest chunk with a set bit, which selects its index.
 */
function buildChunked(m: ModuleBuilder, leaves: Signal, w: number, index: Signal, found: Signal): void {
  const C = CHUNK_BITS;
  const cw = indexWidth(C);
  const chunks = 2 ** w / C;
  // Bit j of a position inside a chunk is set for these positions: 32'haaaaaaaa, 32'hcccccccc, ...
  const positionsWithBit = Array.from({ length: cw }, (_, j) => {
    let mask = 0n;
    for (let i = 0; i < C; i++) if ((i >> j) & 1) mask |= 1n << BigInt(i);
    return litHex(mask, C);
  });
  const twos = m.wire('chunk_twos', chunks * C, { doc: `~chunk + 1 of each ${C}-bit chunk: its lowest set bit and the zeros below it kept, every bit above inverted` });
  const lowest = m.wire('chunk_lowest', chunks * C, { doc: `the lowest set bit of each chunk alone (chunk c at [c*${C} +: ${C}])` });
  const chunkFound = m.wire('chunk_found', chunks, { doc: 'chunk c has a set bit' });
  const chunkIndex = m.wire('chunk_index', chunks * cw, { doc: `position of the lowest set bit inside each chunk (chunk c at [c*${cw} +: ${cw}])` });
  m.generate('g_chunk', 'c', chunks, (g) => {
    const word = g.part(leaves, C);
    g.assign(g.part(twos, C), word.not().add(lit(1, C)));
    g.assign(g.part(lowest, C), word.and(g.part(twos, C)));
    g.assign(g.part(chunkFound, 1), word.orReduce());
    positionsWithBit.forEach((p, j) => g.assign(g.part(chunkIndex, 1, g.index.times(cw).plus(j)), g.part(lowest, C).and(p).orReduce()));
  });
  const chunk = m.wire('chunk', w - cw, { doc: 'the lowest chunk with a set bit' });
  m.instance(buildFindFirstSet(chunks), 'u_chunk', { bits: chunkFound, index: chunk, found });
  m.assign(index, cat(chunk, chunkIndex.partAt(chunk, cw)));
}

/** log2(padded) levels of 2:1 nodes. */
function buildTree(m: ModuleBuilder, leaves: Signal, w: number, index: Signal, found: Signal): void {
  const padded = 2 ** w;
  // Level l has padded >> l nodes, each with a found bit and an l-bit index; the root is level w.
  let levelFound: Signal = leaves;
  let levelIndex: Signal | undefined;
  // A node takes the upper half's lowest set bit only when the lower half has none.
  const node = (upper: Expr, loFound: Expr, hiFound: Expr, loIndex: Expr | undefined, hiIndex: Expr | undefined): { found: Expr; index: Expr } => ({
    found: loFound.lor(hiFound),
    index: loIndex && hiIndex ? cat(upper, mux(upper, hiIndex, loIndex)) : upper,
  });
  for (let l = 1; l < w; l++) {
    const nodes = padded >> l;
    const f = m.wire(`found_l${l}`, nodes, { doc: `level ${l}: some bit set under each node` });
    const x = m.wire(`index_l${l}`, nodes * l, { doc: `level ${l}: ${l}-bit index of each node's lowest set bit` });
    const up = m.wire(`upper_l${l}`, nodes, { doc: `level ${l}: only the upper half of each node has a set bit` });
    const prevFound = levelFound;
    const prevIndex = levelIndex;
    m.generate(`g_level${l}`, 'n', nodes, (g) => {
      const lo = g.index.times(2);
      const hi = g.index.times(2).plus(1);
      g.assign(g.part(up, 1), g.part(prevFound, 1, lo).lnot().land(g.part(prevFound, 1, hi)));
      const r = node(g.part(up, 1), g.part(prevFound, 1, lo), g.part(prevFound, 1, hi), prevIndex && g.part(prevIndex, l - 1, lo), prevIndex && g.part(prevIndex, l - 1, hi));
      g.assign(g.part(f, 1), r.found);
      g.assign(g.part(x, l), r.index);
    });
    levelFound = f;
    levelIndex = x;
  }
  const half = (s: Signal | undefined, width: number, i: number) => s && s.bits((i + 1) * width - 1, i * width);
  const rootUpper = m.named('upper', levelFound.bit(0).lnot().land(levelFound.bit(1)), 'only the upper half has a set bit');
  const root = node(rootUpper, levelFound.bit(0), levelFound.bit(1), half(levelIndex, w - 1, 0), half(levelIndex, w - 1, 1));
  m.assign(found, root.found);
  m.assign(index, root.index);
}

// ------------------------------------------------------------------ golden model

/** The lowest set bit's index (0 when none) and whether any bit of the low `n` bits is set. */
export function findFirstSet(bits: bigint, n: number): { index: number; found: boolean } {
  for (let i = 0; i < n; i++) if ((bits >> BigInt(i)) & 1n) return { index: i, found: true };
  return { index: 0, found: false };
}

/** Up to this many bits, lowestSetBit uses explicit reductions; above, the index and a decoder. */
export const LOWEST_BIT_REDUCTIONS_UP_TO = 64;

/**
 * The lowest set bit of `bits` as a one-hot vector (`<name>`), given its index from the tree above.
 * Up to LOWEST_BIT_REDUCTIONS_UP_TO bits it does not wait for the index: bit i = bits[i] and no set
 * bit below i, with "a set bit below i" an OR of the groups of 8 below i's group and of the bits below
 * i in its group (about four LUT levels: the scan and free-slot loops are this, an AND and a
 * register; issue 13). Wider, it decodes the index (the tree is shallower than reductions there).
 */
export function lowestSetBit(m: ModuleBuilder, name: string, bits: Signal, index: Expr, doc: string): Signal {
  const n = bits.width;
  if (n > LOWEST_BIT_REDUCTIONS_UP_TO) return m.named(name, lit(1, n).shl(index), doc);
  const G = Math.min(8, n);
  const groups = n / G;
  const masks = (count: number) => Array.from({ length: count }, (_, j) => ((1n << BigInt(j)) - 1n) << BigInt(j * count)).reduce((x, y) => x | y, 0n);
  const localBelow = m.localparam(`${name.toUpperCase()}_LOCAL_BELOW`, masks(G), G * G, `part j: the bits below bit j of a group of ${G}`);
  const any = groups > 1 ? m.wire(`${name}_group_any`, groups, { doc: `${doc}: group g of ${G} bits has a set bit` }) : undefined;
  const groupBelow = groups > 1 ? m.localparam(`${name.toUpperCase()}_GROUP_BELOW`, masks(groups), groups * groups, 'part g: the groups below group g') : undefined;
  if (any) m.generate(`g_${name}_any`, 'g', groups, (g) => g.assign(g.part(any, 1), g.part(bits, G).orReduce()));
  const below = m.wire(`${name}_below`, n, { doc: `${doc}: a set bit below bit i` });
  m.generate(`g_${name}_group`, 'g', groups, (g) => {
    g.generate(`g_${name}_bit`, 'j', G, (h) => {
      const local = g.part(bits, G).and(h.part(localBelow, G)).orReduce();
      h.assign(h.part(below, 1, g.index.timesPlus(G, h.index)), any && groupBelow ? local.lor(any.and(g.part(groupBelow, groups)).orReduce()) : local);
    });
  });
  return m.named(name, bits.and(below.not()), doc);
}
