// Plain-JS entry of a sweep worker thread: Node 20 does not apply `--import tsx` to a worker's own
// entry module, so register tsx here and then load the TypeScript worker (dist/ runs its compiled worker).
import { register } from 'tsx/esm/api';

register();
await import('./sweep-worker.ts');
