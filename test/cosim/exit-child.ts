// Helper process for processes.test.ts (not a test): starts a simulator busy in a long command,
// prints its pid, then ends Node abruptly in the way argv[2] names, without closing the session.
import { fileURLToPath } from 'node:url';
import { buildSimulator } from '../../cosim/index.ts';

const rtlDir = fileURLToPath(new URL('../fixtures/cosim-counter/', import.meta.url));
const [mode, logDir] = process.argv.slice(2);
const sim = await buildSimulator({ rtlDir, extraSources: [`${rtlDir}count_until.cpp`] });
const s = await sim.start({ logDir });
void s.send('tick 1000000000000').catch(() => {});
process.stdout.write(`${s.pid}\n`);
await new Promise((r) => setTimeout(r, 100));
if (mode === 'exit') process.exit(3);
if (mode === 'throw') throw new Error('uncaught on purpose');
if (mode === 'sigterm') process.kill(process.pid, 'SIGTERM');
if (mode === 'sigkill') process.kill(process.pid, 'SIGKILL'); // no hook can run: the harness's PDEATHSIG acts
