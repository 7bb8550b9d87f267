// The harness's `drive` command (CycleHost.drive): speculative per-cycle inputs that stop at the
// first edge where a stop term holds; held values (`.`) and values relative to a watched output
// at the previous edge (`@PORT+HEX`, `@PORT-HEX`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CycleHost } from '../../cosim/cycle.ts';
import type { Session } from '../../cosim/index.ts';
import { buildCounter, tempDir } from './fixture.ts';

describe('drive', () => {
  let s: Session;
  beforeAll(async () => {
    s = await (await buildCounter({ trace: 'none' })).start({ logDir: tempDir() });
  });
  afterAll(() => s?.close());

  it('applies one vector per cycle and stops right after the first edge where a stop term holds', async () => {
    const host = new CycleHost(s, ['count', 'step']);
    host.set('en', 1);
    await host.reset(1);
    // count rises by step per cycle: 0, 1, 3, 6, 10 at the edges; stop where count & step both non-zero
    const edges = await host.drive(['step'], [[1n], [2n], [3n], [4n], [5n]], [['count', 'step']]);
    expect(edges.map((e) => [e.count, e.step])).toEqual([
      [0n, 1n],
      [1n, 2n],
    ]);
    expect(await s.peek('count')).toBe(3n); // the vectors after the stop edge were never applied
    expect(host.input('step')).toBe(2n);
  });

  it('holds a value with "." and adds to a watched output at the previous edge with @PORT+HEX / @PORT-HEX', async () => {
    await s.reset(1);
    await s.poke('en', 1);
    await s.poke('step', 0);
    // Edges (count as sampled, step): 0 and 5; 5 and count at the previous edge + 3 = 3; 8 and 3 held;
    // 11 and 8 + 1 = 9
    const reply = await s.send('drive step count,step - 5 @count+3 . @count+1');
    expect(reply).toBe('00000000 05,00000005 03,00000008 03,0000000b 09');
    const host = new CycleHost(s, ['count', 'step']);
    const rel = { from: 'count', add: 2n };
    const edges = await host.drive(['step'], [[1n], [rel], [rel], [{ from: 'count', add: -0x1an }]], []);
    // count 20 (step 1); 21 and 20 + 2 = 22; 43 and 22 held; 65 and 43 - 26 = 17
    expect(edges.map((e) => [e.count, e.step])).toEqual([
      [20n, 1n],
      [21n, 22n],
      [43n, 22n],
      [65n, 17n],
    ]);
    expect(host.input('step')).toBe(17n); // a relative value: as the last edge saw it
  });

  it('refuses a relative value in the first vector, of an unwatched port, or outside the port', async () => {
    expect(await s.sendRaw('drive step count - @count+1')).toMatch(/^err drive: '@count\+1' in the first vector/);
    expect(await s.sendRaw('drive step count - 1 @cycles+1')).toMatch(/^err drive: '@cycles\+1': cycles is not among the watched ports/);
    expect(await s.sendRaw('drive step count - 1 @count+1000')).toMatch(/^err step: value does not fit in 8 bits/);
    expect(await s.sendRaw('drive step count - 1 @count')).toMatch(/^err drive: '@count' is not @PORT\+HEX/);
  });
});
