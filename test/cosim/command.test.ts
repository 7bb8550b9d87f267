// `dysta sim`: protocol commands from a script (or stdin), one reply line each.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { buildCounter, COUNT_UNTIL, FIXTURE, tempDir } from './fixture.ts';

const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'dysta.js');

describe('dysta sim', () => {
  it('runs a script against the design and prints the replies (the reply to quit too); err replies make the exit code 1', async () => {
    await buildCounter(); // cached for the child process
    const script = path.join(tempDir(), 'session.cmds');
    writeFileSync(script, '# a comment\nreset 2\npoke step 5\npoke en 1\ntick 3\npeek count\nnope\ncount_until 40\nquit\ntick 1\n');
    const r = await execa('node', [BIN, 'sim', '--rtl', FIXTURE, '--extra', COUNT_UNTIL, '--script', script], {
      reject: false,
    });
    expect(r.stdout).toBe(['ok 2', 'ok', 'ok', 'ok 5', 'ok 0000000f', "err unknown command 'nope' (try 'help')", 'ok 5 40', 'ok'].join('\n'));
    expect(r.stderr).toMatch(/cosim: reused cached simulator .* \(no recompilation\)/);
    expect(r.stderr).toMatch(/cosim: session log \S+\.cmds \(replay: \S+\/sim < \S+\.cmds\)/);
    expect(r.exitCode).toBe(1);
  });

  it('reads commands from stdin', async () => {
    await buildCounter();
    const r = await execa('node', [BIN, 'sim', '--rtl', FIXTURE, '--extra', COUNT_UNTIL], {
      input: 'cycle\ntick 7\n',
    });
    expect(r.stdout).toBe('ok 0\nok 7');
  });

  it('--script takes - (standard input) and a device or FIFO such as /dev/stdin; a folder is refused in one line', async () => {
    await buildCounter();
    for (const script of ['-', '/dev/stdin']) {
      const r = await execa('node', [BIN, 'sim', '--rtl', FIXTURE, '--extra', COUNT_UNTIL, '--script', script], { input: 'tick 3\ncycle\n' });
      expect(r.stdout).toBe('ok 3\nok 3');
    }
    const fifo = path.join(tempDir(), 'cmds.fifo');
    execFileSync('mkfifo', [fifo]);
    const run = execa('node', [BIN, 'sim', '--rtl', FIXTURE, '--extra', COUNT_UNTIL, '--script', fifo]);
    writeFileSync(fifo, 'tick 4\n');
    expect((await run).stdout).toBe('ok 4');
    const dir = await execa('node', [BIN, 'sim', '--rtl', FIXTURE, '--script', tempDir()], { reject: false });
    expect(dir.exitCode).toBe(2);
    expect(dir.stderr).toMatch(/^dysta: --script \S+: is a folder; name a file of protocol commands .*$/);
  });
});
