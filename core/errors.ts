/**
 * An error the user can fix (bad input, missing corpus, no model yet, asking too fast).
 * Entry points show its message alone, never a stack trace: a private reply in chat, exit 1 in the
 * CLI and the trainer, HTTP 400.
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

/**
 * Asking faster than a surface's limit allows: a UserError with the seconds until the next ask is
 * allowed, in the same words on every surface (the web adds HTTP 429 and Retry-After).
 */
export class RateLimitedError extends UserError {
  constructor(readonly retryAfterSeconds: number) {
    super(`You are asking too fast; try again in ${retryAfterSeconds} s.`);
  }
}

/** What every entry point answers when something that is not the user's fault went wrong. */
export const APOLOGY = "Sorry, the oracle stumbled. The error has been logged; please try again later.";

/** Exit codes of the CLI and the trainer: a user error, and a bug. */
export const EXIT_USER_ERROR = 1;
export const EXIT_BUG = 2;

/** The one classification of errors every entry point uses. */
export type DescribedError =
  | { kind: "user"; message: string; hint?: string; exitCode: typeof EXIT_USER_ERROR }
  /** `message` is for the log (with `stack`); users get APOLOGY. */
  | { kind: "bug"; message: string; stack?: string; exitCode: typeof EXIT_BUG };

/**
 * A UserError, or anything else named "UserError"/"ConfigError" (bad settings are the user's to fix
 * too; matched by name so this file depends on nothing), is a user error; the rest are bugs.
 */
export function describeError(error: unknown): DescribedError {
  if (isUserError(error)) return { kind: "user", message: error.message, hint: error.hint, exitCode: EXIT_USER_ERROR };
  const e = error as { name?: unknown; message?: unknown; stack?: unknown; hint?: unknown } | null;
  if (e && (e.name === "ConfigError" || e.name === "UserError") && typeof e.message === "string") {
    return {
      kind: "user",
      message: e.message,
      hint: typeof e.hint === "string" ? e.hint : undefined,
      exitCode: EXIT_USER_ERROR,
    };
  }
  if (error instanceof Error) return { kind: "bug", message: error.message, stack: error.stack, exitCode: EXIT_BUG };
  return { kind: "bug", message: String(error), exitCode: EXIT_BUG };
}

/** The text a user sees in chat or over HTTP: the message of a user error, the apology for a bug. */
export const userMessage = (d: DescribedError): string => (d.kind === "user" ? d.message : APOLOGY);
