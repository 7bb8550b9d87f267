// Start-up checks for the external hardware tools. A missing or too old tool gives one line that
// says what to install, instead of a confusing failure deep inside a build.
import { execFile } from 'node:child_process';

export class ToolError extends Error {
  readonly userError = true as const;
  /** A missing tool is fixed by installing it: a usage error (2), not a failed check. */
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
  }
}

export interface ToolSpec {
  /** Executable name on PATH. */
  command: string;
  /** Arguments that print the version. */
  versionArgs: string[];
  /** Extracts "major.minor[.patch]" from the version output (no group: the tool has no version). */
  pattern: RegExp;
  /** Oldest version known to work; undefined for a tool that prints no version. */
  minimum?: string;
  /** Debian package that provides it. */
  aptPackage: string;
  /** What it is needed for, in the message when it is missing. */
  neededFor?: string;
}

export const TOOLS = {
  verilator: {
    command: 'verilator',
    versionArgs: ['--version'],
    pattern: /Verilator\s+(\d+\.\d+)/,
    minimum: '5.006',
    aptPackage: 'verilator',
  },
  yosys: {
    command: 'yosys',
    versionArgs: ['-V'],
    pattern: /Yosys\s+(\d+\.\d+)/,
    minimum: '0.23',
    aptPackage: 'yosys',
  },
  'nextpnr-ice40': {
    command: 'nextpnr-ice40',
    versionArgs: ['--version'],
    pattern: /Version\s+(\d+\.\d+)/,
    minimum: '0.4',
    aptPackage: 'nextpnr-ice40',
  },
  iverilog: {
    command: 'iverilog',
    versionArgs: ['-V'],
    pattern: /Icarus Verilog version\s+(\d+\.\d+)/,
    minimum: '11.0',
    aptPackage: 'iverilog',
  },
  make: {
    command: 'make',
    versionArgs: ['--version'],
    pattern: /GNU Make\s+(\d+\.\d+)/,
    minimum: '3.81',
    aptPackage: 'make',
    neededFor: 'Verilator builds the simulator with it',
  },
  'g++': {
    command: 'g++',
    versionArgs: ['--version'],
    pattern: /\)\s+(\d+\.\d+)/,
    minimum: '7.0',
    aptPackage: 'g++',
    neededFor: 'Verilator compiles the simulator with it',
  },
  fst2vcd: {
    command: 'fst2vcd',
    versionArgs: ['-h'],
    pattern: /fst2vcd/,
    aptPackage: 'gtkwave',
    neededFor: 'it reads the signal names of an FST waveform for the .gtkw save file; or record a .vcd instead',
  },
  verilator_coverage: {
    command: 'verilator_coverage',
    versionArgs: ['--version'],
    pattern: /Verilator\s+(\d+\.\d+)/,
    minimum: '5.006',
    aptPackage: 'verilator',
    neededFor: 'it merges the coverage counters (dysta cosim --coverage)',
  },
  genhtml: {
    command: 'genhtml',
    versionArgs: ['--version'],
    pattern: /LCOV version\s+(\d+\.\d+)/,
    minimum: '1.14',
    aptPackage: 'lcov',
    neededFor: 'it writes the HTML coverage report (dysta cosim --coverage)',
  },
} satisfies Record<string, ToolSpec>;

export type ToolName = keyof typeof TOOLS;

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const checked = new Map<ToolName, Promise<ToolInfo>>();

export interface ToolInfo {
  name: ToolName;
  version: string;
  /** The full first line of the version output (part of build-cache keys). */
  banner: string;
}

/** Resolves the tool's version, or throws a ToolError saying what to install. Memoised per process. */
export function requireTool(name: ToolName): Promise<ToolInfo> {
  let p = checked.get(name);
  if (!p) {
    p = probe(name);
    checked.set(name, p);
  }
  return p;
}

/** stdout and stderr of `command args` (whatever its exit code); started is false when it could not be run. */
function versionOutput(command: string, args: readonly string[]): Promise<{ started: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 30_000 }, (err, stdout, stderr) => {
      // A string code (ENOENT, EACCES) means no process ran; a number is the exit code of one that did.
      const started = !(err && typeof (err as NodeJS.ErrnoException).code === 'string');
      resolve({ started, output: `${stdout}\n${stderr}` });
    });
  });
}

async function probe(name: ToolName): Promise<ToolInfo> {
  const spec: ToolSpec = TOOLS[name];
  const fix = `install it with \`make setup\` (or \`apt-get install ${spec.aptPackage}\`)`;
  const why = spec.neededFor ? ` (${spec.neededFor})` : '';
  const wanted = spec.minimum ? `${spec.command} ${spec.minimum} or newer` : spec.command;
  const { started, output } = await versionOutput(spec.command, spec.versionArgs);
  if (!started) throw new ToolError(`${wanted} is required${why} but was not found on PATH: ${fix}.`);
  const m = spec.pattern.exec(output);
  if (!m) throw new ToolError(`could not read the version of ${spec.command} from "${output.trim().split('\n')[0]}": ${fix}.`);
  if (!spec.minimum) return { name, version: '', banner: output.trim().split('\n')[0]! };
  const version = m[1]!;
  if (compareVersions(version, spec.minimum) < 0) {
    throw new ToolError(`${spec.command} ${version} is too old; ${spec.minimum} or newer is required: ${fix}.`);
  }
  return { name, version, banner: output.trim().split('\n')[0]! };
}
