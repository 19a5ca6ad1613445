/**
 * An error the user can fix (bad input, missing corpus, no model yet).
 * Entry points print its message alone, never a stack trace, and exit non-zero.
 */
export class UserError extends Error {
  override readonly name = "UserError";
  constructor(
    message: string,
    /** Short hint on how to fix it, printed on its own line. */
    readonly hint?: string,
  ) {
    super(message);
  }
}

export const isUserError = (e: unknown): e is UserError => e instanceof UserError;
