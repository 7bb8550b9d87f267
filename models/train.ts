// `npm run train-models`: trains, prunes, fine-tunes and quantises the nine MNIST variants, and
// writes the committed int8 weights (models/weights/*.json, format in models/README.md).
//
// Deterministic from TRAINING.seed: weights start from a seeded He-uniform draw, every epoch shuffles
// the training digits with a seeded generator, and tfjs's pure-JavaScript CPU backend computes in a
// fixed order. Run once by whoever changes the networks (about an hour on one core); users and CI
// only read the committed result. Float checkpoints go to .cache/models/float (keyed by everything
// that determines them), so re-running after a change to quantisation alone does not retrain;
// `--retrain` ignores them.
//
// Only this script imports tfjs; nothing the CLI loads does.
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeededInts as Rng } from '../hwgen/pe-array/layers.ts';
import { ARCHITECTURES, PATTERNS, TRAINING, type ArchitectureSpec, type PatternSpec } from './architectures.ts';
import { CLASSES, IMAGE_SIZE, INPUT_DIVISOR, PIXELS, loadDigits, type Digit } from './data.ts';
import type { FloatLayer } from './quantise.ts';

const FLOAT_DIR = join(import.meta.dirname, '..', '.cache', 'models', 'float');

interface FloatCheckpoint {
  key: string;
  variant: string;
  layers: FloatLayer[];
  floatAccuracy: { test: number; calibration: number };
}

const log = (msg: string) => process.stderr.write(`${msg}\n`);

/** The digits as a float batch [N, 14, 14, 1] (int8 pixel / 128) and their labels. */
export function tensors(digits: readonly Digit[]): { xs: Float32Array; labels: Int32Array } {
  const xs = new Float32Array(digits.length * PIXELS);
  const labels = new Int32Array(digits.length);
  digits.forEach((d, i) => {
    for (let j = 0; j < PIXELS; j++) xs[i * PIXELS + j] = d.pixels[j]! / INPUT_DIVISOR;
    labels[i] = d.label;
  });
  return { xs, labels };
}

/** He-uniform initial weights, HWIO, from the seed. */
export function initialWeights(arch: ArchitectureSpec, rng: Rng): FloatLayer[] {
  let inC = 1;
  return arch.layers.map((l) => {
    const n = l.kernel * l.kernel * inC * l.outChannels;
    const limit = Math.sqrt(6 / (l.kernel * l.kernel * inC));
    const data = Array.from({ length: n }, () => (2 * rng.unit() - 1) * limit);
    const layer: FloatLayer = { ...l, inChannels: inC, weights: data };
    inC = l.outChannels;
    return layer;
  });
}

function forward(layers: readonly FloatLayer[], vars: readonly tf.Tensor4D[], x: tf.Tensor4D): tf.Tensor2D {
  let h = x;
  layers.forEach((l, i) => {
    h = tf.conv2d(h, vars[i]!, l.stride, l.pad);
    if (l.relu) h = tf.relu(h);
  });
  return h.reshape([-1, CLASSES]);
}

export function accuracy(layers: readonly FloatLayer[], vars: readonly tf.Tensor4D[], data: { xs: Float32Array; labels: Int32Array }): number {
  let correct = 0;
  const n = data.labels.length;
  for (let b = 0; b < n; b += 256) {
    const m = Math.min(256, n - b);
    const pred = tf.tidy(() => forward(layers, vars, tf.tensor4d(data.xs.subarray(b * PIXELS, (b + m) * PIXELS), [m, IMAGE_SIZE, IMAGE_SIZE, 1])).argMax(1).dataSync());
    for (let i = 0; i < m; i++) if (pred[i] === data.labels[b + i]) correct++;
  }
  return correct / n;
}

/** Adam on the training digits; `masks` (1 = kept) are re-applied after every step. */
export function train(
  layers: FloatLayer[],
  train: { xs: Float32Array; labels: Int32Array },
  o: { epochs: number; lr: number; decay: number; rng: Rng; masks?: (Float32Array | undefined)[]; label: string },
): FloatLayer[] {
  const vars = layers.map((l) => tf.variable(tf.tensor4d(l.weights, [l.kernel, l.kernel, l.inChannels, l.outChannels])));
  const maskTensors = o.masks?.map((m, i) => (m ? tf.tensor4d(m, vars[i]!.shape as [number, number, number, number]) : undefined));
  const n = train.labels.length;
  const order = Array.from({ length: n }, (_, i) => i);
  const B = TRAINING.batch;
  const xb = new Float32Array(B * PIXELS);
  const yb = new Int32Array(B);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const optimizer = tf.train.adam(o.lr * o.decay ** epoch);
    for (let i = n - 1; i > 0; i--) {
      const j = o.rng.int(0, i);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const t0 = performance.now();
    let lossSum = 0;
    let steps = 0;
    for (let b = 0; b + B <= n; b += B) {
      for (let i = 0; i < B; i++) {
        const s = order[b + i]!;
        xb.set(train.xs.subarray(s * PIXELS, (s + 1) * PIXELS), i * PIXELS);
        yb[i] = train.labels[s]!;
      }
      const loss = tf.tidy(() => {
        const x = tf.tensor4d(xb, [B, IMAGE_SIZE, IMAGE_SIZE, 1]);
        const y = tf.oneHot(tf.tensor1d(yb, 'int32'), CLASSES);
        const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, forward(layers, vars, x)) as tf.Scalar);
        optimizer.applyGradients(grads as tf.NamedTensorMap as never);
        maskTensors?.forEach((m, i) => m && vars[i]!.assign(vars[i]!.mul(m)));
        return value.dataSync()[0]!;
      });
      lossSum += loss;
      steps++;
    }
    optimizer.dispose();
    log(`  ${o.label}: epoch ${epoch + 1}/${o.epochs}, mean loss ${(lossSum / steps).toFixed(4)}, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const out = layers.map((l, i) => ({ ...l, weights: Array.from(vars[i]!.dataSync()) }));
  vars.forEach((v) => v.dispose());
  maskTensors?.forEach((m) => m?.dispose());
  return out;
}

/** Per layer: 1 for the weights kept, 0 for the `rate` fraction with the smallest magnitude (ties: lower index pruned first). */
export function magnitudeMasks(layers: readonly FloatLayer[], p: PatternSpec): Float32Array[] {
  return layers.map((l, li) => {
    const rate = li === 0 ? p.firstLayerRate : p.rate;
    const n = l.weights.length;
    const byMagnitude = Array.from({ length: n }, (_, i) => i).sort((a, b) => Math.abs(l.weights[a]!) - Math.abs(l.weights[b]!) || a - b);
    const mask = new Float32Array(n).fill(1);
    for (let i = 0; i < Math.round(rate * n); i++) mask[byMagnitude[i]!] = 0;
    return mask;
  });
}

/** Removes the `rate` fraction of each conv layer's filters with the smallest L1 norm (not the classifier's) and the matching input channels. */
export function pruneFilters(layers: readonly FloatLayer[], p: PatternSpec): FloatLayer[] {
  const out: FloatLayer[] = layers.map((l) => ({ ...l, weights: [...l.weights] }));
  for (let li = 0; li < out.length - 1; li++) {
    const l = out[li]!;
    const O = l.outChannels;
    const norms = Array.from({ length: O }, () => 0);
    l.weights.forEach((w, i) => (norms[i % O]! += Math.abs(w)));
    const keepCount = O - Math.round((li === 0 ? p.firstLayerRate : p.rate) * O);
    const keep = Array.from({ length: O }, (_, i) => i)
      .sort((a, b) => norms[b]! - norms[a]! || a - b)
      .slice(0, keepCount)
      .sort((a, b) => a - b);
    // HWIO: output channel is the fastest index; input channel the next.
    const cells = l.weights.length / O;
    out[li] = { ...l, outChannels: keepCount, weights: Array.from({ length: cells * keepCount }, (_, i) => l.weights[Math.floor(i / keepCount) * O + keep[i % keepCount]!]!) };
    const next = out[li + 1]!;
    const I = next.inChannels;
    const NO = next.outChannels;
    const spatial = next.weights.length / (I * NO);
    const w: number[] = [];
    for (let s = 0; s < spatial; s++) for (const c of keep) for (let o = 0; o < NO; o++) w.push(next.weights[(s * I + c) * NO + o]!);
    out[li + 1] = { ...next, inChannels: keepCount, weights: w };
  }
  return out;
}

/** Bump when the float training code changes (the checkpoint key covers settings, shapes, data and tfjs). */
const FLOAT_STAGE_VERSION = 1;

/** What determines a variant's float weights: the dense training, and for a pruned variant its fine-tuning. */
function checkpointKey(arch: ArchitectureSpec, pattern: PatternSpec): string {
  const data = readFileSync(new URL('./data.ts', import.meta.url), 'utf8');
  const t = TRAINING;
  const dense = { seed: t.seed, batch: t.batch, lr: t.lr, decay: t.decay, epochs: t.denseEpochs[arch.name] };
  const fine = pattern.kind === 'dense' ? undefined : { epochs: t.fineTuneEpochs, lr: t.fineTuneLr };
  const what = JSON.stringify({ FLOAT_STAGE_VERSION, dense, fine, arch, pattern, tfjs: tf.version.tfjs, data });
  return createHash('sha256').update(what).digest('hex').slice(0, 16);
}

function loadCheckpoint(variant: string, key: string): FloatCheckpoint | undefined {
  const path = join(FLOAT_DIR, `${variant}.json`);
  if (!existsSync(path)) return undefined;
  const c = JSON.parse(readFileSync(path, 'utf8')) as FloatCheckpoint;
  return c.key === key ? c : undefined;
}

function saveCheckpoint(c: FloatCheckpoint): void {
  mkdirSync(FLOAT_DIR, { recursive: true });
  const path = join(FLOAT_DIR, `${c.variant}.json`);
  writeFileSync(`${path}.tmp`, JSON.stringify(c));
  renameSync(`${path}.tmp`, path);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const retrain = argv.includes('--retrain');
  const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
  await tf.setBackend('cpu');
  const digits = loadDigits();
  const trainSet = tensors(digits.training);
  const testSet = tensors(digits.test);
  const calibSet = tensors(digits.calibration);
  log(`digits: ${digits.training.length} training, ${digits.calibration.length} calibration, ${digits.test.length} test`);
  const t0 = performance.now();
  const floats: { arch: ArchitectureSpec; pattern: PatternSpec; ckpt: FloatCheckpoint }[] = [];
  // Stage 1: float training (dense, then each pruning pattern fine-tuned from the dense weights).
  ARCHITECTURES.forEach((arch, ai) => {
    if (only && !only.includes(arch.name)) return;
    let dense: FloatLayer[] | undefined;
    PATTERNS.forEach((pattern, pi) => {
      const variant = `${arch.name}_${pattern.tag}`;
      const key = checkpointKey(arch, pattern);
      let ckpt = retrain ? undefined : loadCheckpoint(variant, key);
      if (ckpt) log(`${variant}: reusing the float checkpoint ${join(FLOAT_DIR, variant)}.json`);
      else {
        log(`${variant}: training`);
        const rng = new Rng(TRAINING.seed + 100 * ai + pi);
        let layers: FloatLayer[];
        if (pattern.kind === 'dense') {
          layers = train(initialWeights(arch, rng), trainSet, { epochs: TRAINING.denseEpochs[arch.name]!, lr: TRAINING.lr, decay: TRAINING.decay, rng, label: variant });
        } else {
          const base = dense!;
          const fine = { epochs: TRAINING.fineTuneEpochs, lr: TRAINING.fineTuneLr, decay: 1, rng, label: variant };
          if (pattern.kind === 'unstructured') {
            const masks = magnitudeMasks(base, pattern);
            const pruned = base.map((l, i) => ({ ...l, weights: l.weights.map((w, j) => w * masks[i]![j]!) }));
            layers = train(pruned, trainSet, { ...fine, masks });
          } else {
            layers = train(pruneFilters(base, pattern), trainSet, fine);
          }
        }
        const vars = layers.map((l) => tf.tensor4d(l.weights, [l.kernel, l.kernel, l.inChannels, l.outChannels]));
        const floatAccuracy = { test: accuracy(layers, vars, testSet), calibration: accuracy(layers, vars, calibSet) };
        vars.forEach((v) => v.dispose());
        ckpt = { key, variant, layers, floatAccuracy };
        saveCheckpoint(ckpt);
        log(`${variant}: float top-1 ${(100 * floatAccuracy.test).toFixed(2)}% test, ${(100 * floatAccuracy.calibration).toFixed(2)}% calibration (${((performance.now() - t0) / 60_000).toFixed(1)} min so far)`);
      }
      if (pattern.kind === 'dense') dense = ckpt.layers;
      floats.push({ arch, pattern, ckpt });
    });
  });
  if (argv.includes('--float-only')) return;
  // Stage 2: int8 quantisation calibrated on the calibration digits, evaluated on the test digits.
  const { quantiseVariant } = await import('./quantise.ts');
  const { WEIGHTS_DIR, writeNetworkFile } = await import('./weights.ts');
  for (const { arch, pattern, ckpt } of floats) {
    const net = quantiseVariant({ variant: ckpt.variant, architecture: arch, pattern, layers: ckpt.layers, floatAccuracy: ckpt.floatAccuracy }, digits);
    const path = await writeNetworkFile(net);
    log(`${ckpt.variant}: int8 top-1 ${(100 * net.accuracy.int8Test).toFixed(2)}% test (float ${(100 * net.accuracy.floatTest).toFixed(2)}%), shifts ${net.layers.map((l) => l.shift).join(',')} -> ${path}`);
  }
  log(`done in ${((performance.now() - t0) / 60_000).toFixed(1)} min; weights in ${WEIGHTS_DIR}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
