// A missing or too-old Verilator gives one line that says what to install.
import { chmodSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, tempDir } from '../helpers.ts';

async function demoWithPath(pathDirs: string[]) {
  const r = await execa(process.execPath, [join(PROJECT_ROOT, 'bin', 'dysta.js'), 'demo', '--out', join(pathDirs[0]!, 'rtl')], {
    reject: false,
    env: { PATH: pathDirs.join(':') },
    extendEnv: false,
  });
  return r;
}

describe('tool checks at start-up', () => {
  it('names the missing tool and how to install it', async () => {
    const bin = tempDir();
    symlinkSync(process.execPath, join(bin, 'node'));
    const r = await demoWithPath([bin]);
    expect(r.exitCode).not.toBe(0);
    const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('dysta:'));
    expect(lines).toEqual([
      'dysta: verilator 5.006 or newer is required but was not found on PATH: install it with `make setup` (or `apt-get install verilator`).',
    ]);
  });

  it('rejects a too-old verilator', async () => {
    const bin = tempDir();
    symlinkSync(process.execPath, join(bin, 'node'));
    writeFileSync(join(bin, 'verilator'), '#!/bin/sh\necho "Verilator 4.038 2020-07-11 rev v4.036-114-g0cd4a57ad"\n');
    chmodSync(join(bin, 'verilator'), 0o755);
    const r = await demoWithPath([bin, '/bin']);
    expect(r.stderr).toContain('dysta: verilator 4.038 is too old; 5.006 or newer is required: install it with `make setup`');
  });
});
