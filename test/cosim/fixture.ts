// Shared by the cosim tests: the hand-written counter fixture, temp folders, and a built simulator.
// Builds go to the project's default cache, so test files running in parallel share one compile.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { buildSimulator, type BuildOptions, type Simulator } from '../../cosim/index.ts';

export const FIXTURE = fileURLToPath(new URL('../fixtures/cosim-counter/', import.meta.url));
export const COUNT_UNTIL = path.join(FIXTURE, 'count_until.cpp');

/** A fresh temp folder, removed when the test file ends. */
export function tempDir(prefix = 'dysta-cosim-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A writable copy of the fixture, for tests that corrupt it. */
export function fixtureCopy(): string {
  const dir = path.join(tempDir(), 'rtl');
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

/** The counter with the count_until transaction, FST tracing, from the default cache. */
export function buildCounter(extra: Partial<BuildOptions> = {}): Promise<Simulator> {
  return buildSimulator({ rtlDir: FIXTURE, extraSources: [COUNT_UNTIL], ...extra });
}

/** True if a process with this pid exists (zombies included: they still hold the pid). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
