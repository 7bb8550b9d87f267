// A private single-node Slurm cluster for a test run (Debian's slurm-wlm and munge): its own munge
// key and socket and its own slurm.conf under a temporary folder, munged, slurmctld and slurmd started
// directly (no systemd) on free ports, stopped by PID afterwards, and the folder removed. Nothing
// under /etc is read for configuration or written. Clients reach it through SLURM_CONF.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export interface SlurmCluster {
  /** Environment for Slurm clients (sbatch, squeue, scontrol): SLURM_CONF. */
  env: Record<string, string>;
  dir: string;
  partition: string;
  cpus: number;
  /** Seconds from the first daemon start to the node being idle. */
  startSeconds: number;
  stop(): Promise<void>;
}

/** True when the daemons and clients are installed (`make setup` installs slurm-wlm and munge). */
export function slurmInstalled(): boolean {
  return ['/usr/sbin/munged', '/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/bin/sbatch'].every((p) => existsSync(p));
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => done(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    child.kill('SIGTERM');
  });
}

export async function startSlurmCluster(): Promise<SlurmCluster> {
  // munged wants every folder on the socket's path to be searchable by all, and a private key file.
  const dir = mkdtempSync(join(tmpdir(), 'dysta-slurm-'));
  chmodSync(dir, 0o755);
  const children: ChildProcess[] = [];
  const logs: string[] = [];
  // If the test process dies first, the daemons must not outlive it.
  const killAll = () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  };
  process.once('exit', killAll);
  const stop = async () => {
    for (const c of [...children].reverse()) await stopChild(c);
    process.off('exit', killAll);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const node = hostname().split('.')[0]!;
    const cpus = availableParallelism();
    const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
    const key = join(dir, 'munge.key');
    writeFileSync(key, randomBytes(1024), { mode: 0o600 });
    const socket = join(dir, 'munge.sock');
    for (const d of ['state', 'spool']) mkdirSync(join(dir, d));
    writeFileSync(join(dir, 'plugstack.conf'), '');
    const conf = join(dir, 'slurm.conf');
    writeFileSync(
      conf,
      [
        'ClusterName=dystatest',
        `SlurmctldHost=${node}(127.0.0.1)`,
        `SlurmctldPort=${ctldPort}`,
        `SlurmdPort=${slurmdPort}`,
        // The daemons run as whoever runs the tests (root in CI; a normal user works too).
        `SlurmUser=${userInfo().username}`,
        `SlurmdUser=${userInfo().username}`,
        'AuthType=auth/munge',
        `AuthInfo=socket=${socket}`,
        'CredType=cred/munge',
        `StateSaveLocation=${join(dir, 'state')}`,
        `SlurmdSpoolDir=${join(dir, 'spool')}`,
        `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
        `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
        `SlurmctldLogFile=${join(dir, 'slurmctld.log')}`,
        `SlurmdLogFile=${join(dir, 'slurmd.log')}`,
        `PlugStackConfig=${join(dir, 'plugstack.conf')}`,
        'ProctrackType=proctrack/linuxproc',
        'TaskPlugin=task/none',
        'SelectType=select/cons_tres',
        'SelectTypeParameters=CR_Core',
        'SchedulerParameters=batch_sched_delay=0',
        'JobAcctGatherType=jobacct_gather/none',
        'AccountingStorageType=accounting_storage/none',
        'MpiDefault=none',
        'ReturnToService=2',
        'MailProg=/bin/true',
        `NodeName=${node} NodeAddr=127.0.0.1 CPUs=${cpus} State=UNKNOWN`,
        'PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
        '',
      ].join('\n'),
    );
    const env = { ...process.env, SLURM_CONF: conf } as Record<string, string>;
    const start = (command: string, args: string[]) => {
      const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (d) => logs.push(`${command}: ${String(d)}`));
      child.stderr!.on('data', (d) => logs.push(`${command}: ${String(d)}`));
      children.push(child);
      return child;
    };
    const t0 = performance.now();
    start('/usr/sbin/munged', ['-F', `--key-file=${key}`, `--socket=${socket}`, `--pid-file=${join(dir, 'munged.pid')}`, `--seed-file=${join(dir, 'munged.seed')}`, `--log-file=${join(dir, 'munged.log')}`]);
    for (let i = 0; i < 100 && !existsSync(socket); i++) await sleep(20);
    start('/usr/sbin/slurmctld', ['-D', '-c', '-f', conf]);
    start('/usr/sbin/slurmd', ['-D', '-f', conf, '-N', node]);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = await execa('sinfo', ['-h', '-n', node, '-o', '%T'], { env, reject: false });
      if (r.exitCode === 0 && r.stdout.trim() === 'idle') break;
      const dead = children.find((c) => c.exitCode !== null);
      if (dead || Date.now() > deadline) {
        const slurmLogs = ['slurmctld.log', 'slurmd.log'].map((f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8').split('\n').slice(-15).join('\n') : '')).join('\n');
        throw new Error(`the private Slurm cluster did not come up (${dead ? `${dead.spawnfile} exited with ${dead.exitCode}` : 'node not idle after 60 s'}):\n${logs.join('')}\n${slurmLogs}`);
      }
      await sleep(50);
    }
    return { env: { SLURM_CONF: conf }, dir, partition: 'test', cpus, startSeconds: (performance.now() - t0) / 1000, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
