// Benchmark of `dysta dse`, measured as a user sees it: whole processes of the real command.
//   1. The private single-node Slurm cluster of the test suite (test/dse/slurm-cluster.ts): seconds
//      from starting munged, slurmctld and slurmd to the node being idle (the issue expects about half
//      a second), over --starts starts.
//   2. One small spec (default examples/dse/tiny.json) run by the local executor and as a Slurm job
//      array on that cluster, one after the other in this run: wall times, their ratio, and whether
//      the results agree (they must: the same `dysta dse-point` runs either way).
//   3. With --spec FILE (e.g. examples/dse/default.json): that spec, cold (an empty Verilator cache
//      and synthesis cache of its own; ccache as it is): wall time, and the time per point split
//      into generate, build, simulate, check, synth and iCE40 (sum and mean over the points).
//   npm run bench:dse [-- --starts 5] [-- --small examples/dse/tiny.json] [-- --spec examples/dse/default.json] [-- --jobs 2]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { comparableResult, type PointResult } from '../dse/index.ts';
import { startSlurmCluster } from '../test/dse/slurm-cluster.ts';

const { values } = parseArgs({
  options: {
    starts: { type: 'string', default: '5' },
    small: { type: 'string', default: 'examples/dse/tiny.json' },
    spec: { type: 'string' },
    jobs: { type: 'string' },
  },
});
const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'dysta.js');
const work = mkdtempSync(join(tmpdir(), 'bench-dse-'));
const fmt = (x: number, digits = 2) => x.toFixed(digits);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Points {
  points: { label: string; status: string; result?: PointResult }[];
}

async function dse(args: string[], env: Record<string, string> = {}): Promise<{ wall: number; points: Points['points']; exitCode: number; stderr: string }> {
  const t0 = performance.now();
  const r = await execa('node', [BIN, 'dse', ...args], { cwd: ROOT, reject: false, env: { ...process.env, ...env } });
  const wall = (performance.now() - t0) / 1000;
  const out = args[args.indexOf('--out') + 1]!;
  let points: Points['points'] = [];
  try {
    points = (JSON.parse(readFileSync(join(out, 'points.json'), 'utf8')) as Points).points;
  } catch {
    // No report: the exit code and stderr say why.
  }
  return { wall, points, exitCode: r.exitCode ?? -1, stderr: r.stderr };
}

try {
  const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`# bench:dse (${new Date().toISOString()}, load average ${load()})\n`);

  // 1. Cluster start-up.
  const starts: number[] = [];
  for (let i = 0; i < Number(values.starts); i++) {
    const c = await startSlurmCluster();
    starts.push(c.startSeconds);
    await c.stop();
  }
  console.log('## Private Slurm cluster start (munged + slurmctld + slurmd until the node is idle)\n');
  console.log('| figure | value |');
  console.log('|---|---:|');
  console.log(`| starts | ${starts.map((s) => fmt(s)).join(', ')} s |`);
  console.log(`| median / best | ${fmt(median(starts))} s / ${fmt(Math.min(...starts))} s |`);

  // 2. The same small spec through both executors.
  const small = resolve(ROOT, values.small);
  const cluster = await startSlurmCluster();
  let local, slurm;
  try {
    local = await dse(['--spec', small, '--out', join(work, 'small-local')]);
    slurm = await dse(['--spec', small, '--out', join(work, 'small-slurm'), '--executor', 'slurm', '--partition', cluster.partition, '--cpus', '1', '--poll', '0.5'], cluster.env);
  } finally {
    await cluster.stop();
  }
  const same =
    local.points.length > 0 &&
    local.points.length === slurm.points.length &&
    local.points.every((p, i) => p.result && slurm.points[i]!.result && JSON.stringify(comparableResult(p.result)) === JSON.stringify(comparableResult(slurm.points[i]!.result!)));
  console.log(`\n## ${values.small}: local executor vs Slurm job array (whole command, same run)\n`);
  console.log('| executor | wall | points ok | exit |');
  console.log('|---|---:|---:|---:|');
  for (const [name, r] of [['local', local], ['slurm (poll 0.5 s)', slurm]] as const) {
    console.log(`| ${name} | ${fmt(r.wall, 1)} s | ${r.points.filter((p) => p.status === 'ok').length}/${r.points.length} | ${r.exitCode} |`);
  }
  console.log(`\nslurm / local = ${fmt(slurm.wall / local.wall)}; results identical: ${same ? 'yes' : 'NO'}`);
  if (!same) console.log(`\nlocal stderr:\n${local.stderr}\nslurm stderr:\n${slurm.stderr}`);

  // 3. A full spec, cold.
  if (values.spec) {
    const caches = { DYSTA_CACHE_DIR: join(work, 'verilator-cache'), DYSTA_SYNTH_CACHE_DIR: join(work, 'synth-cache') };
    const args = ['--spec', resolve(ROOT, values.spec), '--out', join(work, 'spec'), ...(values.jobs ? ['-j', values.jobs] : [])];
    const r = await dse(args, caches);
    console.log(`\n## dysta dse --spec ${values.spec}${values.jobs ? ` -j ${values.jobs}` : ''}: cold (empty Verilator and synthesis caches; ccache as it is)\n`);
    console.log(`wall ${fmt(r.wall, 1)} s, exit ${r.exitCode}, ${r.points.filter((p) => p.status === 'ok').length}/${r.points.length} points ok, load average after ${load()}\n`);
    const phases = ['generate', 'build', 'simulate', 'check', 'synth', 'ice40', 'total'] as const;
    const measured = r.points.filter((p) => p.result).map((p) => p.result!.seconds);
    console.log(`| seconds | ${phases.join(' | ')} |`);
    console.log(`|---|${phases.map(() => '---:').join('|')}|`);
    const sum = (k: (typeof phases)[number]) => measured.reduce((a, s) => a + s[k], 0);
    console.log(`| sum over points | ${phases.map((k) => fmt(sum(k), 1)).join(' | ')} |`);
    console.log(`| mean per point | ${phases.map((k) => fmt(sum(k) / Math.max(1, measured.length), 1)).join(' | ')} |`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
