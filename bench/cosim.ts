// Benchmark of `dysta cosim`, measured as a user sees it: whole processes of the real command.
//   1. 1000 CNN-zoo requests through the scheduler RTL with D = 10 (`--suite trace`: RTL, golden and
//      float models), and 2. the default regression (`npm run cosim`).
// For each: wall time cold (an empty Verilator cache: the simulators are built; ccache as it is)
// and warm (best and median of the warm runs), the CPU time of the warm runs (steadier than wall
// time on a shared machine) and the load average around them, simulated cycles per second
// (scheduler cycles, time skips included, and the clock cycles the simulator evaluated), decisions
// per second, and the ratio of Node-driven simulation to replaying its command log in the C++
// harness alone (`<binary> [args] < session.cmds`): the RTL run driven from Node by itself (open, the
// transaction, reading the log, close), the simulator sessions of the whole command (which stay
// open while Node computes the golden and float models), and the whole command.
//   npm run bench:cosim [-- --warm 3] [-- --skip-cold] [-- --skip-regression] [-- --requests 1000]
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { SchedulerSim } from '../cosim/scheduler/driver.ts';
import { parseConfig } from '../hwgen/index.ts';
import { defaultTraceSources, prepareTraces } from '../verify/index.ts';

const { values } = parseArgs({
  options: {
    warm: { type: 'string', default: '3' },
    'skip-cold': { type: 'boolean', default: false },
    'skip-regression': { type: 'boolean', default: false },
    'skip-trace': { type: 'boolean', default: false },
    requests: { type: 'string', default: '1000' },
  },
});
const WARM = Number(values.warm);
const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'dysta.js');
const work = mkdtempSync(join(tmpdir(), 'bench-cosim-'));
const sessions = join(ROOT, '.cache', 'cosim-sessions');
// Node's flags as `npm run cosim` passes them (package.json), so the bench runs the command as a user does.
const cosimScript: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.cosim;
const NODE_FLAGS = cosimScript.split(' ').filter((t) => t.startsWith('--'));

interface Run {
  wall: number;
  /** CPU seconds (user + sys) of the process and its children (the simulators), from bash's `times`. */
  cpu: number;
  report: {
    cases: { suite: string; pass?: string; checked: number; unit: string; simCycles: number; commandLog: string | null; data?: { evaluatedCycles?: number } }[];
    suites: { suite: string; pass?: string; cases: number; wallSeconds: number }[];
    result: string;
  };
  sessionLogs: string[];
}

/** One whole `dysta cosim` process; its JSON report and the command logs of its simulator sessions. */
async function dysta(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const json = join(work, `report-${Date.now()}.json`);
  mkdirSync(sessions, { recursive: true });
  const before = new Set(readdirSync(sessions).filter((f) => f.endsWith('.cmds')));
  const t0 = performance.now();
  // bash's `times` prints the CPU time of the finished children: the command and its simulators.
  const r = await execa('bash', ['-c', '"$@"; rc=$?; times >&2; exit $rc', 'bash', 'node', ...NODE_FLAGS, BIN, 'cosim', ...args, '--json', json], { cwd: ROOT, reject: false, env: { ...process.env, ...env } });
  const wall = (performance.now() - t0) / 1000;
  if (r.exitCode !== 0) throw new Error(`dysta cosim ${args.join(' ')} exited ${r.exitCode}:\n${r.stdout}\n${r.stderr}`);
  const [user, sys] = (r.stderr.trim().split('\n').at(-1) ?? '').split(/\s+/).map((t) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  });
  const cpu = user! + sys!;
  const sessionLogs = readdirSync(sessions).filter((f) => f.endsWith('.cmds') && !before.has(f)).map((f) => join(sessions, f));
  return { wall, cpu, report: JSON.parse(readFileSync(json, 'utf8')), sessionLogs };
}

interface Replayed {
  replay: number;
  nodeSessions: number;
  /** Per session log: its lifetime driven from Node and its replay, seconds. */
  each: Map<string, { node: number; replay: number }>;
}

/** Replays each command log without Node; returns the total replay seconds and the sessions' own lifetimes. */
async function replay(logs: readonly string[]): Promise<Replayed> {
  let total = 0;
  let lifetime = 0;
  const each = new Map<string, { node: number; replay: number }>();
  for (const log of logs) {
    const text = readFileSync(log, 'utf8');
    // The session's own replay command: the binary and its arguments (an X-pessimism pass's
    // +verilator+rand+reset+2 +verilator+seed+N), so the replay is the same run.
    const [binary, ...args] = text.match(/^# replay without Node: (.*) < /m)?.[1]?.split(' ') ?? [];
    const started = text.match(/started (\S+)\n/)?.[1];
    if (!binary || !started) continue;
    const node = (statSync(log).mtimeMs - Date.parse(started)) / 1000;
    lifetime += node;
    const t0 = performance.now();
    await execa(binary, args, { inputFile: log, stdout: 'ignore', stderr: 'ignore', reject: false });
    const alone = (performance.now() - t0) / 1000;
    total += alone;
    each.set(log, { node, replay: alone });
  }
  return { replay: total, nodeSessions: lifetime, each };
}

/** One row per suite and pass: cases, wall time, its sessions' lifetimes and replays (from the cases' command logs). */
function suiteRows(run: Run, replayed: Replayed): string[] {
  const rows = ['', '| suite | cases | wall | sessions Node-driven | replayed alone | ratio |', '|---|---:|---:|---:|---:|---:|'];
  for (const s of run.report.suites) {
    const logs = new Set(run.report.cases.filter((c) => c.suite === s.suite && c.pass === s.pass && c.commandLog).map((c) => c.commandLog!));
    const node = [...logs].reduce((a, l) => a + (replayed.each.get(l)?.node ?? 0), 0);
    const alone = [...logs].reduce((a, l) => a + (replayed.each.get(l)?.replay ?? 0), 0);
    rows.push(`| ${s.suite}${s.pass ? ` (${s.pass})` : ''} | ${s.cases} | ${fmt(s.wallSeconds)} s | ${fmt(node)} s | ${fmt(alone)} s | ${alone ? fmt(node / alone) : '-'} |`);
  }
  return rows;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number, d = 2) => x.toFixed(d);
const rate = (x: number) => (x >= 1e9 ? `${(x / 1e9).toFixed(2)} G` : x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(0));

async function measure(label: string, args: string[], target: number): Promise<void> {
  process.stderr.write(`${label}: ${args.join(' ')}\n`);
  let cold: number | undefined;
  if (!values['skip-cold']) {
    const cache = mkdtempSync(join(work, 'cache-'));
    cold = (await dysta(args, { DYSTA_CACHE_DIR: cache })).wall;
    rmSync(cache, { recursive: true, force: true });
    process.stderr.write(`  cold: ${fmt(cold)} s\n`);
  }
  await dysta(args); // make sure the default cache holds every simulator
  const loadBefore = os.loadavg()[0]!;
  const warm: Run[] = [];
  const replays: Replayed[] = [];
  for (let i = 0; i < WARM; i++) {
    warm.push(await dysta(args));
    // Replayed now: the next run prunes old session logs (cosim keeps the newest few per design).
    replays.push(await replay(warm.at(-1)!.sessionLogs));
    process.stderr.write(`  warm ${i + 1}: ${fmt(warm.at(-1)!.wall)} s\n`);
  }
  const bestIndex = warm.reduce((bi, r, i) => (r.wall < warm[bi]!.wall ? i : bi), 0);
  const best = warm[bestIndex]!;
  const cases = best.report.cases;
  const simCycles = cases.reduce((a, c) => a + c.simCycles, 0);
  const evaluated = cases.reduce((a, c) => a + (c.data?.evaluatedCycles ?? 0), 0);
  const decisions = cases.filter((c) => c.unit === 'decisions').reduce((a, c) => a + c.checked, 0);
  const layers = cases.filter((c) => c.unit === 'layers').reduce((a, c) => a + c.checked, 0);
  const { replay: replaySeconds, nodeSessions } = replays[bestIndex]!;
  const walls = warm.map((r) => r.wall);
  console.log(`\n## ${label}\n`);
  console.log(`command: node ${[...NODE_FLAGS, 'bin/dysta.js'].join(' ')} cosim ${args.join(' ')} (as \`npm run cosim\` runs it)\n`);
  console.log('| figure | value |');
  console.log('|---|---:|');
  if (cold !== undefined) console.log(`| wall, cold (empty Verilator cache) | ${fmt(cold, 1)} s |`);
  console.log(`| wall, warm (best / median of ${WARM}) | ${fmt(Math.min(...walls))} s / ${fmt(median(walls))} s (target < ${target} s) |`);
  console.log(`| CPU (user + sys, simulators included), warm (best / median) | ${fmt(Math.min(...warm.map((r) => r.cpu)))} s / ${fmt(median(warm.map((r) => r.cpu)))} s |`);
  console.log(`| load average (1 min) before / after the warm runs | ${loadBefore.toFixed(1)} / ${os.loadavg()[0]!.toFixed(1)} (2 cores) |`);
  console.log(`| cases | ${cases.length} (${best.report.result}) |`);
  console.log(`| decisions checked | ${decisions.toLocaleString('en-US')} (${rate(decisions / best.wall)}/s of wall time)${layers ? `; layers ${layers.toLocaleString('en-US')}` : ''} |`);
  console.log(`| simulated cycles (time skips included) | ${simCycles.toLocaleString('en-US')} (${rate(simCycles / best.wall)} cycles/s) |`);
  if (evaluated) console.log(`| clock cycles evaluated (trace suite) | ${evaluated.toLocaleString('en-US')} |`);
  console.log(`| simulator sessions: Node-driven / replayed alone | ${fmt(nodeSessions)} s / ${fmt(replaySeconds)} s = ${fmt(nodeSessions / replaySeconds)} (${best.sessionLogs.length} sessions) |`);
  console.log(`| whole command / replayed sessions | ${fmt(best.wall)} s / ${fmt(replaySeconds)} s = ${fmt(best.wall / replaySeconds)} |`);
  if (best.report.suites.length > 1) console.log(suiteRows(best, replays[bestIndex]!).join('\n'));
}

/** The trace's RTL run driven from Node alone (no golden or float model), against replaying its command log. */
async function driverOverhead(rtlDir: string, requests: number): Promise<void> {
  const config = parseConfig(JSON.parse(readFileSync(join(rtlDir, 'manifest.json'), 'utf8')).config);
  const [c] = prepareTraces(config, defaultTraceSources(1, { requests }).slice(0, 1));
  const logDir = mkdtempSync(join(work, 'driver-'));
  await (await SchedulerSim.open(rtlDir, { trace: 'none' })).close(); // build or reuse outside the timing
  const rows: string[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const sim = await SchedulerSim.open(rtlDir, { trace: 'none', start: { logDir } });
    const run = await sim.run(c!.script.script, 1_000_000, { scoreReads: false });
    await sim.close();
    const node = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    await execa(sim.simulator.binary, [], { inputFile: sim.session.logPath, stdout: 'ignore', stderr: 'ignore' });
    const alone = (performance.now() - t1) / 1000;
    rows.push(`| RTL run of the trace driven from Node (open, ${run.decisions.toLocaleString('en-US')}-decision transaction, log read, close) / replayed alone, run ${i + 1} | ${fmt(node)} s / ${fmt(alone)} s = ${fmt(node / alone)} |`);
  }
  console.log(rows.join('\n'));
}

try {
  const d10 = join(work, 'd10.json');
  writeFileSync(d10, JSON.stringify({ scheduler: { log2Tasks: 10 } }));
  if (!values['skip-trace']) {
    await measure(`${values.requests} CNN-zoo requests, D = 10`, ['--suite', 'trace', '--workload', 'cnn', '--requests', values.requests, '--config', d10, '--out', join(work, 'rtl-d10')], 3);
    await driverOverhead(join(work, 'rtl-d10'), Number(values.requests));
  }
  if (!values['skip-regression']) await measure('default regression (npm run cosim)', ['--out', join(work, 'rtl-default')], 120);
} finally {
  rmSync(work, { recursive: true, force: true });
}
