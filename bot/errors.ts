import { isUserError } from "../core/errors.ts";
import { ShuttingDownError } from "./tracker.ts";

/** What every surface says when a bug (not the user) broke a command; the details go to the log. */
export const GENERIC_ERROR_MESSAGE = "The oracle stumbled over something on its side. It has been noted; please try again.";

/** What a user is told about an error, and the HTTP status that carries it. */
export interface PublicError {
  /** user: a mistake the user can fix; unavailable: shutting down; bug: logged, answered generically. */
  kind: "user" | "unavailable" | "bug";
  status: number;
  message: string;
  hint?: string;
}

/**
 * The one classification (core/errors.ts) turned into a reply: a UserError's own message (400), a
 * shutdown notice (503), anything else the generic apology (500) — never a stack or internal text.
 */
export function publicError(error: unknown): PublicError {
  if (isUserError(error)) return { kind: "user", status: 400, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  if (error instanceof ShuttingDownError) return { kind: "unavailable", status: 503, message: error.message };
  return { kind: "bug", status: 500, message: GENERIC_ERROR_MESSAGE };
}
