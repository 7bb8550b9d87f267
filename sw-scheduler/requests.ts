// Requests and traces (ALGORITHMS.md section 2): Poisson generation from a seed, trace files in
// JSON with validation, and the compiled form the engine runs on (variant and sample resolved to
// indices once, so the 11 policies of a point share one compiled trace).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mersenne, unsafeUniformIntDistribution, type RandomGenerator } from 'pure-rand';
import type * as Zod from 'zod';
import { InputError, parseJsonStrict } from '../input/index.ts';
import { excerpt, writeOutputFile } from '../output/index.ts';
import { SchedulerInputError } from './errors.ts';
import type { Workload } from './workload.ts';

export const PRIORITIES = [1, 3, 9] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface Request {
  /** Arrival time t0 in seconds. */
  readonly arrival: number;
  readonly variant: string;
  /** Sample id: the CSV's `batch-indx`. */
  readonly sample: number;
  readonly priority: Priority;
}

export interface Trace {
  /** Deadline = arrival + Tarch(variant) * sloMult. */
  readonly sloMult: number;
  readonly requests: readonly Request[];
}

/** A trace resolved against a workload. */
export interface CompiledTrace {
  readonly workload: Workload;
  readonly trace: Trace;
  readonly sloMult: number;
  readonly count: number;
  readonly arrival: Float64Array;
  readonly priority: Float64Array;
  readonly variantIndex: Int32Array;
  readonly sampleIndex: Int32Array;
}

/** A uniform double in [0, 1) from 53 random bits: hi (26 bits) * 2^27 + lo (27 bits), over 2^53. */
function uniform53(rng: RandomGenerator): number {
  const hi = unsafeUniformIntDistribution(0, (1 << 26) - 1, rng);
  const lo = unsafeUniformIntDistribution(0, (1 << 27) - 1, rng);
  return (hi * 134217728 + lo) / 9007199254740992;
}

export interface PoissonOptions {
  /** Arrival rate lambda in requests per second. */
  readonly rate: number;
  readonly count: number;
  /** Integer seed of the MT19937 generator. */
  readonly seed: number;
  readonly sloMult: number;
}

/**
 * Poisson requests from one seeded MT19937 generator (pure-rand `mersenne`; its seeding mixes small
 * seeds well, unlike xoroshiro128+ whose first output from seed 1 is ~1.0). Per request, in this order:
 * two integer draws forming a uniform double u in [0,1) (see uniform53), gap = -ln(1 - u) / rate,
 * arrival = previous arrival + gap (the first arrival comes after one gap); then the variant index,
 * uniform over the workload's variants in name order; then the priority index, uniform over
 * [1, 3, 9]; then the sample index, uniform over all of the variant's samples (ascending ids).
 * Integer draws use pure-rand's unsafeUniformIntDistribution (unbiased, by rejection).
 */
export function generatePoissonTrace(workload: Workload, options: PoissonOptions): Trace {
  const { rate, count, seed, sloMult } = options;
  if (!(Number.isFinite(rate) && rate > 0)) throw new SchedulerInputError(`--rate must be a positive number of requests per second, got ${rate}.`);
  if (!(Number.isInteger(count) && count >= 1)) throw new SchedulerInputError(`--requests must be a whole number >= 1, got ${count}.`);
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0x7fffffff)) throw new SchedulerInputError(`--seed must be a whole number from 0 to 2147483647, got ${seed}.`);
  validateSloMult(sloMult);
  const rng = mersenne(seed);
  const variants = workload.variants;
  const requests: Request[] = new Array(count);
  let arrival = 0;
  for (let i = 0; i < count; i++) {
    const u = uniform53(rng);
    arrival += -Math.log(1 - u) / rate;
    const v = variants[unsafeUniformIntDistribution(0, variants.length - 1, rng)];
    const priority = PRIORITIES[unsafeUniformIntDistribution(0, PRIORITIES.length - 1, rng)];
    const sample = v.sampleIds[unsafeUniformIntDistribution(0, v.sampleIds.length - 1, rng)];
    requests[i] = { arrival, variant: v.name, sample, priority };
  }
  return { sloMult, requests };
}

export function validateSloMult(sloMult: number): void {
  if (!(Number.isFinite(sloMult) && sloMult > 0)) throw new SchedulerInputError(`the SLO multiplier must be a positive number, got ${sloMult}.`);
}

/** What a trace file holds once its shape is checked (priorities, variants and order come next). */
export interface TraceShape {
  sloMult: number;
  requests: { arrival: number; variant: string; sample: number; priority: number }[];
}

let traceSchema: Zod.ZodType<TraceShape> | undefined;

/**
 * The trace format as a zod schema, which names the first problem of a malformed file. zod takes about
 * 0.1 s to load (a third of a 300-request `dysta simulate` replay), so it loads only when
 * plainTraceShape has refused a file.
 */
export function zodTraceShape(value: unknown): { data: TraceShape } | { issue: Zod.core.$ZodIssue } {
  if (!traceSchema) {
    const { z } = createRequire(import.meta.url)('zod') as typeof Zod;
    traceSchema = z.object({
      sloMult: z.number().positive().finite(),
      requests: z
        .array(
          z.object({
            arrival: z.number().finite().nonnegative(),
            variant: z.string().min(1),
            sample: z.number().int().nonnegative(),
            priority: z.number(),
          }),
        )
        .min(1),
    });
  }
  const result = traceSchema.safeParse(value);
  return result.success ? { data: result.data } : { issue: result.error.issues[0]! };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The shape of a well-formed trace without zod: what zodTraceShape accepts, with the same result
 * (unknown keys dropped), or undefined for anything else, which zodTraceShape then explains.
 * test/sw-scheduler/trace-shape.test.ts checks that this never accepts what zod refuses.
 */
export function plainTraceShape(value: unknown): TraceShape | undefined {
  if (!isRecord(value)) return undefined;
  const { sloMult, requests } = value;
  if (typeof sloMult !== 'number' || !(Number.isFinite(sloMult) && sloMult > 0)) return undefined;
  if (!Array.isArray(requests) || requests.length === 0) return undefined;
  const out: TraceShape['requests'] = new Array(requests.length);
  for (let i = 0; i < requests.length; i++) {
    const r: unknown = requests[i];
    if (!isRecord(r)) return undefined;
    const { arrival, variant, sample, priority } = r;
    if (typeof arrival !== 'number' || !(Number.isFinite(arrival) && arrival >= 0)) return undefined;
    if (typeof variant !== 'string' || variant.length === 0) return undefined;
    if (typeof sample !== 'number' || !(Number.isSafeInteger(sample) && sample >= 0)) return undefined;
    if (typeof priority !== 'number' || !Number.isFinite(priority)) return undefined;
    out[i] = { arrival, variant, sample, priority };
  }
  return { sloMult, requests: out };
}

/** Check a parsed JSON value against the trace format and the workload; `source` names it in errors. */
export function parseTrace(value: unknown, workload: Workload, source: string): Trace {
  const plain = plainTraceShape(value);
  const result = plain ? { data: plain } : zodTraceShape(value);
  if ('issue' in result) {
    const { issue } = result;
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    throw new SchedulerInputError(
      `${source}: ${path || 'top level'}: ${excerpt(issue.message, 200)}. A trace is {"sloMult": 10, "requests": [{"arrival": 0.0123, "variant": "...", "sample": 17, "priority": 3}, ...]}.`,
    );
  }
  const { sloMult, requests } = result.data;
  let previous = -Infinity;
  requests.forEach((r, i) => {
    if (!(PRIORITIES as readonly number[]).includes(r.priority)) {
      throw new SchedulerInputError(`${source}: requests[${i}].priority is ${r.priority}; it must be 1, 3 or 9.`);
    }
    const v = workload.variantByName.get(r.variant);
    if (!v) {
      const names = workload.variants.map((x) => x.name);
      throw new SchedulerInputError(
        `${source}: requests[${i}].variant '${excerpt(r.variant, 60)}' is not in workload '${workload.name}' (variants: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', ...' : ''}).`,
      );
    }
    if (!v.sampleIndexById.has(r.sample)) {
      throw new SchedulerInputError(
        `${source}: requests[${i}].sample ${r.sample} does not exist for '${excerpt(r.variant, 60)}' (its samples are ${v.sampleIds[0]}..${v.sampleIds[v.sampleIds.length - 1]}, ${v.sampleIds.length} in all).`,
      );
    }
    if (r.arrival < previous) {
      throw new SchedulerInputError(`${source}: requests[${i}].arrival ${r.arrival} is earlier than requests[${i - 1}].arrival ${previous}; requests must be in arrival order.`);
    }
    previous = r.arrival;
  });
  return { sloMult, requests: requests as Request[] };
}

export function readTraceFile(path: string, workload: Workload): Trace {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SchedulerInputError(`cannot read trace ${excerpt(path)}: ${excerpt((err as Error).message, 200)}`);
  }
  let json: unknown;
  try {
    json = parseJsonStrict(text, excerpt(path));
  } catch (err) {
    if (err instanceof InputError) throw new SchedulerInputError(err.message);
    throw err;
  }
  return parseTrace(json, workload, excerpt(path));
}

/** The trace file format: {"sloMult", "requests": [{arrival, variant, sample, priority}, ...]}. */
export function traceJson(trace: Trace): string {
  return JSON.stringify({ sloMult: trace.sloMult, requests: trace.requests.map((r) => ({ arrival: r.arrival, variant: r.variant, sample: r.sample, priority: r.priority })) }, null, 1) + '\n';
}

/** Writes a trace as JSON by the output rule (atomic for a regular file; `-` is stdout). */
export async function writeTraceFile(path: string, trace: Trace, what = '--trace-out'): Promise<void> {
  await writeOutputFile(path, traceJson(trace), what);
}

/** Resolve a (validated) trace against the workload. `sloMult` overrides the trace's own. */
export function compileTrace(workload: Workload, trace: Trace, sloMult = trace.sloMult): CompiledTrace {
  validateSloMult(sloMult);
  const count = trace.requests.length;
  const arrival = new Float64Array(count);
  const priority = new Float64Array(count);
  const variantIndex = new Int32Array(count);
  const sampleIndex = new Int32Array(count);
  trace.requests.forEach((r, i) => {
    const v = workload.variantByName.get(r.variant);
    const s = v?.sampleIndexById.get(r.sample);
    if (!v || s === undefined) throw new SchedulerInputError(`request ${i}: unknown variant '${r.variant}' or sample ${r.sample} in workload '${workload.name}'.`);
    if (i > 0 && r.arrival < arrival[i - 1]) throw new SchedulerInputError(`request ${i}: arrival ${r.arrival} is earlier than the previous request's; requests must be in arrival order.`);
    arrival[i] = r.arrival;
    priority[i] = r.priority;
    variantIndex[i] = v.index;
    sampleIndex[i] = s;
  });
  return { workload, trace, sloMult, count, arrival, priority, variantIndex, sampleIndex };
}
