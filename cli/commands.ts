// Every `dysta` command, in the order `dysta --help` lists them: its name, its one-line description,
// and where its module is. A command's module (options and handler) is imported only when yargs needs
// it: to parse that command's options or print its --help, and to run it. So `dysta --version`,
// `dysta --help` and every command load nothing of the other commands (hwgen, cosim, fpga, vega),
// and each handler imports its own heavy modules when it runs. Adding a command is one entry here.
import type { Argv, CommandModule } from 'yargs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = CommandModule<any, any>;

interface CommandEntry {
  command: string;
  describe: string;
  load: () => Promise<AnyCommand>;
}

const ENTRIES: CommandEntry[] = [
  {
    command: 'demo',
    describe: 'Run a sparse 3x3 conv layer on the PE array RTL in Verilator (generating the RTL if needed)',
    load: async () => (await import('./demo.ts')).demoCommand,
  },
  {
    command: 'gen-rtl',
    describe: 'Generate the Verilog (+ manifest.json, files.f) for the configured hardware',
    load: async () => (await import('./gen-rtl.ts')).genRtlCommand,
  },
  {
    command: 'cosim',
    describe: 'Verify the generated hardware against its golden models in Verilator (suites npu, scheduler, trace, system)',
    load: async () => (await import('./cosim.ts')).cosimCommand,
  },
  {
    command: 'mutate',
    describe: 'Mutation coverage: plant Yosys mutations in a generated top and count how many the regression kills',
    load: async () => (await import('./mutate.ts')).mutateCommand,
  },
  {
    command: 'synth',
    describe: 'Synthesise generated tops for an FPGA target: resources, fit, worst path; iCE40: place and route, Fmax, bitstream',
    load: async () => (await import('./synth.ts')).synthCommand,
  },
  {
    command: 'sim',
    describe: 'Build the Verilator simulator for a design folder and run protocol commands (tick, poke, peek, wave, ...)',
    load: async () => (await import('../cosim/command.ts')).simCommand,
  },
  {
    command: 'workloads',
    describe: 'List the built-in model zoo, or describe one workload (zoo or CSV folder)',
    load: async () => (await import('../sw-scheduler/workloads-command.ts')).workloadsCommand,
  },
  {
    command: 'simulate',
    describe: 'Run scheduling policies on one request trace (given or generated) and report SLO violations, ANTT and STP',
    load: async () => (await import('../sw-scheduler/simulate-command.ts')).simulateCommand,
  },
  {
    command: 'sweep',
    describe: 'Sweep arrival rates x SLO multipliers x seeds x policies in parallel and write a report folder with plots',
    load: async () => (await import('../sw-scheduler/sweep-command.ts')).sweepCommand,
  },
  {
    command: 'predictors',
    describe: 'Held-out RMSE of every remaining-latency predictor (none, arch, gamma, last, last-n, regression) on a workload, with a plot',
    load: async () => (await import('../sw-scheduler/predictors-command.ts')).predictorsCommand,
  },
  {
    command: 'study',
    describe: 'Compare all 13 policies on fresh seeds per setting, with paired 95% intervals vs dysta and vs the best published policy; writes a report folder',
    load: async () => (await import('../sw-scheduler/study-command.ts')).studyCommand,
  },
  {
    command: 'hw-agreement',
    describe: 'Compare the fixed-point scheduler (= the RTL) with the float dysta policy on a zoo trace',
    load: async () => (await import('../compare/hw-agreement-command.ts')).hwAgreementCommand,
  },
  {
    command: 'system',
    describe: 'Run requests (real MNIST digits on the trained int8 CNNs) through the integrated scheduler + PE array RTL, checked against the golden model',
    load: async () => (await import('./system.ts')).systemCommand,
  },
  {
    command: 'profile',
    describe: 'Profile the trained MNIST CNNs on real test digits (golden model, --rtl: PE array RTL) into artifact-format CSVs',
    load: async () => (await import('./profile.ts')).profileCommand,
  },
  {
    command: 'dse',
    describe: 'Design-space exploration: measure hardware configurations (RTL traces, synthesis), locally or on Slurm',
    load: async () => (await import('./dse.ts')).dseCommand,
  },
  {
    command: 'dse-point',
    describe: 'Measure one point of a DSE plan (what each `dysta dse` worker or Slurm task runs)',
    load: async () => (await import('./dse.ts')).dsePointCommand,
  },
];

/** A yargs command whose builder and handler import the command's module on first use. */
function lazy({ command, describe, load }: CommandEntry): AnyCommand {
  return {
    command,
    describe,
    builder: async (y: Argv) => {
      const { builder } = await load();
      if (typeof builder === 'function') return builder(y);
      return builder ? y.options(builder) : y;
    },
    handler: async (argv) => (await load()).handler(argv),
  };
}

export const commands: AnyCommand[] = ENTRIES.map(lazy);

/** The module of the command named `name` (its options and handler), loaded; undefined if there is no such command. */
export async function loadCommand(name: string | undefined): Promise<AnyCommand | undefined> {
  return ENTRIES.find((e) => e.command === name)?.load();
}
