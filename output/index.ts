// Every file and folder the tool writes goes through this module, so one rule holds everywhere:
//
//   * a folder is created, or replaced only if it carries our marker file (`.dysta-output`), and
//     never if it is the working directory or one of its ancestors;
//   * a file is written atomically (temporary sibling, then rename) only when it is a regular file
//     or does not exist; through a symlink the link's target is written and the link stays; a
//     character device, FIFO or socket is written directly; `-` means standard output;
//   * a failure says what and where in one line (OutputError: userError, exit code 2) and leaves no
//     temporary file behind;
//   * a closed standard output (`dysta ... | head`) never cancels the files a command writes
//     (keepWorkingWhenStdoutCloses).
//
// `checkOutputFile` / `checkOutputDir` run the same checks without writing, so a command can refuse
// a bad path before it starts long work. A leaf module: it imports nothing from the project.
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  writeFileSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';

/** Name of the marker file that says "dysta wrote this folder and may replace it". */
export const OUTPUT_MARKER = '.dysta-output';

/** A path the tool may not or cannot write. User-facing: one line, exit code 2 (usage/input error). */
export class OutputError extends Error {
  readonly userError = true as const;
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

/** Shortens user input quoted in a message (a 10 MB path must not become a 10 MB error). */
export function excerpt(text: string, max = 120): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 20)}... (${text.length} characters)`;
}

/**
 * `n` rounded, its digits grouped by thousands with commas: what toLocaleString('en-US') prints for
 * the counts in reports, without loading ICU's number formats (some 20 ms at the first call).
 */
export function thousands(n: number): string {
  const digits = String(Math.abs(Math.round(n)));
  if (!/^\d+$/.test(digits)) return Math.round(n).toLocaleString('en-US'); // 1e21 and beyond, NaN, Infinity
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 && out !== '0' ? `-${out}` : out;
}

/**
 * A short rendering of any value from a user's file (a config entry, a trace field) for an error
 * message: JSON-like, cut at `max` characters, and safe on values nested a million levels deep (where
 * JSON.stringify overflows the stack).
 */
export function describeValue(value: unknown, max = 80): string {
  let out = '';
  const put = (text: string) => {
    out += text;
    return out.length <= max;
  };
  const walk = (v: unknown, depth: number): boolean => {
    if (typeof v === 'string') return put(JSON.stringify(v.length > max ? v.slice(0, max) : v));
    if (typeof v === 'number') return put(Number.isFinite(v) ? String(v) : v > 0 ? 'Infinity' : v < 0 ? '-Infinity' : 'NaN');
    if (v === null || typeof v !== 'object') return put(String(v));
    if (depth > 8) return put('...');
    if (Array.isArray(v)) {
      if (!put('[')) return false;
      for (let i = 0; i < v.length; i++) if ((i > 0 && !put(',')) || !walk(v[i], depth + 1)) return false;
      return put(']');
    }
    if (!put('{')) return false;
    let first = true;
    for (const [k, x] of Object.entries(v)) {
      if ((!first && !put(',')) || !put(`${JSON.stringify(k.length > max ? k.slice(0, max) : k)}:`) || !walk(x, depth + 1)) return false;
      first = false;
    }
    return put('}');
  };
  return walk(value, 0) ? out : `${out.slice(0, Math.max(0, max - 3))}...`;
}

function describeErrno(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EISDIR':
      return 'it is a folder';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'ENOENT':
      return 'no such file or folder';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    default:
      return e?.code ?? (err instanceof Error ? err.message : String(err));
  }
}

/** What is at a path, without following a final symlink. */
function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OutputError(`cannot inspect ${excerpt(path)}: ${describeErrno(err)}`);
  }
}

// Paths that name this process's own file descriptors. /dev/stdout and /dev/stderr are written
// through the process's streams (opening them would truncate a file the shell redirected to, or
// replace the shell's file by a rename); other descriptor paths are opened directly.
const OWN_FD = /^\/(?:dev\/fd|proc\/self\/fd|proc\/thread-self\/fd)\/(\d+)$/;
function ownDescriptor(path: string): number | undefined {
  if (path === '/dev/stdout') return 1;
  if (path === '/dev/stderr') return 2;
  const m = OWN_FD.exec(path) ?? new RegExp(`^/proc/${process.pid}/fd/(\\d+)$`).exec(path);
  return m ? Number(m[1]) : undefined;
}

/**
 * Follows symlinks at `path` hop by hop to the path that is really written (the target may not exist
 * yet), stopping at a path that names one of our own file descriptors.
 */
function followLinks(path: string, what: string): { path: string; fd?: number } {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    const fd = ownDescriptor(current);
    if (fd !== undefined) return { path: current, fd };
    const st = lstatOrUndefined(current);
    if (!st?.isSymbolicLink()) return { path: current };
    current = resolve(dirname(current), readlinkSync(current));
  }
  throw new OutputError(`${what} ${excerpt(path)}: too many levels of symbolic links`);
}

function isDevice(st: Stats): boolean {
  return st.isCharacterDevice() || st.isFIFO() || st.isSocket() || st.isBlockDevice();
}

/** Proves that files can be created in `dir` by creating and removing one (root ignores mode bits). */
function probeWritableFolder(dir: string, what: string, shown: string): void {
  let st: Stats | undefined;
  try {
    st = statSync(dir, { throwIfNoEntry: false });
  } catch (err) {
    throw new OutputError(`${what} ${excerpt(shown)}: cannot inspect ${excerpt(dir)} (${describeErrno(err)})`);
  }
  if (!st) throw new OutputError(`${what} ${excerpt(shown)}: the folder ${excerpt(dir)} does not exist; create it first or choose another path`);
  if (!st.isDirectory()) throw new OutputError(`${what} ${excerpt(shown)}: ${excerpt(dir)} is not a folder`);
  let probe: string | undefined;
  try {
    probe = mkdtempSync(join(dir, '.dysta-probe-'));
  } catch (err) {
    throw new OutputError(`${what} ${excerpt(shown)}: cannot write in ${excerpt(dir)} (${describeErrno(err)})`);
  } finally {
    if (probe) rmdirSync(probe);
  }
}

type FileTarget = { kind: 'stdout' } | { kind: 'stderr' } | { kind: 'device'; path: string } | { kind: 'file'; path: string };

function fileTarget(path: string, what: string): FileTarget {
  if (path === '-') return { kind: 'stdout' };
  if (path.trim() === '') throw new OutputError(`${what}: the path is empty; name a file, or - for standard output`);
  const real = followLinks(path, what);
  if (real.fd === 1) return { kind: 'stdout' };
  if (real.fd === 2) return { kind: 'stderr' };
  let st: Stats | undefined;
  try {
    st = statSync(real.path, { throwIfNoEntry: false });
  } catch (err) {
    throw new OutputError(`${what} ${excerpt(path)}: cannot inspect (${describeErrno(err)})`);
  }
  if (st?.isDirectory()) throw new OutputError(`${what} ${excerpt(path)} is a folder; name a file inside it`);
  if (real.fd !== undefined || (st && isDevice(st))) return { kind: 'device', path: real.path };
  return { kind: 'file', path: real.path };
}

/** Checks, before any work, that `path` can be written as `what` (e.g. "--json"). Writes nothing. */
export function checkOutputFile(path: string, what = 'output file'): void {
  const t = fileTarget(path, what);
  if (t.kind === 'file') probeWritableFolder(dirname(t.path), what, path);
}

/** True if writing `path` writes standard output (`-`, /dev/stdout, a symlink to it). */
export function namesStandardOutput(path: string): boolean {
  try {
    return fileTarget(path, 'output').kind === 'stdout';
  } catch {
    return false; // the real check reports it
  }
}

/**
 * The path that writing `path` really writes: symlinks followed (the target may not exist yet).
 * For a file another program writes itself (the simulator's waveform: its FST writer would replace
 * a symlink with a plain file), so the link stays a link. Standard output is refused.
 */
export function outputFilePath(path: string, what = 'output file'): string {
  const t = fileTarget(path, what);
  if (t.kind === 'stdout' || t.kind === 'stderr') throw new OutputError(`${what}: standard output cannot be used here; name a file`);
  return t.path;
}

/** True if a process with this pid exists (EPERM: it does, owned by someone else). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A temporary sibling of `path`, named after this process. Temporaries of `path` left by a process
 * that no longer exists (killed while streaming a long decision log: a synchronous simulation gives a
 * signal handler no chance to run) are removed first, so an interrupted run costs no disk for long.
 */
function tempSibling(path: string): string {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.tmp-`;
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    // the write that follows reports the folder
  }
  for (const name of entries) {
    const pid = name.startsWith(prefix) ? Number(/^(\d+)-[a-z0-9]+$/.exec(name.slice(prefix.length))?.[1]) : NaN;
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !pidAlive(pid)) rmSync(join(dir, name), { force: true });
  }
  return join(dir, `${prefix}${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
}

/** Writes the pieces of text one after another to an open file (each encoded alone: no copy of the whole). */
function writePieces(fd: number, pieces: readonly string[]): void {
  for (const piece of pieces) {
    const bytes = Buffer.from(piece);
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
  }
}

/**
 * Writes `data` to `path` (see the header for the rule). Regular files are replaced atomically; the
 * temporary file is removed on any failure. `data` may come in pieces of text, written in order: a
 * large output (the 0.5 MB report of a `dysta simulate`) then needs neither one string of it all nor
 * its UTF-8 copy, whose fresh memory costs the start-up-bound command a few milliseconds.
 */
export async function writeOutputFile(path: string, data: string | Uint8Array | readonly string[], what = 'output file'): Promise<void> {
  const t = fileTarget(path, what);
  if (t.kind === 'stdout' || t.kind === 'stderr') {
    await writeToStd(t.kind, Array.isArray(data) ? data.join('') : (data as string | Uint8Array));
    return;
  }
  if (t.kind === 'device') {
    try {
      writeFileSync(t.path, Array.isArray(data) ? data.join('') : (data as string | Uint8Array), { flag: 'w' });
    } catch (err) {
      throw new OutputError(`${what} ${excerpt(path)}: cannot write (${describeErrno(err)})`);
    }
    return;
  }
  probeWritableFolder(dirname(t.path), what, path);
  const tmp = tempSibling(t.path);
  try {
    if (Array.isArray(data)) {
      const fd = openSync(tmp, 'wx');
      try {
        writePieces(fd, data);
      } finally {
        closeSync(fd);
      }
    } else writeFileSync(tmp, data as string | Uint8Array, { flag: 'wx' });
    renameSync(tmp, t.path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new OutputError(`${what} ${excerpt(path)}: cannot write (${describeErrno(err)})`);
  }
}

let stdoutClosed = false;
let guardInstalled = false;

/**
 * Makes a closed standard output (`dysta predictors | head`, `| true`) harmless: later writes to it
 * are dropped and the command carries on, so the files it writes are still written. Installed once
 * by the CLI; idempotent.
 */
export function keepWorkingWhenStdoutCloses(): void {
  if (guardInstalled) return;
  guardInstalled = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') {
      stdoutClosed = true;
      return;
    }
    throw err;
  });
}

/** True once standard output was found closed by its reader. */
export function isStdoutClosed(): boolean {
  return stdoutClosed;
}

function writeToStd(which: 'stdout' | 'stderr', data: string | Uint8Array): Promise<void> {
  const stream = which === 'stdout' ? process.stdout : process.stderr;
  if (which === 'stdout' && stdoutClosed) return Promise.resolve();
  return new Promise((done, fail) => {
    stream.write(data, (err) => {
      if (!err || (which === 'stdout' && stdoutClosed) || (err as NodeJS.ErrnoException).code === 'EPIPE') done();
      else fail(new OutputError(`standard ${which === 'stdout' ? 'output' : 'error'}: cannot write (${describeErrno(err)})`));
    });
  });
}

/**
 * A file written piece by piece (a decision log of many gigabytes): chunks are collected up to
 * 1 MB and written synchronously, so memory stays bounded whatever the length and a synchronous
 * producer (a simulation callback) can write as it goes.
 */
export interface OutputStream {
  write(chunk: string): void;
  /** Finishes the file and, for a regular file, renames it into place. */
  commit(): Promise<void>;
  /** Stops and removes the temporary file; the target is left as it was. Safe to call twice. */
  abort(): void;
}

const STREAM_CHUNK = 1 << 20;

/** Opens `path` for streaming, by the same rule as writeOutputFile (atomic only for regular files). */
export function openOutputStream(path: string, what = 'output file'): OutputStream {
  const t = fileTarget(path, what);
  let pending: string[] = [];
  let pendingLength = 0;
  let finished = false;
  if (t.kind === 'stdout' || t.kind === 'stderr') {
    const stream = t.kind === 'stdout' ? process.stdout : process.stderr;
    // process.stdout/stderr write synchronously to files and pipes on Linux: memory stays bounded.
    const flush = () => {
      if (pendingLength > 0 && !(t.kind === 'stdout' && stdoutClosed)) stream.write(pending.join(''));
      pending = [];
      pendingLength = 0;
    };
    return {
      write(chunk) {
        pending.push(chunk);
        pendingLength += chunk.length;
        if (pendingLength >= STREAM_CHUNK) flush();
      },
      async commit() {
        flush();
        finished = true;
      },
      abort() {
        pending = [];
        finished = true;
      },
    };
  }
  if (t.kind === 'file') probeWritableFolder(dirname(t.path), what, path);
  const tmp = t.kind === 'file' ? tempSibling(t.path) : undefined;
  let fd: number;
  try {
    fd = openSync(tmp ?? t.path, tmp ? 'wx' : 'w');
  } catch (err) {
    throw new OutputError(`${what} ${excerpt(path)}: cannot write (${describeErrno(err)})`);
  }
  const abort = () => {
    if (finished) return;
    finished = true;
    pending = [];
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    if (tmp) rmSync(tmp, { force: true });
  };
  const flush = () => {
    if (pendingLength === 0) return;
    const data = Buffer.from(pending.join(''));
    pending = [];
    pendingLength = 0;
    try {
      for (let off = 0; off < data.length; ) off += writeSync(fd, data, off, data.length - off);
    } catch (err) {
      abort();
      throw new OutputError(`${what} ${excerpt(path)}: cannot write (${describeErrno(err)})`);
    }
  };
  return {
    write(chunk) {
      if (finished) throw new OutputError(`${what} ${excerpt(path)}: written after it was closed`);
      pending.push(chunk);
      pendingLength += chunk.length;
      if (pendingLength >= STREAM_CHUNK) flush();
    },
    async commit() {
      if (finished) return;
      flush();
      finished = true;
      try {
        closeSync(fd);
        if (tmp) renameSync(tmp, t.path);
      } catch (err) {
        if (tmp) rmSync(tmp, { force: true });
        throw new OutputError(`${what} ${excerpt(path)}: cannot write (${describeErrno(err)})`);
      }
    },
    abort,
  };
}

/** The folder `path` really names (through a symlink), and why it may or may not be replaced. */
function dirTarget(path: string, what: string): string {
  if (path.trim() === '') throw new OutputError(`${what}: the path is empty; name a folder`);
  const { path: real } = followLinks(path, what);
  const realOfExisting = existsSync(real) ? realpathSync(real) : real;
  if (dirname(realOfExisting) === realOfExisting) throw new OutputError(`${what} ${excerpt(path)} is the file system root; choose another folder`);
  const cwd = realpathSync(process.cwd());
  const rel = relative(realOfExisting, cwd);
  if (rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel))) {
    throw new OutputError(`${what} ${excerpt(path)} is the working folder or contains it; name a new folder inside it instead`);
  }
  return realOfExisting;
}

/** True if `dir` is a folder that this tool wrote (it holds our marker). */
export function isOurOutputDir(dir: string): boolean {
  return existsSync(join(dir, OUTPUT_MARKER));
}

/** Options of the whole-folder writers. */
export interface OutputDirOptions {
  /**
   * Create missing parent folders (mkdir -p). For default paths such as `reports/sweep-cnn`; a path
   * the user typed is better refused than created deep down a typo.
   */
  parents?: boolean;
}

/** The nearest existing ancestor of `dir` (itself if it exists). */
function nearestExisting(dir: string): string {
  let d = dir;
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  return d;
}

/** Proves that `dir`'s parent can receive it (or, with `parents`, that it can be created). */
function probeParent(dir: string, what: string, shown: string, options: OutputDirOptions): void {
  const parent = dirname(dir);
  probeWritableFolder(options.parents ? nearestExisting(parent) : parent, what, shown);
}

function checkReplaceable(dir: string, what: string, shown: string): void {
  const st = lstatOrUndefined(dir);
  if (!st) return;
  if (!st.isDirectory()) throw new OutputError(`${what} ${excerpt(shown)} exists and is not a folder; choose another path`);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (err) {
    throw new OutputError(`${what} ${excerpt(shown)}: cannot read the folder (${describeErrno(err)})`);
  }
  if (entries.length === 0 || isOurOutputDir(dir)) return;
  throw new OutputError(
    `${what} ${excerpt(shown)} is a folder that dysta did not write (no ${OUTPUT_MARKER} marker); it is never replaced: choose a new or empty folder`,
  );
}

/** Checks, before any work, that `path` may be written as a whole output folder. Writes nothing. */
export function checkOutputDir(path: string, what = 'output folder', options: OutputDirOptions = {}): void {
  const dir = dirTarget(path, what);
  checkReplaceable(dir, what, path);
  probeParent(dir, what, path, options);
}

/** Marker contents: what wrote the folder and which files are ours, so a user who finds it knows. */
function markerText(kind: string, files: string[]): string {
  const note = 'dysta may replace the files listed here; anything else in this folder is kept. Remove this file to protect the folder.';
  return JSON.stringify({ tool: 'dysta', kind, note, files }, null, 1) + '\n';
}

/** The files a marked folder says we wrote (none if the list is missing or unreadable). */
function ourFiles(dir: string): Set<string> {
  try {
    const m = JSON.parse(readFileSync(join(dir, OUTPUT_MARKER), 'utf8')) as { files?: unknown };
    return new Set(Array.isArray(m.files) ? m.files.filter((f): f is string => typeof f === 'string') : []);
  } catch {
    return new Set();
  }
}

/**
 * Entries of `dir` that we did not write (relative paths): a user's testbench in rtl-out/. A folder
 * holding none of our files is one entry; a folder holding some is searched.
 */
function foreignEntries(dir: string, ours: Set<string>, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (rel === OUTPUT_MARKER || ours.has(rel)) continue;
    const holdsOurs = entry.isDirectory() && [...ours].some((f) => f.startsWith(rel + '/'));
    if (holdsOurs) out.push(...foreignEntries(dir, ours, rel));
    else out.push(rel);
  }
  return out;
}

/**
 * Writes a whole output folder: `files` (relative names, '/' for subfolders) go to a temporary
 * sibling that replaces `path` only when complete. An existing folder is replaced only if it is
 * empty or carries our marker, and then files in it that we did not write are moved into the new
 * folder (a name clash with a new output is refused before anything is written). The old folder is
 * removed only after the swap succeeded.
 */
export function writeOutputDir(
  path: string,
  files: Iterable<[string, string | Uint8Array]>,
  kind: string,
  what = 'output folder',
  options: OutputDirOptions = {},
): string {
  const dir = dirTarget(path, what);
  checkReplaceable(dir, what, path);
  const parent = dirname(dir);
  probeParent(dir, what, path, options);
  if (options.parents) {
    try {
      mkdirSync(parent, { recursive: true });
    } catch (err) {
      throw new OutputError(`${what} ${excerpt(path)}: cannot create ${excerpt(parent)} (${describeErrno(err)})`);
    }
  }
  const entries = [...files];
  const names = entries.map(([name]) => name);
  const existed = existsSync(dir);
  const keep = existed ? foreignEntries(dir, ourFiles(dir)) : [];
  const clash = keep.find((k) => names.some((n) => n === k || n.startsWith(k + '/') || k.startsWith(n + '/')));
  if (clash !== undefined) {
    throw new OutputError(`${what} ${excerpt(path)}: ${excerpt(clash)} in it was not written by dysta and would be overwritten; move it away first`);
  }
  const tag = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmp = join(parent, `.${basename(dir)}.tmp-${tag}`);
  const old = join(parent, `.${basename(dir)}.old-${tag}`);
  try {
    mkdirSync(tmp);
    for (const [name, data] of entries) {
      const file = join(tmp, name);
      if (relative(tmp, file).startsWith('..') || name === OUTPUT_MARKER) throw new OutputError(`internal: output file name ${excerpt(name)} is not allowed`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, data);
    }
    writeFileSync(join(tmp, OUTPUT_MARKER), markerText(kind, names));
    if (existed) renameSync(dir, old);
    try {
      renameSync(tmp, dir);
    } catch (err) {
      if (existed) renameSync(old, dir);
      throw err;
    }
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (err instanceof OutputError) throw err;
    throw new OutputError(`${what} ${excerpt(path)}: cannot write (${describeErrno(err)})`);
  }
  if (existed) {
    try {
      for (const rel of keep) {
        mkdirSync(dirname(join(dir, rel)), { recursive: true });
        renameSync(join(old, rel), join(dir, rel));
      }
    } catch (err) {
      throw new OutputError(`${what} ${excerpt(path)}: written, but your own files could not be moved back (${describeErrno(err)}); they are in ${old}`);
    }
    rmSync(old, { recursive: true, force: true });
  }
  return dir;
}

/**
 * Marks an existing folder as written by dysta, listing `files` (relative names) as ours: for a folder
 * that an earlier version wrote before markers existed, once the caller has proved that (e.g. every
 * file matches the hash in its manifest). Files not listed stay the user's. No-op if already marked.
 */
export function adoptOutputDir(dir: string, kind: string, files: string[], what = 'output folder'): void {
  if (isOurOutputDir(dir)) return;
  try {
    writeFileSync(join(dir, OUTPUT_MARKER), markerText(kind, files), { flag: 'wx' });
  } catch (err) {
    throw new OutputError(`${what} ${excerpt(dir)}: cannot mark it as dysta's (${describeErrno(err)})`);
  }
}

/**
 * A folder the tool fills in place over a long run (a cache, session logs): created with our
 * marker if missing; an existing folder without the marker is refused unless it is empty, or unless
 * every entry matches `adopt` (the names an earlier version of dysta wrote there before markers).
 */
export function ensureOutputDir(path: string, kind: string, what = 'output folder', adopt?: RegExp): string {
  const dir = dirTarget(path, what);
  const adoptable = adopt && !isOurOutputDir(dir) && existsSync(dir) && statSync(dir).isDirectory() && readdirSync(dir).every((e) => adopt.test(e));
  if (!adoptable) checkReplaceable(dir, what, path);
  // A missing folder: say "cannot write in <parent>" as every other output does (mkdir -p alone
  // reports a read-only parent as ENOENT).
  if (!existsSync(dir)) probeParent(dir, what, path, { parents: true });
  try {
    mkdirSync(dir, { recursive: true });
    if (!isOurOutputDir(dir)) writeFileSync(join(dir, OUTPUT_MARKER), markerText(kind, []));
  } catch (err) {
    throw new OutputError(`${what} ${excerpt(path)}: cannot create (${describeErrno(err)})`);
  }
  return dir;
}
