// The command line: `dysta workloads`, `simulate` (table, JSON schema, trace in/out, --slo-mult) and
// `sweep` (report folder), plus errors a user can act on, all through bin/dysta.js.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './helpers.ts';

const BIN = new URL('../../bin/dysta.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'dysta-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const dysta = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('dysta workloads', () => {
  it('lists the built-in zoo', () => {
    const out = execFileSync(process.execPath, [BIN, 'workloads'], { encoding: 'utf8' });
    expect(out).toMatch(/^cnn \(eyeriss flavour\): 12 variants of 4 architectures, >= 200 samples each/);
    expect(out).toContain('attention (sanger flavour): 3 variants');
    expect(out).toContain('resnet50_block4_sparse60');
  });

  it('describes a CSV folder', () => {
    const r = dysta('workloads', '--csv-dir', join(FIXTURES, 'sanger'), '--json', '-');
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json[0].flavour).toBe('sanger');
    expect(json[0].variants.map((v: { name: string }) => v.name)).toContain('load_balance_bert_squad_384');
  });
});

describe('zoo options', () => {
  it('--zoo-seed and --zoo-samples rebuild the zoo', () => {
    const a = JSON.parse(dysta('workloads', '--workload', 'attention', '--zoo-samples', '210', '--json', '-').stdout);
    const b = JSON.parse(dysta('workloads', '--workload', 'attention', '--zoo-samples', '210', '--zoo-seed', '5', '--json', '-').stdout);
    expect(a[0].variants.map((v: { samples: number }) => v.samples)).toEqual([210, 210, 210]);
    expect(a[0].variants[0].Tpat).not.toBe(b[0].variants[0].Tpat);
  });
});

describe('dysta simulate', () => {
  const csv = join(FIXTURES, 'eyerissv2');

  it('prints a table and writes the JSON schema of the issue, requests in trace order', () => {
    const json = join(dir, 'sim.json');
    const traceOut = join(dir, 'trace.json');
    const r = dysta('simulate', '--csv-dir', csv, '--rate', '30', '--requests', '60', '--seed', '4', '--slo-mult', '5', '--policies', 'dysta,fcfs', '--json', json, '--trace-out', traceOut);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^workload eyerissv2; Poisson, rate 30\.00 req\/s .*60 requests, seed 4; SLO multiplier 5/);
    expect(r.stdout).toMatch(/policy\s+violation rate\s+ANTT\s+STP \(inf\/s\)\s+dispatches\/req/);
    expect(r.stdout).toMatch(/\ndysta\s+\d\.\d{4}\s+\d+\.\d{3}\s+\d+\.\d{2}\s+\d+\.\d{3}\n/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(Object.keys(report.policies)).toEqual(['dysta', 'fcfs']);
    const dysta0 = report.policies.dysta;
    expect(Object.keys(dysta0).sort()).toEqual(['antt', 'dispatchesPerRequest', 'requests', 'stp', 'violationRate']);
    // FCFS never preempts: exactly one dispatch per request.
    expect(report.policies.fcfs.dispatchesPerRequest).toBe(1);
    expect(dysta0.dispatchesPerRequest).toBeGreaterThanOrEqual(1);
    expect(dysta0.requests).toHaveLength(60);
    expect(Object.keys(dysta0.requests[0])).toEqual(['arrival', 'variant', 'sample', 'priority', 'deadline', 'finish']);
    const trace = JSON.parse(readFileSync(traceOut, 'utf8'));
    expect(trace.sloMult).toBe(5);
    expect(dysta0.requests.map((q: { arrival: number }) => q.arrival)).toEqual(trace.requests.map((q: { arrival: number }) => q.arrival));
    const violations = dysta0.requests.filter((q: { finish: number; deadline: number }) => q.finish > q.deadline).length;
    expect(dysta0.violationRate).toBe(violations / 60);

    // Replaying the saved trace reproduces the run; --slo-mult overrides the trace's multiplier.
    const again = join(dir, 'again.json');
    expect(dysta('simulate', '--csv-dir', csv, '--trace', traceOut, '--policies', 'dysta,fcfs', '--json', again).status).toBe(0);
    expect(JSON.parse(readFileSync(again, 'utf8'))).toEqual(report);
    const looser = join(dir, 'looser.json');
    const r2 = dysta('simulate', '--csv-dir', csv, '--trace', traceOut, '--policies', 'dysta', '--slo-mult', '50', '--json', looser);
    expect(r2.stdout).toContain('SLO multiplier 50');
    const l = JSON.parse(readFileSync(looser, 'utf8')).policies.dysta;
    expect(l.requests[0].deadline).toBeGreaterThan(dysta0.requests[0].deadline);
    // Deadline - arrival = Tarch * M, so the slack grows by 50 / 5.
    expect((l.requests[0].deadline - l.requests[0].arrival) / (dysta0.requests[0].deadline - dysta0.requests[0].arrival)).toBeCloseTo(10, 9);
  });

  it('writes a decision log with the ready set, P and score of every decision', () => {
    const log = join(dir, 'decisions.jsonl');
    const r = dysta('simulate', '--workload', 'attention', '--load', '0.5', '--requests', '20', '--policies', 'dysta', '--decision-log', log);
    expect(r.status).toBe(0);
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((x) => JSON.parse(x));
    expect(lines).toHaveLength(20 * 12);
    expect(Object.keys(lines[0])).toEqual(['policy', 'index', 'time', 'ready', 'chosen', 'layer', 'predicted', 'score', 'gamma']);
  });

  it.each([
    [['simulate', '--policies', 'dysta,fifo'], /^dysta: unknown policy 'fifo'; choose from fcfs, sjf, /],
    [['simulate', '--workload', 'nope'], /^dysta: unknown workload 'nope'; the built-in ones are cnn, attention/],
    [['simulate', '--rate', '-3'], /^dysta: --rate must be a positive number of requests per second, got -3\./],
    [['simulate', '--trace', '/nonexistent/t.json'], /^dysta: cannot read trace \/nonexistent\/t\.json/],
    [['simulate', '--csv-dir', '/nonexistent'], /^dysta: cannot read CSV folder \/nonexistent/],
  ])('fails with a clear message and exit code 2 (input error): %j', (args, message) => {
    const r = dysta(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('a non-number for a number option is a usage error quoting what was typed (cli/main.ts, exit 2)', () => {
    const r = dysta('simulate', '--alpha', 'x');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('dysta: --alpha expects a number, got "x"\n');
  });

  it('refuses generator options next to --trace instead of ignoring them', () => {
    const r = dysta('simulate', '--trace', join(dir, 't.json'), '--seed', '3');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Arguments trace and seed are mutually exclusive');
  });

  it('does not leave a JSON file behind when it fails', () => {
    const json = join(dir, 'never.json');
    const r = dysta('simulate', '--trace', join(dir, 'missing.json'), '--json', json);
    expect(r.status).toBe(2);
    expect(existsSync(json)).toBe(false);
  });

  it('rejects a malformed trace with the field named', () => {
    const t = join(dir, 'bad-trace.json');
    writeFileSync(t, JSON.stringify({ sloMult: 10, requests: [{ arrival: 0, variant: 'bert', sample: 0, priority: 2 }] }));
    const r = dysta('simulate', '--workload', 'attention', '--trace', t);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`dysta: ${t}: requests[0].priority is 2; it must be 1, 3 or 9.\n`);
  });
});

describe('dysta sweep', () => {
  it('runs on worker threads, prints sparse progress lines when stderr is not a TTY, and writes the report', () => {
    const out = join(dir, 'sweep');
    const r = dysta('sweep', '--workload', 'attention', '--loads', '0.6,1.0', '--slo-mults', '3,6', '--seeds', '2', '--requests', '80', '--threads', '2', '--out', out);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('sweep attention: 2 rates x 2 SLO multipliers x 2 seeds x 13 policies, 80 requests each, 2 threads');
    expect(r.stderr).toContain('sweep: 8/8 jobs (100%)');
    expect(r.stdout).toMatch(/^104 points in [\d.]+ s; report in .*sweep\/ \(8 files, start with summary\.md\)/);
    expect(readdirSync(out)).toContain('violation-vs-slo.svg');
  });

  it('rejects a bad list value', () => {
    const r = dysta('sweep', '--slo-mults', '2,x');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("dysta: --slo-mults: 'x' is not a positive number.\n");
  });
});
