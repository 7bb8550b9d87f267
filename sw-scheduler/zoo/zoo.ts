// The built-in model zoo: the paper's CNNs on the Eyeriss-V2-like model and its attention models on
// Sanger's model, with per-sample, per-layer activation sparsity drawn from a seed; and `mnist`, the
// one measured workload: the committed `dysta profile` of the trained MNIST CNNs on real test digits
// (a CSV folder, models/profile/, read like any --csv-dir). A sample's
// sparsity = a depth-dependent mean + a per-sample offset shared by all its layers (so layers are
// correlated, as the paper observes) + per-layer noise. Deterministic: the same seed gives the same
// tables, bit for bit. Building the CNN workload takes some 100 ms (200 samples of 12 variants).
import { mersenne, type RandomGenerator } from 'pure-rand';
import { packageFile } from '../../input/package-files.ts';
import { importCsvFolder } from '../csv.ts';
import { SchedulerInputError } from '../errors.ts';
import { sangerLayerLatency } from '../sanger.ts';
import { buildWorkload, type VariantTable, type Workload } from '../workload.ts';
import { eyerissLayerModel, type SparsityPattern } from './eyeriss-model.ts';
import { mobilenetV1Layers, resnet50Layers, ssd300Resnet18Layers, vgg16Layers, type LayerShape } from './layers.ts';

export const ZOO_DEFAULT_SEED = 2023;
export const ZOO_DEFAULT_SAMPLES = 200;
/** The committed profile behind `--workload mnist` (written by `dysta profile --out models/profile`). */
export const MNIST_PROFILE_DIR = packageFile('models', 'profile');

/** Seeded standard normal draws (Box-Muller on 53-bit uniforms). */
class Gaussian {
  private spare: number | undefined;
  constructor(private readonly rng: RandomGenerator) {}
  uniform(): number {
    // unsafeUniformIntDistribution(0, 2^k - 1) of a 32-bit generator, without its call overhead: a
    // power-of-two range never rejects a draw and keeps (v + 2^31) mod 2^k, the low k bits of v.
    const hi = this.rng.unsafeNext() & 0x3ffffff;
    const lo = this.rng.unsafeNext() & 0x7ffffff;
    return (hi * 134217728 + lo) / 9007199254740992;
  }
  next(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    const u1 = 1 - this.uniform(); // (0, 1]
    const u2 = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    this.spare = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  }
}

/** A stable 31-bit hash of a name (FNV-1a), so each variant has its own stream for a given seed. */
function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 1) & 0x7fffffff;
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

export interface CnnSpec {
  readonly architecture: string;
  readonly layers: () => LayerShape[];
  /** Mean input-activation sparsity at the first hidden layer and at the last layer (linear in depth). */
  readonly sparsityStart: number;
  readonly sparsityEnd: number;
}

/** Assumed activation statistics (see README): ReLU CNNs are 30-50% sparse early, 60-80% deep. */
export const CNN_SPECS: readonly CnnSpec[] = [
  { architecture: 'resnet50', layers: resnet50Layers, sparsityStart: 0.35, sparsityEnd: 0.65 },
  { architecture: 'vgg16', layers: vgg16Layers, sparsityStart: 0.45, sparsityEnd: 0.8 },
  { architecture: 'mobilenet', layers: mobilenetV1Layers, sparsityStart: 0.3, sparsityEnd: 0.6 },
  { architecture: 'ssd300_resnet18', layers: ssd300Resnet18Layers, sparsityStart: 0.35, sparsityEnd: 0.6 },
];

/** Weight-sparsity patterns and levels, named as in the artifact (variant = arch_pattern_sparseNN). */
export const CNN_PATTERNS: readonly { pattern: SparsityPattern; sparsity: number }[] = [
  { pattern: 'unstructured', sparsity: 0.6 },
  { pattern: 'block4', sparsity: 0.6 },
  { pattern: 'filter', sparsity: 0.2 },
];

/** Assumed spread: per-sample offset (shared by all layers) and per-layer noise, in sparsity units. */
export const CNN_SAMPLE_SIGMA = 0.08;
export const CNN_LAYER_SIGMA = 0.04;

function cnnVariant(spec: CnnSpec, pattern: SparsityPattern, weightSparsity: number, samples: number, seed: number): VariantTable {
  const name = `${spec.architecture}_${pattern}_sparse${Math.round(weightSparsity * 100)}`;
  const shapes = spec.layers();
  const layers = shapes.length;
  const layerLatency = shapes.map((shape) => eyerissLayerModel(shape, pattern, 1 - weightSparsity));
  const gauss = new Gaussian(mersenne((seed ^ nameHash(name)) >>> 0));
  const latency = new Float64Array(samples * layers);
  const sparsity = new Float64Array(samples * layers);
  for (let s = 0; s < samples; s++) {
    const sampleOffset = CNN_SAMPLE_SIGMA * gauss.next();
    for (let l = 0; l < layers; l++) {
      // Layer 0 reads the image, which has no zeros.
      const depth = layers === 1 ? 0 : (l - 1) / (layers - 2);
      const mean = spec.sparsityStart + (spec.sparsityEnd - spec.sparsityStart) * depth;
      const noise = CNN_LAYER_SIGMA * gauss.next();
      const sp = l === 0 ? 0 : clamp(mean + sampleOffset + noise, 0.02, 0.95);
      sparsity[s * layers + l] = sp;
      latency[s * layers + l] = layerLatency[l]!(1 - sp);
    }
  }
  return { name, sampleIds: Array.from({ length: samples }, (_, i) => i), layers, latency, sparsity };
}

export interface AttentionSpec {
  readonly name: string;
  readonly seqLen: number;
  readonly layers: number;
  /** Mean attention-mask density after Sanger's pruning. */
  readonly density: number;
}

/** Assumed densities (see README); sequence lengths as the issue specifies. */
export const ATTENTION_SPECS: readonly AttentionSpec[] = [
  { name: 'bert', seqLen: 384, layers: 12, density: 0.18 },
  { name: 'bart', seqLen: 128, layers: 12, density: 0.25 },
  { name: 'gpt2', seqLen: 128, layers: 12, density: 0.22 },
];
/** Assumed log-normal spread of density: per sample (all layers) and per layer. */
export const ATTENTION_SAMPLE_SIGMA = 0.25;
export const ATTENTION_LAYER_SIGMA = 0.12;
/** Assumed load balance (Sanger's 50%-skip column): mean and spread. */
export const ATTENTION_BALANCE_MEAN = 0.85;
export const ATTENTION_BALANCE_SIGMA = 0.05;

function attentionVariant(spec: AttentionSpec, samples: number, seed: number): VariantTable {
  const gauss = new Gaussian(mersenne((seed ^ nameHash(spec.name)) >>> 0));
  const { layers } = spec;
  const latency = new Float64Array(samples * layers);
  const sparsity = new Float64Array(samples * layers);
  for (let s = 0; s < samples; s++) {
    const sampleFactor = Math.exp(ATTENTION_SAMPLE_SIGMA * gauss.next());
    for (let l = 0; l < layers; l++) {
      const density = clamp(spec.density * sampleFactor * Math.exp(ATTENTION_LAYER_SIGMA * gauss.next()), 0.03, 0.9);
      const balance = clamp(ATTENTION_BALANCE_MEAN + ATTENTION_BALANCE_SIGMA * gauss.next(), 0.5, 1);
      sparsity[s * layers + l] = 1 - density;
      latency[s * layers + l] = sangerLayerLatency(density, balance, spec.seqLen);
    }
  }
  return { name: spec.name, sampleIds: Array.from({ length: samples }, (_, i) => i), layers, latency, sparsity };
}

export interface ZooOptions {
  readonly seed?: number;
  readonly samples?: number;
}

export interface ZooEntry {
  readonly name: string;
  readonly description: string;
  build(options?: ZooOptions): Workload;
}

function checkZooOptions(options: ZooOptions): { seed: number; samples: number } {
  const seed = options.seed ?? ZOO_DEFAULT_SEED;
  const samples = options.samples ?? ZOO_DEFAULT_SAMPLES;
  if (!(Number.isInteger(seed) && seed >= 0)) throw new SchedulerInputError(`the zoo seed must be a whole number >= 0, got ${seed}.`);
  if (!(Number.isInteger(samples) && samples >= 1)) throw new SchedulerInputError(`the zoo sample count must be a whole number >= 1, got ${samples}.`);
  return { seed, samples };
}

export const ZOO: readonly ZooEntry[] = [
  {
    name: 'cnn',
    description: 'ResNet-50, VGG-16, MobileNet-V1, SSD300-ResNet18 x {unstructured 60%, block-4 60%, filter 20%} on an Eyeriss-V2-like model',
    build(options = {}) {
      const { seed, samples } = checkZooOptions(options);
      const tables: VariantTable[] = [];
      for (const spec of CNN_SPECS) for (const p of CNN_PATTERNS) tables.push(cnnVariant(spec, p.pattern, p.sparsity, samples, seed));
      return buildWorkload('cnn', 'eyeriss', tables, 'zoo workload cnn');
    },
  },
  {
    name: 'attention',
    description: 'BERT-base (384 tokens), BART and GPT-2 (128 tokens) on the Sanger model',
    build(options = {}) {
      const { seed, samples } = checkZooOptions(options);
      return buildWorkload('attention', 'sanger', ATTENTION_SPECS.map((s) => attentionVariant(s, samples, seed)), 'zoo workload attention');
    },
  },
  {
    name: 'mnist',
    description: 'measured: 3 trained int8 MNIST CNNs x {dense, unstructured 70%, filter 50%} on the 16-lane PE array, 200 real test digits each (models/profile)',
    build(options = {}) {
      if (options.seed !== undefined || options.samples !== undefined) {
        throw new SchedulerInputError('--zoo-seed and --zoo-samples do not apply to --workload mnist (it is measured, not drawn); for another sample count run `dysta profile --samples N --out DIR` and use --csv-dir DIR.');
      }
      return importCsvFolder(MNIST_PROFILE_DIR, { name: 'mnist' });
    },
  },
];

const cache = new Map<string, Workload>();

/** Build (once per process and options) a zoo workload by name. */
export function zooWorkload(name: string, options: ZooOptions = {}): Workload {
  const entry = ZOO.find((z) => z.name === name);
  if (!entry) throw new SchedulerInputError(`unknown workload '${name}'; the built-in ones are ${ZOO.map((z) => z.name).join(', ')} (see \`dysta workloads\`), or use --csv-dir.`);
  const key = `${name}/${options.seed ?? ZOO_DEFAULT_SEED}/${options.samples ?? ZOO_DEFAULT_SAMPLES}`;
  let workload = cache.get(key);
  if (!workload) {
    workload = entry.build(options);
    cache.set(key, workload);
  }
  return workload;
}
