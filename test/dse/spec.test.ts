// The DSE spec is validated like a hardware config: unknown keys named with the allowed ones, axis
// values through the config's own range checks, combinations through its cross-key rules. And the
// examples in examples/dse/ are valid specs.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandSpec, loadSpecFile, parseSpec, SpecError } from '../../dse/index.ts';
import { PROJECT_ROOT, runCli, tempDir } from '../helpers.ts';

const parse = (raw: unknown) => parseSpec(raw, 'spec.json', PROJECT_ROOT);
const error = (raw: unknown): string => {
  try {
    expandSpec(parse(raw));
  } catch (err) {
    expect(err).toBeInstanceOf(SpecError);
    return (err as Error).message;
  }
  throw new Error('the spec was accepted');
};

describe('DSE spec', () => {
  // Made here, not inside a test: tempDir's clean-up hook only runs when registered at this level.
  const dir = tempDir('dysta-dse-spec-');
  it('every example in examples/dse parses and expands', () => {
    const dir = join(PROJECT_ROOT, 'examples', 'dse');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files).toEqual(expect.arrayContaining(['default.json', 'tiny.json', 'csv-folder.json']));
    for (const f of files) {
      const spec = loadSpecFile(join(dir, f));
      expect(spec.name).toBe(f.replace(/\.json$/, ''));
      expect(expandSpec(spec).points.length).toBeGreaterThan(0);
    }
    const def = expandSpec(loadSpecFile(join(dir, 'default.json')));
    expect(def.points.map((p) => p.label)).toEqual([
      'log2Tasks=1 scorePath=32-bit',
      'log2Tasks=1 scorePath=16-bit',
      'log2Tasks=3 scorePath=32-bit',
      'log2Tasks=3 scorePath=16-bit',
      'log2Tasks=6 scorePath=32-bit',
      'log2Tasks=6 scorePath=16-bit',
    ]);
    // A group axis sets all its keys; keys no axis sets keep their defaults.
    expect(def.points[1]!.config.scheduler).toMatchObject({ log2Tasks: 1, scoreWidth: 16, scoreShift: 12, idleWidth: 36, penaltyScaleWidth: 16, penaltyScaleFracBits: 6, timeWidth: 48 });
    expect(def.points[4]!.config.scheduler).toMatchObject({ log2Tasks: 6, scoreWidth: 32, scoreShift: 0 });
  });

  it('applies defaults and resolves a CSV folder against the spec\'s folder', () => {
    const spec = loadSpecFile(join(PROJECT_ROOT, 'examples', 'dse', 'csv-folder.json'));
    expect(spec.workloads).toEqual([{ kind: 'csv', dir: join(PROJECT_ROOT, 'test', 'fixtures', 'workloads', 'eyerissv2'), seqLen: 512 }]);
    const minimal = parse({ axes: { 'peArray.lanes': [2, 3, 5] } });
    // The zoo's own seed and sample count unless the spec sets them.
    expect(minimal.workloads).toEqual([{ kind: 'zoo', name: 'cnn' }]);
    expect(parse({ workloads: [{ zoo: 'attention', seed: 7 }] }).workloads).toEqual([{ kind: 'zoo', name: 'attention', seed: 7 }]);
    expect(minimal).toMatchObject({ loads: [0.9], sloMults: [10], seeds: [1], requests: 200, measure: { rtl: true, synth: false, ice40: false } });
    expect(parse({ measure: { synth: {}, ice40: {} } }).measure).toEqual({ rtl: true, synth: { target: 'xcup', top: 'dysta_scheduler' }, ice40: { target: 'ice40-up5k', top: 'dysta_scheduler', when: {} } });
    expect(expandSpec(minimal).points.map((p) => p.config.peArray.lanes)).toEqual([2, 3, 5]);
  });

  it('rejects unknown keys, naming the key and the allowed ones', () => {
    expect(error({ axis: {} })).toMatch(/^spec\.json: unknown key "axis"; allowed keys: .*\baxes\b.*\bworkloads\b/);
    expect(error({ measure: { rtl: true, sinth: {} } })).toMatch(/measure: unknown key "sinth"; allowed keys: rtl, synth, ice40/);
    expect(error({ measure: { synth: { target: 'xc7', part: 'x' } } })).toMatch(/measure\.synth: unknown key "part"; allowed keys: target, top/);
    expect(error({ workloads: [{ zoo: 'cnn', sample: 3 }] })).toMatch(/workloads\[0\]: unknown key "sample"; allowed keys: zoo, seed, samples/);
    expect(error({ axes: { 'scheduler.log2Task': [1] } })).toMatch(/"scheduler\.log2Task" is not a config key; allowed scheduler keys: log2Tasks, /);
    expect(error({ axes: { 'sched.log2Tasks': [1] } })).toMatch(/"sched\.log2Tasks" is not a config key; .*sections peArray, scheduler/);
    expect(error({ axes: { narrow: { a: { 'scheduler.scoreWidht': 16 } } } })).toMatch(/axes\."narrow"\."a": "scheduler\.scoreWidht" is not a config key/);
    expect(error({ base: { scheduler: { log2Taks: 3 } } })).toMatch(/scheduler\.log2Taks is not a known parameter; allowed keys: log2Tasks/);
  });

  it('checks every axis value with the config\'s own range check', () => {
    expect(error({ axes: { 'scheduler.log2Tasks': [1, 11] } })).toMatch(/axes\."scheduler\.log2Tasks": scheduler\.log2Tasks = 11 is out of range: it must be an integer from 1 to 10/);
    expect(error({ axes: { 'scheduler.selectorUnits': [3] } })).toMatch(/selectorUnits = 3 is out of range: it must be a power of two from 1 to 8/);
    expect(error({ axes: { 'peArray.lanes': [2.5] } })).toMatch(/peArray\.lanes = 2\.5 is not valid/);
    expect(error({ axes: { 'peArray.lanes': [2, 2] } })).toMatch(/the value 2 appears twice/);
    expect(error({ axes: { 'peArray.lanes': [] } })).toMatch(/axes\.peArray\.lanes/);
    expect(error({ loads: [0.9, -1] })).toMatch(/loads\[1\]/);
    expect(error({ requests: 0 })).toMatch(/requests/);
    expect(error({ workloads: ['cnnn'] })).toMatch(/workloads\[0\]: unknown zoo workload "cnnn"; the built-in ones are cnn, attention/);
    expect(error({ workloads: [{ csvDir: 'no/such/folder' }] })).toMatch(/csvDir no\/such\/folder is not a folder/);
    expect(error({ measure: { rtl: false } })).toMatch(/nothing to measure/);
    expect(error({ measure: { synth: { target: 'ice40-up5k' } } })).toMatch(/measure\.synth\.target: Invalid option: expected one of "xcup"\|"xc7"/);
    expect(error({ measure: { ice40: { target: 'xcup' } } })).toMatch(/measure\.ice40\.target/);
    expect(error({ measure: { ice40: { when: { 'scheduler.log2Tasks': [0] } } } })).toMatch(/measure\.ice40\.when\."scheduler\.log2Tasks": scheduler\.log2Tasks = 0 is out of range/);
    expect(error({ measure: { ice40: { when: { 'scheduler.lanes': [1] } } } })).toMatch(/"scheduler\.lanes" is not a config key/);
    expect(error({ axes: { 'scheduler.log2Tasks': [1], both: { x: { 'scheduler.log2Tasks': 2 } } } })).toMatch(/"scheduler\.log2Tasks" is set by both axis "scheduler\.log2Tasks" and axis "both"/);
  });

  it('names an invalid combination, or leaves it out with skipInvalid', () => {
    // scoreWidth + scoreShift must not exceed timeWidth (48): only the combination is invalid.
    const axes = { 'scheduler.scoreWidth': [32, 40], 'scheduler.scoreShift': [0, 12] };
    expect(error({ axes })).toMatch(/the combination scoreWidth=40 scoreShift=12: scheduler: scoreWidth \+ scoreShift = 52 must not exceed timeWidth \(48\).*"skipInvalid": true/);
    const { points, skipped } = expandSpec(parse({ axes, skipInvalid: true }));
    expect(points.map((p) => p.label)).toEqual(['scoreWidth=32 scoreShift=0', 'scoreWidth=32 scoreShift=12', 'scoreWidth=40 scoreShift=0']);
    expect(skipped).toEqual([{ label: 'scoreWidth=40 scoreShift=12', reason: expect.stringMatching(/must not exceed timeWidth/) }]);
  });

  it('the CLI exits 2 with one line for a bad spec, and --list runs nothing', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ axes: { 'scheduler.log2Tasks': [0] } }));
    const r = await runCli(['dse', '--spec', bad, '--list']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^dysta: .*bad\.json: axes\."scheduler\.log2Tasks": scheduler\.log2Tasks = 0 is out of range/)]);
    const missing = await runCli(['dse', '--spec', join(dir, 'nope.json')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/cannot read DSE spec .*nope\.json: it does not exist/);
    writeFileSync(bad, '{"axes": ');
    expect((await runCli(['dse', '--spec', bad])).stderr).toMatch(/is not valid JSON/);
    const list = await runCli(['dse', '--spec', join(PROJECT_ROOT, 'examples', 'dse', 'tiny.json'), '--list', '--out', join(dir, 'never')]);
    expect(list.exitCode).toBe(0);
    expect(list.stdout).toMatch(/^2 point\(s\); each measured on 1 trace\(s\)\n +0 +[0-9a-f]{16} +log2Tasks=1\n +1 +[0-9a-f]{16} +log2Tasks=2$/);
    mkdirSync(join(dir, 'x'));
    expect(readdirSync(dir).sort()).toEqual(['bad.json', 'x']);
  });
});
