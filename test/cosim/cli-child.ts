// Helper process for command.test.ts (not a test): the `cosim` yargs command on its own, as
// `dysta cosim` runs it once the CLI lists it.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { cosimCommand } from '../../cosim/command.ts';

await yargs(hideBin(process.argv)).command(cosimCommand).strict().parseAsync();
