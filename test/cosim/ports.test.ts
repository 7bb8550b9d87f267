// Built-in commands on every port type: poke/peek/tick/reset/cycle, including >64-bit ports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session, Simulator } from '../../cosim/index.ts';
import { buildCounter, tempDir } from './fixture.ts';

const MASK100 = (1n << 100n) - 1n;

describe('poke, peek, tick', () => {
  let sim: Simulator;
  let s: Session;
  beforeAll(async () => {
    sim = await buildCounter();
    s = await sim.start({ logDir: tempDir() });
  });
  afterAll(() => s?.close());

  it('resets, counts cycles and reads every C++ port type', async () => {
    expect(await s.reset(3)).toBe(3n);
    expect(await s.cycle()).toBe(3n);
    expect(await s.peek('count')).toBe(0n);
    expect(await s.peek('cycles')).toBe(0n); // held at 0 during reset
    expect(await s.peek('delta')).toBe(-1000n); // signed 16-bit: 0 - 1000
    expect(await s.send('peek delta')).toBe('fc18'); // raw reply: zero-padded hex

    await s.poke('step', 0xab);
    await s.poke('en', 1);
    expect(await s.tick(10)).toBe(13n);
    expect(await s.peek('count')).toBe(10n * 0xabn);
    expect(await s.peek('delta')).toBe(10n * 0xabn - 1000n);
    expect(await s.peek('cycles')).toBe(10n);
  });

  it('pokes and peeks values wider than 64 bits exactly', async () => {
    await s.reset(1);
    const v = (1n << 99n) | (0xdead_beef_cafe_f00dn << 20n) | 0x12345n; // spans all four 32-bit words
    await s.poke('acc_in', v);
    await s.poke('en', 1);
    await s.tick(3);
    await s.poke('en', 0);
    await s.tick(5); // holds while disabled
    expect(await s.peek('acc')).toBe((3n * v) & MASK100);
    expect(await s.send('peek acc')).toBe(((3n * v) & MASK100).toString(16).padStart(25, '0'));

    await s.poke('acc_in', MASK100);
    await s.poke('en', 1);
    await s.tick(1);
    expect(await s.peek('acc')).toBe((3n * v + MASK100) & MASK100); // wraps at 100 bits
    // The 64-bit counter kept running through all of it.
    expect(await s.peek('cycles')).toBe(9n);
  });

  it('writes negative values in two\'s complement of the port width', async () => {
    await s.poke('step', -1); // 8 bits -> 0xff
    expect(await s.send('peek step')).toBe('ff');
  });

  it('rejects bad pokes with an err reply and keeps running', async () => {
    await expect(s.send('poke step 100')).rejects.toThrow('simulator replied to `poke step 100`: poke step: value 0x100 does not fit in 8 bits');
    await expect(s.send('poke acc_in 1' + '0'.repeat(25))).rejects.toThrow(/does not fit in 100 bits/);
    await expect(s.send('poke count 1')).rejects.toThrow('cannot poke count: it is an output');
    await expect(s.send('poke step 0xzz')).rejects.toThrow(/'0xzz' is not a hex number/);
    await expect(s.send('tick')).rejects.toThrow('tick: expected 1 argument(s), got 0');
    await expect(s.send('tick -3')).rejects.toThrow(/'-3' is not a decimal number/);
    await expect(s.send('frobnicate')).rejects.toThrow("unknown command 'frobnicate' (try 'help')");
    expect(await s.send('cycle')).toMatch(/^\d+$/);
    expect((await s.send('help')).split(' ')).toEqual(
      expect.arrayContaining(['tick', 'reset', 'poke', 'peek', 'cycle', 'wave', 'count_until', 'quit']),
    );
    expect(await s.send('ports')).toBe(
      'clk:in:1 rst:in:1 en:in:1 step:in:8 acc_in:in:100 die:in:1 halt:in:1 count:out:32 cycles:out:64 delta:out:16 acc:out:100',
    );
  });
});
