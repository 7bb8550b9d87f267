// Every session leaves a command log that replays without Node: `<binary> < session.cmds`.
import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { buildCounter, tempDir } from './fixture.ts';

describe('command log replay', () => {
  it('replaying the log with the bare binary prints exactly the replies the session got', async () => {
    const sim = await buildCounter();
    const logDir = tempDir();
    const s = await sim.start({ logDir, name: 'replayable' });
    const got: string[] = [];
    got.push(await s.send('reset 2'));
    await s.poke('step', 9);
    await s.poke('acc_in', (1n << 90n) + 77n);
    got.push(await s.send('count_until 50'));
    got.push(await s.send('peek acc'));
    got.push(await s.send('peek delta'));
    await s.send('peek missing').catch(() => {}); // an err reply is part of the record too
    got.push(await s.send('tick 1000'));
    await s.close();

    expect(s.logPath).toBe(`${logDir}/replayable.cmds`);
    const log = readFileSync(s.logPath, 'utf8');
    expect(log).toContain(`# replay without Node: ${sim.binary} < ${s.logPath}\n`);
    expect(log.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([
      'info',
      'reset 2',
      'poke step 9',
      'poke acc_in 4000000000000000000004d',
      'count_until 50',
      'peek acc',
      'peek delta',
      'peek missing',
      'tick 1000',
      'quit',
    ]);

    const recorded = readFileSync(s.repliesPath, 'utf8');
    expect(recorded.split('\n').slice(4, 8)).toEqual(['ok 6 54', `ok ${got[2]}`, 'ok fc4e', "err no port named 'missing' on cosim_counter"]);
    expect(got).toEqual(['2', '6 54', ((6n * ((1n << 90n) + 77n)) & ((1n << 100n) - 1n)).toString(16).padStart(25, '0'), 'fc4e', '1008']);

    // $display output went to the session's stderr file, never into the replies.
    expect(readFileSync(s.stderrPath, 'utf8')).toBe('cosim_counter: in reset, count was 0\ncosim_counter: in reset, count was 0\n');

    // The replay, as a user would type it in a shell.
    const replay = await execa('sh', ['-c', '"$0" < "$1"', sim.binary, s.logPath]);
    expect(replay.stdout + '\n').toBe(recorded);
    expect(replay.stderr).toContain('cosim_counter: in reset, count was 0');
    expect(replay.exitCode).toBe(0);
  });
});
