// Shared test helpers: temporary folders and running the real `dysta` CLI.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll } from 'vitest';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(PROJECT_ROOT, 'bin', 'dysta.js');

/** A fresh temporary folder, removed after the test file. */
export function tempDir(prefix = 'dysta-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs `dysta ...args`; never throws, returns exit code and output. */
export async function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const r = await execa('node', [BIN, ...args], { cwd: opts.cwd ?? PROJECT_ROOT, reject: false, ...(opts.env ? { env: opts.env } : {}) });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A folder nobody can create files in, not even root (who ignores mode bits): a read-only tmpfs
 * mount when the machine allows mounting, else a mode-555 folder for a normal user, else /sys.
 * Call it at the top of a test file (like tempDir): it is cleaned up after the file.
 */
export function unwritableDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dysta-ro-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', dir], { stdio: 'ignore' });
    afterAll(() => {
      execFileSync('umount', [dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    });
    return dir;
  } catch {
    if (process.getuid?.() !== 0) {
      chmodSync(dir, 0o555);
      afterAll(() => {
        chmodSync(dir, 0o755);
        rmSync(dir, { recursive: true, force: true });
      });
      return dir;
    }
    rmSync(dir, { recursive: true, force: true });
    return '/sys';
  }
}

/** A small deterministic source of numbers in [0, 1) (xorshift32), so a random case is reproducible from its seed. */
export function seededUniform(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) / 2 ** 32);
}
