// A plain command line is read without yargs (cli/plain-command-line.ts): the arguments it gives a
// handler must be exactly the ones yargs gives, and every command line it is not sure of must go to
// yargs. The end-to-end case runs the built bin both ways and compares the outputs byte for byte.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { commands, loadCommand } from '../../cli/commands.ts';
import { readPlainOptions, recordDeclarations, type Declarations } from '../../cli/plain-command-line.ts';
import { PROJECT_ROOT, runCli, tempDir } from '../helpers.ts';

const work = tempDir('dysta-plain-');
const CSV = join(PROJECT_ROOT, 'test', 'fixtures', 'workloads', 'eyerissv2');

/** The arguments yargs hands the command's handler (set up as cli/main.ts sets it up). */
async function yargsArgv(name: string, args: string[]): Promise<Record<string, unknown>> {
  const command = (await loadCommand(name))!;
  let got: Record<string, unknown> | undefined;
  await yargs([name, ...args])
    .scriptName('dysta')
    .strict()
    .demandCommand(1)
    .help()
    .alias('h', 'help')
    .version('0.0.0')
    .fail((msg, err) => {
      throw err ?? new Error(msg);
    })
    .command({ command: name, describe: 'the command', builder: command.builder!, handler: (argv) => void (got = argv) })
    .parseAsync();
  return got!;
}

async function declarationsOf(name: string): Promise<Declarations | undefined> {
  return recordDeclarations((await loadCommand(name))!.builder);
}

const plain = async (name: string, args: string[]) => readPlainOptions(name, 'dysta', args, (await declarationsOf(name))!);

describe('plain command lines, read without yargs', () => {
  it("records simulate's options, defaults, choices and conflicts from its builder", async () => {
    const d = (await declarationsOf('simulate'))!;
    expect(d).toBeDefined();
    expect(d.options.get('csv-dir')).toEqual({ type: 'string', default: undefined, choices: undefined });
    expect(d.options.get('seq-len')).toMatchObject({ type: 'number', default: 512 });
    expect(d.options.get('policies')).toMatchObject({ type: 'string', default: 'all' });
    expect(d.options.get('predictor')?.choices).toContain('last-n');
    expect(d.conflicts).toContainEqual(['trace', 'rate']);
    expect(d.conflicts).toContainEqual(['workload', 'csv-dir']);
  });

  const simulateLines: string[][] = [
    [],
    ['--csv-dir', CSV, '--trace', 't.json', '--policies', 'fcfs,sjf,dysta', '--json', 'out.json'],
    ['--workload', 'cnn', '--rate', '10', '--requests', '1000', '--seed', '1'],
    ['--load', '0.5', '--slo-mult', '7.25', '--predictor', 'last-n', '--last-n', '4', '--switch-cost', '0.001', '--trace-out', 'x y.json'],
    ['--csv-dir', 'a=b', '--seq-len', '256', '--alpha', '0', '--beta', '0.02', '--sigma', '1', '--lambda', '2', '--tau', '0.5', '--fit-split', 'odd'],
    ['--decision-log', 'log.jsonl', '--zoo-seed', '3', '--zoo-samples', '12', '--policies', 'dysta'],
  ];
  it.each(simulateLines.map((l) => [l.join(' ') || '(no options)', l]))('simulate %s: the same arguments as yargs', async (_, line) => {
    const mine = await plain('simulate', line as string[]);
    expect(mine).toBeDefined();
    expect(mine).toEqual(await yargsArgv('simulate', line as string[]));
  });

  // Each of these goes to yargs, which reads it otherwise, refuses it or prints help.
  const notPlain: string[][] = [
    ['--help'],
    ['-h'],
    ['--json'],
    ['--json', '-'],
    ['--json=out.json'],
    ['--rate', '1e3'],
    ['--rate', '0x10'],
    ['--rate', '-1'],
    ['--rate', '.5'],
    ['--rate', '07'],
    ['--rate', 'ten'],
    ['--seed', '"1"'],
    ['--json', "'a.json'"],
    ['--json', ''],
    ['--policies', 'fcfs', '--policies', 'sjf'],
    ['--trace', 't.json', '--rate', '3'],
    ['--rate', '3', '--load', '0.5'],
    ['--workload', 'cnn', '--csv-dir', CSV],
    ['--predictor', 'bogus'],
    ['--fit-split', 'bogus'],
    ['--bogus', '1'],
    ['--csvDir', CSV],
    ['extra'],
    ['--seed'],
    ['--seed', '1', 'extra'],
  ];
  it.each(notPlain.map((l) => [l.join(' '), l]))('simulate %s goes to yargs', async (_, line) => {
    expect(await plain('simulate', line as string[])).toBeUndefined();
  });

  it('every command whose builder it understands: the same arguments as yargs with every option given', async () => {
    let understood = 0;
    for (const { command } of commands) {
      const name = String(command);
      const d = await declarationsOf(name);
      if (!d) continue;
      understood++;
      const line: string[] = [];
      const given = new Set<string>();
      for (const [option, spec] of d.options) {
        // Options that conflict with one given (or defaulted) already are left out.
        const clash = d.conflicts.some(([a, b]) => (a === option && (given.has(b) || d.options.get(b)?.default !== undefined)) || (b === option && (given.has(a) || d.options.get(a)?.default !== undefined)));
        if (clash) continue;
        given.add(option);
        line.push(`--${option}`, spec.type === 'number' ? '3' : (spec.choices?.[0] ?? 'value'));
      }
      const mine = readPlainOptions(name, 'dysta', line, d);
      expect(mine, `${name} ${line.join(' ')}`).toEqual(await yargsArgv(name, line));
    }
    expect(understood).toBeGreaterThan(0);
  });

  it('a builder asking yargs for more than typed options and conflicts is not understood', () => {
    expect(recordDeclarations((y) => y.option('n', { type: 'number', alias: 'count' }))).toBeUndefined();
    expect(recordDeclarations((y) => y.option('b', { type: 'boolean' }))).toBeUndefined();
    expect(recordDeclarations((y) => y.option('a', { type: 'string' }).check(() => true))).toBeUndefined();
    expect(recordDeclarations((y) => y.positional('x', { type: 'string' }))).toBeUndefined();
    expect(recordDeclarations({ a: { type: 'string', default: 'x' } })?.options.get('a')).toEqual({ type: 'string', default: 'x', choices: undefined });
  });

  it('the built bin gives the same output whether the command line is plain or goes through yargs', async () => {
    const trace = join(work, 'trace.json');
    const made = await runCli(['simulate', '--csv-dir', CSV, '--requests', '40', '--load', '0.9', '--trace-out', trace, '--policies', 'fcfs'], { cwd: work });
    expect(made.exitCode, made.stderr).toBe(0);
    // `--json=...` is not plain: that run parses with yargs.
    const [viaPlain, viaYargs] = await Promise.all([
      runCli(['simulate', '--csv-dir', CSV, '--trace', trace, '--policies', 'all', '--json', 'plain.json'], { cwd: work }),
      runCli(['simulate', '--csv-dir', CSV, '--trace', trace, '--policies', 'all', '--json=yargs.json'], { cwd: work }),
    ]);
    expect(viaPlain.exitCode, viaPlain.stderr).toBe(0);
    expect(viaYargs.exitCode, viaYargs.stderr).toBe(0);
    expect(viaPlain.stdout.replace('plain.json', 'X')).toBe(viaYargs.stdout.replace('yargs.json', 'X'));
    expect(viaPlain.stderr).toBe(viaYargs.stderr);
    expect(readFileSync(join(work, 'plain.json'), 'utf8')).toBe(readFileSync(join(work, 'yargs.json'), 'utf8'));
    // An error found by the handler reads the same both ways.
    const [badPlain, badYargs] = await Promise.all([
      runCli(['simulate', '--csv-dir', CSV, '--trace', trace, '--policies', 'fcfs,nope'], { cwd: work }),
      runCli(['simulate', '--csv-dir', CSV, '--trace', trace, '--policies=fcfs,nope'], { cwd: work }),
    ]);
    expect(badPlain.exitCode).toBe(2);
    expect(badPlain).toEqual(badYargs);
  }, 60_000);
});
