// The bin never runs a stale build (issue 9): in a git checkout, `dysta` compiles the sources that
// changed since the last build before it starts, says so on stderr, and drops what a deleted source
// left in dist/. Runs on a copy of the project (sources, bin, package.json; node_modules linked), so
// the real dist/ is untouched.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, tempDir } from '../helpers.ts';

const copy = join(tempDir('dysta-build-'), 'project');
for (const entry of ['bin', 'cli', 'output', 'input', 'hwgen', 'cosim', 'fpga', 'sw-scheduler', 'compare', 'verify', 'models', 'dse', 'package.json']) {
  cpSync(join(PROJECT_ROOT, entry), join(copy, entry), { recursive: true });
}
symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(copy, 'node_modules'));
mkdirSync(join(copy, '.git'));

const dysta = (...args: string[]) => execa('node', [join(copy, 'bin', 'dysta.js'), ...args], { cwd: copy, reject: false });

describe('the bin and its build', () => {
  it('compiles a checkout without dist/ on first start, then starts without compiling', async () => {
    const first = await dysta('--help');
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/source file\(s\) changed since the last build; compiling them into dist\//);
    expect(existsSync(join(copy, 'dist', 'cli', 'main.js'))).toBe(true);
    expect(existsSync(join(copy, 'dist', 'cli', 'main.js.map'))).toBe(true);
    const second = await dysta('--help');
    expect(second.exitCode).toBe(0);
    expect(second.stderr).toBe('');
    expect(second.stdout).toBe(first.stdout);
  });

  it('recompiles an edited source before running it', async () => {
    const commands = join(copy, 'cli', 'commands.ts');
    writeFileSync(commands, readFileSync(commands, 'utf8').replace('Generate the Verilog (+ manifest.json, files.f)', 'Generate the EDITED Verilog'));
    const r = await dysta('--help');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^dysta: 1 source file\(s\) changed since the last build/);
    expect(r.stdout).toContain('Generate the EDITED Verilog');
  });

  it('removes the compiled files of a deleted source', async () => {
    writeFileSync(join(copy, 'cli', 'scratch.ts'), 'export const scratch = 1;\n');
    expect((await dysta('--help')).stderr).toMatch(/1 source file/);
    expect(existsSync(join(copy, 'dist', 'cli', 'scratch.js'))).toBe(true);
    rmSync(join(copy, 'cli', 'scratch.ts'));
    expect((await dysta('--help')).stderr).toMatch(/1 source file/);
    expect(existsSync(join(copy, 'dist', 'cli', 'scratch.js'))).toBe(false);
    expect(existsSync(join(copy, 'dist', 'cli', 'scratch.js.map'))).toBe(false);
  });

  it('source maps point at the TypeScript', () => {
    const map = JSON.parse(readFileSync(join(copy, 'dist', 'cli', 'main.js.map'), 'utf8')) as { sources: string[] };
    expect(map.sources).toEqual(['../../cli/main.ts']);
  });
});
