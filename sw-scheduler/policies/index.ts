// The policy registry: the eleven policies of ALGORITHMS.md (`POLICIES`, unchanged), then the
// policies of our own (BEYOND.md), all in the order reports list them. A new policy is one file plus
// one entry here.
import { excerpt } from '../../output/index.ts';
import { SchedulerInputError } from '../errors.ts';
import { dysta, dystaNaive, dystaOracle } from './dysta.ts';
import { fcfs } from './fcfs.ts';
import { mhg, mhgVio } from './mhg.ts';
import { planaria } from './planaria.ts';
import type { PolicyDefinition } from './policy.ts';
import { prema, premaSparse } from './prema.ts';
import { sdrm3, sdrm3Sparse } from './sdrm3.ts';
import { sjf, sjfSparse } from './sjf.ts';

export type { PolicyDefinition, PolicyParams, Selector, PredictionSource } from './policy.ts';
export { DEFAULT_POLICY_PARAMS } from './policy.ts';
export { selectByMaxRule } from './max-rule.ts';
export { MHG_DEFAULTS, MHG_VIO_DEFAULTS, createMhgSelector } from './mhg.ts';
export type { MhgParams, MhgExplanation, MhgSelector } from './mhg.ts';

/** The eleven published policies (ALGORITHMS.md), whose semantics never change. */
export const POLICIES: readonly PolicyDefinition[] = [
  fcfs,
  sjf,
  sjfSparse,
  prema,
  premaSparse,
  planaria,
  sdrm3,
  sdrm3Sparse,
  dysta,
  dystaNaive,
  dystaOracle,
];

export const POLICY_NAMES: readonly string[] = POLICIES.map((p) => p.name);

/** Policies beyond the paper (BEYOND.md section 2). */
export const BEYOND_POLICIES: readonly PolicyDefinition[] = [mhg, mhgVio];

/** Every policy: what `--policies all` runs (13). */
export const ALL_POLICIES: readonly PolicyDefinition[] = [...POLICIES, ...BEYOND_POLICIES];
export const ALL_POLICY_NAMES: readonly string[] = ALL_POLICIES.map((p) => p.name);

export function getPolicy(name: string): PolicyDefinition {
  const found = ALL_POLICIES.find((p) => p.name === name);
  if (!found) throw new SchedulerInputError(`unknown policy '${excerpt(name, 60)}'; choose from ${ALL_POLICY_NAMES.join(', ')} (or 'all').`);
  return found;
}

/** Parse a `--policies` value: a comma-separated list or `all`. */
export function parsePolicyList(value: string | readonly string[]): PolicyDefinition[] {
  const parts = (Array.isArray(value) ? value.join(',') : (value as string)).split(',').map((s) => s.trim());
  if (parts.every((p) => p === '')) throw new SchedulerInputError(`--policies needs at least one policy name, or 'all'.`);
  const empty = parts.indexOf('');
  if (empty >= 0) throw new SchedulerInputError(`--policies: item ${empty + 1} of '${excerpt(String(value), 80)}' is empty; remove the extra comma.`);
  if (parts.includes('all')) return [...ALL_POLICIES];
  const unique = [...new Set(parts)];
  return unique.map(getPolicy);
}
