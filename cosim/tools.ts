// Start-up checks for the external hardware tools. A missing or too old tool gives one line that
// says what to install, instead of a confusing failure deep inside a build.
import { execa } from 'execa';

export class ToolError extends Error {
  readonly userError = true as const;
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
  /** Extracts "major.minor[.patch]" from the version output. */
  pattern: RegExp;
  /** Oldest version known to work. */
  minimum: string;
  /** Debian package that provides it. */
  aptPackage: string;
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

async function probe(name: ToolName): Promise<ToolInfo> {
  const spec: ToolSpec = TOOLS[name];
  const fix = `install it with \`make setup\` (or \`apt-get install ${spec.aptPackage}\`)`;
  let output: string;
  try {
    const r = await execa(spec.command, spec.versionArgs, { reject: false, timeout: 30_000 });
    if (r.failed && r.exitCode === undefined) throw r;
    output = `${r.stdout}\n${r.stderr}`;
  } catch {
    throw new ToolError(`${spec.command} ${spec.minimum} or newer is required but was not found on PATH: ${fix}.`);
  }
  const m = spec.pattern.exec(output);
  if (!m) throw new ToolError(`could not read the version of ${spec.command} from "${output.trim().split('\n')[0]}": ${fix}.`);
  const version = m[1]!;
  if (compareVersions(version, spec.minimum) < 0) {
    throw new ToolError(`${spec.command} ${version} is too old; ${spec.minimum} or newer is required: ${fix}.`);
  }
  return { name, version, banner: output.trim().split('\n')[0]! };
}
