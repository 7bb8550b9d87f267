// `dysta dse` (design-space exploration over hardware configurations, on local cores or as a Slurm
// job array) and `dysta dse-point` (one point; what each worker or Slurm task runs). The builders
// only declare options; the handlers import dse/ when they run, so other commands start fast.
import type { CommandModule } from 'yargs';
import { UserError } from './errors.ts';

interface DseArgs {
  spec: string;
  executor: 'local' | 'slurm';
  out?: string;
  resume: boolean;
  jobs?: number;
  partition?: string;
  time?: string;
  cpus: number;
  'sbatch-arg': string[];
  poll: number;
  list: boolean;
}

function positiveInteger(flag: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isSafeInteger(v) && v >= 1)) throw new UserError(`--${flag} ${v} must be a positive integer`, 2);
}

export const dseCommand: CommandModule<object, DseArgs> = {
  builder: (y) =>
    y
      .option('spec', { type: 'string', demandOption: true, describe: 'DSE spec (JSON; schema in dse/README.md, examples in examples/dse/)' })
      .option('executor', { choices: ['local', 'slurm'] as const, default: 'local' as const, describe: 'local worker processes, or one Slurm job array' })
      .option('out', { alias: 'o', type: 'string', describe: 'output folder (default reports/dse-<spec name>)' })
      .option('resume', { type: 'boolean', default: false, describe: 'skip points whose result in --out is ok under the same hash' })
      .option('jobs', { alias: 'j', type: 'number', describe: 'points at once: local workers (default: cores); slurm: the array\'s %N cap (default: none)' })
      .option('partition', { type: 'string', group: 'Slurm:', describe: 'sbatch --partition' })
      .option('time', { type: 'string', group: 'Slurm:', describe: 'time limit per task (sbatch --time, e.g. 30 or 1:00:00)' })
      .option('cpus', { type: 'number', default: 2, group: 'Slurm:', describe: 'CPUs per task (sbatch --cpus-per-task)' })
      .option('sbatch-arg', { type: 'string', array: true, default: [], group: 'Slurm:', describe: 'extra sbatch argument, passed as is (repeatable), e.g. --sbatch-arg=--account=hw' })
      .option('poll', { type: 'number', default: 10, group: 'Slurm:', describe: 'seconds between squeue polls' })
      .option('list', { type: 'boolean', default: false, describe: 'print the points and their ids, run nothing' })
      .example('$0 dse --spec examples/dse/default.json', 'measure on this machine\'s cores; report in reports/dse-default/')
      .example('$0 dse --spec big.json --executor slurm --partition fpga --time 2:00:00 -j 20', 'one Slurm job array, at most 20 tasks at once')
      .example('$0 dse --spec big.json --resume', 'run only the points without a result') as never,
  handler: async (args) => {
    positiveInteger('jobs', args.jobs);
    positiveInteger('cpus', args.cpus);
    if (!(args.poll > 0 && Number.isFinite(args.poll))) throw new UserError(`--poll ${args.poll} must be a positive number of seconds`, 2);
    const { runDse } = await import('../dse/index.ts');
    const outcome = await runDse({
      specPath: args.spec,
      ...(args.out !== undefined ? { out: args.out } : {}),
      executor: args.executor,
      resume: args.resume,
      ...(args.jobs !== undefined ? { jobs: args.jobs } : {}),
      slurm: {
        ...(args.partition !== undefined ? { partition: args.partition } : {}),
        ...(args.time !== undefined ? { time: args.time } : {}),
        cpus: args.cpus,
        sbatchArgs: args['sbatch-arg'].map(String),
        pollSeconds: args.poll,
      },
      list: args.list,
      log: (line) => process.stderr.write(line + '\n'),
      print: (text) => process.stdout.write(text),
    });
    process.exitCode = outcome.exitCode;
  },
};

interface PointArgs {
  plan: string;
  index?: number;
  executor: string;
}

export const dsePointCommand: CommandModule<object, PointArgs> = {
  builder: (y) =>
    y
      .option('plan', { type: 'string', demandOption: true, describe: 'plan.json in a `dysta dse` output folder' })
      .option('index', { type: 'number', describe: 'point index in the plan (default: $SLURM_ARRAY_TASK_ID)' })
      .option('executor', { type: 'string', default: 'manual', describe: 'recorded in the result' })
      .example('$0 dse-point --plan reports/dse-default/plan.json --index 3', 'run point 3 by hand') as never,
  handler: async (args) => {
    let index = args.index;
    if (index === undefined) {
      const task = process.env.SLURM_ARRAY_TASK_ID;
      if (task === undefined || !/^\d+$/.test(task)) throw new UserError('name the point with --index N (or run as a Slurm array task, which sets SLURM_ARRAY_TASK_ID)', 2);
      index = Number(task);
    }
    if (!(Number.isSafeInteger(index) && index >= 0)) throw new UserError(`--index ${index} must be a non-negative integer`, 2);
    const { runPoint, readPlan } = await import('../dse/index.ts');
    const plan = readPlan(args.plan);
    if (index >= plan.points.length) throw new UserError(`--index ${index}: the plan has ${plan.points.length} point(s) (0..${plan.points.length - 1})`, 2);
    const r = await runPoint(args.plan, index, { executor: args.executor, print: (line) => process.stdout.write(line + '\n') });
    process.exitCode = r.status === 'ok' ? 0 : 1;
  },
};
