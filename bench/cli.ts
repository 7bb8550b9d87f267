// Whole-process start-up and run times of the `dysta` command, as a user or a script sees them.
//   node --import tsx bench/cli.ts      (or: npm run bench:cli; BENCH_RUNS=N for more rounds)
// Each round runs, one after the other: `node -e ''` (the floor: Node's own start-up on this machine),
// `dysta --version`, `dysta --help`, `dysta simulate` replaying a 300-request trace of the example
// Eyeriss-V2 CSV workload through the 11 published policies with --json, and `dysta gen-rtl` into a
// temporary folder. Medians over the rounds, the difference to the floor's median, and the median of
// the per-round ratio to the floor (which holds up better on a loaded machine: a round's commands run
// back to back, under the same load).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error bin/build.js is plain JavaScript without type declarations
import { build } from '../bin/build.js';
import { POLICY_NAMES } from '../sw-scheduler/policies/index.ts';
import { generatePoissonTrace, traceJson } from '../sw-scheduler/requests.ts';
import { loadWorkload, workloadCapacity } from '../sw-scheduler/sweep.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'dysta.js');
const CSV_DIR = join(ROOT, 'test', 'fixtures', 'workloads', 'eyerissv2');
const ROUNDS = Number(process.env.BENCH_RUNS ?? 9);
/** The published Python simulator on the same 300-request replay of 11 policies (issue 9). */
const PUBLISHED_SECONDS = 6.7;

await build(); // a stale dist/ would put a compile into the first run
const work = mkdtempSync(join(tmpdir(), 'dysta-bench-cli-'));
try {
  // The trace: 300 Poisson requests at load 0.9 of the CSV workload, seed 1, SLO x10 (deterministic).
  const workload = loadWorkload({ kind: 'csv', dir: CSV_DIR, seqLen: 512 });
  const trace = generatePoissonTrace(workload, { rate: 0.9 * workloadCapacity(workload), count: 300, seed: 1, sloMult: 10 });
  const tracePath = join(work, 'trace-300.json');
  writeFileSync(tracePath, traceJson(trace));

  const commands: { label: string; args: string[] }[] = [
    { label: "node -e ''", args: ['-e', ''] },
    { label: 'dysta --version', args: [BIN, '--version'] },
    { label: 'dysta --help', args: [BIN, '--help'] },
    {
      label: 'dysta simulate (300 requests, 11 policies)',
      args: [BIN, 'simulate', '--csv-dir', CSV_DIR, '--trace', tracePath, '--policies', POLICY_NAMES.join(','), '--json', join(work, 'out.json')],
    },
    { label: 'dysta gen-rtl', args: [BIN, 'gen-rtl', '--out', join(work, 'rtl')] },
  ];
  const seconds: number[][] = commands.map(() => []);
  const run = (args: string[]) => {
    const started = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: work, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const elapsed = (performance.now() - started) / 1000;
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
    return elapsed;
  };
  for (const c of commands) run(c.args); // warm-up: file cache, the first gen-rtl creates its folder
  for (let round = 0; round < ROUNDS; round++) commands.forEach((c, i) => seconds[i]!.push(run(c.args)));

  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const floor = median(seconds[0]!);
  console.log(`whole-process wall time, median of ${ROUNDS} rounds (node ${process.versions.node}; a shared, loaded machine gives noisy figures: compare the ratios)`);
  console.log('');
  console.log(`${'command'.padEnd(44)} ${'median s'.padStart(9)} ${'min s'.padStart(7)} ${'- floor s'.padStart(10)} ${'x floor'.padStart(8)}`);
  commands.forEach((c, i) => {
    const xs = seconds[i]!;
    const ratio = median(xs.map((x, r) => x / seconds[0]![r]!));
    const diff = i === 0 ? '' : (median(xs) - floor).toFixed(3);
    console.log(`${c.label.padEnd(44)} ${median(xs).toFixed(3).padStart(9)} ${Math.min(...xs).toFixed(3).padStart(7)} ${diff.padStart(10)} ${ratio.toFixed(2).padStart(8)}`);
  });
  const replay = median(seconds[3]!);
  console.log('');
  console.log(`targets: --version and --help within 0.1 s of the floor; the replay under 0.3 s (the published simulator: ${PUBLISHED_SECONDS} s, so ${(PUBLISHED_SECONDS / replay).toFixed(1)}x faster here)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
