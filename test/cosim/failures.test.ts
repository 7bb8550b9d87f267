// Failures name the command and the command log: err replies, crashes (a $stop in the design
// aborts the process), hangs (per-command timeout), and use after close.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Session, SimulatorError, type Simulator } from '../../cosim/index.ts';
import { buildCounter, processExists, tempDir } from './fixture.ts';

async function failure(p: Promise<unknown>): Promise<SimulatorError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SimulatorError);
  return e as SimulatorError;
}

describe('simulator failures', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await buildCounter();
  });

  it('an err reply names the command, the log and the replay command', async () => {
    const s = await sim.start({ logDir: tempDir(), name: 'err-case' });
    const e = await failure(s.send('peek nope'));
    expect(e.kind).toBe('err');
    expect(e.command).toBe('peek nope');
    expect(e.logPath).toBe(s.logPath);
    expect(e.userError).toBe(true);
    expect(e.message).toBe(
      "simulator replied to `peek nope`: no port named 'nope' on cosim_counter\n" +
        `  command log: ${s.logPath}\n` +
        `  replay: ${sim.binary} < ${s.logPath}\n` +
        `  stderr: ${s.stderrPath}`,
    );
    // The log already holds the failing command when the error is seen.
    expect(readFileSync(s.logPath, 'utf8').trim().split('\n').at(-1)).toBe('peek nope');
    expect(await s.send('cycle')).toBe('0'); // still alive
    expect(await s.sendRaw('peek nope')).toBe("err no port named 'nope' on cosim_counter"); // for callers expecting err
    expect(await s.sendRaw('cycle')).toBe('ok 0');
    await s.close();
  });

  it('a crash ($stop -> abort) fails the running command and every queued one, and later sends', async () => {
    const s = await sim.start({ logDir: tempDir(), name: 'crash-case' });
    await s.reset(1);
    await s.poke('die', 1);
    const running = failure(s.send('tick 2'));
    const queued = failure(s.send('peek count'));
    const e = await running;
    expect(e.kind).toBe('crash');
    expect(e.command).toBe('tick 2');
    expect(e.message).toMatch(/^simulator was killed by SIGABRT before replying to `tick 2`; its last stderr lines:\n/);
    expect(e.message).toContain('cosim_counter.v:34: Verilog $stop');
    expect(e.message).toContain(`command log: ${s.logPath}`);
    expect(await queued).toBe(e);
    expect(await failure(s.send('cycle'))).toBe(e);
    expect(readFileSync(s.stderrPath, 'utf8')).toContain('Verilog $stop');
    expect(s.running).toBe(false);
    expect(processExists(s.pid)).toBe(false);
    await s.close(); // harmless after a crash
  });

  it('$finish in the design ends simulation time but not the session', async () => {
    const s = await sim.start({ logDir: tempDir() });
    await s.reset(1);
    await s.poke('halt', 1);
    const e = await failure(s.send('tick 10'));
    expect(e.kind).toBe('err');
    expect(e.message).toMatch(/^simulator replied to `tick 10`: the design called \$finish at cycle 2\n/);
    await expect(s.send('tick 1')).rejects.toThrow('the design called $finish; no more cycles can run (cycle 2)');
    expect(await s.peek('cycles')).toBe(1n); // state stays readable
    await s.close();
    expect(readFileSync(s.stderrPath, 'utf8')).toMatch(/cosim_counter\.v:35: Verilog \$finish/);
  });

  it('a simulator binary that cannot start is reported as such', async () => {
    const s = new Session({ ...sim, binary: '/nonexistent/sim' }, { logDir: tempDir() });
    const e = await failure(s.send('info'));
    expect(e.kind).toBe('crash');
    expect(e.message).toMatch(/^simulator could not be started \(.*ENOENT.*; rebuild it with buildSimulator\) before replying to `info`/);
    await s.close();
  });

  it('a hung command times out, the process is killed, and the error says so', async () => {
    const s = await sim.start({ logDir: tempDir(), timeoutMs: 500 });
    const t0 = performance.now();
    const e = await failure(s.send('tick 1000000000000'));
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(e.kind).toBe('timeout');
    expect(e.command).toBe('tick 1000000000000');
    expect(e.message).toMatch(/^simulator did not reply to `tick 1000000000000` within 500 ms .*the process was killed\n  command log: /);
    await s.close();
    expect(processExists(s.pid)).toBe(false);
  });

  it('the timeout is per command: a long pipelined batch of short commands does not trip it', async () => {
    const s = await sim.start({ logDir: tempDir(), timeoutMs: 2_000 });
    const replies = await Promise.all(Array.from({ length: 300 }, () => s.send('tick 20000')));
    expect(replies.at(-1)).toBe(String(300 * 20000));
    await s.close();
  });

  it('sending after close is an error naming the command', async () => {
    const s = await sim.start({ logDir: tempDir() });
    await s.close();
    const e = await failure(s.send('cycle'));
    expect(e.kind).toBe('closed');
    expect(e.message).toMatch(/^the session is closed\n  command log: /);
    const multi = await failure(s.send('tick 1\ntick 2'));
    expect(multi.kind).toBe('protocol');
  });
});
