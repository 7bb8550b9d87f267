// One running simulator process and the line protocol to it.
//
// Commands are pipelined: send() writes at once and returns a promise for that command's reply;
// replies come back in order. Lines sent in the same tick go out in one write. Every line is also
// appended to a command log (`<logDir>/<name>.cmds`, flushed before any error is raised), and every
// reply to `<name>.replies`, so `<binary> < <name>.cmds` reproduces a session without Node and its
// output can be diffed against the replies. The design's own output ($display, $stop messages) goes
// to `<name>.stderr`.
//
// The log folder is bounded: when a session starts, the sessions of processes that have ended are
// pruned to the newest KEEP_PER_TOP per top module and to a total of MAX_LOG_BYTES (logs of running
// processes are never touched; nor are sessions given a custom name).
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { ensureOutputDir, excerpt } from '../output/index.ts';
import { pidAlive } from '../output/index.ts';
import { defaultLogDir, type Simulator } from './build.ts';
import { CosimError, SimulatorError, type SimulatorFailure } from './errors.ts';

export interface StartOptions {
  /** Folder for the command log, replies and stderr; default `<project>/.cache/cosim-sessions`. */
  logDir?: string;
  /** Base name of the log files; default `<top>-<timestamp>-<pid>-<n>`. */
  name?: string;
  /** Milliseconds a single command may run before the simulator is declared hung (default 60 000). */
  timeoutMs?: number;
  /** Extra arguments for the binary (e.g. Verilator plusargs such as `+verilator+seed+7`). */
  args?: readonly string[];
  /**
   * X-pessimism run (simulator built with `xUnique`): every X and every register without a reset
   * starts at a value drawn from this seed (>= 1): `+verilator+rand+reset+2 +verilator+seed+N`.
   */
  randomSeed?: number;
  /** Coverage run (simulator built with `coverage`): the counts are written to this file when the session ends. */
  coverageFile?: string;
  /**
   * Inputs set right after start, before any other command (logged, so a replay sets them too):
   * e.g. a mutant selector that stays constant for the whole run. Every other input starts at 0.
   */
  pokes?: Readonly<Record<string, bigint | number>>;
}

/** The binary's arguments for `options` (plusargs for the seed and the coverage file). */
function runArgs(simulator: Simulator, options: StartOptions): string[] {
  const args = [...(options.args ?? [])];
  if (options.randomSeed !== undefined) {
    if (!simulator.xUnique) throw new CosimError('randomSeed needs a simulator built with xUnique (--x-assign/--x-initial unique)');
    if (!(Number.isInteger(options.randomSeed) && options.randomSeed >= 1 && options.randomSeed < 2 ** 31)) {
      throw new CosimError(`randomSeed must be an integer from 1 to 2^31-1, not ${options.randomSeed} (0 would make Verilator pick a seed of its own)`);
    }
    args.push('+verilator+rand+reset+2', `+verilator+seed+${options.randomSeed}`);
  }
  if (options.coverageFile !== undefined) {
    if (!simulator.coverage) throw new CosimError('coverageFile needs a simulator built with coverage');
    const abs = path.resolve(options.coverageFile);
    if (/\s/.test(abs)) throw new CosimError(`coverage file path must not contain whitespace: "${abs}"`);
    mkdirSync(path.dirname(abs), { recursive: true });
    args.push(`+cosim+coverage=${abs}`);
  }
  return args;
}

interface Pending {
  command: string;
  resolve: (payload: string) => void;
  reject: (err: SimulatorError) => void;
  /** Resolve with the whole reply line, `err` included (sendRaw). */
  raw: boolean;
}

// Every live child, so a Node exit (normal, or via an uncaught error) never leaves a simulator behind.
const live = new Set<Session>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const s of live) s.kill();
  });
}

let sessionCounter = 0;

/** Sessions kept per top module (of processes that have ended), newest first. */
export const KEEP_PER_TOP = 5;
/** Size cap of a session log folder; the oldest finished sessions go first. */
export const MAX_LOG_BYTES = 100 * 1024 * 1024;

/** `<top>-<yyyymmdd>-<hhmmss>-<pid>-<n>.<ext>...`: the files of an automatically named session. */
const SESSION_FILE = /^(?<base>(?<top>[\w$]+)-(?<stamp>\d{8}-\d{6})-(?<pid>\d+)-(?<n>\d+))\.(cmds|replies|stderr)(\..*)?$/;

/**
 * Removes old sessions of ended processes from `logDir`: beyond the newest KEEP_PER_TOP per top, then
 * the oldest until the folder holds at most MAX_LOG_BYTES. Best effort: a file that vanished or
 * cannot be removed is skipped (another process may be pruning too).
 */
export function pruneSessionLogs(logDir: string, keepPerTop = KEEP_PER_TOP, maxBytes = MAX_LOG_BYTES): void {
  interface Entry { base: string; top: string; order: string; alive: boolean; files: string[]; bytes: number }
  const sessions = new Map<string, Entry>();
  let total = 0;
  for (const name of readdirSync(logDir)) {
    const m = SESSION_FILE.exec(name);
    let bytes = 0;
    try {
      bytes = statSync(path.join(logDir, name)).size;
    } catch {
      continue;
    }
    total += bytes;
    if (!m?.groups) continue;
    const g = m.groups;
    let e = sessions.get(g.base!);
    if (!e) {
      const order = `${g.stamp}-${g.pid!.padStart(10, '0')}-${g.n!.padStart(10, '0')}`;
      e = { base: g.base!, top: g.top!, order, alive: pidAlive(Number(g.pid)), files: [], bytes: 0 };
      sessions.set(g.base!, e);
    }
    e.files.push(name);
    e.bytes += bytes;
  }
  const newestFirst = [...sessions.values()].sort((a, b) => (a.order < b.order ? 1 : a.order > b.order ? -1 : 0));
  const remove = (e: Entry) => {
    for (const f of e.files) rmSync(path.join(logDir, f), { force: true });
    total -= e.bytes;
    sessions.delete(e.base);
  };
  const seen = new Map<string, number>();
  for (const e of newestFirst) {
    const n = (seen.get(e.top) ?? 0) + 1;
    seen.set(e.top, n);
    if (n > keepPerTop && !e.alive) remove(e);
  }
  for (const e of newestFirst.reverse()) {
    if (total <= maxBytes) break;
    if (sessions.has(e.base) && !e.alive) remove(e);
  }
}

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
}

/** A running simulator. Create it with `Simulator.start()`. */
export class Session {
  /** Command log: the exact lines sent (plus `#` comments the harness ignores). */
  readonly logPath: string;
  /** Every reply line received, in order. */
  readonly repliesPath: string;
  /** The simulator's stderr (design output, Verilator messages). */
  readonly stderrPath: string;
  readonly pid: number;
  /** Shell command that replays this session without Node: `<binary> [args] < <log>`. */
  readonly replayCommand: string;

  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  // FIFO of commands awaiting replies; a head index instead of shift() keeps 100k-deep pipelines O(1).
  private pending: Pending[] = [];
  private head = 0;
  private readonly timeoutMs: number;
  private readonly logFd: number;
  private readonly repliesFd: number;
  /** Lines sent since the last flush: written to the simulator's stdin and to the command log alike. */
  private outBuf = '';
  private replyBuf = '';
  private flushScheduled = false;
  private partial: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private failure: SimulatorError | undefined;
  private closing = false;
  private exited = false;
  private filesClosed = false;
  private readonly exitPromise: Promise<void>;

  constructor(
    readonly simulator: Simulator,
    options: StartOptions = {},
  ) {
    const logDir = ensureOutputDir(path.resolve(options.logDir ?? defaultLogDir()), 'cosim-sessions', 'session log folder', SESSION_FILE);
    const base = options.name ?? `${simulator.design.top.name}-${stamp()}-${process.pid}-${++sessionCounter}`;
    this.logPath = path.join(logDir, `${base}.cmds`);
    this.repliesPath = path.join(logDir, `${base}.replies`);
    this.stderrPath = path.join(logDir, `${base}.stderr`);
    this.timeoutMs = options.timeoutMs ?? 60_000;
    const args = runArgs(simulator, options);
    this.replayCommand = [simulator.binary, ...args].join(' ') + ` < ${this.logPath}`;
    this.logFd = openSync(this.logPath, 'w');
    this.repliesFd = openSync(this.repliesPath, 'w');
    try {
      pruneSessionLogs(logDir); // this session counts as one of the newest
    } catch {
      // pruning is housekeeping; a failure must not stop the session
    }
    writeSync(
      this.logFd,
      `# dysta cosim session: top ${simulator.design.top.name}, trace ${simulator.trace}, started ${new Date().toISOString()}\n` +
        `# replay without Node: ${this.replayCommand}\n`,
    );

    installExitHook();
    // The design's stderr goes straight to its file (the child gets its own copy of the descriptor).
    // If Node dies without running its exit hook (a signal, SIGKILL), the harness's PDEATHSIG ends
    // the simulator.
    const stderrFd = openSync(this.stderrPath, 'w');
    try {
      this.child = spawn(simulator.binary, args, { stdio: ['pipe', 'pipe', stderrFd] }) as ChildProcessByStdio<Writable, Readable, null>;
    } finally {
      closeSync(stderrFd);
    }
    this.pid = this.child.pid ?? -1;
    live.add(this);

    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.onData(chunk));
    // EPIPE on a dead child's stdin is reported through the exit path instead.
    this.child.stdin.on('error', () => {});
    this.exitPromise = new Promise<void>((resolve) => {
      let ended = false;
      const end = (code: number | undefined, signal: string | undefined, spawnError?: string) => {
        if (ended) return;
        ended = true;
        this.onExit(code, signal, spawnError);
        resolve();
      };
      // 'error' ends the session only when the process could not be started; 'close' comes after
      // the last of its output has been read.
      this.child.on('error', (err) => {
        if (this.child.pid === undefined) end(undefined, undefined, String(err));
      });
      this.child.once('close', (code, signal) => end(code ?? undefined, signal ?? undefined));
    });
  }

  /**
   * Sends one command; resolves with the reply payload (the text after `ok`, possibly empty).
   * Rejects with SimulatorError on an `err` reply, a crash, a timeout, or after close().
   */
  send(command: string): Promise<string> {
    return this.enqueue(command, false);
  }

  /**
   * Like send(), but resolves with the whole reply line (`ok ...` or `err ...`); rejects only when
   * the simulator crashes, hangs or is closed. For callers that expect an `err`, and for REPLs.
   */
  sendRaw(command: string): Promise<string> {
    return this.enqueue(command, true);
  }

  private enqueue(command: string, raw: boolean): Promise<string> {
    if (/[\r\n]/.test(command)) {
      return Promise.reject(this.error('protocol', command, `a command must be one line: ${excerpt(JSON.stringify(command))}`));
    }
    const line = command.trim();
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(this.error('closed', line, 'the session is closed'));
    return new Promise<string>((resolve, reject) => {
      this.pending.push({ command: line, resolve, reject, raw });
      this.outBuf += `${line}\n`;
      this.scheduleFlush();
      if (this.waiting === 1) this.armTimer();
    });
  }

  /** Runs n clock cycles; resolves with the cycle count afterwards. */
  async tick(n: number | bigint = 1): Promise<bigint> {
    return BigInt(await this.send(`tick ${n}`));
  }

  /** Holds reset for n cycles; resolves with the cycle count afterwards. */
  async reset(n: number | bigint = 1): Promise<bigint> {
    return BigInt(await this.send(`reset ${n}`));
  }

  /** Clock cycles run so far. */
  async cycle(): Promise<bigint> {
    return BigInt(await this.send('cycle'));
  }

  /** Sets an input; negative values are written in two's complement of the port's width. */
  async poke(port: string, value: bigint | number): Promise<void> {
    const p = this.portInfo(port);
    let v = BigInt(value);
    if (v < 0n) v = BigInt.asUintN(p.width, v);
    await this.send(`poke ${port} ${v.toString(16)}`);
  }

  /** Reads a port; signed ports come back as negative numbers when their sign bit is set. */
  async peek(port: string): Promise<bigint> {
    const p = this.portInfo(port);
    const raw = BigInt(`0x${await this.send(`peek ${port}`)}`);
    return p.signed ? BigInt.asIntN(p.width, raw) : raw;
  }

  /** Starts writing a waveform to `file` (made absolute, so a replay writes the same file). */
  async waveOn(file: string): Promise<string> {
    const abs = path.resolve(file);
    // The protocol splits on whitespace; a path with a space would arrive as two tokens.
    if (/\s/.test(abs)) throw this.error('protocol', `wave on ${abs}`, `waveform path must not contain whitespace: "${excerpt(abs)}"`);
    mkdirSync(path.dirname(abs), { recursive: true }); // creates a missing folder; replaces nothing
    await this.send(`wave on ${abs}`);
    return abs;
  }

  async waveOff(): Promise<void> {
    await this.send('wave off');
  }

  /** True until the process has exited. */
  get running(): boolean {
    return !this.exited;
  }

  /**
   * Sends `quit` as a command and resolves with its reply (`ok`) once the simulator has exited; for a
   * REPL that prints every reply. Rejects like send() if the simulator already failed.
   */
  async quit(graceMs = 5_000): Promise<string> {
    const reply = this.enqueue('quit', true);
    this.closing = true;
    this.flush();
    this.child.stdin.end();
    const line = await reply;
    await this.close(graceMs);
    return line;
  }

  /**
   * Ends the session: sends `quit` (closing any waveform), waits up to `graceMs` for a clean exit,
   * then kills the process. Safe to call more than once and after a failure.
   */
  async close(graceMs = 5_000): Promise<void> {
    if (!this.closing && !this.failure && !this.exited) {
      this.closing = true;
      this.outBuf += 'quit\n';
      this.flush();
      this.child.stdin.end();
    }
    this.closing = true;
    if (!this.exited) {
      const timer = setTimeout(() => this.kill(), graceMs);
      await this.exitPromise;
      clearTimeout(timer);
    }
    this.flush();
    this.closeFiles();
  }

  /** Kills the process at once (SIGKILL). Used on hangs and on Node exit. */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  private portInfo(port: string): { width: number; signed: boolean } {
    const p = this.simulator.ports.find((x) => x.name === port);
    if (!p) throw this.error('protocol', `peek/poke ${port}`, `no port named "${port}" on ${this.simulator.design.top.name}`);
    return p;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // One write per tick: a loop of send() calls becomes a single pipelined batch.
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const text = this.outBuf;
    this.outBuf = '';
    const toChild = text !== '' && !this.exited && !this.child.stdin.destroyed;
    const toLog = text !== '' && !this.filesClosed;
    // Encoded once for both (a long NPU layer is megabytes of command text).
    const bytes = toChild && toLog ? Buffer.from(text, 'utf8') : text;
    if (toChild) this.child.stdin.write(bytes);
    if (this.filesClosed) return;
    if (toLog) {
      if (typeof bytes === 'string') writeSync(this.logFd, bytes);
      else writeSync(this.logFd, bytes);
    }
    if (this.replyBuf) writeSync(this.repliesFd, this.replyBuf);
    this.replyBuf = '';
  }

  private closeFiles(): void {
    if (this.filesClosed) return;
    this.filesClosed = true;
    closeSync(this.logFd);
    closeSync(this.repliesFd);
    live.delete(this);
  }

  private get waiting(): number {
    return this.pending.length - this.head;
  }

  private shiftPending(): Pending | undefined {
    const p = this.pending[this.head];
    if (!p) return undefined;
    this.head++;
    if (this.head === this.pending.length) {
      this.pending = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
    return p;
  }

  private armTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const head = this.pending[this.head];
    if (!head) return;
    // The clock starts when a command reaches the head of the queue, so a long pipelined batch
    // is not mistaken for a hang.
    this.timer = setTimeout(() => {
      this.fail(
        this.error(
          'timeout',
          head.command,
          `simulator did not reply to \`${excerpt(head.command, 80)}\` within ${this.timeoutMs} ms (hung, or the command runs too long); the process was killed`,
        ),
      );
      this.kill();
    }, this.timeoutMs);
    this.timer.unref();
  }

  private onData(chunk: string): void {
    // A reply line can be megabytes (a 65,535-row layer) arriving in 64 KB chunks: the pieces are
    // kept until its end comes, so the line is split once, not once per chunk.
    if (!chunk.includes('\n')) {
      this.partial.push(chunk);
      return;
    }
    this.partial.push(chunk);
    const text = this.partial.join('');
    const lines = text.split('\n');
    this.partial = [lines.pop()!];
    for (const line of lines) {
      this.replyBuf += `${line}\n`;
      const head = this.shiftPending();
      if (!head) {
        if (this.closing) continue; // the reply to `quit`
        this.fail(this.error('protocol', undefined, `unexpected output from the simulator: ${excerpt(JSON.stringify(line), 200)}`));
        this.kill();
        return;
      }
      if (head.raw && (line === 'ok' || line.startsWith('ok ') || line.startsWith('err '))) head.resolve(line);
      else if (line === 'ok' || line.startsWith('ok ')) head.resolve(line.slice(3));
      else if (line.startsWith('err ')) {
        head.reject(this.error('err', head.command, `simulator replied to \`${excerpt(head.command, 80)}\`: ${excerpt(line.slice(4), 300)}`));
      } else {
        this.fail(this.error('protocol', head.command, `malformed reply to \`${excerpt(head.command, 80)}\`: ${excerpt(JSON.stringify(line), 200)}`));
        head.reject(this.failure!);
        this.kill();
        return;
      }
      this.armTimer();
    }
    this.scheduleFlush();
  }

  private onExit(code: number | undefined, signal: string | undefined, spawnError?: string): void {
    this.exited = true;
    clearTimeout(this.timer);
    live.delete(this);
    const expected = this.closing && this.waiting === 0;
    if (!expected && !this.failure) {
      const how = spawnError
        ? `could not be started (${excerpt(spawnError.split('\n')[0] ?? '', 200)}; rebuild it with buildSimulator)`
        : signal
          ? `was killed by ${signal}`
          : `exited with code ${code ?? 'unknown'}`;
      const head = this.pending[this.head];
      // Quote a short excerpt: a layer command can be 12 KB long; the command log has it whole.
      const what = head ? `before replying to \`${excerpt(head.command, 80)}\`` : 'while idle';
      this.fail(this.error('crash', head?.command, `simulator ${how} ${what}${this.stderrTail()}`));
    } else if (this.failure) {
      this.fail(this.failure);
    }
    this.flush();
    this.closeFiles();
  }

  /** Rejects every waiting command with `err` and remembers it: later sends fail the same way. */
  private fail(err: SimulatorError): void {
    this.failure ??= err;
    clearTimeout(this.timer);
    const rest = this.pending.slice(this.head);
    this.pending = [];
    this.head = 0;
    for (const p of rest) p.reject(err);
  }

  private stderrTail(): string {
    try {
      if (!existsSync(this.stderrPath)) return '';
      const lines = readFileSync(this.stderrPath, 'utf8').trimEnd().split('\n').filter(Boolean).slice(-8).map((l) => excerpt(l, 200));
      return lines.length ? `; its last stderr lines:\n  ${lines.join('\n  ')}\n` : '';
    } catch {
      return '';
    }
  }

  private error(kind: SimulatorFailure, command: string | undefined, what: string): SimulatorError {
    this.flush(); // the log must hold every line sent before anyone reads its path in an error
    const msg =
      `${what.trimEnd()}\n` +
      `  command log: ${this.logPath}\n` +
      `  replay: ${this.replayCommand}\n` +
      `  stderr: ${this.stderrPath}`;
    return new SimulatorError(msg, kind, command, this.logPath);
  }
}

/** Starts a simulator process for `sim`. */
export async function startSession(sim: Simulator, options?: StartOptions): Promise<Session> {
  const s = new Session(sim, options);
  // Fail fast if the binary cannot run at all (missing, not executable, bad loader).
  await s.send('info');
  for (const [port, value] of Object.entries(options?.pokes ?? {})) await s.poke(port, value);
  return s;
}
