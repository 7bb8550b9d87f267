// The Slurm executor: one `sbatch --array` job with a task per point; each task runs
// `dysta dse-point` on a shared filesystem and writes its result into the output folder.
//
// The command waits with progress, polling `squeue` (and `scontrol` for why a task failed), since
// accounting (`sacct`) is often disabled. Tasks whose point has no result, or a failed one, are
// resubmitted once as a second array job. At the end the job scripts and the Slurm output files of
// points that wrote their own log are removed; the output of a task that died without a result is
// kept as logs/<id>.out. Ctrl-C cancels the jobs (`scancel`).
//
// Requirements (any cluster): the Slurm client commands and a cluster the user can submit to
// (SLURM_CONF when the configuration is not in the default place); the project checkout (with
// node_modules), the output folder and the caches (.cache/ in the project, or DYSTA_CACHE_DIR /
// DYSTA_SYNTH_CACHE_DIR) at the same paths on every node; `node`, verilator and yosys of the same
// versions on every node (each task checks, against the plan, and fails with the difference).
import { existsSync, readFileSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { OUTPUT_MARKER, ensureOutputDir, writeOutputFile } from '../output/index.ts';
import { costOrder, pointCommand, type ExecutorContext } from './executors.ts';
import { pointPaths } from './plan.ts';
import { SpecError } from './spec.ts';

/** The Slurm side cannot take the run (no client commands, no cluster, sbatch refused): one line, exit code 2, like a spec error. */
export class SlurmError extends SpecError {
  override readonly name = 'SlurmError';
}

export interface SlurmOptions {
  partition?: string;
  /** Time limit per task, in any format sbatch accepts (e.g. 30, 1:00:00). */
  time?: string;
  /** CPUs per task (--cpus-per-task). */
  cpus: number;
  /** Passed to sbatch as they are. */
  sbatchArgs: readonly string[];
  /** At most this many tasks at once (the array's %N); unset = no cap. */
  jobs?: number;
  /** Seconds between squeue polls. */
  pollSeconds: number;
}

/** States in which a task will not run again. Everything else (PENDING, RUNNING, COMPLETING, ...) is active. */
const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'DEADLINE', 'REVOKED']);

/** Waits `ms`, or less if the run is interrupted. */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((done) => {
    const wake = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', wake);
      done();
    };
    const t = setTimeout(wake, ms);
    signal.addEventListener('abort', wake);
  });

async function slurmCommand(command: string, args: string[]) {
  try {
    return await execa(command, args, { reject: false, all: true, timeout: 120_000 });
  } catch {
    throw new SlurmError(`${command} was not found: the slurm executor needs the Slurm client commands (Debian: apt-get install slurm-client; \`make setup\` installs slurm-wlm) and a cluster to submit to (SLURM_CONF)`);
  }
}

/** Tasks 0..n-1, at most `jobs` at once. */
function arraySpec(n: number, jobs: number | undefined): string {
  return `0-${n - 1}${jobs ? `%${jobs}` : ''}`;
}

function jobScript(ctx: ExecutorContext, indices: readonly number[], round: number, jobs: number | undefined): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = pointCommand(ctx, '${POINTS[$SLURM_ARRAY_TASK_ID]}', 'slurm');
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=dse-${ctx.plan.name}`,
    `#SBATCH --array=${arraySpec(indices.length, jobs)}`,
    `#SBATCH --output=${join(ctx.outDir, 'slurm', '%A_%a.out')}`,
    `# Written by \`dysta dse\` (round ${round}): task k runs point POINTS[k] of ${ctx.planPath}.`,
    `POINTS=(${indices.join(' ')})`,
    `cd ${q(ctx.plan.projectRoot)} || exit 1`,
    // `node` from the submitting environment (sbatch exports it by default).
    `exec node ${command.map((a) => (a.startsWith('${') ? `"${a}"` : q(a))).join(' ')}`,
    '',
  ].join('\n');
}

interface TaskInfo {
  state?: string;
  reason?: string;
  exitCode?: string;
}

/** Task id -> state of the array job's tasks that Slurm still knows; null once the job is gone. */
async function queueStates(jobId: string): Promise<Map<number, string> | null | 'error'> {
  const r = await slurmCommand('squeue', ['-h', '-r', '-t', 'all', '-j', jobId, '-o', '%K %T']);
  if (r.exitCode !== 0) return /invalid job id/i.test(r.all ?? '') ? null : 'error';
  const states = new Map<number, string>();
  for (const line of (r.stdout ?? '').split('\n')) {
    const [task, state] = line.trim().split(/\s+/);
    if (task && state && /^\d+$/.test(task)) states.set(Number(task), state);
  }
  return states;
}

/** Why tasks ended (JobState, Reason, ExitCode), from scontrol while Slurm still remembers the job. */
async function taskDetails(jobId: string): Promise<Map<number, TaskInfo>> {
  const r = await slurmCommand('scontrol', ['-o', 'show', 'job', jobId]);
  const out = new Map<number, TaskInfo>();
  if (r.exitCode !== 0) return out;
  for (const line of (r.stdout ?? '').split('\n')) {
    const field = (k: string) => new RegExp(`(?:^|\\s)${k}=(\\S+)`).exec(line)?.[1];
    const task = field('ArrayTaskId');
    if (task && /^\d+$/.test(task)) out.set(Number(task), { state: field('JobState'), reason: field('Reason'), exitCode: field('ExitCode') });
  }
  return out;
}

type Outcome = 'done' | 'retry';

function outcomeOf(ctx: ExecutorContext, index: number): { outcome: Outcome; status?: string } {
  const path = pointPaths(ctx.outDir, ctx.plan.points[index]!.id).result;
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as { hash?: string; status?: string };
    if (r.hash !== ctx.plan.points[index]!.hash) return { outcome: 'retry' };
    // A mismatch is a finding, not an accident of the cluster: running it again gives the same.
    return { outcome: r.status === 'failed' ? 'retry' : 'done', status: r.status };
  } catch {
    return { outcome: 'retry' };
  }
}

async function submit(ctx: ExecutorContext, indices: readonly number[], round: number, o: SlurmOptions): Promise<{ jobId: string; script: string }> {
  const script = join(ctx.outDir, 'slurm', `round-${round}.sh`);
  await writeOutputFile(script, jobScript(ctx, indices, round, o.jobs), 'Slurm job script');
  const args = ['--parsable', `--cpus-per-task=${o.cpus}`];
  if (o.partition) args.push(`--partition=${o.partition}`);
  if (o.time) args.push(`--time=${o.time}`);
  args.push(...o.sbatchArgs, script);
  const r = await slurmCommand('sbatch', args);
  const jobId = (r.stdout ?? '').trim().split(';')[0] ?? '';
  if (r.exitCode !== 0 || !/^\d+$/.test(jobId)) {
    throw new SlurmError(`sbatch refused the job array: ${(r.all ?? '').trim().split('\n').slice(-3).join(' ') || `exit code ${r.exitCode}`} (sbatch ${args.join(' ')})`);
  }
  return { jobId, script };
}

/** Checks, before any work, that the Slurm client commands run and find a cluster configuration. */
export async function checkSlurm(): Promise<string> {
  // sbatch would retry a missing configuration file for a minute before saying so.
  const conf = process.env.SLURM_CONF;
  if (conf && !existsSync(conf)) throw new SlurmError(`SLURM_CONF is ${conf}, which does not exist; point it at the cluster's slurm.conf (or unset it to use the default)`);
  const versions: string[] = [];
  for (const command of ['sbatch', 'squeue', 'scontrol']) {
    const r = await slurmCommand(command, ['--version']);
    if (r.exitCode !== 0) {
      const last = (r.all ?? '').trim().split('\n').pop() ?? '';
      throw new SlurmError(`${command} cannot reach a Slurm cluster (${last.trim() || `exit code ${r.exitCode}`}); set SLURM_CONF to the cluster's slurm.conf, or run where sbatch works`);
    }
    versions.push((r.stdout ?? '').trim());
  }
  return versions[0]!;
}

export async function runSlurm(ctx: ExecutorContext, indices: readonly number[], o: SlurmOptions): Promise<void> {
  ensureOutputDir(join(ctx.outDir, 'slurm'), 'dse slurm files', 'Slurm folder');
  const submitted: string[] = [];
  const scripts: string[] = [];
  const outputs = new Map<number, string>(); // plan index -> its last Slurm output file
  const allOutputs: string[] = [];
  const notes = new Map<number, string>();
  let pending = costOrder(ctx.plan, indices);
  const cancel = () => {
    if (submitted.length) void execa('scancel', submitted, { reject: false });
  };
  ctx.signal.addEventListener('abort', cancel);
  try {
    for (let round = 1; round <= 2 && pending.length > 0 && !ctx.signal.aborted; round++) {
      if (round === 2) ctx.log(`dse: resubmitting ${pending.length} failed point(s) once: ${pending.map((i) => ctx.plan.points[i]!.label).join('; ')}`);
      const { jobId, script } = await submit(ctx, pending, round, o);
      submitted.push(jobId);
      scripts.push(script);
      ctx.log(`dse: submitted Slurm job array ${jobId} (${pending.length} task(s)${o.jobs ? `, at most ${o.jobs} at once` : ''}); polling squeue every ${o.pollSeconds} s`);
      pending.forEach((index, task) => {
        const file = join(ctx.outDir, 'slurm', `${jobId}_${task}.out`);
        outputs.set(index, file);
        allOutputs.push(file);
      });
      const ended = new Set<number>();
      let lastLine = '';
      let lastPrinted = 0;
      const submittedAt = performance.now();
      let errors = 0;
      while (ended.size < pending.length && !ctx.signal.aborted) {
        const states = await queueStates(jobId);
        if (states === 'error') {
          if (++errors === 1 || errors % 30 === 0) ctx.log(`dse: squeue failed (${errors} time(s)); Slurm may be busy, polling on`);
          await sleep(o.pollSeconds * 1000, ctx.signal);
          continue;
        }
        errors = 0;
        let waiting = 0;
        let running = 0;
        const newlyEnded: number[] = [];
        pending.forEach((_, task) => {
          if (ended.has(task)) return;
          const state = states?.get(task);
          if (state === undefined || TERMINAL.has(state)) newlyEnded.push(task);
          else if (state === 'PENDING') waiting++;
          else running++;
        });
        if (newlyEnded.length) {
          const details = await taskDetails(jobId);
          for (const task of newlyEnded) {
            ended.add(task);
            const index = pending[task]!;
            const d = details.get(task);
            const { outcome } = outcomeOf(ctx, index);
            if (outcome === 'retry') notes.set(index, describeEnd(d));
            if (outcome === 'retry' && round === 2) await keepOutput(ctx, index, outputs.get(index)!, notes.get(index)!);
            if (outcome === 'done' || round === 2) ctx.onEnded(index, outcome === 'done' ? undefined : describeEnd(d));
          }
        }
        const line = `dse: Slurm job ${jobId}: ${waiting} pending, ${running} running, ${ended.size}/${pending.length} ended`;
        // A line when the counts change, and once a minute while a long task runs.
        if (line !== lastLine || performance.now() - lastPrinted > 60_000) {
          ctx.log(`${line}${line === lastLine ? ` (${Math.round((performance.now() - submittedAt) / 1000)} s since submission)` : ''}`);
          lastLine = line;
          lastPrinted = performance.now();
        }
        if (ended.size < pending.length) await sleep(o.pollSeconds * 1000, ctx.signal);
      }
      pending = pending.filter((index) => outcomeOf(ctx, index).outcome === 'retry');
    }
  } finally {
    ctx.signal.removeEventListener('abort', cancel);
    await cleanUp(ctx, outputs, [...allOutputs, ...scripts], notes);
  }
}

function describeEnd(d: TaskInfo | undefined): string {
  if (!d?.state) return 'the task ended without a result (Slurm no longer reports its state)';
  return `Slurm task ${d.state}${d.reason && d.reason !== 'None' ? ` (${d.reason})` : ''}${d.exitCode ? `, exit code ${d.exitCode}` : ''}`;
}

/** Keeps what a task printed when it left no result, as logs/<id>.out with the reason. */
async function keepOutput(ctx: ExecutorContext, index: number, file: string, note: string): Promise<void> {
  const paths = pointPaths(ctx.outDir, ctx.plan.points[index]!.id);
  if (existsSync(paths.result) || !existsSync(file)) return;
  ensureOutputDir(join(ctx.outDir, 'logs'), 'dse logs', 'DSE logs folder');
  await writeOutputFile(paths.output, `${note}\n(Slurm output ${file})\n\n${readFileSync(file, 'utf8')}`, 'point output');
}

/**
 * Removes the job scripts and every Slurm output file of ours (a task that left no result has its
 * output kept in logs/ by then), and the Slurm folder if nothing else is in it.
 */
async function cleanUp(ctx: ExecutorContext, outputs: Map<number, string>, ours: string[], notes: Map<number, string>): Promise<void> {
  // Interrupted runs: keep the output of tasks that ended without a result.
  for (const [index, file] of outputs) if (notes.has(index)) await keepOutput(ctx, index, file, notes.get(index)!);
  for (const f of ours) rmSync(f, { force: true });
  const dir = join(ctx.outDir, 'slurm');
  // Remove the folder if nothing but our marker is left (anything else, say the user's, stays).
  if (existsSync(dir) && readdirSync(dir).every((f) => f === OUTPUT_MARKER)) {
    rmSync(join(dir, OUTPUT_MARKER), { force: true });
    rmdirSync(dir);
  }
}
