// Every `dysta` command, in the order `dysta --help` lists them. Each part of the project exports its
// commands from its own module; adding a command is one line here.
import type { CommandModule } from 'yargs';
import { simCommand } from '../cosim/index.ts';
import { schedulerCommands } from '../sw-scheduler/commands.ts';
import { cosimCommand } from './cosim.ts';
import { demoCommand } from './demo.ts';
import { genRtlCommand } from './gen-rtl.ts';
import { mutateCommand } from './mutate.ts';
import { synthCommand } from './synth.ts';
import { systemCommand } from './system.ts';
import { profileCommand } from './profile.ts';
import { hwAgreementCommand } from '../compare/hw-agreement-command.ts';
import { dseCommand, dsePointCommand } from './dse.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [
  demoCommand,
  genRtlCommand,
  cosimCommand,
  mutateCommand,
  synthCommand,
  simCommand,
  ...schedulerCommands,
  hwAgreementCommand,
  systemCommand,
  profileCommand,
  dseCommand,
  dsePointCommand,
];
