// GTKWave save files (.gtkw): which signals to show, grouped and formatted, so `gtkwave wave.gtkw`
// opens ready to read. The caller decides the groups; this module resolves each name against the
// wave's own hierarchy (reading a VCD header directly, an FST one through gtkwave's `fst2vcd`), so a
// typo is an error here and not an empty row in GTKWave. Cost: reading the wave header only.
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { writeOutputFile } from '../output/index.ts';
import { CosimError } from './errors.ts';
import { requireTool } from './tools.ts';

export type GtkwFormat = 'hex' | 'dec' | 'signed' | 'bin';

export interface GtkwSignal {
  /** Hierarchical name, e.g. `TOP.npu_tile.u_monitor.nonzero_count` (relative names get `scope`). */
  name: string;
  format?: GtkwFormat;
}

export interface GtkwGroup {
  name: string;
  signals: ReadonlyArray<string | GtkwSignal>;
  /** Start the group folded. */
  closed?: boolean;
}

export interface GtkwOptions {
  /** The waveform (FST or VCD) the save file opens. */
  wave: string;
  groups: readonly GtkwGroup[];
  /** Where to write; default: the wave path with `.gtkw`. */
  out?: string;
  /** Prefix for names that do not start with `TOP.`; e.g. `TOP.npu_tile` (see waveScope()). */
  scope?: string;
  /**
   * GTKWave's zoom level (log2 scale; more negative = wider window). The harness clock has a 10 ns
   * period, and -19 shows about 200 cycles in a 1400-pixel window. Default: GTKWave's own.
   */
  zoom?: number;
}

/** Widths of every signal in a wave file, by hierarchical name without the bit range. */
export interface WaveSignal {
  /** Name GTKWave uses in save files, with the range for vectors: `TOP.t.count[31:0]`. */
  gtkwName: string;
  width: number;
}

/** The waveform scope of a top module under the harness: `TOP.<top>`. */
export function waveScope(top: string): string {
  return `TOP.${top}`;
}

// GTKWave trace flags (its TR_* bits): HEX 1<<1, DEC 1<<2, BIN 1<<3, RJUSTIFY 1<<5, BLANK 1<<9,
// SIGNED 1<<10, CLOSED 1<<22, GRP_BEGIN 1<<23, GRP_END 1<<24. Save files write them in hex.
const FLAG: Record<GtkwFormat, number> = { hex: 0x22, dec: 0x24, signed: 0x424, bin: 0x28 };
const GROUP_BEGIN = 0x800200;
const GROUP_END = 0x1000200;
const CLOSED = 0x400000;

async function* headerLines(wave: string): AsyncGenerator<string> {
  if (/\.vcd$/i.test(wave)) {
    const rl = createInterface({ input: createReadStream(wave, 'utf8'), crlfDelay: Infinity });
    try {
      for await (const line of rl) yield line;
    } finally {
      rl.close();
    }
    return;
  }
  const { execa } = await import('execa'); // only when a waveform is written
  const child = execa('fst2vcd', [wave], { buffer: false, stderr: 'ignore', reject: false });
  try {
    const rl = createInterface({ input: child.stdout!, crlfDelay: Infinity });
    for await (const line of rl) yield line;
  } catch (err) {
    throw new CosimError(`cannot read ${wave} with fst2vcd (${(err as Error).message}); install it with \`apt-get install gtkwave\`.`);
  } finally {
    // Only the header is needed; stop fst2vcd before it prints every value change.
    child.kill('SIGKILL');
    await child.catch(() => {});
  }
}

/** Reads the signal hierarchy of an FST or VCD file (header only). */
export async function readWaveSignals(wave: string): Promise<Map<string, WaveSignal>> {
  if (!existsSync(wave)) throw new CosimError(`waveform ${wave} does not exist.`);
  // Without fst2vcd an FST would look empty ("no signal named ..."): name the missing tool instead.
  if (!/\.vcd$/i.test(wave)) await requireTool('fst2vcd');
  const signals = new Map<string, WaveSignal>();
  const scope: string[] = [];
  let tokens: string[] = [];
  for await (const line of headerLines(wave)) {
    tokens.push(...line.trim().split(/\s+/).filter(Boolean));
    // Declarations end with $end and may span lines; handle each complete one.
    let end: number;
    while ((end = tokens.indexOf('$end')) >= 0) {
      const decl = tokens.slice(0, end);
      tokens = tokens.slice(end + 1);
      if (decl[0] === '$scope') scope.push(decl[2] ?? '');
      else if (decl[0] === '$upscope') scope.pop();
      else if (decl[0] === '$var') {
        const width = Number(decl[2]);
        const ref = decl.slice(4).join('');
        const m = /^([^[]+)(\[.*\])?$/.exec(ref);
        const base = [...scope, m ? m[1] : ref].join('.');
        signals.set(base, { gtkwName: `${[...scope, ref].join('.')}`, width });
      } else if (decl[0] === '$enddefinitions') return signals;
    }
  }
  return signals;
}

/**
 * Writes a GTKWave save file for `wave` with the given groups and returns its path. Every signal
 * must exist in the wave (the wave file must already exist). Vectors default to hex, single bits
 * to binary.
 */
export async function writeGtkw(options: GtkwOptions): Promise<string> {
  const wave = path.resolve(options.wave);
  const out = path.resolve(options.out ?? wave.replace(/\.(fst|vcd)$/i, '') + '.gtkw');
  const known = await readWaveSignals(wave);
  const lines: string[] = [
    '[*] GTKWave save file written by dysta-rtl cosim (writeGtkw)',
    `[dumpfile] "${wave}"`,
    `[savefile] "${out}"`,
    '[timestart] 0',
    ...(options.zoom !== undefined ? [`*${options.zoom.toFixed(6)} -1`] : []),
    '[size] 1400 800',
    '[sst_width] 260',
    '[signals_width] 280',
    '[sst_expanded] 1',
  ];
  const missing: string[] = [];
  const opened = new Set<string>();
  for (const group of options.groups) {
    const flags = GROUP_BEGIN | (group.closed ? CLOSED : 0);
    const body: string[] = [];
    for (const s of group.signals) {
      const sig = typeof s === 'string' ? { name: s } : s;
      const full = sig.name.startsWith('TOP.') || !options.scope ? sig.name : `${options.scope}.${sig.name}`;
      const found = known.get(full.replace(/\[.*\]$/, ''));
      if (!found) {
        missing.push(full);
        continue;
      }
      const parts = full.split('.');
      for (let i = 1; i < parts.length; i++) opened.add(`${parts.slice(0, i).join('.')}.`);
      const format = sig.format ?? (found.width === 1 ? 'bin' : 'hex');
      body.push(`@${FLAG[format].toString(16)}`, found.gtkwName);
    }
    lines.push(`@${flags.toString(16)}`, `-${group.name}`, ...body, `@${(GROUP_END | (group.closed ? CLOSED : 0)).toString(16)}`, `-${group.name}`);
  }
  if (missing.length > 0) {
    const sample = [...known.keys()].slice(0, 12).join(', ');
    throw new CosimError(`${wave} has no signal named ${missing.join(', ')}; it has e.g. ${sample}.`);
  }
  // Expand the hierarchy down to the shown signals in the signal tree.
  const tree = [...opened].sort().map((t) => `[treeopen] ${t}`);
  lines.splice(8, 0, ...tree);
  lines.push('[pattern_trace] 1', '[pattern_trace] 0', '');
  await writeOutputFile(out, lines.join('\n'), '.gtkw save file');
  return out;
}
