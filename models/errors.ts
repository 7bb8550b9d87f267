// A problem the user can fix (missing package, unknown model, corrupted weights file, bad option):
// the CLI prints the message alone, without a stack trace.
export class ModelError extends Error {
  readonly userError = true as const;
  constructor(message: string) {
    super(message);
    this.name = 'ModelError';
  }
}
