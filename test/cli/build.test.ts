// The bin never runs a stale build (issue 9): in a git checkout, `dysta` rebuilds dist/ when a source
// changed (or was added or deleted) since the last build before it starts, says so on stderr, and
// drops the files of the previous build that the new one no longer has. Runs on a copy of the project
// (sources, bin, package.json; node_modules linked), so the real dist/ is untouched.
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
    expect(first.stderr).toMatch(/source file\(s\) changed since the last build; rebuilding dist\//);
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

  it('rebuilds when a source is added or deleted, and removes what the previous build wrote and the new one does not', async () => {
    const manifest = () => JSON.parse(readFileSync(join(copy, 'dist', '.sources.json'), 'utf8')) as { outputs: string[] };
    const before = manifest().outputs;
    // A new command module: its own bundle file appears.
    const commands = join(copy, 'cli', 'commands.ts');
    const original = readFileSync(commands, 'utf8');
    writeFileSync(join(copy, 'cli', 'scratch.ts'), "export const scratchCommand = { describe: 'x', handler: () => console.log('scratch ran') };\n");
    writeFileSync(commands, original.replace("const ENTRIES: CommandEntry[] = [", "const ENTRIES: CommandEntry[] = [\n  { command: 'scratch', describe: 'SCRATCH', load: async () => (await import('./scratch.ts')).scratchCommand },"));
    const added = await dysta('scratch');
    expect(added.stderr).toMatch(/^dysta: 2 source file\(s\) changed/);
    expect(added.stdout).toBe('scratch ran');
    const withScratch = manifest().outputs;
    const scratchFiles = withScratch.filter((f) => /^chunks\/scratch-.*\.js(\.map)?$/.test(f));
    expect(scratchFiles).toHaveLength(2);
    for (const f of scratchFiles) expect(existsSync(join(copy, 'dist', f))).toBe(true);
    // Gone again: so are its files, and those the edit of commands.ts changed.
    rmSync(join(copy, 'cli', 'scratch.ts'));
    writeFileSync(commands, original);
    expect((await dysta('--help')).stderr).toMatch(/2 source file/);
    for (const f of scratchFiles) expect(existsSync(join(copy, 'dist', f))).toBe(false);
    // The same sources bundle to the same files (content-hashed chunk names).
    expect(manifest().outputs).toEqual(before);
    for (const f of before) expect(existsSync(join(copy, 'dist', f))).toBe(true);
    for (const f of withScratch.filter((f) => !before.includes(f))) expect(existsSync(join(copy, 'dist', f))).toBe(false);
  });

  it('refuses to run a build that does not compile, with the file and line', async () => {
    const gen = join(copy, 'cli', 'gen-rtl.ts');
    const original = readFileSync(gen, 'utf8');
    writeFileSync(gen, `${original}\nexport const broken = ;\n`);
    const r = await dysta('--version');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^dysta: 1 source file\(s\) changed since the last build; rebuilding dist\/ \(npm run build\)\ndysta: cannot build dist\/: cli\/gen-rtl\.ts:\d+: /);
    writeFileSync(gen, original);
    expect((await dysta('--version')).exitCode).toBe(0);
  });

  it('source maps point at the TypeScript', () => {
    const map = JSON.parse(readFileSync(join(copy, 'dist', 'cli', 'main.js.map'), 'utf8')) as { sources: string[] };
    expect(map.sources).toContain('../../cli/main.ts');
    expect(map.sources.every((s) => s.endsWith('.ts'))).toBe(true);
  });
});
