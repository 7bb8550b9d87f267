// The one configuration object that drives the generated Verilog and the constants the software
// uses (golden models, cosim), so the two can never disagree silently.
import { readFileSync } from 'node:fs';
import { parseJsonStrict } from '../../input/index.ts';
import { excerpt } from '../../output/index.ts';
import { ConfigError, defaultsOf, paramsMarkdown, parseSection, type ParamTable } from './params.ts';

export { ConfigError, checkParam, paramsMarkdown, type ChoiceParam, type IntParam, type Param, type ParamTable } from './params.ts';

export const PE_ARRAY_PARAMS: ParamTable = [
  { key: 'lanes', default: 16, min: 1, max: 64, doc: 'PEs = output channels computed in parallel' },
  { key: 'actWidth', default: 8, min: 2, max: 16, doc: 'activation (and requantised output) width in bits, signed' },
  { key: 'weightWidth', default: 8, min: 2, max: 16, doc: 'weight width in bits, signed' },
  { key: 'accWidth', default: 32, min: 4, max: 64, doc: 'accumulator width in bits; must hold actWidth + weightWidth + log2(weightDepth)' },
  { key: 'weightDepth', default: 1024, min: 2, max: 65536, powerOfTwo: true, doc: 'weight buffer depth = largest reduction length K (im2col columns)' },
  { key: 'maxRows', default: 65535, min: 1, max: 16777215, doc: 'largest number of output rows (im2col rows) in one layer tile' },
  {
    key: 'multiplier',
    default: 'dsp',
    choices: ['dsp', 'lut'],
    doc: 'dsp: each lane multiplies in one stage between its input and product registers (a DSP\'s A/B, M and P registers); lut, for FPGAs without multipliers (iCE40 HX): up to four partial products summed over the same stages, and the running sum restarted by a synchronous clear; the same cycles and results',
  },
];

export const MULTIPLIERS = ['dsp', 'lut'] as const;
export type MultiplierKind = (typeof MULTIPLIERS)[number];

export interface PeArrayConfig {
  lanes: number;
  actWidth: number;
  weightWidth: number;
  accWidth: number;
  weightDepth: number;
  maxRows: number;
  multiplier: MultiplierKind;
}

export const SCHEDULER_PARAMS: ParamTable = [
  { key: 'log2Tasks', default: 6, min: 1, max: 10, doc: 'D: the task table holds 2^D requests' },
  { key: 'log2Variants', default: 4, min: 1, max: 8, doc: 'the variant tables hold 2^log2Variants model variants' },
  { key: 'log2MaxLayers', default: 7, min: 1, max: 10, doc: 'largest layer count of a variant is 2^log2MaxLayers' },
  { key: 'timeWidth', default: 48, min: 48, max: 64, doc: 'cycle counter, deadlines, arrival/last-run times (bits, cycles)' },
  { key: 'latencyWidth', default: 32, min: 16, max: 48, doc: 'suffix sums of average latency and predicted remaining latency P (bits, cycles, saturating)' },
  { key: 'nnzWidth', default: 32, min: 8, max: 40, doc: 'measured non-zero count of one layer (bits)' },
  { key: 'recipWidth', default: 32, min: 8, max: 40, doc: 'mantissa of 1/expected non-zeros (bits); exponent is a 6-bit shift' },
  { key: 'gammaIntBits', default: 4, min: 1, max: 8, doc: 'integer bits of gamma and of a layer ratio (saturate at 2^gammaIntBits - ulp)' },
  { key: 'gammaFracBits', default: 24, min: 8, max: 32, doc: 'fraction bits of gamma and of a layer ratio' },
  { key: 'invKFracBits', default: 32, min: 8, max: 40, doc: 'fraction bits of the 1/k table (running mean of ratios)' },
  { key: 'invNFracBits', default: 24, min: 8, max: 32, doc: 'fraction bits of the 1/N table (penalty / waiting tasks)' },
  { key: 'scoreWidth', default: 32, min: 12, max: 48, doc: 'score path width (bits, unsigned, saturating)' },
  { key: 'scoreShift', default: 0, min: 0, max: 24, doc: 'one score unit = 2^scoreShift cycles (use with a narrow score path)' },
  { key: 'idleWidth', default: 40, min: 16, max: 64, doc: 'idle time now - lastRun entering the penalty multiplier (bits, cycles, saturating)' },
  { key: 'penaltyScaleWidth', default: 32, min: 8, max: 40, doc: 'per-request penalty scale = clock / isolated estimate in cycles (bits)' },
  { key: 'penaltyScaleFracBits', default: 16, min: 0, max: 32, doc: 'fraction bits of the penalty scale' },
  { key: 'betaPpm', default: 10000, min: 0, max: 1000000, doc: 'beta in parts per million (10000 = 0.01, the paper)' },
  { key: 'betaFracBits', default: 32, min: 8, max: 40, doc: 'fraction bits of beta in hardware' },
  { key: 'seqWidth', default: 32, min: 8, max: 64, doc: 'admission sequence number (tie-break: earliest admission wins)' },
  { key: 'clockMHz', default: 200, min: 1, max: 1000, doc: 'clock frequency; folded by the host into the penalty scale and cycle conversions' },
  { key: 'selectorUnits', default: 1, min: 1, max: 8, powerOfTwo: true, doc: 'parallel score units (area) vs decision latency = largest per-unit valid count + 37 cycles (slot s is scored by unit s mod units)' },
  { key: 'timeSkip', default: 1, min: 0, max: 1, doc: '1: time_skip ports let simulation advance the cycle counter by N in one step; 0: tied off (FPGA)' },
  { key: 'predictor', default: 'gamma', choices: ['gamma', 'regression'], doc: 'P = gamma x suffix sum (the paper), or max(0, a + b x gamma) from host-programmed per-layer coefficients in two banks (BEYOND.md section 1)' },
  { key: 'policy', default: 'dysta', choices: ['dysta', 'mhg'], doc: 'dysta score units (the paper), or MHG: Moore-Hodgson-guarded shortest weighted remaining first over a deadline-ordered list (BEYOND.md section 2; mhg and mhg_vio by its registers)' },
  { key: 'mhgParamFracBits', default: 16, min: 8, max: 24, doc: 'MHG: fraction bits of the sigma, lambda and tau registers (32 bits each)' },
  { key: 'mhgInvIsoFracBits', default: 40, min: 24, max: 56, doc: 'MHG: fraction bits of the per-variant 1/iso table (iso in cycles); must be >= mhgParamFracBits' },
  { key: 'mhgInvIsoWidth', default: 32, min: 16, max: 48, doc: 'MHG: width of a 1/iso entry (saturates for iso below 2^(mhgInvIsoFracBits - mhgInvIsoWidth) cycles)' },
];

export const POLICIES = ['dysta', 'mhg'] as const;
export type PolicyKind = (typeof POLICIES)[number];

export const PREDICTORS = ['gamma', 'regression'] as const;
export type PredictorKind = (typeof PREDICTORS)[number];

export interface SchedulerConfig {
  log2Tasks: number;
  log2Variants: number;
  log2MaxLayers: number;
  timeWidth: number;
  latencyWidth: number;
  nnzWidth: number;
  recipWidth: number;
  gammaIntBits: number;
  gammaFracBits: number;
  invKFracBits: number;
  invNFracBits: number;
  scoreWidth: number;
  scoreShift: number;
  idleWidth: number;
  penaltyScaleWidth: number;
  penaltyScaleFracBits: number;
  betaPpm: number;
  betaFracBits: number;
  seqWidth: number;
  clockMHz: number;
  selectorUnits: number;
  timeSkip: number;
  predictor: PredictorKind;
  policy: PolicyKind;
  mhgParamFracBits: number;
  mhgInvIsoFracBits: number;
  mhgInvIsoWidth: number;
}

export interface HwConfig {
  peArray: PeArrayConfig;
  scheduler: SchedulerConfig;
}

/** Every section of the config file, with its parameter table. */
export const CONFIG_SECTIONS: Record<keyof HwConfig, ParamTable> = {
  peArray: PE_ARRAY_PARAMS,
  scheduler: SCHEDULER_PARAMS,
};

export function defaultConfig(): HwConfig {
  return {
    peArray: defaultsOf<PeArrayConfig & Record<string, number | string>>(PE_ARRAY_PARAMS),
    scheduler: defaultsOf<SchedulerConfig & Record<string, number | string>>(SCHEDULER_PARAMS),
  };
}

/** Cross-parameter rules that a per-key range cannot express. */
function checkPeArray(c: PeArrayConfig, path: string): void {
  const need = c.actWidth + c.weightWidth + Math.log2(c.weightDepth);
  if (c.accWidth < need) {
    throw new ConfigError(
      `${path}.accWidth = ${c.accWidth} cannot hold a full dot product: with actWidth ${c.actWidth}, weightWidth ${c.weightWidth} and weightDepth ${c.weightDepth} it must be from ${need} to 64`,
    );
  }
}

/** Scheduler: cross-parameter rules. */
function checkScheduler(c: SchedulerConfig, path: string): void {
  if (c.idleWidth > c.timeWidth) throw new ConfigError(`${path}.idleWidth = ${c.idleWidth} must not exceed timeWidth (${c.timeWidth})`);
  if (c.latencyWidth >= c.timeWidth) throw new ConfigError(`${path}.latencyWidth = ${c.latencyWidth} must be below timeWidth (${c.timeWidth})`);
  if (c.scoreWidth + c.scoreShift > c.timeWidth) throw new ConfigError(`${path}: scoreWidth + scoreShift = ${c.scoreWidth + c.scoreShift} must not exceed timeWidth (${c.timeWidth})`);
  if (c.policy === 'mhg' && c.selectorUnits !== 1) throw new ConfigError(`${path}.selectorUnits = ${c.selectorUnits}: the mhg policy walks one deadline-ordered list and needs selectorUnits = 1`);
  if (c.mhgInvIsoFracBits < c.mhgParamFracBits) throw new ConfigError(`${path}.mhgInvIsoFracBits = ${c.mhgInvIsoFracBits} must be at least mhgParamFracBits (${c.mhgParamFracBits})`);
}

/** Validates a config object (from JSON); `source` names where it came from in error messages. */
export function parseConfig(raw: unknown, source = 'config'): HwConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${source}: the configuration must be a JSON object with sections ${Object.keys(CONFIG_SECTIONS).join(', ')}`);
  }
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(CONFIG_SECTIONS, key)) {
      throw new ConfigError(`${source}: unknown section "${excerpt(key, 60)}"; allowed sections: ${Object.keys(CONFIG_SECTIONS).join(', ')}`);
    }
  }
  const r = raw as Record<string, unknown>;
  try {
    const peArray = parseSection<PeArrayConfig & Record<string, number | string>>(PE_ARRAY_PARAMS, Object.hasOwn(r, 'peArray') ? r.peArray : undefined, 'peArray');
    checkPeArray(peArray, 'peArray');
    const scheduler = parseSection<SchedulerConfig & Record<string, number | string>>(SCHEDULER_PARAMS, Object.hasOwn(r, 'scheduler') ? r.scheduler : undefined, 'scheduler');
    checkScheduler(scheduler, 'scheduler');
    return { peArray, scheduler };
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`${source}: ${err.message}`);
    throw err;
  }
}

/** Reads and parses a JSON input file strictly; `what` ("config file") names it in the one-line errors. */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (code ?? String(err));
    throw new ConfigError(`cannot read ${what} ${excerpt(path)}: ${why}`);
  }
  // Strict: BOM accepted; duplicate or prototype keys, numbers overflowing to Infinity refused.
  return parseJsonStrict(text, `${what} ${excerpt(path)}`);
}

export function loadConfigFile(path: string): HwConfig {
  return parseConfig(readJsonFile(path, 'config file'), excerpt(path));
}

export function configMarkdown(): string {
  return Object.entries(CONFIG_SECTIONS)
    .map(([name, table]) => `${paramsMarkdown(name, table)}`)
    .join('\n\n');
}
