// `dysta dse` end to end with both executors and the real tools: a small spec (two working
// configurations and one whose variant table cannot hold the CNN zoo) run by the local worker pool,
// then as a Slurm job array on a private single-node cluster, with identical results; a failed point
// is reported with its log and does not stop the others; Slurm resubmits it once and cleans up; a task
// that dies without a result keeps its output; --resume skips the points already done.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { comparableResult, type PointResult } from '../../dse/index.ts';
import { PROJECT_ROOT, runCli, tempDir } from '../helpers.ts';
import { slurmInstalled, startSlurmCluster, type SlurmCluster } from './slurm-cluster.ts';

interface Report {
  points: { index: number; id: string; label: string; status: string; error?: string; log: string; reused: boolean; result?: PointResult }[];
  pareto: Record<string, string[]>;
}
const report = (dir: string) => JSON.parse(readFileSync(join(dir, 'points.json'), 'utf8')) as Report;

describe('dysta dse: local and Slurm executors', () => {
  const dir = tempDir('dysta-dse-exec-');
  const spec = join(dir, 'spec.json');
  writeFileSync(
    spec,
    JSON.stringify({
      name: 'exec-test',
      axes: {
        design: {
          'D=1': { 'scheduler.log2Tasks': 1 },
          'D=2': { 'scheduler.log2Tasks': 2 },
          'D=1, 8 variants': { 'scheduler.log2Tasks': 1, 'scheduler.log2Variants': 3 },
        },
      },
      // A small PE array keeps synthesis (of the NPU tile, the smallest top) to seconds.
      base: { peArray: { lanes: 2, weightDepth: 16, accWidth: 24, maxRows: 255 } },
      workloads: ['cnn', 'attention'],
      requests: 30,
      measure: { rtl: true, synth: { target: 'xc7', top: 'npu_tile' }, ice40: { target: 'ice40-up5k', top: 'npu_tile', when: { 'scheduler.log2Tasks': [1] } } },
    }),
  );
  // A fresh synthesis cache, so the local run synthesises; the Slurm run then shares it as a cluster
  // shares the project's .cache (its RTL runs are measured again).
  const env = { ...process.env, DYSTA_SYNTH_CACHE_DIR: join(dir, 'synth-cache') } as Record<string, string>;
  const local = join(dir, 'local');
  const viaSlurm = join(dir, 'slurm');
  let cluster: SlurmCluster | undefined;

  beforeAll(async () => {
    if (!slurmInstalled()) throw new Error('slurm-wlm and munge are not installed: run `make setup`');
    cluster = await startSlurmCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
    if (cluster) expect(existsSync(cluster.dir)).toBe(false);
  });

  it('local: measures every point, reports the failed one with its log, exit code 1', async () => {
    const r = await runCli(['dse', '--spec', spec, '--out', local, '-j', '2'], { env });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/running 3 point\(s\) on 2 local worker\(s\)/);
    expect(r.stderr).toMatch(/\[\d\/3\] design=D=1, 8 variants: FAILED: the workload does not fit this configuration: workload 'cnn' has 12 variants, but scheduler\.log2Variants = 3 holds 8 variant tables; set scheduler\.log2Variants to at least 4; log: /);
    const rep = report(local);
    expect(rep.points.map((p) => [p.label, p.status])).toEqual([
      ['design=D=1', 'ok'],
      ['design=D=2', 'ok'],
      ['design=D=1, 8 variants', 'failed'],
    ]);
    for (const p of rep.points.slice(0, 2)) {
      const m = p.result!.measurements;
      expect(m.rtl!.runs.map((x) => x.workload)).toEqual(['cnn', 'attention']);
      for (const run of m.rtl!.runs) {
        expect(run.logsIdentical).toBe(true);
        expect(run.agreement.rtlVsGolden).toBe(1);
        expect(run.metrics.rtl).toEqual(run.metrics.golden);
        expect(run.decisions).toBeGreaterThan(30);
        expect(run.decisionLatency.samples).toBeGreaterThan(0);
      }
      expect(m.synth).toMatchObject({ target: 'xc7', top: 'npu_tile', device: 'xc7z020', fits: true, overflow: null, fmaxMHz: null });
      expect(m.synth!.LUT).toBeGreaterThan(50);
      expect(m.synth!.FF).toBeGreaterThan(50);
      expect(m.synth!.DSP).toBe(2);
      expect(m.synth!.worstPath!.estimatedMHz).toBeCloseTo(1000 / m.synth!.worstPath!.delayNs, 1);
      expect(p.result!.cached.synth).toBe(false);
      expect(p.result!.seconds.synth).toBeGreaterThan(0);
      expect(p.result!.seconds.total).toBeGreaterThanOrEqual(p.result!.seconds.synth + p.result!.seconds.simulate);
    }
    const [d1, d2] = rep.points.map((p) => p.result!.measurements);
    // iCE40 place and route only where the spec's `when` matches (D = 1).
    expect(d1!.ice40).toMatchObject({ target: 'ice40-up5k', top: 'npu_tile', fits: true });
    expect(d1!.ice40!.fmaxMHz).toBeGreaterThan(5);
    expect(d2!.ice40).toBeUndefined();
    // The NPU tile is the same in both; a table of 4 tasks has a longer decision latency than one of
    // 2, and refuses fewer admissions.
    expect(d2!.synth).toEqual(d1!.synth);
    expect(d2!.rtl!.summary.decisionLatencyMaxCycles).toBeGreaterThan(d1!.rtl!.summary.decisionLatencyMaxCycles);
    expect(d2!.rtl!.summary.refusals).toBeLessThan(d1!.rtl!.summary.refusals);
    const failed = rep.points[2]!;
    expect(failed.error).toMatch(/12 variants, but scheduler\.log2Variants = 3 holds 8 variant tables; set scheduler\.log2Variants to at least 4$/);
    expect(readFileSync(join(local, failed.log), 'utf8')).toMatch(/FAILED: Error: the workload does not fit/);
    // The report: table, front, CSV, SVGs, one config per point.
    const summary = readFileSync(join(local, 'summary.md'), 'utf8');
    expect(summary).toMatch(/## Pareto front: Area vs SLO violation rate\n/);
    expect(summary).toMatch(/## Pareto front: Fmax \(placed and routed, ice40-up5k\) vs decision latency\n/);
    expect(summary).toMatch(/## Failed points\n\n- 2 design=D=1, 8 variants \(failed\): the workload does not fit .*; log: `logs\/[0-9a-f]{16}\.log`/);
    expect(summary).toMatch(/\| # \| point \| generate \| build \| simulate \| check \| synth \| ice40 \| total \|/);
    expect(rep.pareto.areaViolation.length).toBeGreaterThan(0);
    expect(readFileSync(join(local, 'points.csv'), 'utf8').trim().split('\n')).toHaveLength(4);
    for (const svg of ['pareto-area-violation.svg', 'pareto-fmax-latency.svg', 'pareto-ice40-fmax-latency.svg', 'time-split.svg']) expect(readFileSync(join(local, svg), 'utf8')).toMatch(/^<svg/);
    expect(Object.keys(rep.pareto)).toEqual(['areaViolation', 'fmaxLatency', 'ice40FmaxLatency']);
    expect(rep.pareto.ice40FmaxLatency).toEqual([rep.points[0]!.result!.id]);
    const configs = readdirSync(join(local, 'configs')).filter((f) => f.endsWith('.json'));
    expect(configs).toHaveLength(3);
  });

  it('slurm: one job array gives the same results, resubmits the failed point once and cleans up', async () => {
    const t0 = performance.now();
    const r = await runCli(
      ['dse', '--spec', spec, '--out', viaSlurm, '--executor', 'slurm', '--partition', cluster!.partition, '--time', '10', '--cpus', '1', '-j', '2', '--poll', '0.3', '--sbatch-arg=--job-name=dysta-dse-test'],
      { env: { ...env, ...cluster!.env } },
    );
    const seconds = (performance.now() - t0) / 1000;
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/submitted Slurm job array \d+ \(3 task\(s\), at most 2 at once\)/);
    expect(r.stderr).toMatch(/resubmitting 1 failed point\(s\) once: design=D=1, 8 variants/);
    expect(r.stderr).toMatch(/Slurm job \d+: \d pending, \d running, 3\/3 ended/);
    const a = report(local).points;
    const b = report(viaSlurm).points;
    expect(b.map((p) => p.status)).toEqual(a.map((p) => p.status));
    for (let i = 0; i < a.length; i++) {
      expect(b[i]!.result!.executor).toBe('slurm');
      expect(comparableResult(b[i]!.result!)).toEqual(comparableResult(a[i]!.result!));
    }
    // Job scripts and Slurm output files are gone; the extra sbatch argument reached Slurm.
    expect(existsSync(join(viaSlurm, 'slurm'))).toBe(false);
    const jobs = await execa('squeue', ['-h', '-t', 'all', '-o', '%j %T'], { env: { ...env, ...cluster!.env } });
    expect(jobs.stdout).toMatch(/dysta-dse-test/);
    expect(jobs.stdout).not.toMatch(/PENDING|RUNNING/);
    process.stderr.write(`dse slurm test: cluster up in ${cluster!.startSeconds.toFixed(2)} s, dse run ${seconds.toFixed(1)} s\n`);
  });

  it('slurm: a task that dies without a result keeps its output, after one resubmission', async () => {
    const one = join(dir, 'one.json');
    writeFileSync(one, JSON.stringify({ name: 'one', axes: { 'scheduler.log2Tasks': [1] }, requests: 10 }));
    const out = join(dir, 'dies');
    // `node` missing from the tasks' PATH: a real cluster mistake (the environment is not the login's).
    const r = await runCli(['dse', '--spec', one, '--out', out, '--executor', 'slurm', '--cpus', '1', '--poll', '0.3', '--sbatch-arg=--export=PATH=/nonexistent'], { env: { ...env, ...cluster!.env } });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/resubmitting 1 failed point\(s\) once/);
    expect(r.stderr).toMatch(/log2Tasks=1: no result \(Slurm task FAILED \(NonZeroExitCode\), exit code 127:0\); log: .*logs\/[0-9a-f]{16}\.out/);
    const [p] = report(out).points;
    expect(p).toMatchObject({ status: 'missing', error: 'Slurm task FAILED (NonZeroExitCode), exit code 127:0' });
    expect(readFileSync(join(out, p!.log), 'utf8')).toMatch(/node: (command )?not found/);
    expect(existsSync(join(out, 'slurm'))).toBe(false);
  });

  it('slurm: if the command dies, the tasks still write their results and --resume takes them', async () => {
    const spec1 = join(dir, 'killed.json');
    writeFileSync(spec1, JSON.stringify({ name: 'killed', axes: { 'scheduler.log2Tasks': [1] }, requests: 10 }));
    const out = join(dir, 'killed');
    const child = execa('node', [join(PROJECT_ROOT, 'bin', 'dysta.js'), 'dse', '--spec', spec1, '--out', out, '--executor', 'slurm', '--cpus', '1', '--poll', '0.3'], {
      cwd: PROJECT_ROOT,
      env: { ...env, ...cluster!.env },
      reject: false,
    });
    let stderr = '';
    await new Promise<void>((submitted) => {
      child.stderr!.on('data', (d: Buffer) => {
        stderr += String(d);
        if (/submitted Slurm job array \d+/.test(stderr)) submitted();
      });
    });
    child.kill('SIGKILL');
    await child;
    const results = join(out, 'points');
    for (let i = 0; i < 1200 && readdirSync(results).filter((f) => f.endsWith('.json')).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    const r = await runCli(['dse', '--spec', spec1, '--out', out, '--resume'], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1 point\(s\), 1 already done \(--resume\), 0 to run/);
    const [p] = report(out).points;
    expect(p).toMatchObject({ status: 'ok', reused: true });
    expect(p!.result!.executor).toBe('slurm');
  });

  it('--resume skips the points already done and measures the rest', async () => {
    const before = report(local).points;
    const r = await runCli(['dse', '--spec', spec, '--out', local, '--resume'], { env });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/3 point\(s\), 2 already done \(--resume\), 1 to run/);
    const after = report(local).points;
    expect(after.map((p) => p.reused)).toEqual([true, true, false]);
    for (let i = 0; i < 2; i++) expect(after[i]!.result).toEqual(before[i]!.result);
    expect(after[2]!.result!.finishedAt).not.toBe(before[2]!.result!.finishedAt);
  });

  it('Ctrl-C stops the run and keeps what is done; --resume measures the rest', async () => {
    const two = join(dir, 'two.json');
    // The RTL of the first test's D=1 and D=2 points (the PE array is not in the scheduler): cached builds.
    writeFileSync(two, JSON.stringify({ name: 'two', axes: { 'scheduler.log2Tasks': [1, 2] }, requests: 30 }));
    const out = join(dir, 'interrupted');
    // A terminal's Ctrl-C reaches the whole process group: the command and the point it runs.
    const child = execa('node', [join(PROJECT_ROOT, 'bin', 'dysta.js'), 'dse', '--spec', two, '--out', out, '-j', '1'], {
      cwd: PROJECT_ROOT,
      env,
      detached: true,
      reject: false,
    });
    let stderr = '';
    await new Promise<void>((started) => {
      child.stderr!.on('data', (d: Buffer) => {
        stderr += String(d);
        // The second point has started once the first one's line is out.
        if (/\[1\/2\] .*: ok/.test(stderr)) started();
      });
    });
    process.kill(-child.pid!, 'SIGINT');
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/dse: interrupted; stopping the points that run/);
    expect(r.stderr).toMatch(/\[2\/2\] log2Tasks=\d: no result \(interrupted\)/);
    const rep = report(out).points;
    expect(rep.map((p) => p.status).sort()).toEqual(['missing', 'ok']);
    const cut = rep.find((p) => p.status === 'missing')!;
    expect(cut.error).toBe('interrupted');
    // Nothing half-written: no result for the interrupted point, no scratch folder, no process left.
    expect(readdirSync(join(out, 'points')).filter((f) => f.endsWith('.json'))).toHaveLength(1);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith(`dysta-dse-${cut.id}-`))).toEqual([]);
    const alive = readdirSync('/proc')
      .filter((f) => /^\d+$/.test(f))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(out);
        } catch {
          return false;
        }
      });
    expect(alive).toEqual([]);

    const again = await runCli(['dse', '--spec', two, '--out', out, '--resume'], { env });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/2 point\(s\), 1 already done \(--resume\), 1 to run/);
    const after = report(out).points;
    expect(after.map((p) => p.status)).toEqual(['ok', 'ok']);
    expect(after.map((p) => p.reused)).toEqual(rep.map((p) => p.status === 'ok'));
  });

  it('slurm without a cluster: one line, exit code 2, nothing written', async () => {
    const out = join(dir, 'no-cluster');
    const missing = await runCli(['dse', '--spec', spec, '--out', out, '--executor', 'slurm'], { env: { ...env, SLURM_CONF: join(dir, 'no', 'slurm.conf') } });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^dysta: SLURM_CONF is .*no\/slurm\.conf, which does not exist; point it at the cluster's slurm\.conf/)]);
    // A configuration naming a controller that is not there.
    const conf = join(dir, 'dead.conf');
    writeFileSync(conf, readFileSync(cluster!.env.SLURM_CONF!, 'utf8').replace(/SlurmctldPort=\d+/, 'SlurmctldPort=1'));
    const dead = await runCli(['dse', '--spec', spec, '--out', out, '--executor', 'slurm', '--poll', '0.3'], { env: { ...env, SLURM_CONF: conf } });
    expect(dead.exitCode, dead.stderr).toBe(2);
    expect(dead.stderr).toMatch(/dysta: sbatch refused the job array: .*(Unable to contact|Connection refused|Zero Bytes)/);
    expect(existsSync(join(out, 'points'))).toBe(true);
  });

  it('never writes into a folder it did not make', async () => {
    const mine = join(dir, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'notes.txt'), 'keep');
    const r = await runCli(['dse', '--spec', spec, '--out', mine], { env });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^dysta: --out .*mine is a folder that dysta did not write/);
    expect(readdirSync(mine)).toEqual(['notes.txt']);
  });
});
