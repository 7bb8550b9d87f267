// The content-addressed build cache: a cold build compiles, a warm one reuses the binary untouched,
// any input change gives a new key, and concurrent builders of one key compile once.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { execa } from 'execa';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSimulator, defaultCacheDir } from '../../cosim/index.ts';
import { COUNT_UNTIL, FIXTURE, tempDir } from './fixture.ts';

describe('build cache', () => {
  it('compiles once, then reuses the cached binary without recompiling', async () => {
    const cacheDir = tempDir();
    const logs: string[] = [];
    const cold = await buildSimulator({ rtlDir: FIXTURE, extraSources: [COUNT_UNTIL], trace: 'none', cacheDir, log: (l) => logs.push(l) });
    expect(cold.reused).toBe(false);
    expect(cold.buildSeconds).toBeGreaterThan(0);
    expect(cold.dir).toBe(path.join(cacheDir, cold.key));
    expect(cold.key).toMatch(/^[0-9a-f]{64}$/);
    expect(logs.some((l) => l.includes('built simulator'))).toBe(true);
    const mtime = statSync(cold.binary).mtimeMs;

    logs.length = 0;
    const t0 = performance.now();
    const warm = await buildSimulator({ rtlDir: FIXTURE, extraSources: [COUNT_UNTIL], trace: 'none', cacheDir, log: (l) => logs.push(l) });
    const warmMs = performance.now() - t0;
    expect(warm.reused).toBe(true);
    expect(warm.buildSeconds).toBe(0);
    expect(warm.key).toBe(cold.key);
    expect(warm.binary).toBe(cold.binary);
    expect(statSync(warm.binary).mtimeMs).toBe(mtime); // not rewritten
    expect(logs).toEqual([`cosim: reused cached simulator ${cold.dir} (no recompilation)`]);
    expect(warmMs).toBeLessThan(5_000); // hashing only
    // Only the entry and the remembered elaboration are left: no temp dirs, no lock files.
    expect(readdirSync(cacheDir).sort()).toEqual([cold.key, 'elaborated'].sort());
    const memo = readdirSync(path.join(cacheDir, 'elaborated'));
    expect(memo).toHaveLength(1);
    expect(JSON.parse(readFileSync(path.join(cacheDir, 'elaborated', memo[0]!), 'utf8')).ports).toEqual(cold.ports);

    // The entry records what went into the key.
    const keyText = readFileSync(path.join(cold.dir, 'key.txt'), 'utf8');
    expect(keyText).toContain('top cosim_counter');
    expect(keyText).toContain('trace none');
    expect(keyText).toContain('flags ["--cc","--exe","--build","-j","2","--prefix","Vtop","-Wno-fatal"');
    expect(keyText).toMatch(/verilator Verilator 5\.\d+/);
    expect(keyText).toMatch(/^verilog cosim_counter\.v [0-9a-f]{64}$/m);
    expect(keyText).toMatch(/^harness count_until\.cpp [0-9a-f]{64}$/m);

    // Any input change is a different key: extra C++, trace flavour, Verilator arguments.
    const noExtra = await buildSimulator({ rtlDir: FIXTURE, trace: 'none', cacheDir });
    expect(noExtra.key).not.toBe(cold.key);
    expect(noExtra.reused).toBe(false);
    const s = await noExtra.start({ logDir: tempDir() });
    await expect(s.send('count_until 5')).rejects.toThrow(/unknown command 'count_until'/);
    await s.close();
  });

  it('lets two concurrent builds of the same key compile once and both succeed', async () => {
    const cacheDir = tempDir();
    const opts = { rtlDir: FIXTURE, extraSources: [COUNT_UNTIL], trace: 'none' as const, cacheDir, verilatorArgs: ['-DCONCURRENT_TEST'] };
    const [a, b] = await Promise.all([buildSimulator(opts), buildSimulator(opts)]);
    expect(a.key).toBe(b.key);
    expect([a.reused, b.reused].sort()).toEqual([false, true]);
    expect(readdirSync(cacheDir).filter((f) => f !== 'elaborated')).toEqual([a.key]);
    const s = await b.start({ logDir: tempDir() });
    expect(await s.send('info')).toBe('top=cosim_counter trace=none');
    await s.close();
  });

  it('takes over a lock left by a build process that died', async () => {
    const first = await buildSimulator({ rtlDir: FIXTURE, trace: 'none', cacheDir: tempDir() });
    const cacheDir = tempDir();
    const dead = (await execa('sh', ['-c', 'echo $$'])).stdout.trim(); // a pid that has exited
    writeFileSync(path.join(cacheDir, `${first.key}.lock`), `${dead}\n${os.hostname()}\n`);
    const t0 = performance.now();
    const again = await buildSimulator({ rtlDir: FIXTURE, trace: 'none', cacheDir });
    expect(again.key).toBe(first.key);
    expect(again.reused).toBe(false);
    expect(performance.now() - t0).toBeLessThan(120_000);
    expect(readdirSync(cacheDir).filter((f) => f !== 'elaborated')).toEqual([first.key]);
  });

  it('an unreadable remembered elaboration is elaborated again (a memo, never a source of truth)', async () => {
    const cacheDir = tempDir();
    const cold = await buildSimulator({ rtlDir: FIXTURE, trace: 'none', cacheDir });
    const memo = path.join(cacheDir, 'elaborated', readdirSync(path.join(cacheDir, 'elaborated'))[0]!);
    writeFileSync(memo, '{ not json');
    const warm = await buildSimulator({ rtlDir: FIXTURE, trace: 'none', cacheDir });
    expect([warm.key, warm.reused]).toEqual([cold.key, true]);
    expect(warm.ports).toEqual(cold.ports);
    expect(JSON.parse(readFileSync(memo, 'utf8')).ports).toEqual(cold.ports);
  });

  it('puts the cache under $DYSTA_CACHE_DIR when set, else <project>/.cache/verilator', async () => {
    expect(defaultCacheDir()).toBe(path.resolve(import.meta.dirname, '../../.cache/verilator'));
    const dir = tempDir();
    process.env.DYSTA_CACHE_DIR = dir;
    try {
      expect(defaultCacheDir()).toBe(dir);
      const sim = await buildSimulator({ rtlDir: FIXTURE, trace: 'none' });
      expect(sim.binary).toBe(path.join(dir, sim.key, 'sim'));
    } finally {
      delete process.env.DYSTA_CACHE_DIR;
    }
  });
});
