// The session log folder stays bounded (cosim/session.ts): finished sessions beyond the newest few per
// top, then beyond a size cap, are pruned; running sessions and custom-named logs are never touched,
// and a folder of logs from before the output marker is adopted, not refused.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pruneSessionLogs, KEEP_PER_TOP } from '../../cosim/session.ts';
import { OUTPUT_MARKER } from '../../output/index.ts';
import { buildCounter, tempDir } from './fixture.ts';

const DEAD = 99_999_999; // above any pid_max: never a live process

function fakeSession(dir: string, top: string, second: number, pid = DEAD, bytes = 10): string {
  const base = `${top}-20250101-0000${String(second).padStart(2, '0')}-${pid}-1`;
  for (const ext of ['cmds', 'replies', 'stderr', 'cmds.run-0.script']) writeFileSync(path.join(dir, `${base}.${ext}`), 'x'.repeat(bytes));
  return base;
}

const bases = (dir: string) => [...new Set(readdirSync(dir).map((f) => f.split('.')[0]!))].filter((b) => b !== '').sort();

describe('session log folder', () => {
  it(`keeps the newest ${KEEP_PER_TOP} finished sessions per top, every live one, and custom names`, () => {
    const dir = tempDir();
    const npu = Array.from({ length: 8 }, (_, i) => fakeSession(dir, 'npu_tile', i));
    const sys = Array.from({ length: 3 }, (_, i) => fakeSession(dir, 'dysta_system', i));
    const live = fakeSession(dir, 'npu_tile', 0, process.pid); // oldest of all, but its process runs
    writeFileSync(path.join(dir, 'replayable.cmds'), 'custom');
    pruneSessionLogs(dir);
    expect(bases(dir)).toEqual([...sys, ...npu.slice(-KEEP_PER_TOP), live, 'replayable'].sort());
    // Every file of a pruned session goes (run scripts included), not only the .cmds.
    expect(readdirSync(dir).filter((f) => f.startsWith(npu[0]!))).toEqual([]);
  });

  it('prunes the oldest finished sessions beyond the size cap', () => {
    const dir = tempDir();
    const all = Array.from({ length: 4 }, (_, i) => fakeSession(dir, 'npu_tile', i, DEAD, 1000));
    pruneSessionLogs(dir, KEEP_PER_TOP, 2 * 4 * 1000);
    expect(bases(dir)).toEqual(all.slice(2));
  });

  it('a real session adopts an unmarked folder of old logs and prunes it', async () => {
    const sim = await buildCounter({ trace: 'none' });
    const dir = tempDir();
    const old = Array.from({ length: KEEP_PER_TOP + 3 }, (_, i) => fakeSession(dir, 'cosim_counter', i));
    const s = await sim.start({ logDir: dir });
    await s.close();
    expect(existsSync(path.join(dir, OUTPUT_MARKER))).toBe(true);
    expect(existsSync(s.logPath)).toBe(true);
    const kept = old.filter((b) => existsSync(path.join(dir, `${b}.cmds`)));
    // The new session counts as one of the newest KEEP_PER_TOP.
    expect(kept).toEqual(old.slice(-(KEEP_PER_TOP - 1)));
    expect(statSync(s.logPath).size).toBeGreaterThan(0);
  });

  it('a folder holding anything else is refused with one line, and nothing in it is touched', async () => {
    const sim = await buildCounter({ trace: 'none' });
    const dir = tempDir();
    writeFileSync(path.join(dir, 'thesis.tex'), 'mine');
    await expect(sim.start({ logDir: dir })).rejects.toThrow(/^session log folder .* is a folder that dysta did not write/);
    expect(readdirSync(dir)).toEqual(['thesis.tex']);
  });
});
