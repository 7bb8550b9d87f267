// A failing simulator command is quoted briefly in the error, however long the command line (an NPU
// layer is 12 KB on one line); the command log keeps it whole.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SimulatorError } from '../../cosim/index.ts';
import { buildCounter, tempDir } from './fixture.ts';

describe('error messages quote an excerpt of the command', () => {
  it('a simulator killed during a 12 KB command', async () => {
    const s = await (await buildCounter({ trace: 'none' })).start({ logDir: tempDir() });
    await s.reset(1);
    await s.poke('step', 1);
    // 12 KB of leading zeros: a valid, very long command that runs until the process is killed.
    const long = `count_until ${'0'.repeat(12_000)}1000000000000 1000000000000`;
    const pending = s.send(long).catch((e: SimulatorError) => e);
    await new Promise((r) => setTimeout(r, 300));
    s.kill();
    const e = (await pending) as SimulatorError;
    expect(e.kind).toBe('crash');
    expect(e.message).toMatch(/^simulator was killed by SIGKILL before replying to `count_until 0+\.\.\. \(\d+ characters\)`/);
    expect(e.message.length).toBeLessThan(1000);
    expect(e.command).toBe(long);
    expect(readFileSync(s.logPath, 'utf8')).toContain(long);
    await s.close();
  });

  it('an err reply to a long command', async () => {
    const s = await (await buildCounter({ trace: 'none' })).start({ logDir: tempDir() });
    const e = (await s.send(`peek ${'x'.repeat(12_000)}`).catch((err: SimulatorError) => err)) as SimulatorError;
    expect(e.kind).toBe('err');
    expect(e.message.split('\n')[0]!.length).toBeLessThan(500);
    await s.close();
  });
});
