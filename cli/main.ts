// The `dysta` command line. Each command lives in its own module next to the part it drives; this
// file only assembles them, so the parts stay independent of each other.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { commands } from './commands.ts';
import { UserError, isUserFacing } from './errors.ts';

const cli = yargs(hideBin(process.argv))
  .scriptName('dysta')
  .usage('$0 <command> [options]\n\nRTL generator, Verilator co-simulator and scheduler model for Sparse-DySta.')
  .strict()
  .demandCommand(1, 'Name a command; `dysta --help` lists them.')
  .recommendCommands()
  .help()
  .alias('h', 'help')
  .version()
  .wrap(Math.min(110, process.stdout.columns ?? 100))
  .fail((msg, err) => {
    if (err) throw err;
    process.stderr.write(`dysta: ${msg}\nRun \`dysta --help\` for usage.\n`);
    process.exit(2);
  });

for (const command of commands) cli.command(command);

// yargs turns a number option given a non-number into NaN; say so once, quoting what was typed,
// instead of letting NaN run on (or fail later under another name).
cli.middleware((argv) => {
  for (const [key, value] of Object.entries(argv)) {
    if (typeof value === 'number' && Number.isNaN(value) && key.length > 1 && !key.includes('-')) {
      const flag = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      const at = process.argv.findIndex((a) => a === `--${flag}` || a.startsWith(`--${flag}=`));
      const raw = at < 0 ? '' : process.argv[at]!.includes('=') ? process.argv[at]!.split('=').slice(1).join('=') : (process.argv[at + 1] ?? '');
      throw new UserError(`--${flag} expects a number${at < 0 ? '' : `, got ${JSON.stringify(raw)}`}`, 2);
    }
  }
}, true);

// Output piped into `head` and closed early is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

try {
  await cli.parseAsync();
} catch (err) {
  if (isUserFacing(err)) {
    process.stderr.write(`dysta: ${err.message}\n`);
    process.exit(err.exitCode ?? 1);
  }
  throw err;
}
