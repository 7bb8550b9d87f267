// The `dysta` command line. Each command lives in its own module next to the part it drives; this
// file only assembles them, so the parts stay independent of each other. It also owns the rules every
// command shares: exit codes (cli/errors.ts), one-line errors without stack traces, option values
// checked before any work, and a closed standard output that never cancels the files being written.
import { readFileSync } from 'node:fs';
import type { Arguments } from 'yargs';
import { packageFile } from '../input/package-files.ts';
import { excerpt, keepWorkingWhenStdoutCloses } from '../output/index.ts';
import { commands, loadCommand } from './commands.ts';
import { EXIT, UserError, isUserFacing } from './errors.ts';
import { readPlainOptions, recordDeclarations } from './plain-command-line.ts';
import { loadYargs } from './yargs-loader.ts';

const VERSION = (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
// `dysta --version` alone is answered before yargs loads: yargs and its text-layout dependencies
// cost more start-up time than everything else this command needs (README, "Build and start-up time").
if (process.argv.length === 3 && process.argv[2] === '--version') {
  process.stdout.write(`${VERSION}\n`);
  process.exit(EXIT.ok);
}

// `dysta predictors --out r | true`: the reader of stdout is gone before the report is written; the
// command must still write it (output/index.ts drops later writes to the closed stdout).
keepWorkingWhenStdoutCloses();
process.stderr.on('error', () => {}); // a closed stderr is no reason to stop either

/** An error message as printed: every line cut short, at most a screenful (a 12 KB one-liner is a bug). */
function shorten(message: string): string {
  const lines = message.trimEnd().split('\n');
  const shown = lines.slice(0, 30).map((l) => excerpt(l, 1000));
  if (lines.length > 30) shown.push(`... (${lines.length - 30} more lines)`);
  return shown.join('\n');
}

function report(err: unknown): never {
  if (isUserFacing(err)) {
    process.stderr.write(`dysta: ${shorten(err.message)}\n`);
    process.exit(err.exitCode ?? EXIT.usage);
  }
  const e = err instanceof Error ? err : new Error(String(err));
  if (process.env.DYSTA_DEBUG) process.stderr.write(`${e.stack ?? e.message}\n`);
  const first = e.message.split('\n')[0] ?? '';
  process.stderr.write(`dysta: internal error: ${excerpt(first, 300)} (a bug in dysta; run again with DYSTA_DEBUG=1 for the stack trace and report it)\n`);
  process.exit(EXIT.internal);
}
process.on('uncaughtException', report);
process.on('unhandledRejection', report);

/** What an option that names a path needs when it is given without a value (`--json` alone). */
const PATH_OPTIONS: Record<string, string> = {
  json: 'a file name, or - for standard output',
  'trace-out': 'a file name, or - for standard output',
  'decision-log': 'a file name, or - for standard output',
  wave: 'a file name ending in .fst or .vcd',
  out: 'a folder',
  rtl: 'a folder',
  'export-csv': 'a folder',
  config: 'a JSON file',
  trace: 'a JSON file',
  'csv-dir': 'a folder of CSV files',
  script: 'a file',
};

/** The text typed after `--flag` on the command line, if it can be found. */
function typed(flag: string): string | undefined {
  const at = process.argv.findIndex((a) => a === `--${flag}` || a.startsWith(`--${flag}=`));
  if (at < 0) return undefined;
  const arg = process.argv[at]!;
  return arg.includes('=') ? arg.split('=').slice(1).join('=') : process.argv[at + 1];
}

// Checked before any command runs, so no work is done on a typo:
//  * yargs turns a number option given a non-number into NaN: say so once, quoting what was typed;
//  * an option that names a path given without one (`--json` alone) is an error, never ignored.
function checkOptionValues(argv: Arguments): void {
  for (const [key, value] of Object.entries(argv)) {
    if (key.length < 2 || /[A-Z]/.test(key)) continue; // aliases and camel-case copies
    if (typeof value === 'number' && Number.isNaN(value)) {
      const raw = typed(key);
      const got = raw === undefined ? '' : `, got ${JSON.stringify(excerpt(raw, 60))}`;
      if (key === 'seeds') {
        const hint = ['sweep', 'study'].includes(String(argv._[0])) ? `; for the seeds 1,2,3 give --seeds 3 --first-seed 1` : '';
        throw new UserError(`--seeds is a count of seeds${got}${hint}`);
      }
      throw new UserError(`--${key} expects a number${got}`);
    }
    if (value === '' && Object.hasOwn(PATH_OPTIONS, key)) {
      // yargs reads `--json -` as `--json ''` plus a positional `-`: put the `-` (stdout) back.
      if (typed(key) === '-') {
        argv[key] = '-';
        const dash = argv._.indexOf('-');
        if (dash >= 0) argv._.splice(dash, 1);
        continue;
      }
      throw new UserError(`--${key} needs ${PATH_OPTIONS[key]}`);
    }
  }
}

const SCRIPT_NAME = 'dysta';
const args = process.argv.slice(2);
// A plain command line (cli/plain-command-line.ts) runs its command without loading yargs; any other
// goes to yargs, which parses it the same way or refuses it.
const command = await loadCommand(args[0]);
const declared = command && recordDeclarations(command.builder);
const plain = declared && readPlainOptions(args[0]!, SCRIPT_NAME, args.slice(1), declared);
if (command && plain) {
  try {
    checkOptionValues(plain);
    await command.handler(plain);
  } catch (err) {
    report(err);
  }
} else {
  await runYargs();
}

async function runYargs(): Promise<void> {
  const yargs = await loadYargs();
  // (What yargs/helpers' hideBin gives for node: the arguments after the script; one chunk less to load.)
  const cli = yargs(args)
    .scriptName(SCRIPT_NAME)
    .usage(
      '$0 <command> [options]\n\nRTL generator, Verilator co-simulator and scheduler model for Sparse-DySta.\n' +
        'Exit codes: 0 success, 1 a verification or check failed, 2 a usage or input error.',
    )
    .strict()
    .demandCommand(1, 'Name a command; `dysta --help` lists them.')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    // Given, not looked up: bundled in dist/, yargs would look for package.json from the working folder.
    .version(VERSION)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      if (err) throw err;
      process.stderr.write(`dysta: ${shorten(msg)}\nRun \`dysta --help\` for usage.\n`);
      process.exit(EXIT.usage);
    });

  for (const command of commands) cli.command(command);
  cli.middleware(checkOptionValues, true);
  try {
    await cli.parseAsync();
  } catch (err) {
    report(err);
  }
}
