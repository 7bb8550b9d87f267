// Worker thread of a parallel sweep: receives the sweep config once, then jobs one at a time, and
// answers each with its points. The workload is built once per worker from its source description.
import { parentPort, workerData } from 'node:worker_threads';
import { loadWorkload, runJob, type SweepConfig, type SweepJob } from './sweep.ts';

const config = workerData as SweepConfig;
const port = parentPort!;
try {
  const workload = loadWorkload(config.source);
  port.on('message', (job: SweepJob | null) => {
    if (job === null) {
      port.close();
      return;
    }
    try {
      port.postMessage({ kind: 'points', points: runJob(workload, config, job) });
    } catch (err) {
      port.postMessage({ kind: 'error', message: (err as Error).message, userError: (err as { userError?: boolean }).userError === true });
    }
  });
  port.postMessage({ kind: 'ready' });
} catch (err) {
  port.postMessage({ kind: 'error', message: (err as Error).message, userError: (err as { userError?: boolean }).userError === true });
}
