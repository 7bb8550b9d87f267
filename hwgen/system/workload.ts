// A workload of real sparse DNN requests for the integrated system, and the host's static level.
//
// Models: int8 CNNs lowered with im2col onto the PE array (rows = output pixels, K = in_channels x
// kernel^2): the real MNIST networks of models/ (built there into a CnnModel), or the built-in tiny
// CNNs with random weights (3-5 3x3 convs, `lanes` output channels each). A layer runs as one pass
// per `lanes` output channels, and a reduction longer than weightDepth is split within the pass
// (hwgen/pe-array/passes.ts). Each request carries its own input image, so the compressed stream
// (hence the cycles) and the output non-zeros the monitor counts differ per request and layer, and
// the scheduler's gamma moves.
//
// Static level (what the host programs, as cosim/scheduler does): per variant, the expected
// non-zero outputs of each layer = the mean over a few profiling inputs of the golden PE-array
// model's count, encoded as a reciprocal; and the suffix sums of the mean layer latency in cycles
// from the golden cycle model. A pass's latency in the system loop is K (weight load, one row per
// cycle) + B + 9 (start cycle, B stream ops, eight pipeline cycles), B = sum over rows of max(nnz, 1)
// plus any mid-stream weight reloads; a layer's passes run back to back with one cycle between them.
import type { HwConfig, PeArrayConfig } from '../config/index.ts';
import { runLayerGolden } from '../pe-array/golden.ts';
import { SeededInts, im2col, lowerConvWeights, type ConvShape } from '../pe-array/layers.ts';
import { joinPassOutputs, layerPasses, runPassGolden, type Pass, type PassResult } from '../pe-array/passes.ts';
import { encodeInvIso, encodePenaltyScale, encodeReciprocal, layersRun, schedulerFormats, type CoefficientBank, type SchedulerFormats, type VariantTables } from '../scheduler/golden.ts';
import { encodeCoefficient } from '../scheduler/formats.ts';

/** Cycles of one pass in the system loop, from its first weight write to npu_done: K + ops + 9. */
export function passLoopCycles(pass: Pick<Pass, 'initial' | 'ops'>): number {
  return pass.initial.length + pass.ops.length + 9;
}

/** Cycles of a layer in the system loop: its passes back to back, the done cycle of each between them. */
export function layerLoopCycles(passes: readonly Pick<Pass, 'initial' | 'ops'>[]): number {
  return passes.reduce((a, p) => a + passLoopCycles(p), 0) + passes.length - 1;
}

export interface ConvLayer {
  shape: ConvShape;
  /** Lowered weights W[K][outChannels]. */
  weights: number[][];
  outChannels: number;
  relu: boolean;
  shift: number;
}

export interface CnnModel {
  name: string;
  /** Input image: channels x height x width. */
  input: { channels: number; height: number; width: number };
  layers: ConvLayer[];
}

export interface ModelSpec {
  name: string;
  input: { channels: number; height: number; width: number };
  /** Stride of each 3x3 conv layer (padding 1). */
  strides: number[];
  /** Fraction of weights pruned to zero (unstructured), 0 = dense. */
  weightSparsity: number;
  seed: number;
}

/** The built-in tiny CNNs (each becomes one scheduler variant). */
export const MODEL_SPECS: readonly ModelSpec[] = [
  { name: 'cnn3', input: { channels: 4, height: 8, width: 8 }, strides: [1, 1, 2], weightSparsity: 0, seed: 11 },
  { name: 'cnn4', input: { channels: 3, height: 8, width: 8 }, strides: [1, 2, 1, 1], weightSparsity: 0, seed: 12 },
  { name: 'cnn4-pruned', input: { channels: 3, height: 8, width: 8 }, strides: [1, 2, 1, 1], weightSparsity: 0.6, seed: 12 },
  { name: 'cnn5', input: { channels: 2, height: 6, width: 6 }, strides: [1, 1, 1, 1, 1], weightSparsity: 0, seed: 13 },
];

/** A post-ReLU int8 feature map [C][H][W] at the given density (values 1..max), from its seed. */
export function randomImage(cfg: PeArrayConfig, c: number, h: number, w: number, density: number, seed: number): number[][][] {
  const r = new SeededInts(seed);
  const max = 2 ** (cfg.actWidth - 1) - 1;
  return Array.from({ length: c }, () => Array.from({ length: h }, () => Array.from({ length: w }, () => (r.unit() < density ? r.int(1, max) : 0))));
}

/** Output rows [p][lane] of a layer as the next layer's input feature map [lane][y][x]. */
export function rowsToMap(rows: readonly (readonly number[])[], height: number, width: number): number[][][] {
  const lanes = rows[0]?.length ?? 0;
  return Array.from({ length: lanes }, (_, j) => Array.from({ length: height }, (_, y) => Array.from({ length: width }, (_, x) => rows[y * width + x]![j]!)));
}

function outSize(n: number, s: ConvShape): number {
  return Math.floor((n + 2 * s.pad - s.kernel) / s.stride) + 1;
}

/** The PE-array passes of one conv layer on a feature map. */
export function convPasses(cfg: PeArrayConfig, layer: ConvLayer, input: number[][][]): Pass[] {
  const rows = im2col(input, layer.shape);
  if (rows.length > cfg.maxRows) throw new RangeError(`a layer with ${rows.length} output rows exceeds peArray.maxRows ${cfg.maxRows}`);
  return layerPasses(cfg, { rows, weights: layer.weights, outChannels: layer.outChannels, relu: layer.relu, shift: layer.shift });
}

/**
 * Builds a model: seeded weights in [-wMax/2, wMax/2], optional pruning, and per layer the smallest
 * requantisation shift that keeps saturated outputs under 2% on a calibration input of density 0.6.
 */
export function buildModel(cfg: PeArrayConfig, spec: ModelSpec): CnnModel {
  const r = new SeededInts(spec.seed);
  const prune = new SeededInts(spec.seed + 1000);
  const wMax = 2 ** (cfg.weightWidth - 2) - 1;
  const aMax = 2 ** (cfg.actWidth - 1) - 1;
  let c = spec.input.channels;
  let h = spec.input.height;
  let w = spec.input.width;
  let calib = randomImage(cfg, c, h, w, 0.6, spec.seed + 7);
  const layers: ConvLayer[] = [];
  for (const stride of spec.strides) {
    const shape: ConvShape = { inChannels: c, height: h, width: w, kernel: 3, stride, pad: 1 };
    if (c * 9 > cfg.weightDepth) throw new RangeError(`model ${spec.name}: K = ${c * 9} exceeds weightDepth ${cfg.weightDepth}`);
    const filters = Array.from({ length: cfg.lanes }, () =>
      Array.from({ length: c }, () =>
        Array.from({ length: 3 }, () =>
          Array.from({ length: 3 }, () => {
            const v = r.int(-wMax, wMax);
            return prune.unit() < spec.weightSparsity ? 0 : v;
          }),
        ),
      ),
    );
    const weights = lowerConvWeights(filters);
    const tileAt = (shift: number) => convPasses(cfg, { shape, weights, outChannels: cfg.lanes, relu: true, shift }, calib)[0]!.tile;
    let shift = 0;
    let out = runLayerGolden(cfg, tileAt(shift));
    const total = out.outputs.length * cfg.lanes;
    while (shift < cfg.accWidth - 1 && out.outputs.flat().filter((v) => v >= aMax).length > 0.02 * total) {
      shift++;
      out = runLayerGolden(cfg, tileAt(shift));
    }
    layers.push({ shape, weights, outChannels: cfg.lanes, relu: true, shift });
    h = outSize(h, shape);
    w = outSize(w, shape);
    c = cfg.lanes;
    calib = rowsToMap(out.outputs, h, w);
  }
  return { name: spec.name, input: spec.input, layers };
}

export interface LayerRun {
  passes: Pass[];
  results: PassResult[];
  /** The layer's outputs [row][channel], joined from its passes. */
  outputs: number[][];
  /** Output non-zeros of all passes (what the scheduler's monitor counts for the layer). */
  nonzero: number;
  /** Cycles in the system loop (layerLoopCycles). */
  cycles: number;
}

/** Runs a model on one input with the golden PE-array model: per layer its passes and their results. */
export function runModelGolden(cfg: PeArrayConfig, model: CnnModel, image: number[][][]): LayerRun[] {
  let input = image;
  return model.layers.map((layer) => {
    const passes = convPasses(cfg, layer, input);
    const results = passes.map((p) => runPassGolden(cfg, p));
    const outputs = joinPassOutputs(cfg.lanes, layer.outChannels, results.map((r) => r.outputs));
    input = rowsToMap(outputs, outSize(layer.shape.height, layer.shape), outSize(layer.shape.width, layer.shape));
    return { passes, results, outputs, nonzero: results.reduce((a, r) => a + r.nonzero, 0), cycles: layerLoopCycles(passes) };
  });
}

/**
 * The passes of layer `layer` of a model for a request, given the lane outputs of every pass of its
 * earlier layers (`previous[l][pass]`, as the RTL or the golden model produced them).
 */
export function modelPasses(cfg: PeArrayConfig, model: CnnModel, image: number[][][], layer: number, previous: readonly (readonly (readonly (readonly number[])[])[])[]): Pass[] {
  if (layer === 0) return convPasses(cfg, model.layers[0]!, image);
  const prev = model.layers[layer - 1]!;
  const lanes = previous[layer - 1];
  if (!lanes) throw new Error(`model ${model.name}: layer ${layer} needs the outputs of layer ${layer - 1}`);
  const rows = joinPassOutputs(cfg.lanes, prev.outChannels, lanes);
  return convPasses(cfg, model.layers[layer]!, rowsToMap(rows, outSize(prev.shape.height, prev.shape), outSize(prev.shape.width, prev.shape)));
}

export interface VariantProfile {
  variant: number;
  model: CnnModel;
  /** Mean output non-zeros per layer over the profiling inputs (the monitor's count). */
  expectedNonzero: number[];
  /** Mean layer latency in cycles (layerLoopCycles) over the profiling inputs. */
  avgCycles: number[];
  tables: VariantTables;
  /** The same tables as the cosim driver's plain numbers. */
  script: { variant: number; nlayers: number; suffix0: bigint; layers: { mant: bigint; shift: number; suffixNext: bigint }[]; coeffs?: CoefficientBank[]; iso?: bigint; invIso?: bigint };
}

/**
 * The regression predictor's coefficients for a variant (scheduler.predictor = "regression"), fitted
 * on the profiling runs: for k >= 1 layers executed, the least-squares line of the remaining cycles on
 * gamma_k (the mean of measured/expected non-zeros over the first k layers); at k = 0, a = the mean
 * total cycles, b = 0. The profiling set is too small to split, so both banks hold the one fit.
 */
export function fitProfileRegression(f: SchedulerFormats, ratios: readonly (readonly number[])[], cycles: readonly (readonly number[])[]): CoefficientBank[] {
  const n = cycles[0]!.length;
  const remaining = (run: readonly number[], k: number) => run.slice(k).reduce((x, y) => x + y, 0);
  const a: bigint[] = [];
  const b: bigint[] = [];
  for (let k = 0; k < n; k++) {
    const y = cycles.map((run) => remaining(run, k));
    const my = y.reduce((x, v) => x + v, 0) / y.length;
    if (k === 0) {
      a.push(encodeCoefficient(f, my));
      b.push(0n);
      continue;
    }
    const x = ratios.map((r) => r.slice(0, k).reduce((p, v) => p + v, 0) / k);
    const mx = x.reduce((p, v) => p + v, 0) / x.length;
    const sxx = x.reduce((p, v) => p + (v - mx) ** 2, 0);
    const sxy = x.reduce((p, v, i) => p + (v - mx) * (y[i]! - my), 0);
    const slope = sxx > 1e-12 ? sxy / sxx : 0;
    a.push(encodeCoefficient(f, my - slope * mx));
    b.push(encodeCoefficient(f, slope));
  }
  return Array.from({ length: f.coeffBanks }, () => ({ a: [...a], b: [...b] }));
}

/** Densities of the profiling inputs of the tiny CNNs. */
export const PROFILE_DENSITIES = [0.2, 0.4, 0.6, 0.8] as const;

/** The tiny CNNs' profiling inputs: random post-ReLU images at PROFILE_DENSITIES. */
export function randomProfileImages(cfg: PeArrayConfig, variant: number, model: CnnModel): number[][][][] {
  return PROFILE_DENSITIES.map((d, i) => randomImage(cfg, model.input.channels, model.input.height, model.input.width, d, 5000 + 97 * variant + i));
}

/**
 * Offline profiling of a variant with the golden models on `images` (default: the tiny CNNs' random
 * profiling inputs), and its scheduler tables.
 */
export function profileVariant(config: HwConfig, variant: number, model: CnnModel, images?: readonly number[][][][]): VariantProfile {
  const f = schedulerFormats(config.scheduler);
  const inputs = images ?? randomProfileImages(config.peArray, variant, model);
  if (inputs.length === 0) throw new RangeError(`model ${model.name}: no profiling inputs`);
  const runs = inputs.map((img) => runModelGolden(config.peArray, model, img));
  const n = model.layers.length;
  const countLimit = config.peArray.maxRows * config.peArray.lanes;
  runs[0]!.forEach((l, i) => {
    const outputs = l.results.reduce((a, r) => a + r.total, 0);
    if (outputs > countLimit) throw new RangeError(`model ${model.name} layer ${i}: ${outputs} outputs over its passes exceed what the scheduler's monitor counts (maxRows x lanes = ${countLimit})`);
  });
  const mean = (pick: (l: LayerRun) => number, l: number) => runs.reduce((a, r) => a + pick(r[l]!), 0) / runs.length;
  const expectedNonzero = Array.from({ length: n }, (_, l) => mean((x) => x.nonzero, l));
  const avgCycles = Array.from({ length: n }, (_, l) => mean((x) => x.cycles, l));
  const suffix = (from: number) => BigInt(Math.round(avgCycles.slice(from).reduce((a, b) => a + b, 0)));
  const layers = expectedNonzero.map((e, l) => ({ recip: encodeReciprocal(f, Math.max(e, 1)), suffixNext: suffix(l + 1) }));
  const coeffs = f.regression
    ? fitProfileRegression(
        f,
        runs.map((r) => r.map((x, l) => x.nonzero / Math.max(expectedNonzero[l]!, 1))),
        runs.map((r) => r.map((x) => x.cycles)),
      )
    : undefined;
  // MHG: iso = the mean isolated latency (the static level's estimate), and its reciprocal word.
  const mhg = f.mhg ? { iso: suffix(0), invIso: encodeInvIso(f, suffix(0)) } : undefined;
  const tables: VariantTables = { nlayers: n, suffix0: suffix(0), layers, ...(coeffs ? { coeffs } : {}), ...(mhg ?? {}) };
  return {
    variant,
    model,
    expectedNonzero,
    avgCycles,
    tables,
    script: { variant, nlayers: n, suffix0: tables.suffix0, layers: layers.map((l) => ({ mant: l.recip.mant, shift: l.recip.shift, suffixNext: l.suffixNext })), ...(coeffs ? { coeffs } : {}), ...(mhg ?? {}) },
  };
}

/** The input of one request. */
export interface RequestInput {
  image: number[][][];
  /** Input activation density (non-zero fraction of the first layer's input). */
  density: number;
  /** The true class, when the input is a labelled sample (a test digit). */
  label?: number;
  /** Which sample of its data set the input is (e.g. the test digit's number). */
  sample?: number;
}

export interface SystemRequestSpec extends RequestInput {
  arrival: bigint;
  variant: number;
  deadline: bigint;
  scale: bigint;
  nlayers: number;
}

export interface SystemWorkload {
  config: HwConfig;
  start: bigint;
  variants: VariantProfile[];
  requests: SystemRequestSpec[];
  /** The PE-array passes of `layer` of request `req`, from the lane outputs of its earlier layers' passes. */
  passes(req: number, layer: number, previous: readonly (readonly (readonly (readonly number[])[])[])[]): Pass[];
}

export interface ArrivalOptions {
  requests: number;
  seed: number;
  /** Offered load: mean service time / mean inter-arrival time (default 0.9). */
  load?: number;
  /** Deadline = arrival + sloMult x isolated estimate (suffix0); per request from this list. */
  sloMults?: readonly number[];
}

export interface WorkloadOptions extends ArrivalOptions {
  /** Input densities requests draw from. */
  densities?: readonly number[];
  /** Models used (default all of MODEL_SPECS, at most 2^log2Variants). */
  models?: readonly ModelSpec[];
}

export const DEFAULT_DENSITIES = [0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1.0] as const;

/**
 * Seeded requests with Poisson-like arrivals over profiled variants. Per request, from one generator:
 * the gap, the variant, then whatever `input` draws, then the SLO multiplier.
 */
export function assembleWorkload(config: HwConfig, variants: VariantProfile[], o: ArrivalOptions, input: (req: number, variant: VariantProfile, r: SeededInts) => RequestInput): SystemWorkload {
  const f = schedulerFormats(config.scheduler);
  if (variants.length === 0) throw new RangeError('a workload needs at least one variant');
  if (variants.length > f.variants) throw new RangeError(`${variants.length} variants exceed the scheduler's ${f.variants} (scheduler.log2Variants)`);
  for (const v of variants) {
    if (layersRun(f, v.tables.nlayers) !== v.model.layers.length) throw new RangeError(`model ${v.model.name} has more layers than scheduler.log2MaxLayers allows`);
  }
  const r = new SeededInts(o.seed);
  const meanService = variants.reduce((a, v) => a + Number(v.tables.suffix0), 0) / variants.length;
  const meanGap = meanService / (o.load ?? 0.9);
  const slo = o.sloMults ?? [1.5, 2, 3, 5];
  const start = 1000n;
  let t = start;
  const requests: SystemRequestSpec[] = [];
  for (let i = 0; i < o.requests; i++) {
    // Exponential gaps (inverse CDF on a 2^-30 grid), rounded to cycles; the first request at start.
    const u = r.unit();
    if (i > 0) t += BigInt(Math.round(-Math.log(1 - u) * meanGap));
    const v = variants[r.int(0, variants.length - 1)]!;
    const inp = input(i, v, r);
    const mult = slo[r.int(0, slo.length - 1)]!;
    const iso = v.tables.suffix0;
    requests.push({
      ...inp,
      arrival: t,
      variant: v.variant,
      deadline: t + BigInt(Math.round(Number(iso) * mult)),
      scale: encodePenaltyScale(f, iso),
      nlayers: v.model.layers.length,
    });
  }
  return {
    config,
    start,
    variants,
    requests,
    passes: (req, layer, previous) => {
      const q = requests[req]!;
      return modelPasses(config.peArray, variants[q.variant]!.model, q.image, layer, previous);
    },
  };
}

/** The tiny random CNNs on random images at the given densities. */
export function buildWorkload(config: HwConfig, o: WorkloadOptions): SystemWorkload {
  const f = schedulerFormats(config.scheduler);
  const specs = (o.models ?? MODEL_SPECS).slice(0, f.variants);
  const variants = specs.map((s, v) => profileVariant(config, v, buildModel(config.peArray, s)));
  const dens = o.densities ?? DEFAULT_DENSITIES;
  return assembleWorkload(config, variants, o, (i, v, r) => {
    const density = dens[r.int(0, dens.length - 1)]!;
    const m = v.model;
    return { density, image: randomImage(config.peArray, m.input.channels, m.input.height, m.input.width, density, o.seed * 100_003 + i) };
  });
}

/** Fraction of non-zero values in a feature map. */
export function inputDensity(image: readonly (readonly (readonly number[])[])[]): number {
  const flat = image.flat(2);
  return flat.length ? flat.filter((v) => v !== 0).length / flat.length : 0;
}

/** The workload as the system cosim driver's plain numbers (start, variant tables, requests). */
export function systemSetup(wl: SystemWorkload) {
  return {
    start: wl.start,
    variants: wl.variants.map((v) => v.script),
    requests: wl.requests.map((r) => ({ arrival: r.arrival, variant: r.variant, deadline: r.deadline, scale: r.scale, nlayers: r.nlayers })),
  };
}
