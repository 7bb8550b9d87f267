// `dysta sim`: build (or reuse) the simulator for a design folder and drive it with protocol
// commands from a script file or from the terminal, printing one reply per command. It is the
// protocol at a prompt: for poking at a design by hand, and for re-running a saved session log.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Argv, CommandModule } from 'yargs';
import { buildSimulator } from './build.ts';
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
  command: 'sim',
  describe: 'Build the Verilator simulator for a design folder and run protocol commands (tick, poke, peek, wave, ...)',
  builder: (y: Argv) =>
    y
      .option('rtl', { type: 'string', default: 'rtl-out', describe: 'Design folder with files.f and manifest.json' })
      .option('top', { type: 'string', describe: "Top module (default: the manifest's only top)" })
      .option('extra', { type: 'string', array: true, default: [] as string[], describe: 'C++ files adding transaction commands' })
      .option('trace', { choices: ['fst', 'vcd', 'none'] as const, default: 'fst' as const, describe: 'Waveform format compiled in' })
      .option('script', { type: 'string', describe: 'Read commands from this file (e.g. a session .cmds log) instead of stdin' })
      .option('timeout', { type: 'number', default: 60_000, describe: 'Milliseconds one command may run' })
      .example('$0 sim --rtl rtl-out', 'interactive: type `reset 2`, `poke start 1`, `tick 100`, `peek done`, `quit`')
      .example('$0 sim --script session.cmds', 'replay a saved session through Node') as unknown as Argv<CosimArgs>,
  handler: async (args) => {
    const sim = await buildSimulator({
      rtlDir: args.rtl,
      top: args.top,
      extraSources: args.extra,
      trace: args.trace,
      log: (l) => process.stderr.write(`${l}\n`),
    });
    const session = await sim.start({ timeoutMs: args.timeout });
    process.stderr.write(`cosim: session log ${session.logPath} (replay: ${session.replayCommand})\n`);
    const interactive = !args.script && process.stdin.isTTY;
    const input = args.script ? createReadStream(args.script, 'utf8') : process.stdin;
    const rl = createInterface({ input, crlfDelay: Infinity, prompt: 'cosim> ' });
    let errors = 0;
    try {
      if (interactive) rl.prompt();
      for await (const raw of rl) {
        const line = raw.trim();
        if (line === '' || line.startsWith('#')) {
          if (interactive) rl.prompt();
          continue;
        }
        if (line === 'quit') break;
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
