// A design-specific transaction command, compiled in from the caller's own C++ file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../cosim/index.ts';
import { buildCounter, tempDir } from './fixture.ts';

describe('extra C++ transaction (count_until)', () => {
  let s: Session;
  beforeAll(async () => {
    s = await (await buildCounter()).start({ logDir: tempDir() });
  });
  afterAll(() => s?.close());

  it('runs many cycles inside C++ with one reply', async () => {
    await s.reset(2);
    await s.poke('step', 7);
    // ceil(100 / 7) = 15 cycles to reach 105.
    expect(await s.send('count_until 100')).toBe('15 105');
    expect(await s.cycle()).toBe(17n);
    expect(await s.peek('count')).toBe(105n);
    expect(await s.peek('en')).toBe(0n); // the transaction leaves the counter disabled
    // Hex arguments are accepted by the Args helpers.
    expect(await s.send('count_until 0x100')).toBe('22 259');
  });

  it('turns C++ exceptions into err replies without killing the simulator', async () => {
    await expect(s.send('count_until 1000000 10')).rejects.toThrow(
      'simulator replied to `count_until 1000000 10`: count did not reach 1000000 within 10 cycles',
    );
    await s.poke('step', 0);
    await expect(s.send('count_until 5')).rejects.toThrow('step is 0: count would never move');
    await expect(s.send('count_until')).rejects.toThrow('count_until: expected 1..2 argument(s), got 0');
    expect(await s.peek('count')).toBe(259n + 10n * 7n);
  });
});
