// The committed int8 networks: one JSON file per variant in models/weights/ (format: models/README.md).
// Loading validates the schema, the shapes against the architecture, every weight's range and a
// SHA-256 over the whole content, so a damaged file is one clear error, never a wrong result.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as Zod from 'zod';
import { packageFile } from '../input/package-files.ts';
import { writeOutputFile } from '../output/index.ts';
import { ARCHITECTURES, VARIANTS } from './architectures.ts';
import { IMAGE_SIZE } from './data.ts';
import { ModelError } from './errors.ts';
import { mapSizes, type Int8Network } from './int8.ts';

export const WEIGHTS_DIR = packageFile('models', 'weights');
export const WEIGHTS_FORMAT = 'dysta-int8-cnn';
export const WEIGHTS_VERSION = 1;

/** The file format as a zod schema (built when weights are first read: zod costs ~0.1 s to load, and
 * most commands that import this module, such as `dysta cosim --suite trace`, read no weights). */
function buildFileSchema(z: typeof Zod.z) {
  const layerSchema = z.object({
    kernel: z.number().int().min(1).max(32),
    stride: z.number().int().min(1).max(8),
    pad: z.number().int().min(0).max(16),
    inChannels: z.number().int().min(1).max(4096),
    outChannels: z.number().int().min(1).max(4096),
    relu: z.boolean(),
    shift: z.number().int().min(0).max(31),
    weights: z.string(),
  });

  const unit = z.number().min(0).max(1);
  return z.object({
    format: z.literal(WEIGHTS_FORMAT),
    version: z.literal(WEIGHTS_VERSION),
    variant: z.string(),
    architecture: z.string(),
    pattern: z.string(),
    input: z.object({ channels: z.literal(1), height: z.literal(IMAGE_SIZE), width: z.literal(IMAGE_SIZE) }),
    layers: z.array(layerSchema).min(1),
    accuracy: z.object({
      floatTest: unit,
      int8Test: unit,
      floatCalibration: unit,
      int8Calibration: unit,
      testDigits: z.number().int().positive(),
      calibrationDigits: z.number().int().positive(),
    }),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  });
}
let fileSchema: ReturnType<typeof buildFileSchema> | undefined;

type WeightsFile = Zod.infer<ReturnType<typeof buildFileSchema>>;

/** SHA-256 over everything but the hash itself, in a fixed field order. */
function contentHash(f: Omit<WeightsFile, 'sha256'>): string {
  const h = createHash('sha256');
  const a = f.accuracy;
  h.update(JSON.stringify([f.format, f.version, f.variant, f.architecture, f.pattern, f.input.channels, f.input.height, f.input.width]));
  h.update(JSON.stringify([a.floatTest, a.int8Test, a.floatCalibration, a.int8Calibration, a.testDigits, a.calibrationDigits]));
  for (const l of f.layers) h.update(JSON.stringify([l.kernel, l.stride, l.pad, l.inChannels, l.outChannels, l.relu, l.shift, l.weights]));
  return h.digest('hex');
}

export function networkToJson(net: Int8Network): string {
  const body: Omit<WeightsFile, 'sha256'> = {
    format: WEIGHTS_FORMAT,
    version: WEIGHTS_VERSION,
    variant: net.variant,
    architecture: net.architecture,
    pattern: net.pattern,
    input: { channels: 1, height: IMAGE_SIZE, width: IMAGE_SIZE },
    layers: net.layers.map((l) => ({
      kernel: l.kernel,
      stride: l.stride,
      pad: l.pad,
      inChannels: l.inChannels,
      outChannels: l.outChannels,
      relu: l.relu,
      shift: l.shift,
      weights: Buffer.from(l.weights.buffer, l.weights.byteOffset, l.weights.byteLength).toString('base64'),
    })),
    accuracy: {
      floatTest: net.accuracy.floatTest,
      int8Test: net.accuracy.int8Test,
      floatCalibration: net.accuracy.floatCalibration,
      int8Calibration: net.accuracy.int8Calibration,
      testDigits: net.accuracy.testDigits,
      calibrationDigits: net.accuracy.calibrationDigits,
    },
  };
  return JSON.stringify({ ...body, sha256: contentHash(body) }, null, 1) + '\n';
}

/** Parses and checks one weights file's text; `file` names it in errors. */
export function parseNetwork(text: string, file: string): Int8Network {
  const bad = (what: string) => new ModelError(`${file}: ${what}; restore it with \`git checkout -- ${file}\` or rebuild the weights with \`npm run train-models\``);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw bad(`not valid JSON (${(err as Error).message})`);
  }
  fileSchema ??= buildFileSchema((createRequire(import.meta.url)('zod') as typeof Zod).z);
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw bad(`not a ${WEIGHTS_FORMAT} v${WEIGHTS_VERSION} file (${issue.path.join('.') || 'top level'}: ${issue.message})`);
  }
  const f = parsed.data;
  const { sha256, ...body } = f;
  if (contentHash(body) !== sha256) throw bad('corrupted (its SHA-256 does not match the content)');
  const arch = ARCHITECTURES.find((a) => a.name === f.architecture);
  if (!arch || arch.layers.length !== f.layers.length) throw bad(`architecture '${f.architecture}' with ${f.layers.length} layers is not one of the built-in architectures`);
  let inC = 1;
  const layers = f.layers.map((l, i) => {
    const spec = arch.layers[i]!;
    if (l.kernel !== spec.kernel || l.stride !== spec.stride || l.pad !== spec.pad || l.relu !== spec.relu || l.inChannels !== inC) {
      throw bad(`layer ${i} does not have the shape of ${arch.name}'s layer ${i}`);
    }
    const bytes = Buffer.from(l.weights, 'base64');
    const expected = l.outChannels * l.inChannels * l.kernel * l.kernel;
    if (bytes.length !== expected) throw bad(`layer ${i} holds ${bytes.length} weights, expected ${expected}`);
    inC = l.outChannels;
    return { ...l, weights: new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length).slice() };
  });
  if (inC !== 10) throw bad('the last layer must have 10 outputs (one per digit)');
  const net: Int8Network = { variant: f.variant, architecture: f.architecture, pattern: f.pattern, input: f.input, layers, accuracy: f.accuracy };
  if (mapSizes(net).at(-1) !== 1) throw bad('the last layer must reduce the map to 1x1');
  return net;
}

export function networkPath(variant: string, dir = WEIGHTS_DIR): string {
  return join(dir, `${variant}.json`);
}

/** Writes one network through output/ (atomically: temporary sibling, then rename). */
export async function writeNetworkFile(net: Int8Network, dir = WEIGHTS_DIR): Promise<string> {
  const path = networkPath(net.variant, dir);
  await writeOutputFile(path, networkToJson(net), 'weights file');
  return path;
}

const cache = new Map<string, Int8Network>();

/** One committed network by variant name. */
export function loadNetwork(variant: string, dir = WEIGHTS_DIR): Int8Network {
  const path = networkPath(variant, dir);
  if (dir !== WEIGHTS_DIR && !existsSync(dir)) throw new ModelError(`weights folder ${dir} does not exist`);
  const hit = cache.get(path);
  if (hit) return hit;
  if (!VARIANTS.some((v) => v.name === variant)) throw new ModelError(`unknown model '${variant}'; the models are ${VARIANTS.map((v) => v.name).join(', ')} (or 'all')`);
  if (!existsSync(path)) throw new ModelError(`${path} is missing; restore it with \`git checkout -- ${path}\` or rebuild the weights with \`npm run train-models\``);
  const net = parseNetwork(readFileSync(path, 'utf8'), path);
  if (net.variant !== variant) throw new ModelError(`${path} holds variant '${net.variant}', expected '${variant}'`);
  cache.set(path, net);
  return net;
}

/** `all` or a comma-separated list of variant names -> the names, in the order given (all: name order). */
export function parseModelList(spec: string): string[] {
  if (spec.trim() === 'all') return VARIANTS.map((v) => v.name);
  const names = spec.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length === 0) throw new ModelError(`--models '${spec}' names no model; give 'all' or names from ${VARIANTS.map((v) => v.name).join(', ')}`);
  for (const n of names) {
    if (!VARIANTS.some((v) => v.name === n)) throw new ModelError(`unknown model '${n}'; the models are ${VARIANTS.map((v) => v.name).join(', ')} (or 'all')`);
  }
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new ModelError(`--models names '${dup}' twice`);
  return names;
}
