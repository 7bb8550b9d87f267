// Errors the user can fix (bad parameter, missing tool, malformed file, unwritable output) carry
// `userError: true`. Each part defines its own error class with that flag (hwgen, cosim and
// sw-scheduler never import the CLI); the CLI prints such an error's message alone, without a stack
// trace, and exits with its `exitCode`:
//
//   0  success
//   1  a verification or check failed (RTL vs golden model, lint warnings, a simulator that crashed)
//   2  the command could not run as asked: a usage or input error (bad option or file, unwritable
//      output, a missing tool) — the default for every user-facing error
//   70 an internal error (a bug in dysta; DYSTA_DEBUG=1 prints its stack trace)
export const EXIT = { ok: 0, checkFailed: 1, usage: 2, internal: 70 } as const;

export interface UserFacing {
  userError: true;
  exitCode?: number;
}

export function isUserFacing(err: unknown): err is Error & UserFacing {
  return err instanceof Error && (err as Partial<UserFacing>).userError === true;
}

/** A usage or input error of a command (exit code 2). */
export class UserError extends Error implements UserFacing {
  readonly userError = true as const;
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** A verification or check that ran and failed (exit code 1): the RTL disagreed, lint warned. */
export class CheckFailed extends UserError {
  constructor(message: string) {
    super(message, EXIT.checkFailed);
    this.name = 'CheckFailed';
  }
}
