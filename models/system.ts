// The integrated system's real workload: the trained MNIST variants on real test digits. Each request
// is one test digit for one variant; the static level (expected non-zeros and mean latency per layer,
// programmed into the scheduler) is profiled offline on calibration digits, never on the test digits
// the requests use. The predicted class is the argmax of the classifier's outputs.
import type { HwConfig } from '../hwgen/config/index.ts';
import { joinPassOutputs } from '../hwgen/pe-array/passes.ts';
import { schedulerFormats } from '../hwgen/scheduler/formats.ts';
import { assembleWorkload, profileVariant, type ArrivalOptions, type SystemWorkload } from '../hwgen/system/workload.ts';
import { CLASSES, digitImage, loadDigits, PIXELS } from './data.ts';
import { ModelError } from './errors.ts';
import { toCnnModel, predictedClass } from './lowering.ts';
import { loadNetwork } from './weights.ts';

/** Calibration digits the static level is profiled on (spread evenly over the calibration set). */
export const STATIC_PROFILE_DIGITS = 40;

export interface MnistWorkloadOptions extends ArrivalOptions {
  /** Variant names (default: all nine). */
  variants: readonly string[];
  profileDigits?: number;
  /** Folder of weights files (default: the committed models/weights). */
  weightsDir?: string;
}

export function buildMnistWorkload(config: HwConfig, o: MnistWorkloadOptions): SystemWorkload {
  const f = schedulerFormats(config.scheduler);
  if (o.variants.length > f.variants) {
    throw new ModelError(`${o.variants.length} models but the scheduler holds ${f.variants} variants (scheduler.log2Variants = ${config.scheduler.log2Variants}); name fewer with --models or raise log2Variants`);
  }
  const digits = loadDigits();
  const n = Math.min(o.profileDigits ?? STATIC_PROFILE_DIGITS, digits.calibration.length);
  const step = digits.calibration.length / n;
  const profileImages = Array.from({ length: n }, (_, i) => digitImage(digits.calibration[Math.floor(i * step)]!));
  const variants = o.variants.map((name, v) => profileVariant(config, v, toCnnModel(loadNetwork(name, o.weightsDir)), profileImages));
  return assembleWorkload(config, variants, o, (_, __, r) => {
    const sample = r.int(0, digits.test.length - 1);
    const d = digits.test[sample]!;
    return { image: digitImage(d), density: d.pixels.reduce((a, v) => a + (v !== 0 ? 1 : 0), 0) / PIXELS, label: d.label, sample };
  });
}

/** The class each request's classifier outputs predict (`outputs[req][layer][pass]`, as the RTL or golden model produced them). */
export function predictions(wl: SystemWorkload, outputs: readonly (readonly (readonly (readonly (readonly number[])[])[])[])[]): number[] {
  return wl.requests.map((r, i) => {
    const last = outputs[i]![r.nlayers - 1]!;
    return predictedClass(joinPassOutputs(wl.config.peArray.lanes, CLASSES, last));
  });
}
