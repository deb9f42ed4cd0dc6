// A mistake by the user (bad option, unknown id, missing file): the CLI prints
// its message as one line and exits non-zero, without a stack trace.
export class UserError extends Error {
  override name = 'UserError';
}
