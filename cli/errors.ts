// Errors the user can fix (bad parameter, missing tool, malformed file) carry `userError: true`.
// Each part defines its own error class with that flag (hwgen, cosim and sw-scheduler never import
// the CLI); the CLI prints such an error's message alone, without a stack trace, and exits non-zero.
export interface UserFacing {
  userError: true;
  exitCode?: number;
}

export function isUserFacing(err: unknown): err is Error & UserFacing {
  return err instanceof Error && (err as Partial<UserFacing>).userError === true;
}

export class UserError extends Error implements UserFacing {
  readonly userError = true as const;
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
