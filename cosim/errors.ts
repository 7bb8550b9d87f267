// Errors the cosim driver raises. All of them are user-facing (`userError: true`): the CLI prints the
// message alone, so each message says what went wrong, where, and what to do about it.

/** Base class of every error the cosim driver raises on purpose. */
export class CosimError extends Error {
  readonly userError = true as const;
  /** CLI exit code: 2 (the design folder, a file or an option must be fixed) unless a subclass says otherwise. */
  readonly exitCode: number = 2;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The design folder is inconsistent: bad manifest, stale file hash, ports that disagree with the Verilog. */
export class DesignError extends CosimError {}

/** Verilator failed to elaborate or build; `logPath` holds the full output. */
export class BuildError extends CosimError {
  constructor(
    message: string,
    readonly logPath?: string,
  ) {
    super(message);
  }
}

/** How a simulator session failed. */
export type SimulatorFailure = 'err' | 'crash' | 'timeout' | 'closed' | 'protocol';

/**
 * A command failed (`err` reply), or the simulator crashed, hung or was already closed. The message
 * names the command, the command log and how to replay it without Node.
 */
export class SimulatorError extends CosimError {
  /** The simulated design failed or misbehaved: a failed verification run (exit code 1). */
  override readonly exitCode: number = 1;
  constructor(
    message: string,
    readonly kind: SimulatorFailure,
    readonly command: string | undefined,
    readonly logPath: string,
  ) {
    super(message);
  }
}
