// The bundled yargs measures text with a fast path for printable ASCII (bin/build.js: width = length)
// and the real string-width for anything else. Checked two ways: the real string-width versions yargs
// and cliui use give exactly the length for every printable ASCII string; and the built bin prints
// byte for byte what yargs prints from the TypeScript sources with the real string-width, for help
// texts and for messages with non-ASCII text (which take the slow path).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, seededUniform } from '../helpers.ts';

type StringWidth = (text: string, options?: object) => number;

/** The folder of package `name` as a module in `fromDir` resolves it. */
function packageDir(name: string, fromDir: string): string {
  const main = createRequire(join(fromDir, 'x.js')).resolve(name);
  const marker = `node_modules/${name}/`;
  return main.slice(0, main.lastIndexOf(marker) + marker.length);
}

/** The string-width a package of yargs' text layout imports: yargs itself, cliui (from yargs), wrap-ansi (from cliui). */
async function stringWidthOf(pkg: string): Promise<StringWidth> {
  const yargs = packageDir('yargs', PROJECT_ROOT);
  const cliui = packageDir('cliui', yargs);
  const dir = { yargs, cliui, 'wrap-ansi': packageDir('wrap-ansi', cliui) }[pkg]!;
  const path = createRequire(join(dir, 'x.js')).resolve('string-width');
  return ((await import(path)) as { default: StringWidth }).default;
}

const printable = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));

describe('the printable-ASCII fast path of string-width', () => {
  it.each(['yargs', 'cliui', 'wrap-ansi'])('agrees with the string-width %s uses on every printable ASCII character and on random ASCII text', async (pkg) => {
    const stringWidth = await stringWidthOf(pkg);
    for (const c of printable) expect(stringWidth(c), JSON.stringify(c)).toBe(1);
    const next = seededUniform(9);
    for (let n = 0; n < 2000; n++) {
      const text = Array.from({ length: Math.floor(next() * 120) }, () => printable[Math.floor(next() * printable.length)]).join('');
      expect(stringWidth(text)).toBe(text.length);
      expect(stringWidth(text, { ambiguousIsNarrow: false })).toBe(text.length);
    }
  });

  // Running from the sources takes tsx (about half a second a run): a few texts, not all commands.
  const fromSources = (args: string[]) => execa('node', ['--import', 'tsx', join(PROJECT_ROOT, 'cli', 'main.ts'), ...args], { cwd: PROJECT_ROOT, reject: false });
  const built = (args: string[]) => execa('node', [join(PROJECT_ROOT, 'bin', 'dysta.js'), ...args], { cwd: PROJECT_ROOT, reject: false });
  it.each([
    ['--help'],
    ['simulate', '--help'],
    ['cosim', '--help'],
    ['simulate', '--bogus-ünïcödé-选项'],
    ['simulat'],
  ])('the built bin prints what the sources print: dysta %s', async (...args) => {
    const [a, b] = await Promise.all([fromSources(args), built(args)]);
    expect(b.exitCode).toBe(a.exitCode);
    expect(b.stdout).toBe(a.stdout);
    expect(b.stderr).toBe(a.stderr);
    expect(a.stdout.length + a.stderr.length).toBeGreaterThan(20);
  });
});
