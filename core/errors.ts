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
 * The oracle cannot answer now for a reason neither the user nor the request can fix: its database
 * is read-only or gone, the current model cannot be loaded. HTTP 503 with the reason (users are told
 * plainly, operators get a log line), exit 1 in the CLI.
 */
export class UnavailableError extends Error {
  override readonly name = "UnavailableError";
  constructor(
    message: string,
    /** Short hint for whoever runs the oracle (the CLI prints it; chat surfaces do not). */
    readonly hint?: string,
  ) {
    super(message);
  }
}

export const BUSY_MESSAGE = "The oracle is answering many questions at once; ask again in a few seconds.";

/** More requests in flight than the oracle takes: shed at once with the surface's "busy" answer. */
export class BusyError extends Error {
  override readonly name = "BusyError";
  constructor() {
    super(BUSY_MESSAGE);
  }
}

/** What users are told while no model can be loaded (the operator's problem, logged with the reason). */
export const RESTING = "The oracle is resting and cannot prophesy right now; try again later.";

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
const EXIT_USER_ERROR = 1;
export const EXIT_BUG = 2;

/** The one classification of errors every entry point uses. */
export type DescribedError =
  | { kind: "user"; message: string; hint?: string; exitCode: typeof EXIT_USER_ERROR }
  /** Not now: the database cannot be written or reached, no model loads, or too busy (`busy`). No stack. */
  | { kind: "unavailable"; message: string; hint?: string; busy: boolean; exitCode: typeof EXIT_USER_ERROR }
  /** `message` is for the log (with `stack`); users get APOLOGY. */
  | { kind: "bug"; message: string; stack?: string; exitCode: typeof EXIT_BUG };

/**
 * A UserError, or anything else named "UserError"/"ConfigError" (bad settings are the user's to fix
 * too; matched by name so this file depends on nothing), is a user error; the rest are bugs.
 */
export function describeError(error: unknown): DescribedError {
  if (isUserError(error)) return { kind: "user", message: error.message, hint: error.hint, exitCode: EXIT_USER_ERROR };
  if (error instanceof UnavailableError || error instanceof BusyError)
    return {
      kind: "unavailable",
      message: error.message,
      hint: error instanceof UnavailableError ? error.hint : undefined,
      busy: error instanceof BusyError,
      exitCode: EXIT_USER_ERROR,
    };
  const database = databaseProblem(error);
  if (database) return { kind: "unavailable", message: database, busy: false, exitCode: EXIT_USER_ERROR };
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
export const userMessage = (d: DescribedError): string => (d.kind === "bug" ? APOLOGY : d.message);

// What the SQLite and PostgreSQL drivers (through Prisma) say when the database itself is the
// problem, and what the oracle says instead: in one short line, never Prisma's pages of source.
const DATABASE_PROBLEMS: [RegExp, string][] = [
  [/SQLITE_READONLY|readonly database|read-only transaction|\b25006\b|EROFS/i, "The database is read-only"],
  [/SQLITE_FULL|database or disk is full|ENOSPC|\b53100\b/i, "The database's disk is full"],
  [/SQLITE_NOTADB|file is not a database/i, "The database file is not a SQLite database"],
  [/SQLITE_CORRUPT|disk image is malformed/i, "The database file is corrupt"],
  [/SQLITE_CANTOPEN|unable to open database file|SQLITE_IOERR|disk I\/O error/i, "The database file cannot be opened"],
  [/no such table/i, "The database has lost its tables (was the file replaced?)"],
  [/database "[^"]*" does not exist|\b3D000\b/i, "The database does not exist"],
  [
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|Connection terminated|terminating connection|\b57P0[123]\b|\bP10(01|02|17)\b|Can't reach database|Server has closed the connection|Timed out fetching a new connection|\bP2024\b/i,
    "The database is unreachable",
  ],
];

/** The text of an error worth matching: its name, code, message, and its driver cause's. */
function errorText(error: unknown, depth = 0): string {
  if (!error || typeof error !== "object" || depth > 3) return typeof error === "string" ? error : "";
  const e = error as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown; meta?: unknown };
  const meta = e.meta ? JSON.stringify(e.meta).slice(0, 2_000) : "";
  // Prisma's messages quote the calling source; the last lines carry the driver's words.
  const message = typeof e.message === "string" ? e.message.split("\n").slice(-6).join(" ") : "";
  const text = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : "");
  return `${text(e.name)} ${text(e.code)} ${message} ${meta} ${errorText(e.cause, depth + 1)}`;
}

/** When `error` says the database cannot be written or reached: one short line saying so; else null. */
export function databaseProblem(error: unknown): string | null {
  const text = errorText(error);
  for (const [pattern, what] of DATABASE_PROBLEMS)
    if (pattern.test(text)) return `${what}; the oracle cannot answer until it is fixed.`;
  return null;
}

/** An error in one line of at most `max` characters, for logs (the full error goes to debug). */
export function shortError(error: unknown, max = 300): string {
  const problem = databaseProblem(error);
  if (problem) return problem;
  const first = (error instanceof Error ? error.message : String(error)).split("\n").find((l) => l.trim()) ?? "";
  return first.length > max ? `${first.slice(0, max)}…` : first;
}
