// The DSE spec: a JSON file naming the hardware configurations to explore (axes over config keys),
// the workloads, loads, SLO multipliers and seeds each configuration is measured on, and which
// measurements to take. Validated like a hardware config: unknown keys are rejected with the key and
// the allowed ones named, every axis value goes through the config's own range checks, and every
// combination through its cross-parameter rules. Schema: dse/README.md.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { z } from 'zod';
import { CONFIG_SECTIONS, ConfigError, checkParam, loadConfigFile, parseConfig, readJsonFile, type HwConfig } from '../hwgen/index.ts';
import { ZOO } from '../sw-scheduler/index.ts';

/** A spec (or plan file) the user must fix: one line, exit code 2. */
export class SpecError extends Error {
  readonly userError = true as const;
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'SpecError';
  }
}

/**
 * Where a point's workload comes from (a CSV folder is resolved to an absolute path). A zoo entry's
 * seed and sample count are kept only when the spec sets them: a measured entry takes neither.
 */
export type WorkloadSpec = { kind: 'zoo'; name: string; seed?: number; samples?: number } | { kind: 'csv'; dir: string; seqLen: number };

/** Targets of `dysta synth` (fpga/): Xilinx for resources and the estimated worst path... */
export const SYNTH_TARGETS = ['xcup', 'xc7'] as const;
/** ...and iCE40 for a placed and routed Fmax (nextpnr-ice40). */
export const ICE40_TARGETS = ['ice40-up5k', 'ice40-hx8k'] as const;
export const SYNTH_TOPS = ['dysta_scheduler', 'dysta_system', 'npu_tile'] as const;
export type SynthTop = (typeof SYNTH_TOPS)[number];

export interface MeasureSpec {
  /** Workload traces through the scheduler RTL, checked against the golden and float models. */
  rtl: boolean;
  /** Yosys synth_xilinx of one top: LUT/FF/DSP/BRAM, fit, worst path and its estimated MHz; or false. */
  synth: false | { target: (typeof SYNTH_TARGETS)[number]; top: SynthTop };
  /**
   * Place and route on iCE40 (measured Fmax) of the points whose config matches `when` (config key ->
   * allowed values; every point without it): small designs only, a large one does not fit.
   */
  ice40: false | { target: (typeof ICE40_TARGETS)[number]; top: SynthTop; when: Record<string, AxisValue[]> };
}

export type AxisValue = number | string;

/** One axis: either a config key with its values, or a named group of settings per label. */
export type Axis =
  | { kind: 'key'; name: string; section: string; key: string; values: AxisValue[] }
  | { kind: 'group'; name: string; labels: string[]; settings: Record<string, Record<string, AxisValue>> };

export interface DseSpec {
  name: string;
  description?: string;
  /** Folder of the spec file: relative paths in it resolve against this. */
  dir: string;
  /** The configuration every point starts from (defaults for keys no axis sets). */
  base: Record<string, Record<string, unknown>>;
  axes: Axis[];
  skipInvalid: boolean;
  workloads: WorkloadSpec[];
  loads: number[];
  sloMults: number[];
  seeds: number[];
  requests: number;
  measure: MeasureSpec;
}

/** A configuration of the design space: which axis value each axis took, and the resulting config. */
export interface SpecPoint {
  /** axis name -> value (a key's value, or a group's label). */
  axes: Record<string, AxisValue>;
  label: string;
  config: HwConfig;
}

const DEFAULTS = { workloads: ['cnn'], loads: [0.9], sloMults: [10], seeds: [1], requests: 200 };

/** A strict object whose unknown-key error names the allowed keys. */
function strict<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown key ${iss.keys.map((k) => `"${k}"`).join(', ')}; allowed keys: ${allowed}` : undefined),
  });
}

const positive = z.number().finite().positive();
const scalar = z.union([z.number(), z.string()]);

const measureSchema = strict({
  rtl: z.boolean().optional(),
  synth: z
    .union([
      z.literal(false),
      strict({
        target: z.enum(SYNTH_TARGETS).optional(),
        top: z.enum(SYNTH_TOPS).optional(),
      }),
    ])
    .optional(),
  ice40: z
    .union([
      z.literal(false),
      strict({
        target: z.enum(ICE40_TARGETS).optional(),
        top: z.enum(SYNTH_TOPS).optional(),
        when: z.record(z.string(), z.array(scalar).min(1)).optional(),
      }),
    ])
    .optional(),
});

const specSchema = strict({
  $schema: z.string().optional(),
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, ".", "_" or "-" (it names the report folder)')
    .optional(),
  description: z.string().optional(),
  base: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
  axes: z.record(z.string(), z.union([z.array(scalar).min(1), z.record(z.string(), z.record(z.string(), scalar))])).optional(),
  skipInvalid: z.boolean().optional(),
  workloads: z.array(z.unknown()).min(1).optional(),
  loads: z.array(positive).min(1).optional(),
  sloMults: z.array(positive).min(1).optional(),
  seeds: z.array(z.number().int().min(0).max(0x7fffffff)).min(1).optional(),
  requests: z.number().int().min(1).max(1_000_000).optional(),
  measure: measureSchema.optional(),
});

function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
}

/**
 * The issue to report: inside a union (`false` or an object), the branch that got furthest (the
 * object's own complaint, e.g. an unknown target) rather than zod's "Invalid input".
 */
function innermost(iss: z.core.$ZodIssue): { path: PropertyKey[]; message: string } {
  if (iss.code === 'invalid_union' && iss.errors.length > 0) {
    const firsts = iss.errors.map((errs) => errs[0]).filter((e): e is z.core.$ZodIssue => e !== undefined);
    const branch = firsts.reduce<z.core.$ZodIssue | undefined>((best, e) => (!best || e.path.length > best.path.length ? e : best), undefined);
    if (branch) {
      const inner = innermost(branch);
      return { path: [...iss.path, ...inner.path], message: inner.message };
    }
  }
  return { path: [...iss.path], message: iss.message };
}

/** "scheduler.log2Tasks" -> its section and key, or an error naming the allowed keys. */
function configKey(dotted: string, where: string): { section: string; key: string } {
  const [section, key, ...rest] = dotted.split('.');
  const sections = Object.keys(CONFIG_SECTIONS);
  if (!section || !key || rest.length > 0 || !(section in CONFIG_SECTIONS)) {
    throw new SpecError(`${where}: "${dotted}" is not a config key; keys are <section>.<key> with sections ${sections.join(', ')} (\`dysta gen-rtl --list-params\` lists them)`);
  }
  const table = CONFIG_SECTIONS[section as keyof typeof CONFIG_SECTIONS];
  if (!table.some((p) => p.key === key)) {
    throw new SpecError(`${where}: "${dotted}" is not a config key; allowed ${section} keys: ${table.map((p) => p.key).join(', ')}`);
  }
  return { section, key };
}

/**
 * Checks one value against its key's range with the config's own check (the message names the key,
 * the value and the range); rules between keys are checked per combination in expandSpec.
 */
function checkSetting(section: string, key: string, value: AxisValue, where: string): void {
  const param = CONFIG_SECTIONS[section as keyof typeof CONFIG_SECTIONS].find((p) => p.key === key)!;
  try {
    checkParam(param, value, `${section}.${key}`);
  } catch (err) {
    if (err instanceof ConfigError) throw new SpecError(`${where}: ${err.message.replace(/^config: /, '')}`);
    throw err;
  }
}

function parseWorkload(raw: unknown, where: string, dir: string): WorkloadSpec {
  const zooNames = ZOO.map((z) => z.name);
  const zooSchema = strict({ zoo: z.string(), seed: z.number().int().min(0).optional(), samples: z.number().int().min(1).max(100_000).optional() });
  const csvSchema = strict({ csvDir: z.string().min(1), seqLen: z.number().int().min(1).optional() });
  const fail = (msg: string): never => {
    throw new SpecError(`${where}: ${msg}`);
  };
  const checkZoo = (name: string) => {
    if (!zooNames.includes(name)) fail(`unknown zoo workload "${name}"; the built-in ones are ${zooNames.join(', ')} (or use {"csvDir": "..."})`);
  };
  if (typeof raw === 'string') {
    checkZoo(raw);
    return { kind: 'zoo', name: raw };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('a workload is a zoo name ("cnn"), {"zoo": "cnn", "seed": 2023, "samples": 200} or {"csvDir": "folder", "seqLen": 512}');
  const schema = 'csvDir' in raw ? csvSchema : 'zoo' in raw ? zooSchema : undefined;
  if (!schema) return fail('a workload object needs "zoo" (a built-in workload) or "csvDir" (a folder of the artifact\'s CSV files)');
  const r = schema.safeParse(raw);
  if (!r.success) {
    const iss = r.error.issues[0]!;
    const at = issuePath(iss.path);
    return fail(`${at ? `${at}: ` : ''}${iss.message}`);
  }
  if ('zoo' in r.data) {
    checkZoo(r.data.zoo);
    const { seed, samples } = r.data;
    return { kind: 'zoo', name: r.data.zoo, ...(seed !== undefined ? { seed } : {}), ...(samples !== undefined ? { samples } : {}) };
  }
  const csv = r.data as { csvDir: string; seqLen?: number };
  const abs = resolve(dir, csv.csvDir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) fail(`csvDir ${csv.csvDir} is not a folder (relative paths are resolved against the spec's folder, ${dir})`);
  return { kind: 'csv', dir: abs, seqLen: csv.seqLen ?? 512 };
}

function parseAxes(raw: Record<string, unknown>): Axis[] {
  const axes: Axis[] = [];
  for (const [name, value] of Object.entries(raw)) {
    const where = `axes."${name}"`;
    if (Array.isArray(value)) {
      const { section, key } = configKey(name, `axes`);
      const values = value as AxisValue[];
      const seen = new Set<AxisValue>();
      for (const v of values) {
        if (seen.has(v)) throw new SpecError(`${where}: the value ${JSON.stringify(v)} appears twice`);
        seen.add(v);
        checkSetting(section, key, v, where);
      }
      axes.push({ kind: 'key', name, section, key, values });
    } else {
      if (name.includes('.')) throw new SpecError(`${where}: a config key takes a list of values, e.g. "${name}": [1, 2]; an object of labelled settings needs a name without a dot`);
      const groups = value as Record<string, Record<string, AxisValue>>;
      if (Object.keys(groups).length === 0) throw new SpecError(`${where}: a group axis needs at least one label, e.g. {"narrow": {"scheduler.scoreWidth": 16}}`);
      for (const [label, settings] of Object.entries(groups)) {
        for (const [dotted, v] of Object.entries(settings)) {
          const { section, key } = configKey(dotted, `${where}."${label}"`);
          checkSetting(section, key, v, `${where}."${label}"`);
        }
      }
      axes.push({ kind: 'group', name, labels: Object.keys(groups), settings: groups });
    }
  }
  const keysSet = new Map<string, string>();
  for (const a of axes) {
    const keys = a.kind === 'key' ? [a.name] : Object.values(a.settings).flatMap((s) => Object.keys(s));
    for (const k of new Set(keys)) {
      const other = keysSet.get(k);
      if (other !== undefined) throw new SpecError(`axes: "${k}" is set by both axis "${other}" and axis "${a.name}"; give each key to one axis`);
      keysSet.set(k, a.name);
    }
  }
  return axes;
}

/** Validates a parsed spec; `source` names it in errors and `dir` resolves its relative paths. */
export function parseSpec(raw: unknown, source: string, dir: string, defaultName = 'dse'): DseSpec {
  const r = specSchema.safeParse(raw);
  if (!r.success) {
    const iss = innermost(r.error.issues[0]!);
    const path = issuePath(iss.path);
    throw new SpecError(`${source}: ${path ? `${path}: ` : ''}${iss.message}`);
  }
  const s = r.data;
  const synth = s.measure?.synth;
  const ice40 = s.measure?.ice40;
  const measure: MeasureSpec = {
    rtl: s.measure?.rtl ?? true,
    synth: synth === undefined || synth === false ? false : { target: synth.target ?? 'xcup', top: synth.top ?? 'dysta_scheduler' },
    ice40: ice40 === undefined || ice40 === false ? false : { target: ice40.target ?? 'ice40-up5k', top: ice40.top ?? 'dysta_scheduler', when: ice40.when ?? {} },
  };
  if (!measure.rtl && !measure.synth && !measure.ice40) throw new SpecError(`${source}: measure: nothing to measure; set "rtl": true, "synth": {} and/or "ice40": {}`);
  if (measure.ice40) {
    for (const [dotted, values] of Object.entries(measure.ice40.when)) {
      const { section, key } = configKey(dotted, `${source}: measure.ice40.when`);
      for (const v of values) checkSetting(section, key, v, `${source}: measure.ice40.when."${dotted}"`);
    }
  }
  let base: Record<string, Record<string, unknown>>;
  try {
    if (typeof s.base === 'string') {
      const cfg = loadConfigFile(resolve(dir, s.base));
      base = cfg as unknown as Record<string, Record<string, unknown>>;
    } else {
      parseConfig(s.base ?? {}, `${source}: base`);
      base = (s.base ?? {}) as Record<string, Record<string, unknown>>;
    }
  } catch (err) {
    if (err instanceof ConfigError) throw new SpecError(err.message);
    throw err;
  }
  const prefix = (e: unknown) => (e instanceof SpecError ? new SpecError(`${source}: ${e.message}`) : e);
  try {
    const axes = parseAxes(s.axes ?? {});
    const workloads = (s.workloads ?? DEFAULTS.workloads).map((w, i) => parseWorkload(w, `workloads[${i}]`, dir));
    return {
      name: s.name ?? defaultName,
      ...(s.description !== undefined ? { description: s.description } : {}),
      dir,
      base,
      axes,
      skipInvalid: s.skipInvalid ?? false,
      workloads,
      loads: s.loads ?? DEFAULTS.loads,
      sloMults: s.sloMults ?? DEFAULTS.sloMults,
      seeds: s.seeds ?? DEFAULTS.seeds,
      requests: s.requests ?? DEFAULTS.requests,
      measure,
    };
  } catch (err) {
    throw prefix(err);
  }
}

export function loadSpecFile(path: string): DseSpec {
  let raw: unknown;
  try {
    raw = readJsonFile(path, 'DSE spec');
  } catch (err) {
    throw err instanceof ConfigError ? new SpecError(err.message) : err;
  }
  return parseSpec(raw, path, dirname(resolve(path)), basename(path).replace(/\.json$/i, ''));
}

/** True when the config has one of the listed values for every key of `when` (dotted keys). */
export function configMatches(config: HwConfig, when: Record<string, AxisValue[]>): boolean {
  return Object.entries(when).every(([dotted, values]) => {
    const [section, key] = dotted.split('.') as [string, string];
    return values.includes((config as unknown as Record<string, Record<string, AxisValue>>)[section]![key]!);
  });
}

/** Text of one axis value in labels and tables. */
function show(v: AxisValue): string {
  return typeof v === 'number' ? String(v) : v;
}

/** Short name of an axis in labels: the key without its section. */
export function axisShortName(axis: Axis): string {
  return axis.kind === 'key' ? axis.key : axis.name;
}

export interface Expansion {
  points: SpecPoint[];
  /** Combinations the config rejected (only with skipInvalid), with the reason. */
  skipped: { label: string; reason: string }[];
}

/**
 * Every combination of the axes (the first axis varies slowest), each applied to the base config and
 * validated. An invalid combination is an error naming it, or skipped with `skipInvalid`.
 */
export function expandSpec(spec: DseSpec): Expansion {
  const points: SpecPoint[] = [];
  const skipped: Expansion['skipped'] = [];
  const choices = spec.axes.map((a) => (a.kind === 'key' ? a.values : a.labels));
  const total = choices.reduce((n, c) => n * c.length, 1);
  if (total > 100_000) throw new SpecError(`the axes make ${total} points; split the exploration into smaller specs (at most 100000 points)`);
  const pick = new Array<number>(spec.axes.length).fill(0);
  for (let n = 0; n < total; n++) {
    let rest = n;
    for (let a = spec.axes.length - 1; a >= 0; a--) {
      pick[a] = rest % choices[a]!.length;
      rest = Math.floor(rest / choices[a]!.length);
    }
    const raw: Record<string, Record<string, unknown>> = {};
    for (const [section, values] of Object.entries(spec.base)) raw[section] = { ...values };
    const set = (section: string, key: string, v: AxisValue) => {
      raw[section] = { ...(raw[section] ?? {}), [key]: v };
    };
    const axes: Record<string, AxisValue> = {};
    spec.axes.forEach((axis, a) => {
      const choice = choices[a]![pick[a]!]!;
      axes[axis.name] = choice;
      if (axis.kind === 'key') set(axis.section, axis.key, choice);
      else for (const [dotted, v] of Object.entries(axis.settings[choice as string]!)) {
        const [section, key] = dotted.split('.') as [string, string];
        set(section, key, v);
      }
    });
    const label = spec.axes.length ? spec.axes.map((axis) => `${axisShortName(axis)}=${show(axes[axis.name]!)}`).join(' ') : 'base';
    try {
      points.push({ axes, label, config: parseConfig(raw, label) });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      if (!spec.skipInvalid) throw new SpecError(`the combination ${err.message}; fix the axes or set "skipInvalid": true to leave such combinations out`);
      skipped.push({ label, reason: err.message.slice(label.length + 2) });
    }
  }
  if (points.length === 0) throw new SpecError('every combination of the axes is invalid; nothing to explore');
  return { points, skipped };
}
