// Runs a sweep's jobs on worker threads (one per core by default), handing out jobs one at a time so
// fast and slow jobs balance. Results come back in job order whatever the thread timing, so a sweep's
// output is deterministic. From the build (dist/) a worker runs the bundled sweep-worker.js directly;
// from the TypeScript sources (tests, benchmarks) it starts from a plain-JS entry that registers tsx.
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { packageFile } from '../input/package-files.ts';
import { SchedulerInputError } from './errors.ts';
import { loadWorkload, planJobs, runJob, type SweepConfig, type SweepPoint } from './sweep.ts';

export interface SweepRunOptions {
  /** Worker threads; 0 runs on this thread (useful for debugging and tiny sweeps). */
  readonly threads?: number;
  /** Called after each finished job with (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The worker's entry module: the bundled worker (an entry of its own in dist/), else the tsx entry. */
const WORKER_ENTRY = import.meta.url.endsWith('.ts') ? new URL('./sweep-worker-entry.js', import.meta.url) : pathToFileURL(packageFile('dist', 'sw-scheduler', 'sweep-worker.js'));

type WorkerMessage = { kind: 'ready' } | { kind: 'points'; points: SweepPoint[] } | { kind: 'error'; message: string; userError: boolean };

export function defaultThreadCount(): number {
  return availableParallelism();
}

export async function runSweep(config: SweepConfig, options: SweepRunOptions = {}): Promise<SweepPoint[]> {
  const jobs = planJobs(config);
  const threads = Math.min(options.threads ?? defaultThreadCount(), jobs.length);
  const results: SweepPoint[][] = new Array(jobs.length);
  let done = 0;

  if (threads <= 0) {
    const workload = loadWorkload(config.source);
    jobs.forEach((job, i) => {
      results[i] = runJob(workload, config, job);
      done++;
      options.onProgress?.(done, jobs.length);
    });
    return results.flat();
  }

  let nextJob = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      let running = 0;
      const fail = (err: Error) => {
        if (failed) return;
        failed = true;
        reject(err);
      };
      for (let w = 0; w < threads; w++) {
        const worker = new Worker(WORKER_ENTRY, {
          workerData: config,
        });
        workers.push(worker);
        running++;
        let current = -1;
        const dispatch = () => {
          if (failed) return;
          if (nextJob < jobs.length) {
            current = nextJob++;
            worker.postMessage(jobs[current]);
          } else {
            current = -1;
            worker.postMessage(null);
          }
        };
        worker.on('message', (msg: WorkerMessage) => {
          if (msg.kind === 'ready') dispatch();
          else if (msg.kind === 'points') {
            results[current] = msg.points;
            done++;
            options.onProgress?.(done, jobs.length);
            dispatch();
          } else fail(msg.userError ? new SchedulerInputError(msg.message) : new Error(`sweep worker failed: ${msg.message}`));
        });
        worker.on('error', (err) => fail(err));
        worker.on('exit', (code) => {
          running--;
          if (code !== 0 && !failed) fail(new Error(`sweep worker exited with code ${code}`));
          if (running === 0 && !failed) {
            if (done === jobs.length) resolve();
            else fail(new Error(`sweep workers stopped after ${done} of ${jobs.length} jobs`));
          }
        });
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results.flat();
}
