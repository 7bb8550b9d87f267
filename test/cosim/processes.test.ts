// No simulator outlives its session: not after close(), a crash, a hang, nor when Node itself
// exits, throws, is terminated or is killed (SIGKILL) with sessions still open.
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { buildCounter, processExists, tempDir } from './fixture.ts';

/** Pids of this process's child processes still running the simulator binary. */
async function simChildren(binary: string): Promise<number[]> {
  const r = await execa('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { reject: false });
  return r.stdout
    .split('\n')
    .filter((l) => l.includes(binary))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

async function waitGone(pid: number, ms = 5_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!processExists(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !processExists(pid);
}

describe('process hygiene', () => {
  it('close, crash and timeout all leave no simulator process (and no zombie)', async () => {
    const sim = await buildCounter();
    const logDir = tempDir();
    const a = await sim.start({ logDir });
    const b = await sim.start({ logDir });
    const c = await sim.start({ logDir, timeoutMs: 300 });
    expect((await simChildren(sim.binary)).sort()).toEqual([a.pid, b.pid, c.pid].sort());

    await a.close();
    await b.poke('die', 1);
    await b.send('tick 1').catch(() => {});
    await c.send('tick 1000000000000').catch(() => {});
    await c.close();
    await b.close();
    for (const s of [a, b, c]) expect(processExists(s.pid)).toBe(false); // reaped, so not even a zombie
    expect(await simChildren(sim.binary)).toEqual([]);
  });

  it('close() kills a simulator that does not quit within the grace period', async () => {
    const s = await (await buildCounter()).start({ logDir: tempDir() });
    void s.send('tick 1000000000000').catch(() => {}); // busy: `quit` waits behind it
    const t0 = performance.now();
    await s.close(300);
    expect(performance.now() - t0).toBeLessThan(3_000);
    expect(processExists(s.pid)).toBe(false);
  });

  for (const mode of ['exit', 'throw', 'sigterm', 'sigkill']) {
    it(`kills open simulators when Node ends by ${mode}`, async () => {
      await buildCounter(); // make sure the child finds the binary cached
      const child = path.join(import.meta.dirname, 'exit-child.ts');
      const r = await execa('node', ['--import', 'tsx', child, mode, tempDir()], { reject: false, timeout: 60_000 });
      const pid = Number(r.stdout.trim());
      expect(pid, r.stderr).toBeGreaterThan(0);
      expect(r.exitCode === 0).toBe(false);
      expect(await waitGone(pid)).toBe(true);
    });
  }
});
