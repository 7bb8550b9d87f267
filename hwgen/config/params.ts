// Parameter specifications: one table per section of the hardware configuration. Each entry gives
// the key, the default, the allowed range and what it means; the same table validates config files,
// documents them (`dysta gen-rtl --list-params`, README) and names the offending key in errors.

import { describeValue, excerpt } from '../../output/index.ts';

/** A configuration the user can fix: one line, exit code 2 (an input error). */
export class ConfigError extends Error {
  readonly userError = true as const;
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface IntParam {
  key: string;
  default: number;
  min: number;
  max: number;
  /** Values must be powers of two. */
  powerOfTwo?: boolean;
  doc: string;
}

/** A parameter whose value is one of a few names (e.g. the scheduler's policy). */
export interface ChoiceParam {
  key: string;
  default: string;
  choices: readonly string[];
  doc: string;
}

export type Param = IntParam | ChoiceParam;
export type ParamTable = readonly Param[];

function isChoice(p: Param): p is ChoiceParam {
  return 'choices' in p;
}

function describeRange(p: Param): string {
  if (isChoice(p)) return `one of ${p.choices.map((c) => JSON.stringify(c)).join(', ')}`;
  return p.powerOfTwo ? `a power of two from ${p.min} to ${p.max}` : `an integer from ${p.min} to ${p.max}`;
}

/** Checks one value against its spec; `path` is the dotted key used in messages. */
export function checkParam(p: Param, value: unknown, path: string): number | string {
  if (isChoice(p)) {
    if (typeof value !== 'string' || !p.choices.includes(value)) {
      throw new ConfigError(`${path} = ${JSON.stringify(value)} is not valid: it must be ${describeRange(p)} (${p.doc})`);
    }
    return value;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ConfigError(`${path} = ${describeValue(value)} is not valid: it must be ${describeRange(p)} (${p.doc})`);
  }
  if (value < p.min || value > p.max || (p.powerOfTwo && (value & (value - 1)) !== 0)) {
    throw new ConfigError(`${path} = ${value} is out of range: it must be ${describeRange(p)} (${p.doc})`);
  }
  return value;
}

/**
 * Validates one section: unknown keys are rejected (naming the allowed ones), missing keys take
 * their defaults.
 */
export function parseSection<T extends Record<string, number | string>>(table: ParamTable, raw: unknown, path: string): T {
  if (raw === undefined) raw = {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${path} must be an object with keys ${table.map((p) => p.key).join(', ')}`);
  }
  const out: Record<string, number | string> = {};
  for (const key of Object.keys(raw)) {
    if (!table.some((p) => p.key === key)) {
      throw new ConfigError(`${path}.${excerpt(key, 60)} is not a known parameter; allowed keys: ${table.map((p) => p.key).join(', ')}`);
    }
  }
  for (const p of table) {
    const v = Object.hasOwn(raw, p.key) ? (raw as Record<string, unknown>)[p.key] : undefined;
    out[p.key] = v === undefined ? p.default : checkParam(p, v, `${path}.${p.key}`);
  }
  return out as T;
}

export function defaultsOf<T extends Record<string, number | string>>(table: ParamTable): T {
  return Object.fromEntries(table.map((p) => [p.key, p.default])) as T;
}

/** A markdown table of a section's parameters (README, --list-params). */
export function paramsMarkdown(section: string, table: ParamTable): string {
  const rows = table.map((p) => `| \`${section}.${p.key}\` | ${isChoice(p) ? JSON.stringify(p.default) : p.default} | ${describeRange(p).replace(/^an? /, '')} | ${p.doc} |`);
  return ['| key | default | allowed | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
