// `dysta simulate` with the options beyond the paper: --sigma/--lambda/--tau turn mhg into mhg_vio,
// --switch-cost slows every policy but fcfs's dispatch count, --predictor regression changes dysta.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/dysta.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'dysta-beyond-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const simulate = (name: string, ...args: string[]) => {
  const json = join(dir, `${name}.json`);
  const r = spawnSync(process.execPath, [BIN, 'simulate', '--workload', 'attention', '--load', '1.1', '--requests', '200', '--slo-mult', '4', '--json', json, ...args], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return { stdout: r.stdout, policies: JSON.parse(readFileSync(json, 'utf8')).policies };
};

describe('simulate: options beyond the paper', () => {
  it('mhg with sigma 0.1, lambda 3, tau 0.1 is mhg_vio', () => {
    const a = simulate('a', '--policies', 'mhg', '--sigma', '0.1', '--lambda', '3', '--tau', '0.1').policies.mhg;
    const b = simulate('b', '--policies', 'mhg_vio').policies.mhg_vio;
    expect(a).toEqual(b);
    const c = simulate('c', '--policies', 'mhg').policies.mhg;
    expect(c.requests.map((q: { finish: number }) => q.finish)).not.toEqual(a.requests.map((q: { finish: number }) => q.finish));
  });

  it('--switch-cost delays finishes; fcfs still dispatches once per request', () => {
    const base = simulate('d', '--policies', 'fcfs,dysta').policies;
    const slow = simulate('e', '--policies', 'fcfs,dysta', '--switch-cost', '0.0005');
    expect(slow.stdout).toContain('switch cost 0.0005 s');
    expect(slow.policies.fcfs.dispatchesPerRequest).toBe(1);
    expect(slow.policies.dysta.dispatchesPerRequest).toBeGreaterThan(1);
    expect(slow.policies.fcfs.antt).toBeGreaterThan(base.fcfs.antt);
  });

  it('--predictor regression changes dysta; the default stays the paper\'s', () => {
    const paper = simulate('f', '--policies', 'dysta').policies.dysta;
    const explicit = simulate('g', '--policies', 'dysta', '--predictor', 'average').policies.dysta;
    const regression = simulate('h', '--policies', 'dysta', '--predictor', 'regression').policies.dysta;
    expect(explicit).toEqual(paper);
    expect(regression.requests.map((q: { finish: number }) => q.finish)).not.toEqual(paper.requests.map((q: { finish: number }) => q.finish));
  });
});
