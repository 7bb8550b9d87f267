// Plain-JS entry of a sweep worker thread: Node 20 does not apply `--import tsx` to a worker's own
// entry module, so register tsx here (as bin/dysta.js does) and then load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./sweep-worker.ts');
