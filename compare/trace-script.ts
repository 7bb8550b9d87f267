// A workload trace as the static (software) level of Sparse-DySta hands it to the scheduler RTL: the
// `sched_run` script of cosim/scheduler. Per variant, the tables the host programs (suffix sums of
// the pattern profile in cycles, 1/expected non-zeros per layer); per request, its arrival, deadline
// and penalty scale in cycles, and what the trace NPU plays for each of its layers: the sample's own
// latency (cycles) and non-zero output count, so the predictor sees that sample's dynamic sparsity.
//
// Encoding (compare/hw-agreement.ts, shared with `dysta hw-agreement`): seconds -> round(s x f)
// cycles at scheduler.clockMHz; a layer reports nnz = round(density x 2^20) out of a nominal 2^20
// outputs, and its table entry expects avgDensity x 2^20, so the hardware's ratio tracks the float
// model's (1 - S) / avgDensity to ~1e-6. Scheduler time starts after the table programming:
// every arrival and deadline is offset by `start` cycles (scores use only differences of times).
//
// `traceScript` checks first that the configured hardware can hold the trace (variant and layer
// counts, latency, time and count widths, layers long enough for the harness) and throws one
// TraceFitError naming the config key to change otherwise.
import type { SchedScript, ScriptRequest, ScriptVariant } from '../cosim/scheduler/driver.ts';
import { encodeReciprocal, schedulerFormats, toCycles, type MhgParamsQ, type SchedulerConfig } from '../hwgen/index.ts';
import { DEFAULT_FIT_SPLIT, computeDeadlines, fitRegression, getFitSplit, type CompiledTrace, type Workload } from '../sw-scheduler/index.ts';
import { NOMINAL_OUTPUTS, encodeTrace, type EncodedTrace, type PlainRequests, type PlainVariant } from './hw-agreement.ts';

/** The trace does not fit the configured scheduler: a user-facing input error (exit code 2). */
export class TraceFitError extends Error {
  readonly userError = true as const;
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'TraceFitError';
  }
}

/** Cycles every layer must last so the harness can read back the scores and admit during it. */
export function minTraceLayerCycles(cfg: SchedulerConfig): number {
  // Take the event (1), read back one slot (6), every valid score (N) and admit up to the free slots
  // plus one refusal (2^D - N + 1): 2^D + 8 in all.
  return 2 ** cfg.log2Tasks + 8;
}

/** With timeSkip = 0 the harness steps every cycle; refuse traces that would take hours. */
const MAX_STEPPED_CYCLES = 50_000_000;

export interface TraceScript {
  script: SchedScript;
  encoded: EncodedTrace;
  /** Scheduler time (cycles) at which trace time 0 falls. */
  start: bigint;
  /** Per request: arrival and deadline (cycles, start included), isolated latency (sum of its layer cycles). */
  arrival: bigint[];
  deadline: bigint[];
  isoCycles: bigint[];
}

function bitsFor(n: bigint): number {
  return n <= 0n ? 1 : n.toString(2).length;
}

/**
 * The workload and the requests as plain arrays (the encoder's input), with the regression fits of
 * the default split (cross-fitted by sample parity: a request on an even sample id uses the fit on
 * the odd ones, bank 0, and vice versa, bank 1) and each request's bank; gamma builds ignore both,
 * so `fits: false` leaves them out (the fits are a least-squares pass over every sample and layer).
 */
export function plainTrace(workload: Workload, compiled: CompiledTrace, options: { fits?: boolean } = {}): { variants: PlainVariant[]; requests: PlainRequests } {
  const deadline = computeDeadlines(compiled);
  const plainVariants = (regression: (i: number) => PlainVariant['regression']): PlainVariant[] =>
    workload.variants.map((v, i) => ({ layers: v.layers, suffix: v.patSuffix, avgDensity: v.avgDensity, latency: v.latency, sparsity: v.sparsity, regression: regression(i) }));
  const requests = { count: compiled.count, arrival: compiled.arrival, variant: compiled.variantIndex, sample: compiled.sampleIndex, deadline };
  if (options.fits === false) return { variants: plainVariants(() => undefined), requests };
  const split = getFitSplit(DEFAULT_FIT_SPLIT);
  const fits = fitRegression(workload, split);
  const bank = Array.from({ length: compiled.count }, (_, i) => {
    const v = workload.variants[compiled.variantIndex[i]!]!;
    const s = compiled.sampleIndex[i]!;
    return split.uses(s, v.sampleIds.length, v.sampleIds[s]!);
  });
  return {
    variants: plainVariants((i) => fits[i]!.fits.map((fit) => (fit ? { a: fit.a, b: fit.b } : null))),
    requests: { ...requests, bank },
  };
}

function checkFits(cfg: SchedulerConfig, workload: Workload, compiled: CompiledTrace, deadline: Float64Array): void {
  const f = schedulerFormats(cfg);
  const where = `workload '${workload.name}'`;
  const mhz = `${cfg.clockMHz} MHz (scheduler.clockMHz)`;
  if (workload.variants.length > f.variants) {
    const need = Math.ceil(Math.log2(workload.variants.length));
    throw new TraceFitError(`${where} has ${workload.variants.length} variants, but scheduler.log2Variants = ${cfg.log2Variants} holds ${f.variants} variant tables; set scheduler.log2Variants to at least ${need} in the --config file`);
  }
  const longest = workload.variants.reduce((a, v) => (v.layers > a.layers ? v : a));
  if (longest.layers > f.maxLayers) {
    throw new TraceFitError(`${where}: variant '${longest.name}' has ${longest.layers} layers, but scheduler.log2MaxLayers = ${cfg.log2MaxLayers} allows ${f.maxLayers}; set it to at least ${Math.ceil(Math.log2(longest.layers))} in the --config file`);
  }
  const maxLatency = (1n << BigInt(f.latencyWidth)) - 1n;
  for (const v of workload.variants) {
    const cycles = toCycles(f, v.patSuffix[0]!);
    if (cycles > maxLatency) {
      throw new TraceFitError(
        `${where}: variant '${v.name}' has an average isolated latency of ${v.patSuffix[0]!.toPrecision(4)} s = ${cycles} cycles at ${mhz}, more than scheduler.latencyWidth = ${cfg.latencyWidth} bits hold (${maxLatency}); set latencyWidth to at least ${bitsFor(cycles)} or lower clockMHz`,
      );
    }
  }
  if (BigInt(NOMINAL_OUTPUTS) > (1n << BigInt(f.nnzWidth)) - 1n) {
    throw new TraceFitError(`the trace NPU reports each layer's non-zero outputs out of a nominal ${NOMINAL_OUTPUTS} (2^20); scheduler.nnzWidth = ${cfg.nnzWidth} bits cannot count that high; set it to at least 21`);
  }
  const lastDeadline = deadline.reduce((a, d) => Math.max(a, d), 0);
  const timeLimit = (1n << BigInt(f.timeWidth)) - 1n;
  if (toCycles(f, lastDeadline) + (1n << 20n) > timeLimit) {
    throw new TraceFitError(`the trace's last deadline, ${lastDeadline.toPrecision(4)} s, is ${toCycles(f, lastDeadline)} cycles at ${mhz}, beyond scheduler.timeWidth = ${cfg.timeWidth} bits; raise timeWidth or lower clockMHz`);
  }
  // Every layer a request of the trace runs must outlast the harness's reads and admissions.
  const min = minTraceLayerCycles(cfg);
  let total = 0;
  for (let i = 0; i < compiled.count; i++) {
    const v = workload.variants[compiled.variantIndex[i]!]!;
    const s = compiled.sampleIndex[i]!;
    for (let l = 0; l < v.layers; l++) {
      const seconds = v.latency[s * v.layers + l]!;
      total += seconds;
      if (Number(toCycles(f, seconds)) < min) {
        throw new TraceFitError(
          `layer ${l} of '${v.name}' (sample ${v.sampleIds[s]}, request ${i}) lasts ${toCycles(f, seconds)} cycles at ${mhz}; the trace harness needs at least ${min} cycles per layer with a ${f.tasks}-entry table (it reads back every score and admits during a layer); raise clockMHz or lower log2Tasks`,
        );
      }
    }
  }
  if (!f.timeSkip) {
    const stepped = toCycles(f, compiled.arrival[compiled.count - 1]! + total);
    if (stepped > BigInt(MAX_STEPPED_CYCLES)) {
      throw new TraceFitError(
        `scheduler.timeSkip = 0 (the FPGA build, without time-skip ports): the trace would be simulated cycle by cycle, about ${stepped} cycles; use a config with timeSkip 1 for the trace suite (it only skips cycles in which the block waits)`,
      );
    }
  }
  workload.variants.forEach((v) => {
    for (let l = 0; l < v.layers; l++) {
      try {
        encodeReciprocal(f, v.avgDensity[l]! * NOMINAL_OUTPUTS);
      } catch {
        throw new TraceFitError(`variant '${v.name}' layer ${l}: 1/expected non-zeros (${(v.avgDensity[l]! * NOMINAL_OUTPUTS).toFixed(1)}) does not fit scheduler.recipWidth = ${cfg.recipWidth} bits with gammaFracBits = ${cfg.gammaFracBits}; raise recipWidth`);
      }
    }
  });
}

/**
 * The script `sched_run` plays for this trace; throws TraceFitError if the hardware cannot hold it.
 * Regression builds get both coefficient banks and each request's bank, MHG builds each variant's
 * iso words and, with `mhgParams`, the sigma / lambda / tau registers (absent: mhg's reset values).
 */
export function traceScript(cfg: SchedulerConfig, workload: Workload, compiled: CompiledTrace, options: { mhgParams?: MhgParamsQ } = {}): TraceScript {
  const { variants, requests } = plainTrace(workload, compiled, { fits: schedulerFormats(cfg).regression });
  checkFits(cfg, workload, compiled, requests.deadline as Float64Array);
  const e = encodeTrace(cfg, variants, requests);
  const f = e.f;
  // Reset (2 cycles) and one cycle per table word, then a margin; trace time 0 starts there.
  const commands = variants.reduce((a, v) => a + 1 + v.layers * (f.regression ? 1 + f.coeffBanks : 1) + (f.mhg ? 1 : 0), options.mhgParams ? 3 : 0);
  const start = BigInt(Math.ceil((commands + 16) / 1024) * 1024);
  const scriptVariants: ScriptVariant[] = e.tables.map((t, v) => ({
    variant: v,
    nlayers: t.nlayers,
    suffix0: t.suffix0,
    layers: t.layers.map((l) => ({ mant: l.recip.mant, shift: l.recip.shift, suffixNext: l.suffixNext })),
    ...(t.coeffs ? { coeffs: t.coeffs } : {}),
    ...(f.mhg ? { iso: t.iso!, invIso: t.invIso! } : {}),
  }));
  const arrival = e.arrival.map((a) => a + start);
  const deadline = e.deadline.map((d) => d + start);
  const scriptRequests: ScriptRequest[] = arrival.map((a, i) => ({
    arrival: a,
    variant: requests.variant[i]!,
    deadline: deadline[i]!,
    scale: e.scale[i]!,
    ...(f.regression ? { bank: e.bank[i]! } : {}),
    layers: e.latency[i]!.map((cycles, l) => ({ cycles, nnz: e.nnz[i]![l]! })),
  }));
  return {
    script: { start, variants: scriptVariants, requests: scriptRequests, ...(options.mhgParams ? { mhgParams: options.mhgParams } : {}) },
    encoded: e,
    start,
    arrival,
    deadline,
    isoCycles: e.latency.map((ls) => ls.reduce((a, b) => a + b, 0n)),
  };
}
