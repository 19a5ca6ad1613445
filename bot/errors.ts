import { describeError, RateLimitedError, userMessage } from "../core/errors.ts";
import { ShuttingDownError } from "./tracker.ts";

/** What a user is told about an error, and the HTTP status that carries it. */
export interface PublicError {
  /** user: a mistake the user can fix; unavailable: shutting down; bug: logged, answered with the apology. */
  kind: "user" | "unavailable" | "bug";
  status: number;
  message: string;
  hint?: string;
  /** Asking too fast: when to ask again (HTTP 429 with Retry-After). */
  retryAfterSeconds?: number;
}

/**
 * The one classification (describeError, core/errors.ts) turned into a reply: a UserError's own
 * message (400; 429 when asking too fast), a shutdown notice (503), anything else the generic APOLOGY (500), never a stack
 * or internal text.
 */
export function publicError(error: unknown): PublicError {
  if (error instanceof ShuttingDownError) return { kind: "unavailable", status: 503, message: error.message };
  if (error instanceof RateLimitedError)
    return { kind: "user", status: 429, message: error.message, retryAfterSeconds: error.retryAfterSeconds };
  const described = describeError(error);
  if (described.kind === "user")
    return {
      kind: "user",
      status: 400,
      message: described.message,
      ...(described.hint ? { hint: described.hint } : {}),
    };
  return { kind: "bug", status: 500, message: userMessage(described) };
}
