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

describe('yosys check at start-up', () => {
  it('names a too-old yosys and how to install it', async () => {
    const bin = tempDir();
    symlinkSync(process.execPath, join(bin, 'node'));
    symlinkSync('/usr/bin/verilator', join(bin, 'verilator'));
    writeFileSync(join(bin, 'yosys'), '#!/bin/sh\necho "Yosys 0.9 (git sha1 1979e0b)"\n');
    chmodSync(join(bin, 'yosys'), 0o755);
    const rtl = join(bin, 'rtl');
    const env = { PATH: [bin, '/usr/bin', '/bin'].join(':') };
    const gen = await execa(process.execPath, [join(PROJECT_ROOT, 'bin', 'dysta.js'), 'gen-rtl', '--out', rtl], { reject: false, env, extendEnv: false });
    expect(gen.exitCode).toBe(0);
    const r = await execa(process.execPath, [join(PROJECT_ROOT, 'bin', 'dysta.js'), 'synth', '--rtl', rtl, '--top', 'sparsity_monitor'], { reject: false, env, extendEnv: false });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('dysta: yosys 0.9 is too old; 0.23 or newer is required: install it with `make setup` (or `apt-get install yosys`).');
  });
});

describe('number options', () => {
  it('quote what was typed when it is not a number', async () => {
    const r = await execa(process.execPath, [join(PROJECT_ROOT, 'bin', 'dysta.js'), 'demo', '--density', 'abc'], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe('dysta: --density expects a number, got "abc"');
  });
});
