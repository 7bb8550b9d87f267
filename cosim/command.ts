// `dysta sim`: build (or reuse) the simulator for a design folder and drive it with protocol
// commands from a script file or from the terminal, printing one reply per command. It is the
// protocol at a prompt: for poking at a design by hand, and for re-running a saved session log.
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Argv, CommandModule } from 'yargs';
import { excerpt } from '../output/index.ts';
import { buildSimulator } from './build.ts';
import { CosimError } from './errors.ts';
import type { TraceFlavour } from './harness.ts';

interface CosimArgs {
  rtl: string;
  top?: string;
  extra: string[];
  trace: TraceFlavour;
  script?: string;
  timeout: number;
}

export const simCommand: CommandModule<object, CosimArgs> = {
  builder: (y: Argv) =>
    y
      .option('rtl', { type: 'string', default: 'rtl-out', describe: 'Design folder with files.f and manifest.json' })
      .option('top', { type: 'string', describe: "Top module (default: the manifest's only top)" })
      .option('extra', { type: 'string', array: true, default: [] as string[], describe: 'C++ files adding transaction commands' })
      .option('trace', { choices: ['fst', 'vcd', 'none'] as const, default: 'fst' as const, describe: 'Waveform format compiled in' })
      .option('script', { type: 'string', describe: 'Read commands from this file (e.g. a session .cmds log) instead of stdin' })
      .option('timeout', { type: 'number', default: 60_000, describe: 'Milliseconds one command may run' })
      .example('$0 sim --rtl rtl-out', 'interactive: type `reset 2`, `poke start 1`, `tick 100`, `peek done`, `quit`')
      .example('$0 sim --script session.cmds', 'replay a saved session through Node')
      .epilog(
        'Folders: reads the design in --rtl (default rtl-out/), never writes there; writes the session log to .cache/cosim-sessions/ ' +
          '(the last few per design are kept), the simulator to .cache/verilator/, and a waveform only where `wave on FILE` says.',
      ) as unknown as Argv<CosimArgs>,
  handler: async (args) => {
    if (!(Number.isFinite(args.timeout) && args.timeout > 0)) throw new CosimError(`--timeout ${args.timeout} must be a positive number of milliseconds`);
    // A file, a FIFO or a device (/dev/stdin, <(...)) is read; `-` is standard input.
    const script = args.script === '-' || args.script === '/dev/stdin' ? undefined : args.script;
    const scriptStat = script !== undefined ? statSync(script, { throwIfNoEntry: false }) : undefined;
    if (script !== undefined && (!scriptStat || scriptStat.isDirectory())) {
      throw new CosimError(`--script ${excerpt(script)}: ${scriptStat ? 'is a folder' : 'no such file'}; name a file of protocol commands (a session .cmds log works), or - for standard input`);
    }
    const sim = await buildSimulator({
      rtlDir: args.rtl,
      top: args.top,
      extraSources: args.extra,
      trace: args.trace,
      log: (l) => process.stderr.write(`${l}\n`),
    });
    const session = await sim.start({ timeoutMs: args.timeout });
    process.stderr.write(`cosim: session log ${session.logPath} (replay: ${session.replayCommand})\n`);
    const interactive = script === undefined && process.stdin.isTTY === true;
    const input = script !== undefined ? createReadStream(script, 'utf8') : process.stdin;
    // readline prints the prompt only when it has an output stream.
    const rl = createInterface({ input, output: interactive ? process.stdout : undefined, terminal: interactive, crlfDelay: Infinity, prompt: 'cosim> ' });
    let errors = 0;
    let quitReply: string | undefined;
    try {
      if (interactive) {
        process.stdout.write(`top ${sim.design.top.name}: type protocol commands, one per line (\`help\` lists them; \`reset 2\`, \`tick 10\`, \`peek PORT\`); \`quit\` or Ctrl-D ends.\n`);
        rl.prompt();
      }
      for await (const raw of rl) {
        const line = raw.trim();
        if (line === '' || line.startsWith('#')) {
          if (interactive) rl.prompt();
          continue;
        }
        if (line === 'quit') {
          quitReply = await session.quit();
          process.stdout.write(`${quitReply}\n`);
          break;
        }
        const reply = await session.sendRaw(line);
        if (reply.startsWith('err')) errors++;
        process.stdout.write(`${reply}\n`);
        if (interactive) rl.prompt();
      }
    } finally {
      rl.close();
      await session.close();
    }
    if (errors > 0 && !interactive) process.exitCode = 1;
  },
};
