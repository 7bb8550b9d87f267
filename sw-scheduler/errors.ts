// Errors a user can fix (malformed CSV, unknown variant, bad option). The CLI recognises the
// `userError` flag and prints the message alone, so every message must say what is wrong, where,
// and how to fix it.
export class SchedulerInputError extends Error {
  readonly userError = true as const;
  /** A usage or input error: CLI exit code 2. */
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'SchedulerInputError';
  }
}
