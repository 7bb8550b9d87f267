// The local executor: a pool of `dysta dse-point` processes on this machine's cores (one point per
// process, so a crash or a runaway point cannot take the others down). All of them share the
// Verilator build cache and ccache, and the synthesis cache.
import { execa } from 'execa';
import { writeOutputFile } from '../output/index.ts';
import { costOrder, pointCommand, type ExecutorContext } from './executors.ts';
import { pointPaths } from './plan.ts';

export interface LocalOptions {
  /** Points run at the same time (default: the machine's cores). */
  jobs: number;
}

export async function runLocal(ctx: ExecutorContext, indices: readonly number[], options: LocalOptions): Promise<void> {
  const queue = costOrder(ctx.plan, indices);
  const workers = Math.max(1, Math.min(options.jobs, queue.length));
  ctx.log(`dse: running ${queue.length} point(s) on ${workers} local worker(s)`);
  const children = new Set<ReturnType<typeof execa>>();
  const stop = () => {
    queue.length = 0;
    for (const c of children) c.kill('SIGTERM');
  };
  ctx.signal.addEventListener('abort', stop);
  // Points take minutes: say what is running once a minute between the per-point lines.
  const running = new Map<number, number>();
  let done = 0;
  const total = queue.length;
  const heartbeat = setInterval(() => {
    const now = performance.now();
    const what = [...running].map(([i, t]) => `${ctx.plan.points[i]!.label} (${Math.round((now - t) / 1000)} s)`).join(', ');
    ctx.log(`dse: ${done}/${total} done, running: ${what || 'nothing'}, ${queue.length} waiting`);
  }, 60_000);
  heartbeat.unref();
  try {
    const worker = async () => {
      for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
        const point = ctx.plan.points[index]!;
        const child = execa(process.execPath, pointCommand(ctx, index, 'local'), { reject: false, all: true, cwd: ctx.plan.projectRoot });
        children.add(child);
        running.set(index, performance.now());
        const r = await child;
        children.delete(child);
        running.delete(index);
        done++;
        const ended = r.exitCode === 0 || r.exitCode === 1;
        if (ctx.signal.aborted) ctx.onEnded(index, 'interrupted');
        else if (!ended) {
          // No normal end: keep what the process printed, so the failure can be read.
          const why = r.signal ? `killed by ${r.signal}` : `exit code ${r.exitCode}`;
          await writeOutputFile(pointPaths(ctx.outDir, point.id).output, `$ ${r.escapedCommand}\n${why}\n\n${r.all ?? ''}\n`, 'point output');
          ctx.onEnded(index, why);
        } else ctx.onEnded(index);
      }
    };
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    clearInterval(heartbeat);
    ctx.signal.removeEventListener('abort', stop);
  }
}
