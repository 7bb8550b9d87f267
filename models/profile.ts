// `dysta profile`: runs the MNIST variants on test digits through the cycle-exact golden model (and
// optionally the PE array RTL, which must agree exactly) and writes, per variant, a CSV in the
// artifact's Eyeriss-V2 format plus a manifest with the statistics.
//
// Per digit and layer:
//   sim_lat          = the layer's cycles in the system loop / clock: for every pass, its weight rows
//                      loaded one per cycle, the start cycle, its stream ops (beats = sum over rows
//                      of max(nnz, 1), plus any mid-stream weight reloads) and two pipeline cycles,
//                      up to the cycle npu_done shows; passes back to back, each one's done cycle
//                      between them (hwgen/system layerLoopCycles)
//   overall-sparsity = fraction of zeros among the layer's outputs (rows x output channels), i.e.
//                      what the hardware sparsity monitor counts after the layer, and the input
//                      sparsity of the next layer
//   batch-indx       = the test digit's number (models/data.ts), layer-indx = the layer.
import { pathToFileURL } from 'node:url';
import { packageFile } from '../input/package-files.ts';
import type { HwConfig } from '../hwgen/config/index.ts';
import type { Pass } from '../hwgen/pe-array/passes.ts';
import type { CnnModel } from '../hwgen/system/workload.ts';
import { loadDigits } from './data.ts';
import { ModelError } from './errors.ts';
import type { Int8Network } from './int8.ts';
import { runDigitGolden, toCnnModel } from './lowering.ts';
import { loadNetwork } from './weights.ts';

export const PROFILE_FORMAT = 'dysta-profile';
export const PROFILE_VERSION = 1;
export const DEFAULT_PROFILE_SAMPLES = 200;
/** The committed profile of the default settings, which `--workload mnist` reads. */
export const COMMITTED_PROFILE = pathToFileURL(`${packageFile('models', 'profile')}/`);

export interface LayerSample {
  cycles: number;
  /** Cycles of the stream beats (the part that depends on the input). */
  beats: number;
  nonzero: number;
  outputs: number;
}

export interface DigitSample {
  sample: number;
  label: number;
  predicted: number;
  /** The RTL's prediction, with --rtl. */
  rtlPredicted?: number;
  layers: LayerSample[];
}

export interface VariantRun {
  net: Int8Network;
  model: CnnModel;
  digits: DigitSample[];
}

/** Runs one pass on the RTL: its outputs, the array's cycle counter and the tile monitor's counts. */
export type PassRunner = (pass: Pass) => Promise<{ outputs: number[][]; cycles: number; nonzero: number; total: number }>;

export interface ProfileOptions {
  config: HwConfig;
  variants: readonly string[];
  samples: number;
  /** Folder of weights files (default: the committed models/weights). */
  weightsDir?: string;
  /** With --rtl: every pass also runs on the PE array RTL and must equal the golden model. */
  rtl?: PassRunner;
  progress?: (variant: string, done: number, total: number) => void;
}

/** The RTL disagreed with the golden model (exit code 3, like `dysta system`). */
export class ProfileMismatch extends Error {
  readonly userError = true as const;
  readonly exitCode = 3;
}

export function checkSamples(samples: number): void {
  const available = loadDigits().test.length;
  if (!(Number.isInteger(samples) && samples >= 1)) throw new ModelError(`--samples ${samples} must be a whole number from 1 to ${available}`);
  if (samples > available) throw new ModelError(`--samples ${samples} asks for more digits than the ${available} test digits there are (models/README.md: the split)`);
}

export async function profileModels(o: ProfileOptions): Promise<VariantRun[]> {
  checkSamples(o.samples);
  const digits = loadDigits().test.slice(0, o.samples);
  const cfg = o.config.peArray;
  const runs: VariantRun[] = [];
  for (const name of o.variants) {
    const net = loadNetwork(name, o.weightsDir);
    const model = toCnnModel(net);
    const samples: DigitSample[] = [];
    for (let i = 0; i < digits.length; i++) {
      const d = digits[i]!;
      const run = runDigitGolden(cfg, model, d);
      const sample: DigitSample = {
        sample: i,
        label: d.label,
        predicted: run.predicted,
        layers: run.layers.map((l) => ({
          cycles: l.cycles,
          beats: l.passes.reduce((a, p) => a + p.tile.beats.length, 0),
          nonzero: l.nonzero,
          outputs: l.outputs.length * l.outputs[0]!.length,
        })),
      };
      if (o.rtl) {
        for (const [li, l] of run.layers.entries()) {
          for (const [pi, p] of l.passes.entries()) {
            const hw = await o.rtl(p);
            const g = l.results[pi]!;
            const same = hw.cycles === g.cycles && hw.nonzero === g.nonzero && hw.total === g.total && JSON.stringify(hw.outputs) === JSON.stringify(g.outputs);
            if (!same) {
              throw new ProfileMismatch(
                `${name}, test digit ${i}, layer ${li} pass ${pi}: the PE array RTL disagreed with the golden model (cycles ${hw.cycles} vs ${g.cycles}, non-zeros ${hw.nonzero} vs ${g.nonzero}${JSON.stringify(hw.outputs) === JSON.stringify(g.outputs) ? '' : ', outputs differ'})`,
              );
            }
          }
        }
        sample.rtlPredicted = run.predicted;
      }
      samples.push(sample);
      o.progress?.(name, i + 1, digits.length);
    }
    runs.push({ net, model, digits: samples });
  }
  return runs;
}

/** The variant's CSV in the artifact's Eyeriss-V2 format (full double precision). */
export function profileCsv(run: VariantRun, clockMHz: number): string {
  const lines = ['sim_lat,overall-sparsity,batch-indx,layer-indx'];
  for (const d of run.digits) {
    d.layers.forEach((l, li) => lines.push(`${l.cycles / (clockMHz * 1e6)},${1 - l.nonzero / l.outputs},${d.sample},${li}`));
  }
  return lines.join('\n') + '\n';
}

interface Stats {
  mean: number;
  sd: number;
  min: number;
  max: number;
  /** sd / mean. */
  cv: number;
}

function stats(xs: readonly number[]): Stats {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd, min: Math.min(...xs), max: Math.max(...xs), cv: mean > 0 ? sd / mean : 0 };
}

/** The value below which a fraction q of xs lies (nearest rank). */
function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** Pearson correlation (0 when either side is constant). */
function correlation(xs: readonly number[], ys: readonly number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i]! - my);
    sxx += (x - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  });
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

export interface VariantSummary {
  name: string;
  architecture: string;
  pattern: string;
  csv: string;
  samples: number;
  accuracy: { golden: number; rtl: number | null; recordedInt8Test: number; recordedFloatTest: number };
  /** A request's isolated latency (all layers), in cycles. */
  request: Stats & { p05: number; p95: number; meanMicroseconds: number; spread: number; inputDependentShare: number; firstLayerDensityCorrelation: number };
  layers: {
    index: number;
    kind: 'conv' | 'classifier';
    reduction: number;
    rows: number;
    outChannels: number;
    passes: number;
    chunks: number;
    latencyCycles: Stats;
    sparsity: Stats;
  }[];
}

/** Per-variant statistics (the manifest's `variants`). */
export function summarise(run: VariantRun, config: HwConfig, files: { csv: string }): VariantSummary {
  const { net, model, digits } = run;
  const lanes = config.peArray.lanes;
  const total = digits.map((d) => d.layers.reduce((a, l) => a + l.cycles, 0));
  const beats = digits.map((d) => d.layers.reduce((a, l) => a + l.beats, 0));
  const rest = digits.map((d) => d.layers.slice(1).reduce((a, l) => a + l.cycles, 0));
  const firstDensity = digits.map((d) => d.layers[0]!.nonzero / d.layers[0]!.outputs);
  const mean = stats(total).mean;
  const correct = (p: (d: DigitSample) => number | undefined) => digits.filter((d) => p(d) === d.label).length / digits.length;
  return {
    name: net.variant,
    architecture: net.architecture,
    pattern: net.pattern,
    csv: files.csv,
    samples: digits.length,
    accuracy: {
      golden: correct((d) => d.predicted),
      rtl: digits.every((d) => d.rtlPredicted !== undefined) ? correct((d) => d.rtlPredicted) : null,
      recordedInt8Test: net.accuracy.int8Test,
      recordedFloatTest: net.accuracy.floatTest,
    },
    request: {
      ...stats(total),
      p05: quantile(total, 0.05),
      p95: quantile(total, 0.95),
      meanMicroseconds: mean / config.scheduler.clockMHz,
      spread: (quantile(total, 0.95) - quantile(total, 0.05)) / mean,
      inputDependentShare: stats(beats).mean / mean,
      firstLayerDensityCorrelation: correlation(firstDensity, rest),
    },
    layers: model.layers.map((l, i) => {
      const reduction = l.shape.inChannels * l.shape.kernel * l.shape.kernel;
      return {
        index: i,
        kind: i === model.layers.length - 1 ? 'classifier' : 'conv',
        reduction,
        rows: digits[0]!.layers[i]!.outputs / l.outChannels,
        outChannels: l.outChannels,
        passes: Math.ceil(l.outChannels / lanes),
        chunks: Math.ceil(reduction / config.peArray.weightDepth),
        latencyCycles: stats(digits.map((d) => d.layers[i]!.cycles)),
        sparsity: stats(digits.map((d) => 1 - d.layers[i]!.nonzero / d.layers[i]!.outputs)),
      };
    }),
  };
}

export interface ProfileManifest {
  format: typeof PROFILE_FORMAT;
  version: number;
  workload: 'mnist';
  command: string;
  config: { peArray: HwConfig['peArray']; clockMHz: number };
  samples: { count: number; split: 'test'; order: string };
  rtl: boolean;
  definitions: Record<'sim_lat' | 'overall-sparsity' | 'batch-indx' | 'layer-indx', string>;
  variants: VariantSummary[];
}

export function profileManifest(runs: readonly VariantRun[], config: HwConfig, o: { command: string; samples: number; rtl: boolean }): ProfileManifest {
  return {
    format: PROFILE_FORMAT,
    version: PROFILE_VERSION,
    workload: 'mnist',
    command: o.command,
    config: { peArray: config.peArray, clockMHz: config.scheduler.clockMHz },
    samples: { count: o.samples, split: 'test', order: 'the first N test digits, numbered round-robin over the classes (models/README.md)' },
    rtl: o.rtl,
    definitions: {
      sim_lat: 'seconds at clockMHz: per pass, weight rows loaded + 1 start cycle + stream ops (beats and mid-stream weight reloads) + 8 pipeline cycles, up to the cycle done shows; passes back to back with that done cycle between them',
      'overall-sparsity': "fraction of zeros among the layer's outputs (what the sparsity monitor counts; the next layer's input sparsity)",
      'batch-indx': 'test digit number',
      'layer-indx': 'layer (0 = first conv, last = classifier)',
    },
    variants: runs.map((r) => summarise(r, config, { csv: `${r.net.variant}.csv` })),
  };
}

/** The printed table: one line per variant. */
export function profileTable(m: ProfileManifest): string {
  const head = ['variant', 'layers', 'top-1', 'mean µs', 'CV', 'p5..p95 / mean', 'input-dependent', 'mean sparsity'];
  const rows = m.variants.map((v) => [
    v.name,
    String(v.layers.length),
    `${(100 * v.accuracy.golden).toFixed(1)}%${v.accuracy.rtl === null ? '' : ` (RTL ${(100 * v.accuracy.rtl).toFixed(1)}%)`}`,
    v.request.meanMicroseconds.toFixed(2),
    `${(100 * v.request.cv).toFixed(1)}%`,
    `${(100 * v.request.spread).toFixed(1)}%`,
    `${(100 * v.request.inputDependentShare).toFixed(1)}%`,
    (v.layers.reduce((a, l) => a + l.sparsity.mean, 0) / v.layers.length).toFixed(3),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const fmt = (r: string[]) => r.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  ');
  return [fmt(head), ...rows.map(fmt)].join('\n');
}
