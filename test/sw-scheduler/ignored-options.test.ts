// --predictor and --fit-split are not silently ignored: when none of the selected policies uses them,
// simulate, sweep and study say so in one `note:` line each on stderr.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ignoredOptionNotes, type PolicyArgs } from '../../sw-scheduler/command-options.ts';
import { parsePolicyList } from '../../sw-scheduler/policies/index.ts';

const BIN = new URL('../../bin/dysta.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'dysta-ignored-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const dysta = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

const PREDICTOR_NOTE = 'note: --predictor applies only to sjf_sparse, prema_sparse, sdrm3_sparse, dysta, mhg, mhg_vio; none of the selected policies uses it';
const FIT_SPLIT_NOTE =
  'note: --fit-split applies only to the regression predictor (mhg, mhg_vio by default, or sjf_sparse, prema_sparse, sdrm3_sparse, dysta, mhg, mhg_vio with --predictor regression); none of the selected policies uses it';

const args = (policies: string, predictor?: string, fitSplit?: string): PolicyArgs => ({
  policies,
  alpha: 1,
  beta: 0.01,
  predictor,
  'last-n': 3,
  'fit-split': fitSplit,
  'switch-cost': 0,
});
const notes = (policies: string, predictor?: string, fitSplit?: string) => ignoredOptionNotes(parsePolicyList(policies), args(policies, predictor, fitSplit));

describe('ignoredOptionNotes', () => {
  it('names --predictor when no selected policy uses a predicted latency', () => {
    expect(notes('fcfs,sjf,prema,planaria,sdrm3,dysta_naive,dysta_oracle', 'last')).toEqual([PREDICTOR_NOTE]);
    expect(notes('fcfs,dysta', 'last')).toEqual([]);
    expect(notes('fcfs')).toEqual([]);
  });

  it('names --fit-split when no selected policy runs the regression predictor', () => {
    expect(notes('dysta', undefined, 'halves')).toEqual([FIT_SPLIT_NOTE]);
    expect(notes('mhg', 'average', 'halves')).toEqual([FIT_SPLIT_NOTE]);
    expect(notes('fcfs', 'regression', 'even')).toEqual([PREDICTOR_NOTE, FIT_SPLIT_NOTE]);
    expect(notes('mhg', undefined, 'halves')).toEqual([]);
    expect(notes('dysta', 'regression', 'halves')).toEqual([]);
    // Not given: nothing to say, whatever the policies.
    expect(notes('fcfs', undefined, undefined)).toEqual([]);
  });
});

describe('the commands print them on stderr', () => {
  const simulate = (...extra: string[]) => dysta('simulate', '--workload', 'attention', '--requests', '20', ...extra);

  it('simulate', () => {
    const r = simulate('--policies', 'fcfs,sjf', '--predictor', 'regression');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`${PREDICTOR_NOTE}\n`);
    const both = simulate('--policies', 'fcfs', '--predictor', 'last', '--fit-split', 'halves');
    expect(both.stderr).toBe(`${PREDICTOR_NOTE}\n${FIT_SPLIT_NOTE}\n`);
    expect(simulate('--policies', 'dysta', '--fit-split', 'odd').stderr).toBe(`${FIT_SPLIT_NOTE}\n`);
    // Used: no note.
    expect(simulate('--policies', 'fcfs,mhg', '--fit-split', 'halves').stderr).toBe('');
    expect(simulate('--policies', 'sjf_sparse', '--predictor', 'regression', '--fit-split', 'even').stderr).toBe('');
  });

  it('sweep and study', () => {
    const grid = ['--workload', 'attention', '--loads', '0.9', '--slo-mults', '4', '--requests', '20', '--threads', '0'];
    const sweep = dysta('sweep', ...grid, '--policies', 'fcfs,planaria', '--predictor', 'last', '--fit-split', 'halves', '--seeds', '1', '--out', join(dir, 'sweep'));
    expect(sweep.status).toBe(0);
    expect(sweep.stderr.split('\n').filter((l) => l.startsWith('note:'))).toEqual([PREDICTOR_NOTE, FIT_SPLIT_NOTE]);
    // A study always runs dysta (a monitor policy), so only --fit-split can go unused there.
    const study = dysta('study', ...grid, '--policies', 'dysta,fcfs', '--fit-split', 'halves', '--seeds', '2', '--out', join(dir, 'study'));
    expect(study.status).toBe(0);
    expect(study.stderr.split('\n').filter((l) => l.startsWith('note:'))).toEqual([FIT_SPLIT_NOTE]);
    const used = dysta('study', ...grid, '--policies', 'dysta,mhg', '--fit-split', 'halves', '--seeds', '2', '--out', join(dir, 'study2'));
    expect(used.status).toBe(0);
    expect(used.stderr).not.toContain('note:');
  });
});
