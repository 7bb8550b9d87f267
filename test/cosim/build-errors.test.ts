// A build that cannot succeed says why and where the full log is, and caches nothing.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BuildError, buildSimulator } from '../../cosim/index.ts';
import { FIXTURE, tempDir } from './fixture.ts';

describe('build errors', () => {
  it('a C++ error in a transaction file fails with the compiler message and the log path', async () => {
    const dir = tempDir();
    const bad = path.join(dir, 'bad_tx.cpp');
    writeFileSync(
      bad,
      '#include "cosim_harness.h"\n' +
        'static cosim::Command c("bad", "", [](cosim::Harness& h, const cosim::Args&) {\n' +
        '  return std::to_string(h.top->no_such_port);\n' +
        '});\n',
    );
    const cacheDir = path.join(dir, 'cache');
    const err = (await buildSimulator({ rtlDir: FIXTURE, extraSources: [bad], trace: 'none', cacheDir }).catch((e: unknown) => e)) as BuildError;
    expect(err).toBeInstanceOf(BuildError);
    expect(err.message).toMatch(/^Verilator build of "cosim_counter" failed \(exit \d+\); full log: \S+\/build\.log\n/);
    expect(err.message).toContain("'class Vtop' has no member named 'no_such_port'");
    expect(readFileSync(err.logPath!, 'utf8')).toContain('bad_tx.cpp');
    // Nothing usable was cached: the next attempt builds again instead of reusing a broken entry.
    expect(readdirSync(cacheDir).filter((f) => /^[0-9a-f]{64}$/.test(f))).toEqual([]);
  });

  it('rejects extra sources that are missing, duplicated, or not C++', async () => {
    const dir = tempDir();
    await expect(buildSimulator({ rtlDir: FIXTURE, extraSources: [path.join(dir, 'gone.cpp')] })).rejects.toThrow(
      /extra source .*gone\.cpp cannot be read \(ENOENT\)/,
    );
    const txt = path.join(dir, 'notes.txt');
    writeFileSync(txt, 'x');
    await expect(buildSimulator({ rtlDir: FIXTURE, extraSources: [txt] })).rejects.toThrow(/neither a C\+\+ source/);
    const clash = path.join(dir, 'cosim_main.cpp');
    writeFileSync(clash, '');
    await expect(buildSimulator({ rtlDir: FIXTURE, extraSources: [clash] })).rejects.toThrow(/already called cosim_main\.cpp; rename it/);
    expect(existsSync(path.join(dir, 'cache'))).toBe(false);
  });
});
